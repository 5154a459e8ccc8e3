#!/usr/bin/env bash
# flows-bill customers and solar against a database of its own, every figure
# checked against values computed by hand (see the comments):
#   customers added one by one and from a file (all or nothing, errors naming the
#   line, a re-run unchanged); refused input with exit 2 and nothing written;
#   the status machine (refused moves named); move-out and move-in on the same
#   day, a month split between two occupiers each billed for their days (usage,
#   standing charge, topups, payments, closing balance, solar credit at the
#   month's end); a suspended customer skipped (exit 7); discounts; solar
#   installations and allocations.
#   customers_cli_test.sh FLOWS_BILL EMOP   (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN"

pyjson() {  # WHAT JSON EXPR   (EXPR over d = the parsed JSON)
  if python3 - "$2" "$3" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
  then pass; else fail "$1   [$3] on $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); (d.pop("daily", None) if isinstance(d, dict) else None); print(json.dumps(d)[:300] + " … " + json.dumps(d)[-300:])' "$2")"; fi
}
customers() { sql "SELECT count(*) FROM public.customers"; }
statement_of() {  # EMAIL
  sql "SELECT s.statement::text FROM public.monthly_statements s JOIN public.customers c ON c.id = s.customer
       WHERE c.email = '$1' AND s.month = '2024-06-01'"
}
cost_of() {  # EMAIL -> days-free cost columns
  sql "SELECT m.power_kwh || '|' || m.power || '|' || m.standing_charge || '|' || m.total
       FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer
       WHERE c.email = '$1' AND m.month = '2024-06-01'"
}

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# --- the community (what emop db import would have made) ----------------------------
# ESCO alpha (london). Properties PA (meter MA) and PB (meter MB), each with one
# power circuit: MA uses 0.5 kWh every half hour (24 kWh a UK day), MB 0.25 (12).
# June 2024 (BST) is [2024-05-31T23:00Z, 2024-06-30T23:00Z): 30 UK days.
sql "
INSERT INTO flows.escos (code, name, region) VALUES ('alpha', 'Alpha ESCO', 'london');
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address)
  SELECT s, (SELECT id FROM flows.escos WHERE code = 'alpha'), 'active', a::inet
  FROM (VALUES ('MA', '127.0.93.1'), ('MB', '127.0.93.2')) v(s, a);
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
  SELECT id, 'power', 'SINGLE', '2024-01-01Z' FROM flows.meter_registry;
INSERT INTO flows.circuits (name, type) VALUES ('A power', 'power'), ('B power', 'power');
INSERT INTO flows.circuit_register (circuit, register, start_time)
  SELECT c.id, r.register_id, '2024-01-01Z'
  FROM flows.circuits c JOIN flows.meter_registry m ON m.serial = 'M' || substr(c.name, 1, 1)
  JOIN flows.meter_registers r ON r.meter_id = m.id;
INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)
  SELECT r.register_id, t, CASE m.serial WHEN 'MA' THEN 0.5 ELSE 0.25 END
  FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id
  CROSS JOIN generate_series('2024-05-31T00:00Z'::timestamptz, '2024-06-30T23:30Z', '30 minutes') t;
INSERT INTO public.properties (plot, esco, supply_meter)
  SELECT 'P' || substr(m.serial, 2), m.esco, m.id FROM flows.meter_registry m;
" >/dev/null || { echo "FATAL: seeding the community failed"; exit 1; }
"$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate 0.2345 --standing-charge 0.60 \
  >/dev/null 2>&1 || fail "benchmark add"
"$BILL" tariffs quarter --start 2024-04-01 --esco alpha >/dev/null 2>&1 || fail "quarter (microgrid row)"

# --- customers add, and input refused with nothing written ------------------------------
OUT=$("$BILL" customers add --email ann@alpha.example --name "Ann A" --esco alpha --plot PA --status live --json 2>>"$WORK/stderr")
expect_eq "add exit" "$?" 0
pyjson "add creates the customer and PA's supply account" "$OUT" \
  "d['created'] == 1 and d['customers'][0]['account_created'] is True and d['customers'][0]['account_number'] > 0"
OUT=$("$BILL" customers add --email bob@alpha.example --name "Bob B" --esco alpha --plot PB --status live 2>&1)
expect_eq "add bob exit" "$?" 0
OUT=$("$BILL" customers add --email ann@alpha.example --name "Ann A" --esco alpha --plot PA --status live 2>&1)
expect_eq "adding the same customer again is no change" "$?" 0
expect_match "… and says so" "$OUT" "unchanged"
OUT=$("$BILL" customers add --email not-an-address --esco alpha --plot PA 2>&1); expect_eq "bad email exit" "$?" 2
expect_match "bad email message" "$OUT" "email 'not-an-address' is not an email address"
OUT=$("$BILL" customers add --email x@alpha.example --esco alpha --plot PZ 2>&1); expect_eq "unknown property exit" "$?" 2
expect_match "unknown property message" "$OUT" "no property PZ in ESCO alpha"
OUT=$("$BILL" customers add --email x@alpha.example --esco alpha --plot PA --move-in 2024-06-01 2>&1)
expect_eq "a second occupier while Ann is there exit" "$?" 2
expect_match "… names who is there" "$OUT" "ann@alpha.example still occupies it"
OUT=$("$BILL" customers add --email x@alpha.example --status gone 2>&1); expect_eq "unknown status exit" "$?" 2
expect_eq "refusals wrote nothing" "$(customers)" 2

# --- a file, all or nothing ------------------------------------------------------------------
cat >"$WORK/bad.csv" <<'EOF'
email,name,esco,plot,move_in,status
cat@alpha.example,Cat C,alpha,PA,2024-06-10,live
dan@alpha.example,"Dan, D",,,,
eve@alpha.example,Eve E,alpha,PQ,,
EOF
head -3 "$WORK/bad.csv" >"$WORK/customers.csv"
OUT=$("$BILL" customers import "$WORK/customers.csv" 2>&1); expect_eq "Cat onto PA before Ann moved out exit" "$?" 2
expect_match "… refused naming the line" "$OUT" "customers.csv:2: cat@alpha.example cannot move into PA: ann@alpha.example still occupies it"

# Ann moves out on 10 June (her last day the 9th); Cat moves in that day.
OUT=$("$BILL" customers move-out ann@alpha.example --date 2024-06-10 2>&1); expect_eq "move-out exit" "$?" 0
OUT=$("$BILL" customers move-out ann@alpha.example --date 2024-06-12 2>&1); expect_eq "moving out twice exit" "$?" 2
expect_match "… says when" "$OUT" "has already moved out \(on 2024-06-10\)"
OUT=$("$BILL" customers import "$WORK/bad.csv" 2>&1); expect_eq "file with an unknown property exit" "$?" 2
expect_match "… names the file's line" "$OUT" "bad.csv:4: no property PQ in ESCO alpha"
expect_eq "the bad file wrote nothing" "$(customers)" 2
OUT=$("$BILL" customers import "$WORK/customers.csv" --dry-run --json 2>>"$WORK/stderr"); expect_eq "dry run exit" "$?" 0
pyjson "dry run counts" "$OUT" "d['dry_run'] and d['created'] == 2"
expect_eq "dry run wrote nothing" "$(customers)" 2
OUT=$("$BILL" customers import "$WORK/customers.csv" --json 2>>"$WORK/stderr"); expect_eq "import exit" "$?" 0
pyjson "import adds two" "$OUT" "d['created'] == 2 and d['unchanged'] == 0"
OUT=$("$BILL" customers import "$WORK/customers.csv" --json 2>>"$WORK/stderr"); expect_eq "re-import exit" "$?" 0
pyjson "re-import changes nothing" "$OUT" "d['created'] == 0 and d['unchanged'] == 2"
expect_eq "four customers" "$(customers)" 4
expect_eq "PA's occupancy history" "$(sql "SELECT string_agg(c.email || ':' || COALESCE(ca.move_in::text, '-') || ':' || COALESCE(ca.move_out::text, '-'), ',' ORDER BY c.email)
  FROM public.customer_accounts ca JOIN public.customers c ON c.id = ca.customer
  JOIN public.accounts a ON a.id = ca.account JOIN public.properties p ON p.id = a.property WHERE p.plot = 'PA'")" \
  "ann@alpha.example:-:2024-06-10,cat@alpha.example:2024-06-10:-"
expect_eq "one supply account on PA, reused" "$(sql "SELECT count(*) FROM public.accounts a JOIN public.properties p ON p.id = a.property WHERE p.plot = 'PA'")" 1

OUT=$("$BILL" customers show ann@alpha.example --json); expect_eq "show exit" "$?" 0
pyjson "show: Ann's holding with its dates" "$OUT" \
  "d['status'] == 'live' and [(h['plot'], h['role'], h['move_in'], h['move_out']) for h in d['holdings']] == [('PA', 'occupier', None, '2024-06-10')]"
OUT=$("$BILL" customers list --esco alpha --json); expect_eq "list exit" "$?" 0
pyjson "list --esco: the three with a property" "$OUT" \
  "[r['email'] for r in d] == ['ann@alpha.example', 'bob@alpha.example', 'cat@alpha.example']"
OUT=$("$BILL" customers list --status pending --json)
pyjson "list --status pending: Dan, without a property" "$OUT" "[(r['email'], r['holding']) for r in d] == [('dan@alpha.example', None)]"
OUT=$("$BILL" customers show nobody@alpha.example 2>&1); expect_eq "show unknown exit" "$?" 2

# --- status machine ------------------------------------------------------------------------------
OUT=$("$BILL" customers set-status dan@alpha.example live 2>&1); expect_eq "pending -> live exit" "$?" 2
expect_match "… the refusal names the allowed moves" "$OUT" "cannot move from pending to live: pending moves on to preonboarding or archived only"
OUT=$("$BILL" customers set-status dan@alpha.example preonboarding --json); expect_eq "pending -> preonboarding exit" "$?" 0
pyjson "status change reported" "$OUT" "d == {'email': 'dan@alpha.example', 'from': 'pending', 'to': 'preonboarding', 'changed': True}"
OUT=$("$BILL" customers set-status dan@alpha.example preonboarding 2>&1); expect_eq "same status again exit" "$?" 0
expect_match "… unchanged" "$OUT" "already preonboarding"
expect_eq "status changes logged in customer_events" "$(sql "SELECT count(*) FROM public.customer_events e JOIN public.customers c ON c.id = e.customer
  WHERE c.email = 'dan@alpha.example' AND e.event_type = 'status'")" 1

# --- discounts -----------------------------------------------------------------------------------
# 25 %: 0.2345 x 0.75 = 0.175875 -> 0.17587; 0.60 x 0.75 = 0.45. 40 %: 0.2345 x 0.6 = 0.1407; 0.36.
OUT=$("$BILL" customers discount ann@alpha.example --discount 25 --period-start 2024-04-01 --json); expect_eq "discount exit" "$?" 0
pyjson "Ann's rates" "$OUT" "(d['unit_rate'], d['standing_charge'], d['replaced']) == ('0.17587', '0.45000', None)"
"$BILL" customers discount bob@alpha.example --discount 25 --period-start 2024-04-01 >/dev/null || fail "discount bob"
OUT=$("$BILL" customers discount cat@alpha.example --discount 30 --period-start 2024-06-01 --json)
OUT=$("$BILL" customers discount cat@alpha.example --discount 40 --period-start 2024-06-01 --json); expect_eq "discount change exit" "$?" 0
pyjson "Cat's rates, replacing 30 %" "$OUT" "(d['unit_rate'], d['standing_charge'], d['replaced']) == ('0.14070', '0.36000', '30')"
OUT=$("$BILL" customers discount dan@alpha.example --discount 25 --period-start 2024-06-01 2>&1); expect_eq "discount without an account exit" "$?" 2
OUT=$("$BILL" customers discount ann@alpha.example --discount 101 --period-start 2024-06-01 2>&1); expect_eq "discount over 100 exit" "$?" 2
OUT=$("$BILL" customers discount ann@alpha.example --discount 20 --period-start 2024-06-15 2>&1); expect_eq "discount mid-month exit" "$?" 2

# --- solar ---------------------------------------------------------------------------------------
OUT=$("$BILL" solar tariff --esco alpha --period-start 2024-01-01 --pence-per-year 3650 2>&1); expect_eq "solar tariff exit" "$?" 0
OUT=$("$BILL" solar tariff --esco alpha --period-start 2024-01-01 --pence-per-year -1 2>&1); expect_eq "negative solar tariff exit" "$?" 2
OUT=$("$BILL" solar tariff --esco nosuch --period-start 2024-01-01 --pence-per-year 3650 2>&1); expect_eq "solar tariff of an unknown ESCO exit" "$?" 2
expect_eq "one solar credit tariff" "$(sql "SELECT pence_per_year FROM public.solar_credit_tariffs")" 3650
OUT=$("$BILL" solar add --esco alpha --plot PA --capacity-kw 4.0 2>&1); expect_eq "solar add exit" "$?" 0
OUT=$("$BILL" solar allocate --esco alpha --installation PA --share PA=0.5 --share PB=0.4 2>&1)
expect_eq "shares not summing to 1 exit" "$?" 2
expect_match "… message" "$OUT" "the shares sum to 0.9, not 1"
OUT=$("$BILL" solar allocate --esco alpha --installation PB --share PB=1 2>&1); expect_eq "allocating no installation exit" "$?" 2
OUT=$("$BILL" solar allocate --esco alpha --installation PA --share PA=0.5 --share PB=0.5 2>&1); expect_eq "allocate exit" "$?" 0
OUT=$("$BILL" solar list --json)
pyjson "solar list" "$OUT" "d == [{'esco': 'alpha', 'plot': 'PA', 'capacity_kw': '4', 'shares': [{'plot': 'PA', 'ratio': '0.5'}, {'plot': 'PB', 'ratio': '0.5'}]}]"

# --- money in the month, for the statements ------------------------------------------------------
# MA: a 1000 p topup on 5 June (Ann's days), 500 p on 20 June (Cat's); payments
# into PA's account of 2000 p on 3 June (Ann's) and 1500 p on 15 June (Cat's);
# balance readings 5.00 on 9 June 12:00Z (Ann's last day) and 7.50 on 30 June.
sql "
INSERT INTO public.topups (meter, amount_pence, status, source, used_at)
  SELECT id, v.p, 'completed', 'gift', v.t::timestamptz FROM flows.meter_registry,
    (VALUES (1000, '2024-06-05T12:00Z'), (500, '2024-06-20T12:00Z')) v(p, t) WHERE serial = 'MA';
INSERT INTO public.payments (account, amount_pence, status, submitted_at)
  SELECT a.id, v.p, 'succeeded', v.t::timestamptz FROM public.accounts a JOIN public.properties p ON p.id = a.property,
    (VALUES (2000, '2024-06-03T12:00Z'), (1500, '2024-06-15T12:00Z')) v(p, t) WHERE p.plot = 'PA';
INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance)
  SELECT id, v.t::timestamptz, v.b FROM flows.meter_registry,
    (VALUES ('2024-06-09T12:00Z', 5.00), ('2024-06-30T12:00Z', 7.50)) v(t, b) WHERE serial = 'MA';
" >/dev/null || fail "seeding the month's money"

# --- the month split between Ann and Cat -------------------------------------------------------
OUT=$("$BILL" run --month 2024-06 --as-of 2024-07-15 --json 2>>"$WORK/stderr"); expect_eq "run exit" "$?" 0
pyjson "three billed, none skipped" "$OUT" "d['customers_billed'] == 3 and d['customers_skipped'] == 0"
# Ann, days 1-9: 9 x 24 = 216 kWh x 0.17587 = 37.98792; 9 x 0.45 = 4.05; total 42.03792.
expect_eq "Ann billed for 9 days" "$(cost_of ann@alpha.example)" "216|37.98792|4.05|42.03792"
# Cat, days 10-30: 21 x 24 = 504 kWh x 0.14070 = 70.91280; 21 x 0.36 = 7.56; total 78.47280.
expect_eq "Cat billed for 21 days" "$(cost_of cat@alpha.example)" "504|70.9128|7.56|78.4728"
# Bob, the whole month: 30 x 12 = 360 kWh x 0.17587 = 63.31320; 30 x 0.45 = 13.50; total 76.81320.
expect_eq "Bob billed for 30 days" "$(cost_of bob@alpha.example)" "360|63.3132|13.5|76.8132"
expect_eq "PA's 720 kWh billed once between them" "$(sql "SELECT sum(m.power_kwh) FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer
  WHERE c.email IN ('ann@alpha.example', 'cat@alpha.example')")" "720"
ST=$(statement_of ann@alpha.example)
pyjson "Ann's statement: her days, her money, her closing balance, no solar credit" "$ST" \
  "d['days'] == 9 and d['occupied'] == {'from': '2024-06-01', 'to': '2024-06-09'} and len(d['daily']) == 9 and d['topups_gbp'] == '10.00' and d['payments_gbp'] == '20.00' and d['balance_at_month_end'] == '5.00' and d['solar_credit_gbp'] == '0.00' and d['total_gbp'] == '42.04'"
ST=$(statement_of cat@alpha.example)
# Solar: 4.0 kW x 30 days x 3650/366 p (2024 is a leap year) = 1196.72 -> 1196 p, half to PA = 598 p,
# shown to Cat (PA's occupier at the month's end).
pyjson "Cat's statement: her days, her money, PA's solar credit" "$ST" \
  "d['days'] == 21 and d['occupied'] == {'from': '2024-06-10', 'to': '2024-06-30'} and d['daily'][0]['day'] == '2024-06-10' and d['topups_gbp'] == '5.00' and d['payments_gbp'] == '15.00' and d['balance_at_month_end'] == '7.50' and d['solar_credit_gbp'] == '5.98' and d['total_gbp'] == '78.47'"
ST=$(statement_of bob@alpha.example)
pyjson "Bob's statement has no occupied range (the whole month)" "$ST" "'occupied' not in d and d['days'] == 30 and d['solar_credit_gbp'] == '5.98'"

# --- a suspended customer is skipped, never billed at zero --------------------------------------
"$BILL" customers set-status bob@alpha.example suspended >/dev/null || fail "suspend bob"
OUT=$("$BILL" run --month 2024-06 --as-of 2024-07-15 --json 2>>"$WORK/stderr"); expect_eq "run with a suspended customer exit" "$?" 7
pyjson "Bob skipped for his status" "$OUT" "[(s['email'], s['reason']) for s in d['skipped']] == [('bob@alpha.example', 'status suspended: only live and exiting customers are billed')]"
"$BILL" customers set-status bob@alpha.example live >/dev/null || fail "resume bob"
OUT=$("$BILL" run --month 2024-06 --as-of 2024-07-15 --json 2>>"$WORK/stderr"); expect_eq "run after resuming exit" "$?" 0

# A move-in that overlaps someone's days is refused even with a move-out recorded.
OUT=$("$BILL" customers move-in dan@alpha.example --esco alpha --plot PA --date 2024-06-05 2>&1)
expect_eq "move-in over Cat's days exit" "$?" 2
expect_match "… names Ann" "$OUT" "ann@alpha.example occupies it until 2024-06-10, after 2024-06-05"

finish
