#!/usr/bin/env bash
# emop status, list --health and info's names against emlite-sim and a database of
# their own.
#
#   status_cli_test.sh EMOP EMLITE_SIM     (FLOWS_DATABASE_URL: a server where we may CREATE DATABASE)
#
# Four meters of two ESCOs: wlce has S1, S2 (simulated on 127.0.86.1-2) and S3,
# registered at 127.0.86.3 on a port nothing listens on (unreachable); other has
# S4 (127.0.86.4). Topups waiting for their push, future tariffs in the shadows,
# and a gateway defined in mediators.toml that is not running.
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" --integration "$EMOP_BIN" "$SIM_BIN"

S1=EML8600000001
S2=EML8600000002
S3=EML8600000003  # unreachable
S4=EML8600000004  # ESCO other
declare -a P
for i in 1 2 3 4; do P[$i]=$(free_port 127.0.86.$i); done
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$S1", kind: single_b1w, host: 127.0.86.1, port: ${P[1]}, csq: 21 }
  - { serial: "$S2", kind: twin_c1w, host: 127.0.86.2, port: ${P[2]}, csq: 9 }
  - { serial: "$S4", kind: single_b1w, host: 127.0.86.4, port: ${P[4]}, csq: 12 }
EOF
start_sim --fleet "$WORK/fleet.yaml"
unset EMOP_INVENTORY  # the meters' addresses come from the database

# --- no schema yet: only the schema is read, and what to do -------------------------------------
run status
expect_status 0 "status of an empty database"
LATEST=$(ls "$(dirname "${BASH_SOURCE[0]}")/../../schema" | grep -c '^[0-9]\{4\}_.*\.sql$')
expect_match "schema line before migrating" "$(head -n 1 <<<"$OUT")" \
  "^schema: version 0, this tool knows $LATEST; pending: 0001 flows_core, .*, 0014 sync_runs_isolation \(run \`emop db migrate\`\)$"
expect_line "fleet: not read until the schema is this tool's"
run status --json
expect_eq "JSON before migrating" "$(json_get '(j["schema"]["current_version"], len(j["schema"]["pending"]), j["fleet_read"], j["syncs"])')" \
  "(0, $LATEST, False, None)"

run db migrate; expect_status 0 "db migrate"
sql "INSERT INTO flows.escos (code, name, region) VALUES ('wlce', 'Water Lilies', 'south_west'), ('other', 'Other Energy', 'london');
  INSERT INTO flows.sites_new (name, code, esco) VALUES ('North terrace', 'wl-north', (SELECT id FROM flows.escos WHERE code = 'wlce'));
  INSERT INTO flows.feeder_registry (name, esco) VALUES ('Feeder N1', (SELECT id FROM flows.escos WHERE code = 'wlce'));
  INSERT INTO flows.service_head_registry (name, feeder, phase) VALUES ('SH N1-4', (SELECT id FROM flows.feeder_registry), 1);
  INSERT INTO flows.meter_registry (serial, name, ip_address, emop_port, mode, esco, site) VALUES
    ('$S1', 'Plot 1', '127.0.86.1', ${P[1]}, 'active', (SELECT id FROM flows.escos WHERE code = 'wlce'), (SELECT id FROM flows.sites_new)),
    ('$S2', 'Plot 2', '127.0.86.2', ${P[2]}, 'active', (SELECT id FROM flows.escos WHERE code = 'wlce'), NULL),
    ('$S3', 'Plot 3', '127.0.86.3', ${P[3]}, 'active', (SELECT id FROM flows.escos WHERE code = 'wlce'), NULL),
    ('$S4', 'Unit 4', '127.0.86.4', ${P[4]}, 'active', (SELECT id FROM flows.escos WHERE code = 'other'), NULL);
  INSERT INTO flows.service_head_meter (service_head, meter) SELECT (SELECT id FROM flows.service_head_registry), id
    FROM flows.meter_registry WHERE serial = '$S1';
  INSERT INTO flows.meter_registers (meter_id, nature, element) SELECT id, 'power', 'SINGLE' FROM flows.meter_registry;
  INSERT INTO flows.circuits (type, name) VALUES ('power', 'Plot 1 power'), ('heat', 'Plot 1 heat');
  INSERT INTO flows.circuit_register (circuit, register, start_time)
    SELECT c.id, r.register_id, '2024-01-01' FROM flows.circuits c, flows.meter_registers r
      JOIN flows.meter_registry m ON m.id = r.meter_id WHERE m.serial = '$S1';" >/dev/null \
  || { echo "FATAL: topology insert failed"; exit 1; }
mid() { sql "SELECT id FROM flows.meter_registry WHERE serial = '$1'"; }

# --- serials completed from the database (the shells' completion calls emop __complete serials) ---------
complete_serials() { env -u EMOP_INVENTORY XDG_CACHE_HOME="$WORK/cache" "$EMOP" __complete serials 2>&1 | sort | tr '\n' ' '; }
ALL_FOUR=$(printf '%s\n' "$S1" "$S2" "$S3" "$S4" | sort | tr '\n' ' ')
expect_eq "completion: the database's serials" "$(complete_serials)" "$ALL_FOUR"
expect_eq "completion: cached under XDG_CACHE_HOME/flows" "$(ls "$WORK/cache/flows" | grep -c '^serials-')" 1
sql "UPDATE flows.meter_registry SET serial = 'EML8699999999' WHERE serial = '$S4'" >/dev/null
expect_eq "completion: a fresh cache is used (no query)" "$(complete_serials)" "$ALL_FOUR"
sql "UPDATE flows.meter_registry SET serial = '$S4' WHERE serial = 'EML8699999999'" >/dev/null

# --- before any sync -----------------------------------------------------------------------------------
GATEWAYS_FILE="$XDG_CONFIG_HOME/flows/mediators.toml"
run status
expect_status 0 "status before any sync"
expect_stdout "schema: version $LATEST, up to date
last sync:
  hourly    never
  12hourly  never
  daily     never
unhealthy meters: 0
tokens waiting to be pushed: none
next tariff activations: none
gateways: none (none defined in $GATEWAYS_FILE)"

# --- an hourly sync with one meter unreachable -------------------------------------------------------
run sync --frequency hourly --timeout 1 --retries 1
expect_status 7 "hourly sync with an unreachable meter"
expect_line "sync hourly: 4 meters, 3 ok, 1 failed, ${OUT#*, 1 failed, }"
REASON=$(sql "SELECT health_details FROM flows.meter_shadows WHERE id = '$(mid $S3)'")
expect_match "the unreachable meter has a one-line reason" "$REASON" '^[^'$'\n'']+$'
RUN=$(sql "SELECT to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ' ' ||
             to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ' ' || meters || ok || failed || ' ' ||
             (by_esco ->> 'wlce') || (by_esco ->> 'other') || ' ' || COALESCE(esco, 'null') || ' ' || by_serials FROM flows.sync_runs")
expect_eq "the run's record" "${RUN#* * }" '431 {"ok": 2, "failed": 1, "meters": 3}{"ok": 1, "failed": 0, "meters": 1} null false'
FINISHED=${RUN%% *}
log "the unreachable meter's reason: $REASON"
STARTED=$(cut -d' ' -f2 <<<"$RUN")

# Two topups waiting (wlce) and one (other), one already pushed; future tariffs on
# S1 and S2 (one ahead, one past) and S4.
TOKEN=12345678901234567890
sql "INSERT INTO public.topups (meter, amount_pence, status, token, created_at) VALUES
    ('$(mid $S1)', 1000, 'wait_token_push', '$TOKEN', '2026-11-30T10:00:00Z'),
    ('$(mid $S2)', 2550, 'wait_token_push', '$TOKEN', '2026-12-01T09:30:00Z'),
    ('$(mid $S4)', 500, 'wait_token_push', '$TOKEN', '2026-11-29T08:00:00Z'),
    ('$(mid $S1)', 700, 'completed', '$TOKEN', '2026-11-01T08:00:00Z');
  UPDATE flows.meter_shadows SET tariffs_future = jsonb_build_object('unit_rate_element_a', '0.25', 'activation_datetime', a)
    FROM (VALUES ('$(mid $S1)'::uuid, '2099-01-01T00:00:00'), ('$(mid $S2)'::uuid, '2099-01-01T00:00:00'),
                 ('$(mid $S3)'::uuid, '2020-01-01T00:00:00'), ('$(mid $S4)'::uuid, '2098-04-01T00:00:00')) t(id, a)
   WHERE meter_shadows.id = t.id;" >/dev/null || { echo "FATAL: topups/tariffs insert failed"; exit 1; }

mkdir -p "$(dirname "$GATEWAYS_FILE")"
cat >"$GATEWAYS_FILE" <<EOF
[gateways.gw-other]
esco = "other"
inventory = "$WORK/fleet.yaml"
listen = "127.0.86.4:$(free_port 127.0.86.4)"
EOF

run status
expect_status 0 "status after the sync"
GW_LINE=$(tail -n 1 <<<"$OUT")
expect_match "the gateway that is not running" "$GW_LINE" "^  gw-other other 127\.0\.86\.4:[0-9]+ unreachable: .+"
expect_stdout "schema: version $LATEST, up to date
last sync:
  hourly    $FINISHED  4 meters, 3 ok, 1 failed
  12hourly  never
  daily     never
unhealthy meters: 1
  $S3 wlce Plot 3: $REASON (last healthy never)
tokens waiting to be pushed: 3, £40.50, oldest 2026-11-29T08:00:00Z
next tariff activations:
  other 2098-04-01T00:00:00 1 meter
  wlce 2099-01-01T00:00:00 2 meters
gateways:
$GW_LINE"

run status --json
expect_status 0 "status --json"
expect_eq "JSON schema" "$(json_get 'j["schema"]')" "{'current_version': $LATEST, 'latest_version': $LATEST, 'pending': [], 'up_to_date': True}"
expect_eq "JSON syncs" "$(json_get '[(s["frequency"], s["started_at"], s["finished_at"], s["meters"], s["ok"], s["failed"], s["esco"], s["by_serials"], s["overdue"]) for s in j["syncs"]]')" \
  "[('hourly', '$STARTED', '$FINISHED', 4, 3, 1, None, False, False), ('12hourly', None, None, None, None, None, None, None, True), ('daily', None, None, None, None, None, None, None, True)]"
expect_eq "JSON unhealthy" "$(json_get '(j["unhealthy"]["count"], [(m["serial"], m["esco"], m["name"], m["last_healthy_at"], list(m)) for m in j["unhealthy"]["meters"]])')" \
  "(1, [('$S3', 'wlce', 'Plot 3', None, ['serial', 'esco', 'name', 'reason', 'last_healthy_at'])])"
expect_eq "JSON unhealthy reason" "$(json_get 'j["unhealthy"]["meters"][0]["reason"]')" "$REASON"
expect_eq "JSON tokens" "$(json_get 'j["tokens_waiting"]')" "{'count': 3, 'amount_pence': 4050, 'oldest_created_at': '2026-11-29T08:00:00Z'}"
expect_eq "JSON tariffs" "$(json_get 'j["tariff_activations"]')" \
  "[{'esco': 'other', 'activation': '2098-04-01T00:00:00', 'meters': 1}, {'esco': 'wlce', 'activation': '2099-01-01T00:00:00', 'meters': 2}]"
expect_eq "JSON gateways" "$(json_get '[(g["name"], g["esco"], g["reachable"], g["meters_served"], bool(g["error"])) for g in j["gateways"]]')" \
  "[('gw-other', 'other', False, None, True)]"
expect_eq "JSON keys" "$(json_get 'list(j)')" \
  "['esco', 'schema', 'fleet_read', 'syncs', 'unhealthy', 'tokens_waiting', 'tariff_activations', 'gateways', 'gateways_note']"

# --- one ESCO: its meters' counts of the run over all, its gateways, its tokens ------------------
run sync --frequency hourly --esco other --timeout 1 --retries 1
expect_status 0 "hourly sync of ESCO other"
OTHER_FINISHED=$(sql "SELECT to_char(max(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM flows.sync_runs")
run status --esco wlce
expect_status 0 "status --esco wlce"
expect_stdout "esco: wlce
schema: version $LATEST, up to date
last sync:
  hourly    $FINISHED  3 meters, 2 ok, 1 failed
  12hourly  never
  daily     never
unhealthy meters: 1
  $S3 wlce Plot 3: $REASON (last healthy never)
tokens waiting to be pushed: 2, £35.50, oldest 2026-11-30T10:00:00Z
next tariff activations:
  wlce 2099-01-01T00:00:00 2 meters
gateways: none (none defined for wlce in $GATEWAYS_FILE)"
run status --esco other --limit 0 --json
expect_eq "status --esco other --json" \
  "$(json_get '(j["esco"], j["syncs"][0]["finished_at"], j["syncs"][0]["meters"], j["syncs"][0]["ok"], j["syncs"][0]["esco"], j["unhealthy"], j["tokens_waiting"]["count"], len(j["gateways"]))')" \
  "('other', '$OTHER_FINISHED', 1, 1, 'other', {'count': 0, 'meters': []}, 1, 1)"
run status
expect_line "  hourly    $OTHER_FINISHED  1 meter, 1 ok, 0 failed (esco other)"
run status --limit 0
expect_line "unhealthy meters: 1"
expect_line "  ... and 1 more (emop list --health unhealthy)"

# --- list --health and its columns ------------------------------------------------------------------------
run list --health unhealthy
expect_status 0 "list --health unhealthy"
expect_eq "list --health unhealthy: exactly the unreachable meter" "$(grep -c EML86 <<<"$OUT") $(grep -c "$S3" <<<"$OUT")" "1 1"
LINE=$(grep "$S3" <<<"$OUT")
expect_match "its columns" "${LINE%"$REASON"}" "^wlce +$S3 +Plot 3 +- +unhealthy +- +- +- +$"
expect_eq "its line ends with the reason" "${LINE: -${#REASON}}" "$REASON"
run list --health unhealthy --json
expect_eq "list --health unhealthy --json" "$(json_get '[(m["serial"], m["health"], m["last_seen"]) for m in j]')" \
  "[('$S3', 'unhealthy', None)]"
expect_eq "its reason" "$(json_get 'j[0]["reason"]')" "$REASON"
run list --health healthy --json
expect_eq "list --health healthy" "$(json_get '[(m["serial"], m["reason"], m["last_seen"] is not None) for m in j]')" \
  "[('$S4', None, True), ('$S1', None, True), ('$S2', None, True)]"
expect_eq "last_seen is the shadow's last_healthy_at" "$(json_get 'j[0]["last_seen"]')" \
  "$(sql "SELECT to_char(last_healthy_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM flows.meter_shadows WHERE id = '$(mid $S4)'")"
run list --health sick
expect_status 2 "an unknown health"

# --- info: names instead of ids ---------------------------------------------------------------------------
run info "$S1"
expect_status 0 "info"
expect_line "esco: wlce (Water Lilies)"
expect_line "site: North terrace (wl-north)"
expect_line "service_head: SH N1-4"
expect_line "feeder: Feeder N1"
expect_line "  esco: wlce (Water Lilies)"
expect_line "  site: North terrace (wl-north)"
expect_line "  SINGLE power enabled from $(sql "SELECT COALESCE(to_json(start_time) #>> '{}', '-') FROM flows.meter_registers WHERE meter_id = '$(mid $S1)'") $(sql "SELECT register_id FROM flows.meter_registers WHERE meter_id = '$(mid $S1)'") circuits: Plot 1 heat, Plot 1 power"
if grep -q "$(sql "SELECT id FROM flows.escos WHERE code = 'wlce'")" <<<"$OUT"; then fail "info text shows the ESCO's id"; else pass; fi
run info "$S1" --json
expect_eq "info --json names and ids" "$(json_get '(j["esco"], j["esco_name"], j["site"], j["site_name"], j["registry"]["esco"], j["registers"][0]["circuits"])')" \
  "('wlce', 'Water Lilies', 'wl-north', 'North terrace', '$(sql "SELECT id FROM flows.escos WHERE code = 'wlce'")', ['Plot 1 heat', 'Plot 1 power'])"

# --- refusals ---------------------------------------------------------------------------------------------
run status --esco nope
expect_status 2 "an unknown ESCO"
expect_one_line_error
FLOWS_DATABASE_URL="$DB_URL port=1" run status
expect_status 6 "no database server there"
expect_one_line_error
expect_stdout_empty
finish
