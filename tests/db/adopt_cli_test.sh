#!/usr/bin/env bash
# emop db status / db migrate on a deployed Flows database (deployed_flows_fixture.sql),
# then every tool against it:
#   status says what it found and what adoption would add; --dry-run changes nothing;
#   an injected failure in a step, and a kill -9 during one, leave the database as the
#   last completed step left it and a re-run carries on; adopted, every pre-existing
#   row, column type, trigger, function, view, policy and grant is as it was; a re-run
#   does nothing; new tables carry the deployed roles' grants; the daily rollup is
#   exact for the data there and kept by triggers; emop list (get_meters_for_cli),
#   info, sync (hourly, daily, 12hourly: the deployed triggers fan out, real reads),
#   sync intervals, flows-bill run of October 2026, what the readers may do, db
#   rebuild-rollup, push tokens/tariffs/clock; --with-esco-isolation and what it
#   changes; status as a reader that may not read the sqitch registry. Also: a
#   restored dump (no sqitch registry) with TimescaleDB's catalogue view imitated
#   (the per-row rollup trigger), 426 registers (3 backfill batches), adopted by two
#   emop db migrate at once; and the refusal of an unknown shape.
#
#   adopt_cli_test.sh EMOP EMLITE_SIM FLOWS_BILL   (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM FLOWS_BILL}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM FLOWS_BILL}
BILL_SRC=${3:?usage: $0 EMOP EMLITE_SIM FLOWS_BILL}
FIXTURE="$(dirname "${BASH_SOURCE[0]}")/deployed_flows_fixture.sql"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" --integration "$EMOP_BIN" "$SIM_BIN"
cp "$BILL_SRC" "$WORK/bin/flows-bill" || { echo "FATAL: cannot copy $BILL_SRC"; exit 1; }
BILL="$WORK/bin/flows-bill"

DB2="${DB}_dump"
DB3="${DB}_odd"
DB4="${DB}_fresh"
ROLE="test_adopt_reader_$$_$RANDOM"
KPID=""
test_cleanup() {
  [[ -n "$KPID" ]] && kill -9 "$KPID" 2>/dev/null
  for d in "$DB2" "$DB3" "$DB4"; do psql "$ADMIN_URL" -X -qAt -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1; done
  psql "$ADMIN_URL" -X -qAt -c "DROP ROLE IF EXISTS \"$ROLE\"" >/dev/null 2>&1
}
load_fixture() {
  psql "$ADMIN_URL dbname=$1" -X -q -v ON_ERROR_STOP=1 -f "$FIXTURE" >/dev/null 2>"$WORK/fixture.err" ||
    { cat "$WORK/fixture.err"; echo "FATAL: cannot build the deployed database $1"; exit 1; }
}
new_db() {
  psql "$ADMIN_URL" -X -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$1\" TEMPLATE template0" >/dev/null ||
    { echo "FATAL: cannot create database $1"; exit 1; }
  load_fixture "$1"
}
sql_in() { psql "$ADMIN_URL dbname=$1" -X -qAt -v ON_ERROR_STOP=1 -c "$2"; }
last_err_line() { printf '%s\n' "$ERR" | tail -n 1; }
count() { sql "SELECT count(*) FROM $1"; }

load_fixture "$DB"

# --- what the operator had: fingerprints taken before anything runs ------------------
# Rows: every flows and sqitch table, over the columns it has now (an added column
# must not change what was there).
sql "CREATE SCHEMA adopt_test;
  CREATE TABLE adopt_test.before_columns AS
    SELECT format('%I.%I', n.nspname, c.relname) AS rel, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS cols
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname IN ('flows', 'flows_sqitch') AND c.relkind IN ('r', 'm') GROUP BY 1;
  CREATE FUNCTION adopt_test.rows() RETURNS text LANGUAGE plpgsql AS \$\$
  DECLARE r record; h text; out text := '';
  BEGIN
    FOR r IN SELECT * FROM adopt_test.before_columns ORDER BY rel LOOP
      EXECUTE format('SELECT md5(coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''')) || '' '' || count(*) FROM (SELECT %s FROM %s) x', r.cols, r.rel) INTO h;
      out := out || r.rel || ' ' || h || E'\n';
    END LOOP;
    RETURN out;
  END \$\$;" >/dev/null || { echo "FATAL: fingerprint helpers"; exit 1; }
# Everything else, one line per object (pre-existing objects: these lines must all
# still be there afterwards, exactly).
catalogue_lines() {
  sql "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE n.nspname = 'flows' AND a.attnum > 0 AND NOT a.attisdropped
       UNION ALL SELECT 'trigger ' || c.relname || ' ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT t.tgisinternal AND n.nspname = 'flows'
       UNION ALL SELECT 'function ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) || ' ' || coalesce(p.proacl::text, 'default')
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'flows'
       UNION ALL SELECT 'acl ' || n.nspname || '.' || c.relname || ' ' || coalesce(c.relacl::text, 'default') || ' rls=' || c.relrowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('flows', 'flows_sqitch')
       UNION ALL SELECT 'view ' || schemaname || '.' || viewname || ' ' || md5(definition) FROM pg_views WHERE schemaname = 'flows'
       UNION ALL SELECT 'matview ' || schemaname || '.' || matviewname || ' ' || md5(definition) FROM pg_matviews WHERE schemaname = 'flows'
       UNION ALL SELECT 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd || ' ' || coalesce(qual, '')
         FROM pg_policies WHERE schemaname = 'flows'
       UNION ALL SELECT 'schema ' || nspname || ' ' || coalesce(nspacl::text, 'default') FROM pg_namespace WHERE nspname IN ('flows', 'public')
       ORDER BY 1" | sort
}
ROWS_BEFORE=$(sql "SELECT adopt_test.rows()")
catalogue_lines >"$WORK/catalogue.before"
if (( $(wc -l <"$WORK/catalogue.before") > 150 )); then pass; else fail "catalogue fingerprint too small"; fi

# --- status, and the tools refuse until adopted --------------------------------------
run db status
expect_status 6 "status of a deployed database"
expect_line "deployed Flows schema (sqitch 0006), not yet adopted"
expect_line "adoption would add: daily_rollup: flows.register_interval_daily, kept by statement triggers on flows.register_interval_hh"
if [[ $(grep -c '^adoption would add: ' <<<"$OUT") == 12 ]]; then pass; else fail "twelve adoption steps expected"; fi
run db status --json
if [[ $(json_get '(j["database"], j["origin"], j["adoption_would_add"][0], j["adoption_would_add"][-1])') == \
      "('deployed', 'sqitch 0006', 'record_baseline', 'record_schema_version')" ]]; then pass; else fail "status --json"; fi
# A dashboard's role may not read the sqitch registry: it recognises the shape.
sql "CREATE ROLE \"$ROLE\" LOGIN IN ROLE grafanareader" >/dev/null
FLOWS_DATABASE_URL="$DB_URL user=$ROLE" run db status
expect_status 6 "status as a reader"
expect_line "deployed Flows schema (restored dump, no sqitch registry), not yet adopted"
run sync --frequency hourly
expect_status 6 "sync before adoption"
expect_err_contains 'run `emop db migrate`'

# --- dry run: the SQL, nothing changed ---------------------------------------------------
run db migrate --dry-run
expect_status 0 "dry run"
expect_line "-- adoption step billing: flows-bill's tariff and monthly tables (0008, without its row-level security)"
expect_line "-- (batched: one transaction per 200 registers, \$1 = their register_ids)"
expect_line "CREATE TABLE public.monthly_statements ("
if [[ $OUT != *"ROW LEVEL SECURITY"* && $OUT != *"CREATE POLICY"* ]]; then pass; else fail "dry run shows row-level security"; fi
if [[ $(sql "SELECT to_regclass('public.flows_adoption') IS NULL AND to_regclass('public.customers') IS NULL") == t ]]; then pass
else fail "the dry run changed the database"; fi

# --- a step that fails: the earlier steps stay, the failed one is not there ----------------
FLOWS_TEST_ADOPT_FAIL_STEP=billing run db migrate
expect_status 6 "injected failure in billing"
expect_match "failure names the step and what is left" "$(last_err_line)" \
  '^emop: adoption step billing failed \(the database is as step push_jobs left it; `emop db migrate` carries on from there\): .*injected failure'
expect_eq "steps recorded after the failure" "$(sql "SELECT string_agg(step, ',' ORDER BY position) FROM public.flows_adoption")" \
  "record_baseline,updated_at_function,meter_registry_emop_port,public_business,push_jobs"
expect_eq "billing tables not there" "$(sql "SELECT to_regclass('public.benchmark_tariffs') IS NULL AND to_regclass('public.flows_migrations') IS NULL")" t
run db status
expect_status 6 "status after the failure"
expect_line "deployed Flows schema (sqitch 0006), adoption interrupted after push_jobs"
expect_line "adoption would add: billing: flows-bill's tariff and monthly tables (0008, without its row-level security)"

# --- killed during a step (kill -9 while it is in its transaction) ---------------------------
FLOWS_TEST_ADOPT_PAUSE_STEP=daily_rollup "$EMOP" db migrate >/dev/null 2>"$WORK/killed.err" &
KPID=$!
SLEEPING=no
for _ in $(seq 1 100); do
  [[ $(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()") == 1 ]] && { SLEEPING=yes; break; }
  sleep 0.1
done
expect_eq "killed while inside step daily_rollup's transaction" "$SLEEPING" yes
kill -9 "$KPID"; wait "$KPID" 2>/dev/null; KPID=""
for _ in $(seq 1 50); do
  [[ $(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()") == 0 ]] && break
  sleep 0.1
done
expect_eq "steps recorded after the kill" "$(sql "SELECT string_agg(step, ',' ORDER BY position) FROM public.flows_adoption")" \
  "record_baseline,updated_at_function,meter_registry_emop_port,public_business,push_jobs,billing"
expect_eq "the killed step left nothing" "$(sql "SELECT to_regclass('flows.register_interval_daily') IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname LIKE 'register_interval_daily%')")" t

# --- carried on to the end ---------------------------------------------------------------------
run db migrate
expect_status 0 "migrate after the kill"
expect_line "adopted the deployed Flows schema (sqitch 0006): 6 steps, schema version 14"
expect_err_contains "daily_rollup_backfill: batch 1 of 1, 198 register-days"
run db status
expect_status 0 "status once adopted"
expect_line "deployed Flows schema (sqitch 0006), adopted"
expect_line "schema version 14 (this tool knows 14)"
ADOPTION=$(sql "SELECT string_agg(position || ' ' || step || ' ' || applied_at, ',' ORDER BY position) FROM public.flows_adoption")
run db migrate
expect_status 0 "re-run"
expect_stdout "schema is up to date at version 14"
expect_stderr_empty
expect_eq "re-run recorded nothing" "$(sql "SELECT string_agg(position || ' ' || step || ' ' || applied_at, ',' ORDER BY position) FROM public.flows_adoption")" "$ADOPTION"
expect_eq "flows_migrations: 1..14 adopted" "$(sql "SELECT count(*) || ' ' || min(version) || ' ' || max(version) || ' ' || string_agg(DISTINCT checksum, ',') FROM public.flows_migrations")" "14 1 14 adopted"

# --- nothing the operator had changed ------------------------------------------------------------
expect_eq "every pre-existing row" "$(sql "SELECT adopt_test.rows()")" "$ROWS_BEFORE"
catalogue_lines >"$WORK/catalogue.after"
missing=$(comm -23 "$WORK/catalogue.before" "$WORK/catalogue.after")
if [[ -z "$missing" ]]; then pass; else fail "pre-existing catalogue lines changed or gone: $(head -c 1500 <<<"$missing")"; fi
added=$(comm -13 "$WORK/catalogue.before" "$WORK/catalogue.after" | grep -E '^(column|acl|view|matview|policy|schema) ' |
        grep -v -E '^(column|acl) flows\.(register_interval_daily|mediator_audit|sync_runs)' |
        grep -v -E '^acl flows\.(register_interval_daily_pkey|mediator_audit_pkey|mediator_audit_serial_idx)')
expect_eq "the only new column on a deployed table, and no other access change" "$added" \
  "column flows.meter_registry.emop_port integer false"
expect_eq "register reads stay real" "$(sql "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attrelid::regclass::text, attname)
  FROM pg_attribute WHERE attname IN ('import_a', 'export_a', 'import_b', 'export_b', 'read')
  AND attrelid IN ('flows.meter_shadows'::regclass, 'flows.register_import'::regclass, 'flows.register_export'::regclass)")" \
  "real,real,real,real,real,real"
expect_eq "no row-level security added" "$(sql "SELECT string_agg(n.nspname || '.' || c.relname, ',' ORDER BY c.relname) FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('flows', 'public') AND c.relrowsecurity")" "flows.escos,flows.regions"
# New tables: the deployed pattern (flows read/write, readers read only). Here flows
# is the server's superuser and owns every table, so only the readers show.
acl_of() { sql "SELECT string_agg(a.grantee::regrole::text || ':' || a.privilege_type, ',' ORDER BY 1)
                FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = '$1'::regclass AND a.grantee <> c.relowner"; }
expect_eq "public.customers grants" "$(acl_of public.customers)" \
  "grafanareader:SELECT,tableau:SELECT"
expect_eq "register_interval_daily grants (read only)" "$(acl_of flows.register_interval_daily)" "grafanareader:SELECT,tableau:SELECT"
expect_eq "public.flows_migrations grants" "$(acl_of public.flows_migrations)" "grafanareader:SELECT,tableau:SELECT"

# --- the daily rollup: exact for what was there, and kept by the triggers -----------------------
drift_in() {
  sql_in "$1" "WITH fresh AS (SELECT register_id, (\"timestamp\" AT TIME ZONE 'Europe/London')::date AS day,
         sum(kwh) AS kwh, count(*)::int AS half_hours FROM flows.register_interval_hh GROUP BY 1, 2)
       SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM flows.register_interval_daily)
         UNION ALL (SELECT * FROM flows.register_interval_daily EXCEPT SELECT * FROM fresh)) x"
}
expect_eq "rollup drift after adoption" "$(drift_in "$DB")" 0
expect_eq "the clocks-back day has 50 half hours" "$(sql "SELECT string_agg(DISTINCT half_hours::text, ',') FROM flows.register_interval_daily WHERE day = '2026-10-25'")" 50

# --- emop list and info ---------------------------------------------------------------------------
run list
expect_status 0 "list"
LS3=$(sql "SELECT to_char(last_healthy_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM flows.meter_shadows s
          JOIN flows.meter_registry m USING (id) WHERE m.serial = 'EML8400000003'")
expect_line "hmce  EML8400000003  HM-01 supply  30      healthy  B1.w      hmce-feeder-1  $LS3  -"
if [[ $(grep -c EML84 <<<"$OUT") == 5 ]]; then pass; else fail "five meters listed"; fi
# A meter without a shadow row is not in get_meters_for_cli (inner join): the list is the function's.
sql "ALTER TABLE flows.meter_registry DISABLE TRIGGER meter_registry_insert_shadow;
     INSERT INTO flows.meter_registry (serial, esco) SELECT 'EML8400000099', id FROM flows.escos WHERE code = 'lab';
     ALTER TABLE flows.meter_registry ENABLE TRIGGER meter_registry_insert_shadow" >/dev/null
run list --esco lab --json
if [[ $(json_get '[m["serial"] for m in j]') == "['EML8400000005']" ]]; then pass; else fail "list through get_meters_for_cli"; fi
sql "DELETE FROM flows.meter_registry WHERE serial = 'EML8400000099'" >/dev/null
run info EML8400000002 --json
expect_status 0 "info"
if [[ $(json_get '(j["serial"], j["esco"], j["shadow"]["import_a"], j["shadow"]["import_b"])') == \
      "('EML8400000002', 'wlce', 123456790.0, 765432.5)" ]]; then pass; else fail "info of a meter with real reads"; fi

# --- sync against simulated meters registered in the deployed database ------------------------------
declare -a P
for i in 1 2 3; do P[$i]=$(free_port 127.0.84.$i); done
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: EML8400000001, kind: single_b1w, host: 127.0.84.1, port: ${P[1]}, profile: flat, mean_power_w: 1000, csq: 17 }
  - { serial: EML8400000002, kind: twin_c1w, host: 127.0.84.2, port: ${P[2]}, dst: true, csq: 12 }
  - { serial: EML8400000003, kind: single_b1w, host: 127.0.84.3, port: ${P[3]}, csq: 25 }
EOF
start_sim --fleet "$WORK/fleet.yaml"
sql "UPDATE flows.meter_registry m SET emop_port = v.port FROM (VALUES ('EML8400000001', ${P[1]}), ('EML8400000002', ${P[2]}),
       ('EML8400000003', ${P[3]})) v(serial, port) WHERE m.serial = v.serial" >/dev/null
mid() { sql "SELECT id FROM flows.meter_registry WHERE serial = '$1'"; }
CSQ0=$(count flows.meter_csq)
run sync --frequency hourly --timeout 2 --retries 1
expect_status 0 "hourly sync"
expect_line "sync hourly: 3 meters, 3 ok, 0 failed, $(( $(count flows.meter_event_log) - 16 )) new events, in ${OUT##*, in }"
expect_eq "deployed csq trigger fanned out" "$(( $(count flows.meter_csq) - CSQ0 ))" 3
expect_eq "csq of the simulated meter" "$(sql "SELECT csq FROM flows.meter_csq WHERE meter_id = '$(mid EML8400000003)' ORDER BY timestamp DESC LIMIT 1")" 25
expect_eq "passive meters untouched" "$(sql "SELECT string_agg(csq || ' ' || balance, ',' ORDER BY m.serial) FROM flows.meter_shadows s
  JOIN flows.meter_registry m USING (id) WHERE m.mode = 'passive'")" "14 20.0,11 5.25"
run sync --frequency daily --timeout 2 --retries 1
expect_status 0 "daily sync"
expect_eq "real reads: the shadow and the deployed trigger's register_import agree" \
  "$(sql "SELECT count(*) FROM flows.meter_shadows s JOIN flows.meter_registers r ON r.meter_id = s.id AND r.element IN ('A', 'SINGLE')
          JOIN LATERAL (SELECT read FROM flows.register_import i WHERE i.register_id = r.register_id ORDER BY timestamp DESC LIMIT 1) i ON true
          WHERE s.id IN (SELECT id FROM flows.meter_registry WHERE mode = 'active') AND i.read = s.import_a AND s.updated_at > now() - interval '5 minutes'")" 3
run sync --frequency 12hourly --timeout 2 --retries 1
expect_status 0 "12hourly sync"
expect_eq "clock_time_diff_synced_at (0004) written" "$(sql "SELECT count(*) FROM flows.meter_shadows WHERE clock_time_diff_synced_at > now() - interval '5 minutes'")" 3

# --- emop status and list --health on the adopted database (get_meters_for_cli) --------------------------
sql "UPDATE flows.meter_shadows SET health = 'unhealthy', health_details = 'meter EML8400000003: test reason'
     WHERE id = '$(mid EML8400000003)'" >/dev/null
run list --health unhealthy --json
expect_status 0 "list --health unhealthy (adopted)"
expect_eq "list --health unhealthy (adopted)" "$(json_get '[(m["serial"], m["reason"], m["last_seen"] is not None) for m in j]')" \
  "[('EML8400000003', 'meter EML8400000003: test reason', True)]"
run list --health healthy
expect_status 0 "list --health healthy (adopted)"
expect_eq "list --health healthy (adopted)" "$(grep -o 'EML84[0-9]*' <<<"$OUT" | sort | tr '\n' ' ')" \
  "EML8400000001 EML8400000002 EML8400000004 EML8400000005 "
run status --json
expect_status 0 "status (adopted)"
expect_eq "status (adopted)" "$(json_get '(j["schema"]["up_to_date"], [(s["frequency"], s["meters"], s["ok"], s["failed"]) for s in j["syncs"]], j["unhealthy"]["count"], j["unhealthy"]["meters"][0]["serial"], j["tokens_waiting"]["count"])')" \
  "(True, [('hourly', 3, 3, 0), ('12hourly', 3, 3, 0), ('daily', 3, 3, 0)], 1, 'EML8400000003', 0)"
expect_eq "sync runs recorded (adopted)" "$(count flows.sync_runs)" 3
sql "UPDATE flows.meter_shadows SET health = 'healthy', health_details = NULL WHERE id = '$(mid EML8400000003)'" >/dev/null

# --- intervals ------------------------------------------------------------------------------------------
eval "$(python3 -c "import datetime as d; t=d.datetime.now(d.timezone.utc).date(); print(f'D={t - d.timedelta(days=1)} D1={t}')")"
HH0=$(count flows.register_interval_hh)
run sync intervals --from "$D" --to "$D1" --timeout 2 --retries 1
expect_status 0 "sync intervals"
expect_eq "half hours ingested (4 registers)" "$(( $(count flows.register_interval_hh) - HH0 ))" 192
expect_eq "rollup kept by the statement triggers" "$(drift_in "$DB")" 0

# --- billing October 2026 --------------------------------------------------------------------------------
sql "
INSERT INTO public.properties (plot, esco, supply_meter)
  SELECT 'P' || right(m.serial, 1), m.esco, m.id FROM flows.meter_registry m WHERE m.serial IN ('EML8400000001', 'EML8400000002');
INSERT INTO public.customers (fullname, email, status) VALUES ('Ann', 'ann@wlce.example', 'live'), ('Bob', 'bob@wlce.example', 'live');
INSERT INTO public.accounts (property, type, status) SELECT id, 'supply', 'open' FROM public.properties ORDER BY plot;
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier' FROM public.customers c JOIN public.properties p ON p.plot = CASE c.email WHEN 'ann@wlce.example' THEN 'P1' ELSE 'P2' END
  JOIN public.accounts a ON a.property = p.id;
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
  SELECT id, '2026-10-01', 10, 0.225, 0.54 FROM public.customers;
INSERT INTO public.benchmark_tariffs (region, period_start, unit_rate, standing_charge) VALUES ('south_west', '2026-10-01', 0.25, 0.6);
INSERT INTO public.microgrid_tariffs (esco, period_start, discount, unit_rate, standing_charge)
  SELECT id, '2026-10-01', 10, 0.225, 0.54 FROM flows.escos WHERE code = 'wlce';" >/dev/null || { echo "FATAL: billing seed"; exit 1; }
OUT=$("$BILL" run --month 2026-10 --esco wlce --as-of 2026-11-15 --json 2>"$WORK/bill.err"); RC=$?
expect_eq "flows-bill run exit" "$RC" 0
[[ $RC == 0 ]] || cat "$WORK/bill.err"
# 1490 half hours in October 2026 (UK): 0.25 kWh each = 372.5; element B 0.1 each = 149.
expect_eq "monthly usage" "$(sql "SELECT string_agg(c.name || '=' || u.kwh || '/' || u.half_hours, ',' ORDER BY c.name)
  FROM public.monthly_usage u JOIN flows.circuits c ON c.id = u.circuit WHERE u.month = '2026-10-01'")" \
  "EML8400000001 SINGLE=372.5/1490,EML8400000002 A=372.5/1490,EML8400000002 B=149/1490"
# Ann: 372.5 x 0.225 = 83.8125; 31 x 0.54 = 16.74; 100.5525. Bob: 521.5 x 0.225 = 117.3375 + 16.74 = 134.0775.
expect_eq "costs (exact)" "$(sql "SELECT string_agg(c.email || ' ' || m.power_kwh || ' ' || m.power || ' ' || m.standing_charge || ' ' || m.total, ',' ORDER BY c.email)
  FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer")" \
  "ann@wlce.example 372.5 83.8125 16.74 100.5525,bob@wlce.example 521.5 117.3375 16.74 134.0775"

expect_eq "statements stored" "$(sql "SELECT count(*) || ' ' || sum(total_pence) FROM public.monthly_statements WHERE month = '2026-10-01'")" "2 23463"
# The readers read the new tables and write none of them.
as_reader() { psql "$DB_URL user=$ROLE" -X -qAt -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
expect_eq "a reader reads the new tables" "$(as_reader "SELECT (SELECT count(*) FROM public.monthly_costs) || ' ' ||
  (SELECT count(*) > 0 FROM flows.register_interval_daily) || ' ' || (SELECT max(version) FROM public.flows_migrations)")" "2 true 14"
expect_match "a reader writes none" "$(as_reader "INSERT INTO public.customers (email) VALUES ('x@example')")" "permission denied for table customers"
# rebuild-rollup (the schema owner) works on the adopted database.
sql "DELETE FROM flows.register_interval_daily" >/dev/null
run db rebuild-rollup --json
expect_status 0 "rebuild-rollup"
expect_eq "rebuilt rollup" "$(drift_in "$DB") $(json_get 'j["register_days"]')" "0 $(count flows.register_interval_daily)"

# --- the push jobs -------------------------------------------------------------------------------------
TOKEN=$("$SIM" token --amount 10.00 --nonce 9101)
sql "INSERT INTO public.topups (meter, amount_pence, status, source, token)
     SELECT id, 1000, 'wait_token_push', 'payment', '$TOKEN' FROM flows.meter_registry WHERE serial = 'EML8400000001'" >/dev/null
run push tokens --esco wlce --timeout 2 --retries 1
expect_status 0 "push tokens"
expect_eq "topup completed, attempt recorded" "$(sql "SELECT t.status || ' ' || a.outcome FROM public.topups t
  JOIN public.topup_token_push_attempts a ON a.topup_id = t.id")" "completed completed"
PERIOD=$(python3 -c "import datetime; print((datetime.date.today() + datetime.timedelta(days=40)).isoformat())")
sql "INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
     SELECT id, '$PERIOD', 12, 0.21, 0.5 FROM public.customers" >/dev/null
run push tariffs --esco wlce --timeout 2 --retries 1
expect_status 0 "push tariffs"
expect_eq "tariff pushes recorded" "$(sql "SELECT count(*) || ' ' || string_agg(DISTINCT outcome, ',') FROM public.meter_tariff_pushes")" "2 ok"
run push clock --threshold 60 --json --timeout 2 --retries 1
expect_status 0 "push clock"

# --- --with-esco-isolation, and what it changes ---------------------------------------------------------
seen_by_reader() {
  psql "$DB_URL user=$ROLE options='-c flows.esco=$1'" -X -qAt -c "SELECT count(*) FROM flows.meter_registry"
}
expect_eq "before: a reader with flows.esco=hmce still sees every meter" "$(seen_by_reader hmce)" 5
# (0012 ran as adopted: no one's access changed)
expect_eq "before: no policy on the business tables, the reader may read tokens" \
  "$(sql "SELECT (SELECT count(*) FROM pg_policies WHERE tablename IN ('customers', 'topups', 'meter_shadows', 'sync_runs'))
    || ' ' || has_column_privilege('$ROLE', 'public.topups', 'token', 'SELECT')
    || ' ' || (to_regclass('public.topups_redacted') IS NULL)")" "0 true true"
run db migrate --with-esco-isolation
expect_status 0 "esco isolation added to the adopted database"
expect_line "adopted the deployed Flows schema (sqitch 0006): 2 steps, schema version 14"
expect_eq "after: flows.esco=hmce sees hmce's meters" "$(seen_by_reader hmce)" 2
expect_eq "after: flows.esco unset sees all, as before" "$(seen_by_reader '')" 5
expect_eq "escos already had row-level security: the policy is restrictive" \
  "$(sql "SELECT permissive FROM pg_policies WHERE tablename = 'escos' AND policyname = 'flows_tools_esco_isolation'")" RESTRICTIVE
expect_eq "after: the business tables' policies, no token for the reader, but the masked view" \
  "$(sql "SELECT (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_policies
                   WHERE tablename IN ('customers', 'topups', 'meter_shadows', 'wallets', 'sync_runs')
                     AND policyname = 'flows_tools_esco_isolation' AND permissive = 'PERMISSIVE')
    || ' ' || has_column_privilege('$ROLE', 'public.topups', 'token', 'SELECT')
    || ' ' || has_column_privilege('$ROLE', 'public.topups', 'amount_pence', 'SELECT')
    || ' ' || has_table_privilege('$ROLE', 'public.topups_redacted', 'SELECT')
    || ' ' || has_column_privilege('flows', 'public.topups', 'token', 'SELECT')")" \
  "customers,meter_shadows,sync_runs,topups,wallets false true true true"

# --- a restored dump (no sqitch registry), TimescaleDB's catalogue view imitated ---------------------------
# What this covers of the TimescaleDB branch: the catalogue read (timescaledb_information.hypertables),
# the choice of the per-row rollup trigger, and that trigger keeping the rollup exact; not covered:
# a real hypertable (chunks, their triggers, compression, continuous aggregate refresh, drop_chunks).
new_db "$DB2"
sql_in "$DB2" "DROP SCHEMA flows_sqitch CASCADE; CREATE SCHEMA timescaledb_information;
  CREATE VIEW timescaledb_information.hypertables AS SELECT 'flows'::name AS hypertable_schema, t::name AS hypertable_name
  FROM unnest(ARRAY['register_import', 'register_export', 'register_interval_hh', 'meter_csq', 'meter_voltage',
                    'meter_3p_voltage', 'meter_prepay_balance', 'meter_health_history', 'meter_event_log']) t" >/dev/null
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB2" run db status
expect_status 6 "status of a restored dump"
expect_line "deployed Flows schema (restored dump, no sqitch registry), not yet adopted"
expect_line "adoption would add: daily_rollup: flows.register_interval_daily, kept by a per-row trigger on the hypertable on flows.register_interval_hh"
# 420 more registers with a day of half hours each: the backfill runs 3 batches.
sql_in "$DB2" "WITH r AS (INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
    SELECT m.id, 'power', 'SINGLE', '2026-01-01T00:00Z' FROM flows.meter_registry m, generate_series(1, 420)
    WHERE m.serial = 'EML8400000005' RETURNING register_id)
  INSERT INTO flows.register_interval_hh SELECT r.register_id, t, 0.125 FROM r
    CROSS JOIN generate_series('2026-10-10T23:00Z'::timestamptz, '2026-10-11T22:30Z', '30 minutes') t" >/dev/null
# Two adopters at once: each step runs once, whoever gets to it.
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB2" "$EMOP" db migrate >"$WORK/a1.out" 2>"$WORK/a1.err" &
A1=$!
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB2" "$EMOP" db migrate >"$WORK/a2.out" 2>"$WORK/a2.err" &
A2=$!
wait $A1; RC1=$?; wait $A2; RC2=$?
expect_eq "two adopters at once: both succeed" "$RC1 $RC2" "0 0"
[[ "$RC1 $RC2" == "0 0" ]] || cat "$WORK/a1.err" "$WORK/a2.err"
expect_match "one of them adopted" "$(cat "$WORK/a1.out" "$WORK/a2.out")" \
  "adopted the deployed Flows schema \(restored dump, no sqitch registry\): [0-9]+ steps, schema version 14"
expect_eq "each step recorded once" "$(sql_in "$DB2" "SELECT count(*) || ' ' || count(DISTINCT step) || ' ' || max(position) FROM public.flows_adoption")" "12 12 12"
expect_eq "restored dump rollup after adoption" "$(drift_in "$DB2")" 0
expect_match "backfill progress, batch by batch" "$(cat "$WORK/a1.err" "$WORK/a2.err")" \
  "daily_rollup_backfill: batch 3 of 3, $((5 * 33 + 33 + 420)) register-days"
expect_eq "the per-row trigger" "$(sql_in "$DB2" "SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgname LIKE 'register_interval_daily%'")" \
  "register_interval_daily_row,register_interval_daily_truncate"
sql_in "$DB2" "INSERT INTO flows.register_interval_hh SELECT register_id, '2026-11-02T00:00Z', 1.5 FROM flows.meter_registers;
  UPDATE flows.register_interval_hh SET kwh = kwh + 0.5 WHERE \"timestamp\" = '2026-10-25T01:00Z';
  DELETE FROM flows.register_interval_hh WHERE \"timestamp\" = '2026-10-01T12:00Z'" >/dev/null
expect_eq "per-row trigger keeps the rollup exact" "$(drift_in "$DB2")" 0
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB2" run db status
expect_line "deployed Flows schema (restored dump, no sqitch registry), adopted"

# --- an unknown shape is refused, nothing changed ----------------------------------------------------------
new_db "$DB3"
sql_in "$DB3" "ALTER TABLE flows.meter_shadows DROP COLUMN csq CASCADE; DROP TABLE flows.meter_event_log" >/dev/null
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB3" run db status
expect_status 6 "status of an unknown shape"
expect_line "difference: missing table flows.meter_event_log"
expect_line "difference: missing column flows.meter_shadows.csq"
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB3" run db migrate
expect_status 6 "migrate an unknown shape"
expect_one_line_error
expect_err_contains "so nothing was changed: missing table flows.meter_event_log; missing column flows.meter_shadows.csq"
expect_eq "nothing created" "$(sql_in "$DB3" "SELECT to_regclass('public.flows_adoption') IS NULL AND to_regclass('public.flows_migrations') IS NULL")" t

# --- a fresh database is migrated as before; the flag is for adopted ones ------------------------------------
psql "$ADMIN_URL" -X -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB4\" TEMPLATE template0" >/dev/null
FLOWS_DATABASE_URL="$ADMIN_URL dbname=$DB4" run db migrate --with-esco-isolation
expect_status 0 "fresh database"
expect_stdout "migrated from version 0 to 14"
expect_err_contains "emop: warning: --with-esco-isolation is for adopted databases: this one's schema (0005, 0012) has it already"
expect_eq "no adoption record on a fresh database" "$(sql_in "$DB4" "SELECT to_regclass('public.flows_adoption') IS NULL")" t

finish
