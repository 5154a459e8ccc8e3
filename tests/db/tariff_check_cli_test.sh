#!/usr/bin/env bash
# flows-bill tariffs check and emop push tariffs --only-differing against a
# database of its own:
#   part 1: a community of 6 meters (and one in each of two other ESCOs) whose
#   meter_shadows rows are written by SQL, each made to differ in one way (or to
#   be unknown in one way); the check finds exactly those, with --json fields,
#   --esco limiting it and its exit status both ways;
#   part 2: 3 simulated meters synced by emop sync; one already holds its next
#   tariff and answers nothing, so a push that contacts it fails; the
#   targeted push writes only the two differing meters, and after a sync the
#   check finds none differing.
#   tariff_check_cli_test.sh FLOWS_BILL EMOP EMLITE_SIM  (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
SIM_BIN=${3:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN" SIM="$SIM_BIN"

check_py() {  # WHAT EXPR   (J = the JSON in $WORK/out.json)
  if python3 -c "import json, sys
J = json.load(open('$WORK/out.json'))
sys.exit(0 if ($2) else 1)"; then pass; else fail "$1   [$2]"; fi
}
# The check's rows as 'SERIAL|state|field|on_meter|expected' lines (JSON in $WORK/out.json).
rows_of() {
  python3 -c "import json
for m in json.load(open('$WORK/out.json'))['meters']:
    for d in m['differences']: print('|'.join([m['serial'], m['state'], d['field'], d['on_meter'], d['expected']]))
    for u in m['unknown']: print('|'.join([m['serial'], m['state'], 'unknown', u]))
    if m['state'] == 'matching': print(m['serial'] + '|matching')"
}

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# ================================================================ part 1: SQL shadows
# ESCO chkco: microgrid tariff from 2030-01-01 with emergency credit 15, e-credit
# threshold 10, debt recovery 0.25. Customers' tariffs in force from 2030-01-01:
# 0.175875 £/kWh truncated to 0.17587, 0.4917 £/day. The check is on 2030-02-15.
E=00000000-0000-0000-0000-0000000000e
U=00000000-0000-0000-0000-00000000
sql "
INSERT INTO flows.escos (id, code, name, region) VALUES
  ('${E}1', 'chkco', 'Check Co', 'london'), ('${E}2', 'otherco', 'Other Co', 'london'),
  ('${E}3', 'okco', 'OK Co', 'london');
INSERT INTO flows.meter_registry (id, serial, esco, hardware, mode)
  SELECT ('${U}000' || n)::uuid, 'EMLC00000000' || n, ('${E}' || CASE WHEN n <= 6 THEN 1 WHEN n = 7 THEN 2 ELSE 3 END)::uuid,
         'B1.w', 'active'
  FROM generate_series(1, 8) n;
INSERT INTO public.customers (id, email, status)
  SELECT ('${U}00c' || n)::uuid, 'c' || n || '@example.org', 'live' FROM generate_series(1, 8) n;
INSERT INTO public.properties (id, esco, supply_meter, plot)
  SELECT ('${U}00b' || n)::uuid, ('${E}' || CASE WHEN n <= 6 THEN 1 WHEN n = 7 THEN 2 ELSE 3 END)::uuid,
         ('${U}000' || n)::uuid, 'P' || n
  FROM generate_series(1, 8) n;
INSERT INTO public.accounts (id, property, type, status)
  SELECT ('${U}00a' || n)::uuid, ('${U}00b' || n)::uuid, 'supply', 'open' FROM generate_series(1, 8) n;
INSERT INTO public.customer_accounts (customer, account, role, move_in, move_out)
  SELECT ('${U}00c' || n)::uuid, ('${U}00a' || n)::uuid, 'occupier', '2029-06-01',
         CASE WHEN n = 6 THEN '2030-02-01'::date END   -- c6 moved out before the 15th
  FROM generate_series(1, 8) n;
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
  SELECT ('${U}00c' || n)::uuid, '2030-01-01', 25, 0.175875, 0.49170 FROM generate_series(1, 8) n;
-- c3's next tariff, and an older one of c1's that is no longer in force.
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge) VALUES
  ('${U}00c3', '2030-04-01', 20, 0.18, 0.5), ('${U}00c1', '2029-10-01', 25, 0.99, 0.99);
INSERT INTO public.microgrid_tariffs (esco, period_start, discount, unit_rate, standing_charge,
    emergency_credit, ecredit_button_threshold, debt_recovery_rate)
  SELECT ('${E}' || n)::uuid, '2030-01-01', 25, 0.175875, 0.4917, 15, 10, 0.25 FROM generate_series(1, 3) n;
" >/dev/null || { echo "FATAL: community insert failed"; exit 1; }

# What emop sync writes (decimal strings, trailing zeros dropped), activated 2030-01-01.
good='{"standing_charge": "0.4917", "unit_rate_element_a": "0.17587", "unit_rate_element_b": "0.17587",
       "prepayment_ecredit_availability": "10.0", "prepayment_debt_recovery_rate": "0.25",
       "prepayment_emergency_credit": "15.0"}'
good_future='{"standing_charge": "0.4917", "unit_rate_element_a": "0.17587", "unit_rate_element_b": "0.17587",
       "prepayment_ecredit_availability": "10.0", "prepayment_debt_recovery_rate": "0.25",
       "prepayment_emergency_credit": "15.0", "activation_datetime": "2030-01-01T00:00:00"}'
# M1 and M8: the deployed tool's JSON numbers (jsonb keeps them as exact numerics).
numbers='{"standing_charge": 0.4917, "unit_rate_element_a": 0.17587, "unit_rate_element_b": 0.17587,
          "prepayment_ecredit_availability": 10.0, "prepayment_debt_recovery_rate": 0.25,
          "prepayment_emergency_credit": 15.0}'
sql "
UPDATE flows.meter_shadows SET tariffs_active = '$good'::jsonb, tariffs_future = '$good_future'::jsonb;
UPDATE flows.meter_shadows SET tariffs_active = '$numbers'::jsonb WHERE id IN ('${U}0001', '${U}0008');
-- M2: element A unit rate one in the 5th decimal above (0.17588 - 0.17587 = 0.00001).
UPDATE flows.meter_shadows SET tariffs_active = jsonb_set(tariffs_active, '{unit_rate_element_a}', '\"0.17588\"')
  WHERE id = '${U}0002';
-- M3: its next tariff (2030-04-01, 0.18, 0.5) pushed, but with a standing charge of 0.51.
UPDATE flows.meter_shadows SET tariffs_future = '{\"standing_charge\": \"0.51\", \"unit_rate_element_a\": \"0.18\",
  \"unit_rate_element_b\": \"0.18\", \"prepayment_ecredit_availability\": \"10.0\",
  \"prepayment_debt_recovery_rate\": \"0.25\", \"prepayment_emergency_credit\": \"15.0\",
  \"activation_datetime\": \"2030-04-01T00:00:00\"}'::jsonb WHERE id = '${U}0003';
-- M4: emergency credit 20 instead of the microgrid's 15.
UPDATE flows.meter_shadows SET tariffs_active = jsonb_set(tariffs_active, '{prepayment_emergency_credit}', '\"20.0\"')
  WHERE id = '${U}0004';
-- M5: no shadow row at all.
DELETE FROM flows.meter_shadows WHERE id = '${U}0005';
-- M7 (otherco): a float formatter's digits, as a JSON number: not 0.17587.
UPDATE flows.meter_shadows SET tariffs_active = jsonb_set(tariffs_active, '{unit_rate_element_b}', '0.17587000000000001')
  WHERE id = '${U}0007';
" >/dev/null || { echo "FATAL: shadows update failed"; exit 1; }

"$BILL" tariffs check --esco chkco --as-of 2030-02-15 --json >"$WORK/out.json" 2>"$WORK/err"; RC=$?
expect_eq "chkco: status 9 (some differ)" "$RC" 9
expect_eq "chkco: exactly the meters made to differ, each once" "$(rows_of | tr '\n' ';')" \
"EMLC000000001|matching;\
EMLC000000002|differs|active.unit_rate_element_a|0.17588|0.17587;\
EMLC000000003|differs|future.standing_charge|0.51|0.50000;\
EMLC000000004|differs|active.prepayment_emergency_credit|20.0|15;\
EMLC000000005|unknown|unknown|no meter_shadows row;\
EMLC000000006|unknown|unknown|no occupier on 2030-02-15;"
check_py "chkco: counts 1 matching, 3 differing, 2 unknown, as of 2030-02-15" \
  "(J['as_of'], J['matching'], J['differing'], J['unknown'], len(J['meters'])) == ('2030-02-15', 1, 3, 2, 6)"
check_py "chkco: M2 row names its customer, meter id and ESCO" \
  "[(m['customer'], m['meter_id'], m['esco']) for m in J['meters'] if m['serial'] == 'EMLC000000002'] == [('${U}00c2', '${U}0002', 'chkco')]"
check_py "chkco: M6 without an occupier has a null customer" \
  "[m['customer'] for m in J['meters'] if m['serial'] == 'EMLC000000006'] == [None]"
expect_match "summary on stderr" "$(cat "$WORK/err")" "tariff check on 2030-02-15: 6 meters, 1 matching, 3 differing, 2 unknown"

# The table: one line per difference or unknown, the matching M1 not listed.
OUT=$("$BILL" tariffs check --esco chkco --as-of 2030-02-15 2>/dev/null); RC=$?
expect_eq "table: status 9" "$RC" 9
expect_eq "table: header and 5 lines" "$(wc -l <<<"$OUT")" 6
expect_match "table: header" "$(head -1 <<<"$OUT")" "^SERIAL +ESCO +CUSTOMER +STATE +FIELD +ON METER +EXPECTED$"
expect_match "table: M2's line" "$OUT" "EMLC000000002 +chkco +${U}00c2 +differs +active.unit_rate_element_a +0.17588 +0.17587"
if grep -q EMLC000000001 <<<"$OUT"; then fail "table lists the matching M1"; else pass; fi

# No --esco: every ESCO; M7's float digits differ, M8's JSON numbers match.
"$BILL" tariffs check --as-of 2030-02-15 --json >"$WORK/out.json" 2>/dev/null; RC=$?
expect_eq "all ESCOs: status 9" "$RC" 9
check_py "all ESCOs: 8 meters, 2 matching, 4 differing, 2 unknown" \
  "(len(J['meters']), J['matching'], J['differing'], J['unknown']) == (8, 2, 4, 2)"
expect_eq "all ESCOs: M7's float digits differ" "$(rows_of | grep EMLC000000007)" \
  "EMLC000000007|differs|active.unit_rate_element_b|0.17587000000000001|0.17587"
expect_eq "all ESCOs: M8 matches" "$(rows_of | grep EMLC000000008)" "EMLC000000008|matching"

# All matching: status 0, no table.
OUT=$("$BILL" tariffs check --esco okco --as-of 2030-02-15 2>"$WORK/err"); RC=$?
expect_eq "okco: all matching, status 0" "$RC" 0
expect_eq "okco: nothing listed" "$OUT" ""
expect_match "okco: summary" "$(cat "$WORK/err")" "1 meter, 1 matching, 0 differing, 0 unknown"

# On 2029-12-15 no ESCO has a microgrid tariff in force yet, c8 no customer tariff:
# M8 is unknown, never matching.
"$BILL" tariffs check --esco okco --as-of 2029-12-15 --json >"$WORK/out.json" 2>/dev/null; RC=$?
expect_eq "okco on 2029-12-15: status 9 (unknown)" "$RC" 9
expect_eq "okco on 2029-12-15: unknown, and why" "$(rows_of)" "EMLC000000008|unknown|unknown|no customer tariff in force
EMLC000000008|unknown|unknown|no microgrid tariff in force for the ESCO"
# On that day c1's older tariff (0.99, 0.99 from 2029-10-01) is in force, and the
# 2030-01-01 one is next: M1's active tariff differs, its future one (0.17587 from
# 2030-01-01 00:00) holds the next tariff.
"$BILL" tariffs check --esco chkco --as-of 2029-12-15 --json >"$WORK/out.json" 2>/dev/null
expect_eq "M1 on 2029-12-15: the active tariff against the older tariff" "$(rows_of | grep EMLC000000001)" \
"EMLC000000001|differs|active.unit_rate_element_a|0.17587|0.99000
EMLC000000001|differs|active.unit_rate_element_b|0.17587|0.99000
EMLC000000001|differs|active.standing_charge|0.4917|0.99000
EMLC000000001|differs|unknown|no microgrid tariff in force for the ESCO"

# Bad values: status 2, one line.
"$BILL" tariffs check --esco nosuch >/dev/null 2>"$WORK/err"; RC=$?
expect_eq "unknown ESCO: status 2" "$RC" 2
expect_match "unknown ESCO: named" "$(cat "$WORK/err")" "nosuch"
"$BILL" tariffs check --as-of 2030-02-30 >/dev/null 2>&1; RC=$?
expect_eq "bad --as-of: status 2" "$RC" 2

# ================================================================ part 2: simulated meters
read -r PORT CTL_PORT < <(python3 - <<'EOF2'
import os, socket
def free(host, p):
    s = socket.socket()
    try:
        s.bind((host, p)); return True
    except OSError:
        return False
    finally:
        s.close()
start = 20000 + (os.getpid() * 11) % 30000
for p in range(start, 65000):
    if all(free('127.0.92.%d' % i, p) for i in range(1, 4)) and free('127.0.0.1', p + 1):
        print(p, p + 1); break
EOF2
)
S1=EML9200000001; S2=EML9200000002; S3=EML9200000003
INSTALLED=$(python3 -c "import time,datetime; t=int(time.time())-3600; print(datetime.datetime.fromtimestamp(t - t % 60, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")
{
  echo "meters:"
  for n in 1 2 3; do
    echo "  - { serial: \"EML920000000$n\", kind: single_b1w, host: \"127.0.92.$n\", port: $PORT, dst: false, prepay_enabled: false, initial_balance: 20.00, installed_at: \"$INSTALLED\", profile: flat, mean_power_w: 500 }"
  done
} >"$WORK/fleet.yaml"
"$SIM" serve --fleet "$WORK/fleet.yaml" --control "127.0.0.1:$CTL_PORT" --fleet-out "$WORK/inventory.yaml" \
  >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/inventory.yaml" ]] && break; sleep 0.1; done
[[ -s "$WORK/inventory.yaml" ]] || { echo "FATAL: emlite-sim not ready"; cat "$WORK/sim.log"; exit 1; }
ctl() { "$SIM" ctl "127.0.0.1:$CTL_PORT" "$@"; }

# The simulator's meters start with 0.25 £/kWh, 0.50 £/day, emergency credit 15,
# e-credit 10, debt recovery 0.30: the tariffs in force say so. The next tariff
# starts in 40 days: 0.175875 -> 0.17587 £/kWh, 0.4917 £/day.
TODAY=$(TZ=Europe/London date +%F)
PAST=$(python3 -c "import datetime; print((datetime.date.fromisoformat('$TODAY') - datetime.timedelta(days=30)).isoformat())")
NEXT=$(python3 -c "import datetime; print((datetime.date.fromisoformat('$TODAY') + datetime.timedelta(days=40)).isoformat())")
V=00000000-0000-0000-0000-0000000009
sql "
INSERT INTO flows.escos (id, code, name, region) VALUES ('${V}e1', 'simco', 'Sim Co', 'london');
INSERT INTO flows.meter_registry (id, serial, ip_address, emop_port, esco, hardware, daylight_savings_correction_enabled, mode)
  SELECT ('${V}0' || n)::uuid, 'EML920000000' || n, ('127.0.92.' || n)::inet, $PORT, '${V}e1', 'B1.w', false, 'active'
  FROM generate_series(1, 3) n;
INSERT INTO public.customers (id, email, status) SELECT ('${V}c' || n)::uuid, 's' || n || '@example.org', 'live' FROM generate_series(1, 3) n;
INSERT INTO public.properties (id, esco, supply_meter, plot) SELECT ('${V}b' || n)::uuid, '${V}e1', ('${V}0' || n)::uuid, 'S' || n FROM generate_series(1, 3) n;
INSERT INTO public.accounts (id, property, type, status) SELECT ('${V}a' || n)::uuid, ('${V}b' || n)::uuid, 'supply', 'open' FROM generate_series(1, 3) n;
INSERT INTO public.customer_accounts (customer, account, role) SELECT ('${V}c' || n)::uuid, ('${V}a' || n)::uuid, 'occupier' FROM generate_series(1, 3) n;
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
  SELECT ('${V}c' || n)::uuid, '$PAST'::date, 0, 0.25, 0.5 FROM generate_series(1, 3) n
  UNION ALL SELECT ('${V}c' || n)::uuid, '$NEXT'::date, 25, 0.175875, 0.49170 FROM generate_series(1, 3) n;
INSERT INTO public.microgrid_tariffs (esco, period_start, discount, unit_rate, standing_charge, emergency_credit,
    ecredit_button_threshold, debt_recovery_rate) VALUES ('${V}e1', '$PAST', 0, 0.25, 0.5, 15, 10, 0.30);
" >/dev/null || { echo "FATAL: simco insert failed"; exit 1; }

# S1 already holds its next tariff (written directly), S2 and S3 do not.
"$EMOP" --host "127.0.92.1:$PORT" tariffs_future_write $S1 --from-ts "${NEXT}T00:00:00" --unit-rate 0.17587 \
  --standing-charge 0.4917 --emergency-credit 15 --ecredit-availability 10 --debt-recovery-rate 0.30 >/dev/null 2>"$WORK/err" ||
  { echo "FATAL: tariffs_future_write S1 failed: $(cat "$WORK/err")"; exit 1; }
"$EMOP" sync --frequency 12hourly --esco simco >"$WORK/sync.out" 2>&1 || { echo "FATAL: sync failed"; cat "$WORK/sync.out"; exit 1; }

"$BILL" tariffs check --esco simco --json >"$WORK/out.json" 2>/dev/null; RC=$?
expect_eq "simco before the push: status 9" "$RC" 9
check_py "simco before: S1 matching, S2 and S3 differ in their future tariff" \
  "{m['serial']: m['state'] for m in J['meters']} == {'$S1': 'matching', '$S2': 'differs', '$S3': 'differs'}"
check_py "simco before: S2's future unit rate and activation differ" \
  "{(d['field'], d['expected']) for m in J['meters'] if m['serial'] == '$S2' for d in m['differences']} >= {('future.unit_rate_element_a', '0.17587'), ('future.activation_datetime', '${NEXT}T00:00:00')}"

# S1 now answers nothing: a push that contacted it would fail (status 7).
ctl fault $S1 silent >/dev/null
OUT=$("$EMOP" push tariffs --esco simco --only-differing --timeout 1 --attempts 1 2>&1); RC=$?
log "targeted push: $OUT"
expect_eq "targeted push: status 0 (S1 not contacted)" "$RC" 0
expect_eq "targeted push: S1 listed as matching" "$(grep -c "^$S1 .* matching" <<<"$OUT")" 1
expect_eq "targeted push: 2 written" "$(grep -v '^push ' <<<"$OUT" | grep -c ' written')" 2
expect_eq "targeted push: recorded for S2 and S3 only" \
  "$(sql "SELECT string_agg(m.serial || ':' || p.outcome, ',' ORDER BY m.serial) FROM public.meter_tariff_pushes p
          JOIN flows.meter_registry m ON m.id = p.meter_id")" "$S2:ok,$S3:ok"
F2=$("$EMOP" --host "127.0.92.2:$PORT" tariffs_future_read $S2 --json)
expect_eq "S2's future tariff: 0.17587 from $NEXT 00:00" \
  "$(python3 -c "import json; v = json.loads('''$F2''')['value']; print(v['unit_rate_element_a'], v['standing_charge'], v['activation_datetime'])")" \
  "0.17587 0.4917 ${NEXT}T00:00:00"
# Without --only-differing the push contacts the silent S1 and fails on it: the check above can fail.
OUT=$("$EMOP" push tariffs --esco simco --dry-run --timeout 1 --attempts 1 2>&1); RC=$?
expect_eq "untargeted dry run contacts the silent S1: status 7" "$RC" 7
ctl clear $S1 >/dev/null

"$EMOP" sync --frequency 12hourly --esco simco >"$WORK/sync.out" 2>&1 || { echo "FATAL: sync failed"; cat "$WORK/sync.out"; exit 1; }
"$BILL" tariffs check --esco simco --json >"$WORK/out.json" 2>/dev/null; RC=$?
expect_eq "simco after push and sync: status 0" "$RC" 0
check_py "simco after: all 3 matching" "(J['matching'], J['differing'], J['unknown']) == (3, 0, 0)"
OUT=$("$EMOP" push tariffs --esco simco --only-differing 2>&1); RC=$?
expect_eq "targeted re-run: status 0" "$RC" 0
expect_eq "targeted re-run: all 3 matching, none contacted" "$(grep -v '^push ' <<<"$OUT" | grep -c ' matching')" 3
expect_eq "targeted re-run records nothing" "$(sql 'SELECT count(*) FROM public.meter_tariff_pushes')" 2

finish
