#!/usr/bin/env bash
# flows-bill against a database of its own with a hand-built community, every
# figure checked against values computed by hand (see the comments):
#   bad input refused with its exit status and nothing written; benchmark add,
#   import and list; a new quarter carrying discounts over, idempotent; a full
#   month run (power and heat circuits, a register range starting mid-month, BST
#   month boundaries, solar credits shared 50/50 in a leap year, topups, balance
#   at month end, a customer without a tariff reported with exit 7); statements
#   that add up; an identical re-run; a run killed mid-way leaving nothing; a
#   month in progress (standing charge for the days elapsed, solar credits for
#   the month's);
#   the statements as JSON, CSV and HTML; October usage with register ranges at
#   odd times (part days from the half hours, whole days from the daily rollup)
#   against circuit_interval_monthly.
#   bill_cli_test.sh FLOWS_BILL EMOP      (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN"
LOCKER_PID=""
RUN_PID=""

test_cleanup() {  # called by lib.sh's db_cleanup on exit
  [[ -n "$RUN_PID" ]] && kill -9 "$RUN_PID" 2>/dev/null
  [[ -n "$LOCKER_PID" ]] && kill "$LOCKER_PID" 2>/dev/null
  wait 2>/dev/null
}

# A fingerprint of every billing row of the database.
snapshot() {
  sql "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
         SELECT 'u' || row(u.*)::text AS t FROM public.monthly_usage u
         UNION ALL SELECT 'c' || row(c.*)::text FROM public.monthly_costs c
         UNION ALL SELECT 's' || row(s.*)::text FROM public.monthly_solar_credits s
         UNION ALL SELECT 'm' || row(m.*)::text FROM public.monthly_statements m) x"
}
count_rows() {
  sql "SELECT (SELECT count(*) FROM public.monthly_usage) + (SELECT count(*) FROM public.monthly_costs)
            + (SELECT count(*) FROM public.monthly_solar_credits) + (SELECT count(*) FROM public.monthly_statements)"
}
# The stored statement of a customer (by email) as JSON, for python checks.
statement_of() {
  sql "SELECT s.statement::text FROM public.monthly_statements s JOIN public.customers c ON c.id = s.customer
       WHERE c.email = '$1' AND s.month = '2024-06-01'"
}
pyjson() {  # WHAT JSON EXPR   (EXPR over d = the parsed JSON)
  if python3 - "$2" "$3" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
  then pass; else fail "$1   [$3] on ${2:0:400}"; fi
}

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# --- the community ---------------------------------------------------------------
# ESCO alpha (london). Customers:
#   A  live, property PA, meter MA: power register R1 (0.5 kWh every half hour) on
#      circuit "A power"; heat register R2 (1 kWh every half hour) on circuit
#      "A heat" from 2024-06-16T00:00Z only. Solar installation 4.0 kW on PA,
#      shared 0.5 PA / 0.5 PC. A completed 2000 p topup on 10 June; balance 12.34
#      on 30 June 12:00Z (and 99 after the month, which must not count).
#   B  exiting (so the new quarter gives B no tariff), property PB, meter MB.
#   C  live, property PC, meter MC: power register R4 (0.25 kWh every half hour);
#      a 2024-01-01 customer tariff at 30 % that the quarter carries over.
# Intervals cover 2024-05-31T00:00Z .. 2024-07-01T00:00Z; June 2024 (BST) is
# [2024-05-31T23:00Z, 2024-06-30T23:00Z): 1440 half hours.
sql "
INSERT INTO flows.escos (code, name, region) VALUES ('alpha', 'Alpha ESCO', 'london'), ('beta', 'Beta ESCO', NULL);
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address)
  SELECT s, (SELECT id FROM flows.escos WHERE code = 'alpha'), 'active', a::inet
  FROM (VALUES ('MA', '127.0.92.1'), ('MB', '127.0.92.2'), ('MC', '127.0.92.3')) v(s, a);
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
  SELECT m.id, v.n::flows.register_nature_enum, v.e::flows.meter_register_element, '2024-01-01Z'
  FROM (VALUES ('MA', 'power', 'A'), ('MA', 'heat', 'B'), ('MB', 'power', 'SINGLE'), ('MC', 'power', 'SINGLE')) v(s, n, e)
  JOIN flows.meter_registry m ON m.serial = v.s;
INSERT INTO flows.circuits (name, type) VALUES ('A power', 'power'), ('A heat', 'heat'), ('B power', 'power'), ('C power', 'power');
INSERT INTO flows.circuit_register (circuit, register, start_time)
  SELECT c.id, r.register_id, v.t::timestamptz
  FROM (VALUES ('A power', 'MA', 'A', '2024-01-01Z'), ('A heat', 'MA', 'B', '2024-06-16T00:00Z'),
               ('B power', 'MB', 'SINGLE', '2024-01-01Z'), ('C power', 'MC', 'SINGLE', '2024-01-01Z')) v(c, s, e, t)
  JOIN flows.circuits c ON c.name = v.c
  JOIN flows.meter_registry m ON m.serial = v.s
  JOIN flows.meter_registers r ON r.meter_id = m.id AND r.element = v.e::flows.meter_register_element;
INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)
  SELECT r.register_id, t, CASE m.serial WHEN 'MA' THEN (CASE r.element WHEN 'A' THEN 0.5 ELSE 1.0 END)
                                         WHEN 'MB' THEN 0.3 ELSE 0.25 END
  FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id
  CROSS JOIN generate_series('2024-05-31T00:00Z'::timestamptz, '2024-06-30T23:30Z', '30 minutes') t;
INSERT INTO public.properties (plot, esco, supply_meter)
  SELECT 'P' || substr(m.serial, 2), m.esco, m.id FROM flows.meter_registry m;
INSERT INTO public.customers (fullname, email, status) VALUES
  ('Ann A', 'a@alpha.example', 'live'), ('Bob B', 'b@alpha.example', 'exiting'), ('Cat C', 'c@alpha.example', 'live');
INSERT INTO public.accounts (property, type, status)
  SELECT p.id, 'supply', 'open' FROM public.properties p ORDER BY p.plot;
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier' FROM public.customers c
  JOIN public.properties p ON p.plot = 'P' || upper(substr(c.email, 1, 1))
  JOIN public.accounts a ON a.property = p.id;
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
  SELECT id, '2024-01-01', 30, 0.15, 0.40 FROM public.customers WHERE email = 'c@alpha.example';
INSERT INTO public.solar_installation (property, declared_net_capacity)
  SELECT id, 4.0 FROM public.properties WHERE plot = 'PA';
INSERT INTO public.solar_credit_allocation (installation, property, ratio)
  SELECT i.id, p.id, 0.5 FROM public.properties i, public.properties p WHERE i.plot = 'PA' AND p.plot IN ('PA', 'PC');
INSERT INTO public.solar_credit_tariffs (esco, period_start, pence_per_year)
  SELECT id, '2024-01-01', 3650 FROM flows.escos WHERE code = 'alpha';
INSERT INTO public.topups (meter, amount_pence, status, source, used_at)
  SELECT id, 2000, 'completed', 'payment', '2024-06-10T12:00Z' FROM flows.meter_registry WHERE serial = 'MA';
INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance)
  SELECT id, t::timestamptz, b FROM flows.meter_registry, (VALUES ('2024-06-30T12:00Z', 12.34), ('2024-07-01T10:00Z', 99)) v(t, b)
  WHERE serial = 'MA';
" >/dev/null || { echo "FATAL: seeding the community failed"; exit 1; }

# --- bad input: refused, exit status documented, nothing written -----------------
OUT=$("$BILL" run --month 2024-6 2>&1); expect_eq "month format exit" "$?" 2
expect_match "month format message" "$OUT" "not a month YYYY-MM"
OUT=$("$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate -0.1 --standing-charge 0.6 2>&1)
expect_eq "negative rate exit" "$?" 2
OUT=$("$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate 0.234567 --standing-charge 0.6 2>&1)
expect_eq "6-decimal rate exit" "$?" 2
OUT=$("$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate 24.50 --standing-charge 0.6 2>&1)
expect_eq "pence typed as pounds exit" "$?" 2
expect_match "pence typed as pounds message" "$OUT" "unit rate 24.5 £/kWh is over the plausible 1 £/kWh"
printf 'benchmarks:\n  - {region: london, period_start: 2024-04-01, unit_rate: 0.2345, standing_charge: 60.1}\n' >"$WORK/pence.yaml"
OUT=$("$BILL" tariffs benchmark import "$WORK/pence.yaml" 2>&1); expect_eq "implausible import exit" "$?" 2
expect_match "implausible import message" "$OUT" "standing charge 60.1 £/day is over the plausible 2 £/day"
expect_eq "implausible rates wrote nothing" "$(sql 'SELECT count(*) FROM public.benchmark_tariffs')" 0
OUT=$("$BILL" tariffs benchmark add --region atlantis --period-start 2024-04-01 --unit-rate 0.2 --standing-charge 0.6 2>&1)
expect_eq "unknown region exit" "$?" 2
expect_match "unknown region message" "$OUT" "unknown region atlantis"
cat >"$WORK/bad.yaml" <<'EOF'
benchmarks:
  - {region: london, period_start: 2024-04-01, unit_rate: 0.2345, standing_charge: 0.6}
  - {region: london, period_start: 2024-07-01, unit_rate: 101, standing_charge: 0.6}
EOF
OUT=$("$BILL" tariffs benchmark import "$WORK/bad.yaml" 2>&1); expect_eq "bad import exit" "$?" 2
expect_match "bad import names the line" "$OUT" "bad.yaml:3: .*unit rate 101"
expect_eq "bad import wrote nothing" "$(sql 'SELECT count(*) FROM public.benchmark_tariffs')" 0
OUT=$("$BILL" run --month 2024-06 --as-of 2024-07-15 2>&1); expect_eq "no benchmark exit" "$?" 3
expect_match "no benchmark message" "$OUT" "no benchmark tariff in force for region london in 2024-06"
expect_eq "no benchmark: nothing written" "$(count_rows)" 0
OUT=$("$BILL" run --month 2031-01 2>&1); expect_eq "future month exit" "$?" 2
OUT=$("$BILL" run --month 2024-06 --esco nosuch 2>&1); expect_eq "unknown ESCO exit" "$?" 2
OUT=$(sql "INSERT INTO public.solar_credit_allocation (installation, property, ratio)
           SELECT i.id, p.id, 0.25 FROM public.properties i, public.properties p WHERE i.plot = 'PA' AND p.plot = 'PB'" 2>&1)
expect_match "ratios not summing to 1 refused by the database" "$OUT" "sum to 1.25, not 1"
OUT=$("$BILL" quote tariff --benchmark-unit-rate 0.2345 --benchmark-standing-charge 0.6 --discount 120 2>&1)
expect_eq "discount over 100 exit" "$?" 2

# --- tariffs ---------------------------------------------------------------------
cat >"$WORK/bench.yaml" <<'EOF'
benchmarks:
  - {region: london, period_start: 2024-01-01, unit_rate: 0.2862, standing_charge: 0.5341}
  - {region: london, period_start: 2024-04-01, unit_rate: 0.2345, standing_charge: 0.6000}
EOF
OUT=$("$BILL" tariffs benchmark import "$WORK/bench.yaml" --json 2>>"$WORK/stderr"); expect_eq "import exit" "$?" 0
pyjson "import counts" "$OUT" "d['inserted'] == 2"
OUT=$("$BILL" tariffs benchmark import "$WORK/bench.yaml" --json 2>>"$WORK/stderr")
pyjson "re-import unchanged" "$OUT" "d['unchanged'] == 2 and d['inserted'] == 0"
OUT=$("$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate 0.25 --standing-charge 0.6 2>&1)
expect_eq "changing a benchmark without --replace exit" "$?" 2
OUT=$("$BILL" tariffs benchmark list --region london --json)
pyjson "list" "$OUT" "[(r['period_start'], r['unit_rate']) for r in d] == [('2024-01-01', '0.28620'), ('2024-04-01', '0.23450')]"

OUT=$("$BILL" tariffs quarter --start 2024-04-01 --esco alpha --dry-run --json 2>>"$WORK/stderr"); expect_eq "quarter dry-run exit" "$?" 0
expect_eq "dry run wrote nothing" "$(sql 'SELECT count(*) FROM public.microgrid_tariffs')" 0
OUT=$("$BILL" tariffs quarter --start 2024-04-01 --esco alpha --json 2>>"$WORK/stderr"); expect_eq "quarter exit" "$?" 0
# 0.2345 x 0.75 = 0.175875 -> customer 0.17587 (truncated), microgrid 0.175875; 0.6 x 0.75 = 0.45.
# C carries 30 %: 0.2345 x 0.7 = 0.16415, 0.6 x 0.7 = 0.42. B (exiting) gets none.
pyjson "quarter microgrid row" "$OUT" \
  "d['microgrid'] == [{'esco': 'alpha', 'discount': '25', 'unit_rate': '0.175875', 'standing_charge': '0.45000', 'carried_over': False, 'created': True}]"
pyjson "quarter customer rows" "$OUT" \
  "sorted((c['customer'], c['discount'], c['unit_rate'], c['standing_charge'], c['carried_over']) for c in d['customers']) == [('a@alpha.example', '25', '0.17587', '0.45000', False), ('c@alpha.example', '30', '0.16415', '0.42000', True)]"
expect_eq "customer tariffs stored" "$(sql "SELECT string_agg(c.email || ':' || t.unit_rate || '/' || t.standing_charge, ',' ORDER BY c.email)
  FROM public.customer_tariffs t JOIN public.customers c ON c.id = t.customer WHERE t.period_start = '2024-04-01'")" \
  "a@alpha.example:0.17587/0.45,c@alpha.example:0.16415/0.42"
OUT=$("$BILL" tariffs quarter --start 2024-04-01 --esco alpha --json 2>>"$WORK/stderr")
pyjson "quarter re-run creates nothing" "$OUT" "d['created'] == 0 and d['kept'] == 3"
# A row changed by hand since is kept and reported as it stands.
MG_ROW=$(sql "SELECT discount || ',' || unit_rate || ',' || standing_charge FROM public.microgrid_tariffs
              WHERE period_start = '2024-04-01'")
sql "UPDATE public.customer_tariffs SET discount = 40, unit_rate = 0.140709, standing_charge = 0.36
     WHERE period_start = '2024-04-01' AND customer = (SELECT id FROM public.customers WHERE email = 'a@alpha.example');
     UPDATE public.microgrid_tariffs SET discount = 20, unit_rate = 0.1876, standing_charge = 0.48
     WHERE period_start = '2024-04-01'"
OUT=$("$BILL" tariffs quarter --start 2024-04-01 --esco alpha --json 2>>"$WORK/stderr")
pyjson "quarter reports a kept customer row as stored (rates truncated to 5 decimals, not rounded)" "$OUT" \
  "[(c['discount'], c['unit_rate'], c['standing_charge'], c['created']) for c in d['customers'] if c['customer'] == 'a@alpha.example'] == [('40', '0.14070', '0.36000', False)]"
pyjson "quarter reports the kept microgrid row as stored" "$OUT" \
  "[(m['discount'], m['unit_rate'], m['standing_charge'], m['created']) for m in d['microgrid']] == [('20', '0.18760', '0.48000', False)]"
sql "UPDATE public.customer_tariffs SET discount = 25, unit_rate = 0.17587, standing_charge = 0.45
     WHERE period_start = '2024-04-01' AND customer = (SELECT id FROM public.customers WHERE email = 'a@alpha.example');
     UPDATE public.microgrid_tariffs SET discount = '${MG_ROW%%,*}', unit_rate = '$(cut -d, -f2 <<<"$MG_ROW")',
       standing_charge = '${MG_ROW##*,}' WHERE period_start = '2024-04-01'"
expect_eq "microgrid row restored" "$(sql "SELECT discount || ',' || unit_rate || ',' || standing_charge
  FROM public.microgrid_tariffs WHERE period_start = '2024-04-01'")" "$MG_ROW"
OUT=$("$BILL" tariffs quarter --start 2024-04-01 2>&1); expect_eq "quarter for ESCO without region exit" "$?" 3

# --- the month -------------------------------------------------------------------
OUT=$("$BILL" run --month 2024-06 --esco alpha --as-of 2024-07-15 --json 2>>"$WORK/stderr"); RC=$?
expect_eq "run exit (B skipped)" "$RC" 7
pyjson "B reported, not billed" "$OUT" \
  "[(s['email'], s['reason']) for s in d['skipped']] == [('b@alpha.example', 'no customer tariff in force in 2024-06')] and d['customers_billed'] == 2"
# Consumption 718 + 720 + 432 + 360 = 2230 kWh; no solar circuit read: generation 0, reported apart.
pyjson "consumption and generation apart" "$OUT" \
  "__import__('decimal').Decimal(d['consumption_kwh']) == 2230 and __import__('decimal').Decimal(d['generation_kwh']) == 0 and 'usage_kwh' not in d"
expect_eq "B has no cost row" "$(sql "SELECT count(*) FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer WHERE c.email = 'b@alpha.example'")" 0
# Usage: A power 1440 x 0.5 = 720; A heat from 16 June 00:00Z to 30 June 23:00Z =
# 718 half hours x 1 = 718; B 1440 x 0.3 = 432; C 1440 x 0.25 = 360.
expect_eq "monthly usage" "$(sql "SELECT string_agg(c.name || '=' || (u.kwh::numeric)::text || '/' || u.half_hours, ',' ORDER BY c.name)
  FROM public.monthly_usage u JOIN flows.circuits c ON c.id = u.circuit WHERE u.month = '2024-06-01'")" \
  "A heat=718/718,A power=720/1440,B power=432/1440,C power=360/1440"
# A: 0.17587 x 720 = 126.6264; x 718 = 126.27466; 0.45 x 30 = 13.5; total 266.40106.
#    microgrid 0.175875: 126.63, 126.27825, 13.5 = 266.40825. benchmark 0.2345: 168.84, 168.371, 18 = 355.211.
expect_eq "A costs (exact)" "$(sql "SELECT concat_ws(' ', m.days, m.power_kwh, m.heat_kwh, m.power, m.heat, m.standing_charge, m.total,
  m.microgrid_total, m.benchmark_power, m.benchmark_heat, m.benchmark_standing_charge, m.benchmark_total)
  FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer WHERE c.email = 'a@alpha.example'")" \
  "30 720 718 126.6264 126.27466 13.5 266.40106 266.40825 168.84 168.371 18 355.211"
# C: 0.16415 x 360 = 59.094; 0.42 x 30 = 12.6; total 71.694.
expect_eq "C costs (exact)" "$(sql "SELECT concat_ws(' ', m.power, m.heat, m.standing_charge, m.total)
  FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer WHERE c.email = 'c@alpha.example'")" \
  "59.094 0 12.6 71.694"
# Solar: 4.0 kW x 30 days x 3650/366 (2024 is a leap year) = 1196.72 -> 1196 p; halves 598 each.
expect_eq "solar credits" "$(sql "SELECT string_agg(p.plot || '=' || s.credit_pence, ',' ORDER BY p.plot)
  FROM public.monthly_solar_credits s JOIN public.properties p ON p.id = s.property WHERE s.month = '2024-06-01'")" \
  "PA=598,PC=598"
ST=$(statement_of a@alpha.example)
pyjson "A statement lines (rounded, adding up)" "$ST" \
  "d['costs']['customer'] == {'power': '126.63', 'heat': '126.27', 'standing_charge': '13.50', 'total': '266.40'} and d['costs']['benchmark']['total'] == '355.21' and d['saving'] == '88.81' and d['total_gbp'] == '266.40'"
pyjson "A statement account lines" "$ST" \
  "d['solar_credit_gbp'] == '5.98' and d['topups_gbp'] == '20.00' and d['payments_gbp'] == '0.00' and d['balance_at_month_end'] == '12.34' and d['esco'] == 'alpha' and d['esco_name'] == 'Alpha ESCO'"
pyjson "A statement daily use: 30 days summing to the usage" "$ST" \
  "len(d['daily']) == 30 and all(x['kwh'] is not None for x in d['daily']) and sum(__import__('decimal').Decimal(x['kwh']) for x in d['daily']) == 1438 and d['daily'][0] == {'day': '2024-06-01', 'kwh': '24'}"
pyjson "every statement adds up to the penny" "[$(sql "SELECT string_agg(statement::text, ',') FROM public.monthly_statements")]" \
  "all(all(__import__('decimal').Decimal(s['costs'][k]['power']) + __import__('decimal').Decimal(s['costs'][k]['heat']) + __import__('decimal').Decimal(s['costs'][k]['standing_charge']) == __import__('decimal').Decimal(s['costs'][k]['total']) for k in ('customer', 'microgrid', 'benchmark')) for s in d) and len(d) == 2"

# --- idempotence -----------------------------------------------------------------
BEFORE=$(snapshot)
"$BILL" run --month 2024-06 --esco alpha --as-of 2024-07-15 >/dev/null 2>&1
expect_eq "re-run exit" "$?" 7
expect_eq "re-run gives identical rows" "$(snapshot)" "$BEFORE"

# --- a run killed mid-way writes nothing -----------------------------------------
# Change A's data so a completed run would change rows; hold a lock on the last
# table the run writes, so it blocks after replacing usage and costs; kill it.
sql "UPDATE flows.register_interval_hh SET kwh = 2 WHERE register_id IN (
       SELECT r.register_id FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id
       WHERE m.serial = 'MA' AND r.element = 'A')"
psql "$FLOWS_DATABASE_URL" -qAt -c "BEGIN; LOCK TABLE public.monthly_statements IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;" \
  >/dev/null 2>&1 &
LOCKER_PID=$!
sleep 1
"$BILL" run --month 2024-06 --esco alpha --as-of 2024-07-15 >/dev/null 2>&1 &
RUN_PID=$!
blocked=no
for _ in $(seq 1 100); do
  if [[ $(sql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE c.relname = 'monthly_statements' AND NOT l.granted") -gt 0 ]]; then blocked=yes; break; fi
  sleep 0.1
done
expect_eq "the run reached the statements (blocked on the lock)" "$blocked" yes
kill -9 "$RUN_PID"; wait "$RUN_PID" 2>/dev/null; RUN_PID=""
kill "$LOCKER_PID" 2>/dev/null; wait "$LOCKER_PID" 2>/dev/null; LOCKER_PID=""
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
sleep 0.5
expect_eq "killed run left every row as it was" "$(snapshot)" "$BEFORE"
"$BILL" run --month 2024-06 --esco alpha --as-of 2024-07-15 >/dev/null 2>&1
# A power now 1440 x 2 = 2880 kWh.
expect_eq "the next run writes the new usage" "$(sql "SELECT u.kwh FROM public.monthly_usage u JOIN flows.circuits c ON c.id = u.circuit
  WHERE c.name = 'A power'")" "2880"

# --- the month in progress -------------------------------------------------------
OUT=$("$BILL" costs --month 2024-06 --esco alpha --as-of 2024-06-10 --json 2>>"$WORK/stderr")
pyjson "month in progress: 10 days of standing charge" "$OUT" "d['days'] == 10"
expect_eq "C standing charge for 10 days" "$(sql "SELECT m.standing_charge FROM public.monthly_costs m
  JOIN public.customers c ON c.id = m.customer WHERE c.email = 'c@alpha.example'")" "4.2"
# Solar credits are for the days in the month (billing.md), in progress or not:
# 4.0 kW x 30 days x 3650/366 = 1196.72 -> 1196 p; halves 598 each.
"$BILL" solar-credits --month 2024-06 --esco alpha --as-of 2024-06-10 >/dev/null 2>>"$WORK/stderr"
expect_eq "solar credits of a month in progress: the month's days" "$(sql "SELECT string_agg(p.plot || '=' || s.credit_pence || '/' || s.days, ','
  ORDER BY p.plot) FROM public.monthly_solar_credits s JOIN public.properties p ON p.id = s.property
  WHERE s.month = '2024-06-01'")" "PA=598/30,PC=598/30"
# A name a spreadsheet would run as a formula: the CSV neutralises it (below).
sql "UPDATE public.customers SET fullname = '=HYPERLINK(\"http://evil.example\",\"Cat C\")' WHERE email = 'c@alpha.example'" >/dev/null
"$BILL" run --month 2024-06 --esco alpha --as-of 2024-07-15 >/dev/null 2>&1

# --- statement files -------------------------------------------------------------
OUT=$("$BILL" statements --month 2024-06 --format csv --out "$WORK/st" 2>&1); expect_eq "statements csv exit" "$?" 0
expect_eq "csv: header + 2 rows" "$(wc -l <"$WORK/st/statements-2024-06.csv")" 3
CSVF="$WORK/st/statements-2024-06.csv"
expect_eq "csv: units in the column names" "$(head -1 "$CSVF" | tr -d '\r')" \
  "month,account_number,customer_id,customer_name,email,esco,esco_name,plot,days,power_kwh,heat_kwh,unit_rate_gbp_per_kwh,standing_charge_gbp_per_day,power_cost_gbp,heat_cost_gbp,standing_charge_gbp,total_gbp,microgrid_total_gbp,benchmark_total_gbp,saving_gbp,solar_credit_gbp,topups_gbp,payments_gbp,balance_at_month_end_gbp"
# C: 360 kWh at 0.16415 = 59.094 -> 59.09; 12.60 standing; 71.69. No balance reading: none.
csv_of() {  # EMAIL COLUMN
  python3 -c 'import csv,sys; print([r for r in csv.DictReader(open(sys.argv[1], newline="")) if r["email"] == sys.argv[2]][0][sys.argv[3]])' "$CSVF" "$1" "$2"
}
expect_eq "csv row of C: energy at 3 decimals, money at 2" \
  "$(for k in esco_name power_kwh heat_kwh unit_rate_gbp_per_kwh power_cost_gbp heat_cost_gbp standing_charge_gbp total_gbp solar_credit_gbp balance_at_month_end_gbp; do csv_of c@alpha.example $k; done | tr '\n' ' ')" \
  "Alpha ESCO 360.000 0.000 0.16415 59.09 0.00 12.60 71.69 5.98 none "
expect_eq "csv row of A: its balance" "$(csv_of a@alpha.example balance_at_month_end_gbp)" "12.34"
expect_eq "csv: a formula-leading name is prefixed with a quote" \
  "$(grep c@alpha "$WORK/st/statements-2024-06.csv" | grep -cF ',"'"'"'=HYPERLINK(""http://evil.example"",""Cat C"")",')" 1
expect_eq "csv: no cell starts with =" "$(grep -c '^=\|,=\|,"=' "$WORK/st/statements-2024-06.csv")" 0
"$BILL" statements --month 2024-06 --format html --out "$WORK/st" >/dev/null 2>&1
expect_eq "html: 2 pages and an index" "$(ls "$WORK/st"/*.html | wc -l)" 3
expect_match "html page has the daily chart" "$(cat "$WORK"/st/statement-2024-06-*1.html)" "<svg class=\"chart\""
HTML_A=$(cat "$(grep -l a@alpha.example "$WORK"/st/statement-2024-06-*.html)")
expect_match "html: the month by name" "$HTML_A" "<h1>Statement for June 2024 — account [0-9]+</h1>"
expect_match "html: the ESCO by name" "$HTML_A" "· Alpha ESCO ·"
expect_match "html: rates in pence" "$HTML_A" "Your rates: 17.587 p/kWh and 45.00 p/day"
expect_match "html: A has heat lines" "$HTML_A" "<td>Heat</td>"
expect_match "html: every day had readings, so no coverage note" "$(grep -c 'class=\"note coverage\"' <<<"$HTML_A")" "^0$"
HTML_C=$(grep -l c@alpha.example "$WORK"/st/statement-2024-06-*.html)
expect_match "html: C has no heat lines" "$(grep -c '<td>Heat</td>' "$HTML_C")" "^0$"
expect_match "html: C has no balance reading, said so" "$(cat "$HTML_C")" "No reading of the meter balance at month end"
# C carries 30 % against the microgrid's 25 %: the microgrid column shows; A's
# tariff is the microgrid's (0.175875 is 0.17587 on the meter): no column.
expect_match "html: C's microgrid column" "$(cat "$HTML_C")" '<th class="n">Microgrid</th>'
expect_match "html: A has no microgrid column" "$(grep -c 'Microgrid</th>' <<<"$HTML_A")" "^0$"
# Index: A 266.40 (the run above, A power 2880 kWh: see below) + C 71.69.
INDEX=$(cat "$WORK/st/index-2024-06.html")
A_TOTAL=$(statement_of a@alpha.example | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_gbp"])')
expect_match "index: a row of totals (count, sum of the statements' totals)" "$INDEX" \
  "<tr class=\"total\"><td colspan=\"3\">2 statements</td><td class=\"n\">£$(python3 -c "from decimal import Decimal as D; print(D('$A_TOTAL') + D('71.69'))")</td>"
expect_match "index: which total to reconcile against" "$INDEX" "Reconcile against this total"
# A run killed while writing leaves its temporary (.NAME.XXXXXX, kill -9 allows
# no clean-up); the next write of that file removes it.
PAGE=$(cd "$WORK/st" && ls statement-2024-06-*.html | head -n 1)
echo "<html>half" >"$WORK/st/.$PAGE.Qx7Rt2"; touch -d '1 hour ago' "$WORK/st/.$PAGE.Qx7Rt2"
"$BILL" statements --month 2024-06 --format html --out "$WORK/st" >/dev/null 2>&1
expect_eq "a killed run's temporary is gone after the re-run" "$(ls -A "$WORK/st" | grep -c '^\.')" 0
"$BILL" statements --month 2024-06 --format json --out "$WORK/st" >/dev/null 2>&1
expect_eq "json: 2 files" "$(ls "$WORK/st"/*.json | wc -l)" 2
OUT=$("$BILL" statements --month 2024-05 --format json --out "$WORK/st" 2>&1); expect_eq "no statements exit" "$?" 3

# --- October (the clocks go back) with register ranges at odd times ---------------
# Billing reads whole UK days from the daily rollup (0009) and part days from the
# half hours; the circuit_interval_monthly view sums the half hours alone. Meter
# MD's one register carries kWh varying by half hour, on six circuits:
#   D1  2024-10-03 10:15Z .. 2024-10-27 01:30Z (mid half hour; in the repeated hour)
#   D2  2024-10-26 23:00Z (midnight BST, 27 Oct) .. open: 27 Oct is 50 half
#       hours, 28–31 Oct 48 each = 242
#   D3  2024-10-15 08:00Z .. 09:00Z (within one day): 08:00 and 08:30 = 2 half hours
#   D4  2024-09-01 .. 2024-10-31 00:00Z (midnight GMT): 30 whole days
#   D5  2024-10-20 23:00Z (midnight BST) .. 2024-10-21 06:00Z: 14 half hours of one day
#   D6  2024-10-10 20:00Z .. 2024-10-11 03:00Z (across one midnight): 14 half hours
# October 2024 in London is [2024-09-30 23:00Z, 2024-10-31 24:00Z).
sql "
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address)
  SELECT 'MD', id, 'active', '127.0.92.4' FROM flows.escos WHERE code = 'alpha';
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
  SELECT id, 'power', 'SINGLE', '2024-01-01Z' FROM flows.meter_registry WHERE serial = 'MD';
INSERT INTO flows.circuits (name, type)
  VALUES ('D1', 'power'), ('D2', 'power'), ('D3', 'heat'), ('D4', 'power'), ('D5', 'power'), ('D6', 'heat');
INSERT INTO flows.circuit_register (circuit, register, start_time, end_time)
  SELECT c.id, r.register_id, v.s::timestamptz, v.e::timestamptz
  FROM (VALUES ('D1', '2024-10-03T10:15Z', '2024-10-27T01:30Z'), ('D2', '2024-10-26T23:00Z', NULL),
               ('D3', '2024-10-15T08:00Z', '2024-10-15T09:00Z'), ('D4', '2024-09-01T00:00Z', '2024-10-31T00:00Z'),
               ('D5', '2024-10-20T23:00Z', '2024-10-21T06:00Z'), ('D6', '2024-10-10T20:00Z', '2024-10-11T03:00Z')) v(c, s, e)
  JOIN flows.circuits c ON c.name = v.c
  CROSS JOIN flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id AND m.serial = 'MD';
INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)
  SELECT r.register_id, t, ((extract(epoch FROM t)::bigint / 1800) % 7) * 0.125
  FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id AND m.serial = 'MD'
  CROSS JOIN generate_series('2024-09-29T00:00Z'::timestamptz, '2024-11-02T00:00Z', '30 minutes') t"
"$BILL" usage --month 2024-10 --esco alpha --as-of 2024-11-15 >/dev/null 2>>"$WORK/stderr"
expect_eq "october usage exit" "$?" 0
usage_of() {
  sql "SELECT u.half_hours || ' ' || u.kwh FROM public.monthly_usage u JOIN flows.circuits c ON c.id = u.circuit
       WHERE c.name = '$1' AND u.month = '2024-10-01'"
}
expect_eq "D2: 242 half hours from midnight on 27 Oct" "$(usage_of D2 | cut -d' ' -f1)" 242
expect_eq "D4: 1-30 Oct, whole days (27 Oct has 50 half hours: 29 x 48 + 50)" \
  "$(usage_of D4 | cut -d' ' -f1)" "$((29 * 48 + 50))"
# D3: 08:00Z and 08:30Z; 2024-10-15T08:00Z is epoch 1728979200, / 1800 = 960544,
# % 7 = 4, then 5: (4 + 5) x 0.125 = 1.125 kWh.
expect_eq "D3: the two half hours inside its hour" "$(usage_of D3)" "2 1.125"
expect_eq "D5: from midnight to 07:00 BST" "$(usage_of D5 | cut -d' ' -f1)" 14
expect_eq "D6: across one midnight" "$(usage_of D6 | cut -d' ' -f1)" 14
expect_eq "every D circuit's usage equals circuit_interval_monthly (half hours summed afresh)" \
  "$(sql "SELECT count(*) FROM flows.circuits c
          LEFT JOIN public.monthly_usage u ON u.circuit = c.id AND u.month = '2024-10-01'
          LEFT JOIN flows.circuit_interval_monthly v ON v.circuit_id = c.id
            AND v.month = timestamptz '2024-10-01 00:00 Europe/London'
          WHERE c.name LIKE 'D_' AND u.kwh IS NOT DISTINCT FROM v.kwh AND u.kwh > 0")" 6

finish
