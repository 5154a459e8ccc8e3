#!/usr/bin/env bash
# flows-bill topups / wallets / solar-credits apply against a database of its
# own and simulated meters on 127.0.93.N: a gift topup's token fetched by the
# configured token command and pushed by `emop push tokens` (the meter credited
# exactly once), topups from payments once per payment, wallet auto top-ups once
# per shortfall with their pending payment, solar credits paid out once across a
# crash and a re-run, and the refusals.
#   topups_cli_test.sh FLOWS_BILL EMOP EMLITE_SIM   (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
SIM_BIN=${3:?usage: $0 FLOWS_BILL EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN" SIM="$SIM_BIN"

check_py() {  # WHAT EXPR (D = Decimal)
  if python3 -c "from decimal import Decimal as D
import sys; sys.exit(0 if ($2) else 1)"; then pass; else fail "$1   [$2]"; fi
}
run() {  # CMD... : stdout in $WORK/out, stderr in $WORK/err, status in RC
  "$@" >"$WORK/out" 2>"$WORK/err"; RC=$?
}

# --- the fleet: 2 meters on 127.0.93.1-2, one port free on both.
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
    if all(free('127.0.93.%d' % i, p) for i in (1, 2)) and free('127.0.0.1', p + 1):
        print(p, p + 1); break
EOF2
)
M1=EML9300000001; M2=EML9300000002; M3=EML9300000003
INSTALLED=$(python3 -c "import time,datetime; t=int(time.time())-3600; print(datetime.datetime.fromtimestamp(t - t % 60, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")
{
  echo "meters:"
  for i in 1 2; do
    echo "  - { serial: \"EML930000000$i\", kind: single_b1w, host: \"127.0.93.$i\", port: $PORT, dst: false, prepay_enabled: false, initial_balance: 20.00, clock_offset_seconds: 0, installed_at: \"$INSTALLED\", profile: flat, mean_power_w: 0 }"
  done
} >"$WORK/fleet.yaml"
"$SIM" serve --fleet "$WORK/fleet.yaml" --control "127.0.0.1:$CTL_PORT" --fleet-out "$WORK/inventory.yaml" \
  >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/inventory.yaml" ]] && break; sleep 0.1; done
[[ -s "$WORK/inventory.yaml" ]] || { echo "FATAL: emlite-sim not ready"; cat "$WORK/sim.log"; exit 1; }
balance() { "$SIM" ctl "127.0.0.1:$CTL_PORT" balance "$1"; }

# --- schema and community: ESCO tco; P1 (M1, c1), P2 (M2, c2), P3 (no supply
# meter, c3), P4 (M3, not simulated, nobody); c4 moved out of P1 yesterday.
"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }
E=00000000-0000-0000-0000-0000000000e1
U=00000000-0000-0000-0000-000000000
sql "
INSERT INTO flows.escos (id, code, name, region) VALUES ('$E', 'tco', 'Topup Co', 'london');
INSERT INTO flows.meter_registry (id, serial, ip_address, emop_port, esco, hardware, daylight_savings_correction_enabled, mode) VALUES
  ('${U}001', '$M1', '127.0.93.1', $PORT, '$E', 'B1.w', false, 'active'),
  ('${U}002', '$M2', '127.0.93.2', $PORT, '$E', 'B1.w', false, 'active'),
  ('${U}003', '$M3', '127.0.93.3', $PORT, '$E', 'B1.w', false, 'passive');
INSERT INTO public.customers (id, email, status) VALUES
  ('${U}0c1', 'c1@example.org', 'live'), ('${U}0c2', 'c2@example.org', 'live'),
  ('${U}0c3', 'c3@example.org', 'live'), ('${U}0c4', 'c4@example.org', 'live');
INSERT INTO public.properties (id, esco, supply_meter, plot) VALUES
  ('${U}0b1', '$E', '${U}001', 'P1'), ('${U}0b2', '$E', '${U}002', 'P2'),
  ('${U}0b3', '$E', NULL, 'P3'), ('${U}0b4', '$E', '${U}003', 'P4');
INSERT INTO public.accounts (id, property, type, status) VALUES
  ('${U}0a1', '${U}0b1', 'supply', 'open'), ('${U}0a2', '${U}0b2', 'supply', 'open'),
  ('${U}0a3', '${U}0b3', 'supply', 'open'), ('${U}0a4', '${U}0b4', 'supply', 'open');
INSERT INTO public.customer_accounts (customer, account, role, move_in, move_out) VALUES
  ('${U}0c1', '${U}0a1', 'occupier', current_date - 10, NULL),
  ('${U}0c2', '${U}0a2', 'occupier', NULL, NULL),
  ('${U}0c3', '${U}0a3', 'occupier', NULL, NULL),
  ('${U}0c4', '${U}0a1', 'occupier', current_date - 400, current_date - 10);
" >/dev/null || { echo "FATAL: community insert failed"; exit 1; }
status_of() { sql "SELECT status FROM public.topups WHERE id = '$1'"; }
count() { sql "SELECT count(*) FROM $1"; }

# ========================================================== topups add, tokens, push
run "$BILL" topups add --customer c1@example.org --amount-pence 1234 --source gift
expect_eq "add without --reason: status 2" "$RC" 2
run "$BILL" topups add --customer c1@example.org --amount-pence 0 --source gift --reason x
expect_eq "add 0 p: status 2" "$RC" 2
run "$BILL" topups add --customer c1@example.org --amount-pence -100 --source gift --reason x
expect_eq "negative gift: status 2" "$RC" 2
run "$BILL" topups add --customer c4@example.org --amount-pence 100 --source gift --reason x
expect_eq "moved-out customer: status 3" "$RC" 3
run "$BILL" topups add --customer nobody@example.org --amount-pence 100 --source gift --reason x
expect_eq "unknown customer: status 2" "$RC" 2
expect_eq "refusals wrote nothing" "$(count public.topups)" 0

run "$BILL" topups add --customer C1@example.org --amount-pence 1234 --source gift --reason "welcome gift" --json
expect_eq "gift added" "$RC" 0
G1=$(python3 -c "import json; print(json.load(open('$WORK/out'))['topup'])")
expect_eq "gift on c1's supply meter today" "$(sql "SELECT m.serial || ' ' || t.amount_pence || ' ' || t.status || ' ' || t.source || ' ' || t.notes FROM public.topups t JOIN flows.meter_registry m ON m.id = t.meter WHERE t.id = '$G1'")" \
  "$M1 1234 wait_token_fetch gift welcome gift"
run "$BILL" topups add --meter $M2 --amount-pence -250 --source adjustment --reason "meter read correction"
expect_eq "negative adjustment added" "$RC" 0
expect_eq "negative adjustment is pending (no token)" "$(sql "SELECT status || ' ' || amount_pence FROM public.topups WHERE amount_pence < 0")" "pending -250"
run "$BILL" topups list --customer c1@example.org --json
expect_eq "list --customer: the gift only" "$(python3 -c "import json; r=json.load(open('$WORK/out')); print(len(r), r[0]['amount_pence'], r[0]['customer'])")" \
  "1 1234 c1@example.org"

unset FLOWS_TOKEN_COMMAND
run "$BILL" topups tokens
expect_eq "tokens without token_command: status 3" "$RC" 3
expect_match "tokens without token_command names the setting" "$(cat "$WORK/err")" "token_command"

export FLOWS_TOKEN_COMMAND="$SIM token --amount {amount} --nonce {nonce}"
B1=$(balance $M1)
run "$BILL" topups tokens --esco tco
expect_eq "tokens: status 0" "$RC" 0
TOKEN=$(sql "SELECT token FROM public.topups WHERE id = '$G1'")
expect_match "token stored (20 digits)" "$TOKEN" '^[0-9]{20}$'
expect_eq "gift waits for its push" "$(status_of "$G1")" wait_token_push
if grep -q "$TOKEN" "$WORK/out" "$WORK/err"; then fail "tokens printed a whole token"; else pass; fi
expect_match "tokens shows the last 4 digits" "$(cat "$WORK/out")" "token=…${TOKEN: -4}"
run "$EMOP" push tokens --esco tco
expect_eq "emop push tokens: status 0" "$RC" 0
expect_eq "gift completed" "$(status_of "$G1")" completed
check_py "M1 balance rose by exactly 12.34" "D('$(balance $M1)') - D('$B1') == D('12.34')"

# A token command whose output is not 20 digits: failed_token_fetch, status 8.
run "$BILL" topups add --meter $M1 --amount-pence 500 --source gift --reason "bad token"
G2=$(sql "SELECT id FROM public.topups WHERE notes = 'bad token'")
FLOWS_TOKEN_COMMAND="echo 12345" run "$BILL" topups tokens
expect_eq "bad token output: status 7" "$RC" 7
expect_eq "bad token output: failed_token_fetch" "$(status_of "$G2")" failed_token_fetch
expect_match "bad token output: the reason in notes" "$(sql "SELECT notes FROM public.topups WHERE id = '$G2'")" \
  "^bad token; token fetch failed: .*not exactly 20 digits"
FLOWS_TOKEN_COMMAND="$WORK/no-such-command {serial}" run "$BILL" topups tokens
expect_eq "nothing left to fetch: status 0" "$RC" 0
FLOWS_TOKEN_COMMAND="echo {bogus}" run "$BILL" topups tokens
expect_eq "unknown placeholder: status 3" "$RC" 3

# ================================================================ from-payments
sql "
INSERT INTO public.payments (id, account, amount_pence, status, created_at) VALUES
  ('${U}0f1', '${U}0a1', 500, 'succeeded', now() - interval '3 hours'),
  ('${U}0f2', '${U}0a2', 600, 'pending',   now() - interval '2 hours'),
  ('${U}0f3', '${U}0a3', 700, 'succeeded', now() - interval '1 hours');" >/dev/null
TOPUPS_BEFORE=$(count public.topups)
run "$BILL" topups from-payments --dry-run
expect_eq "from-payments dry-run: status 7 (a payment without a supply meter)" "$RC" 7
expect_eq "from-payments dry-run lists 1" "$(grep -c '^would_make' "$WORK/out")" 1
expect_eq "from-payments dry-run writes nothing" "$(count public.topups)" "$TOPUPS_BEFORE"
run "$BILL" topups from-payments
expect_eq "from-payments: status 7" "$RC" 7
expect_match "from-payments reports the payment without a supply meter" "$(cat "$WORK/err")" "${U}0f3.*no supply meter"
sql "UPDATE public.payments SET status = 'succeeded' WHERE id = '${U}0f2'" >/dev/null
run "$BILL" topups from-payments
expect_eq "from-payments again: status 7" "$RC" 7
run "$BILL" topups from-payments --json
expect_eq "from-payments a third time makes none" "$(python3 -c "import json; print(sum(r['action'] == 'made' for r in json.load(open('$WORK/out'))))")" 0
expect_eq "one topup per succeeded payment with a meter" \
  "$(sql "SELECT string_agg(tp.payment_id::text || ':' || m.serial || ':' || t.amount_pence || ':' || t.status || ':' || t.source, ',' ORDER BY tp.payment_id)
          FROM public.topups_payments tp JOIN public.topups t ON t.id = tp.topup_id JOIN flows.meter_registry m ON m.id = t.meter")" \
  "${U}0f1:$M1:500:wait_token_fetch:payment,${U}0f2:$M2:600:wait_token_fetch:payment"
expect_eq "from-payments made 2 topups in all" "$(count public.topups)" $((TOPUPS_BEFORE + 2))
# They go to the meters too (and are then out of the way of the wallet checks).
run "$BILL" topups tokens
expect_eq "payments' tokens: status 0" "$RC" 0
run "$EMOP" push tokens
expect_eq "payments' topups pushed" "$(sql "SELECT count(*) FROM public.topups t JOIN public.topups_payments tp ON tp.topup_id = t.id WHERE t.status = 'completed'")" 2

# ====================================================================== wallets
run "$BILL" wallets set c2@example.org --json
expect_eq "wallet created with the defaults" "$(python3 -c "import json; w=json.load(open('$WORK/out')); print(w['minimum_pence'], w['target_pence'], w['auto_topup'], w['timing'])")" \
  "2000 3000 False monthly"
run "$BILL" wallets set c2@example.org --minimum-pence 4000
expect_eq "target below minimum: status 2" "$RC" 2
expect_eq "target below minimum: unchanged" "$(sql "SELECT minimum_balance_pence FROM public.wallets")" 2000
run "$BILL" wallets set nobody@example.org
expect_eq "wallet of an unknown customer: status 2" "$RC" 2
run "$BILL" wallets show c3@example.org
expect_eq "show a wallet never set: status 3" "$RC" 3

# c2: latest reading £12.34567 (an older one lower still); auto top-up off.
sql "INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance) VALUES
  ('${U}002', now() - interval '2 hours', 3.00), ('${U}002', now() - interval '1 hour', 12.34567)" >/dev/null
run "$BILL" topups due --json
expect_eq "auto top-up off: nothing due" "$(python3 -c "import json; print(len(json.load(open('$WORK/out'))))")" 0
run "$BILL" wallets set c2@example.org --auto-topup on --timing weekly
expect_eq "auto top-up on" "$RC" 0
# c1: on, balance above the minimum.
run "$BILL" wallets set c1@example.org --auto-topup on --minimum-pence 1000 --target-pence 2000
sql "INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance) VALUES ('${U}001', now() - interval '1 hour', 10.00)" >/dev/null
run "$BILL" wallets list --json
expect_eq "wallets list" "$(python3 -c "import json; print(' '.join('%s:%s:%s:%s' % (w['customer'], w['minimum_pence'], w['target_pence'], w['timing']) for w in json.load(open('$WORK/out'))))")" \
  "c1@example.org:1000:2000:monthly c2@example.org:2000:3000:weekly"

PAYMENTS_BEFORE=$(count public.payments); TOPUPS_BEFORE=$(count public.topups)
run "$BILL" topups due --dry-run --json
# 30.00 − 12.34567 = 17.65433 → 1766 p (rounded up); c1's £10.00 is not below £10.00.
expect_eq "due dry-run: c2 1766 p, c1 none" \
  "$(python3 -c "import json; print(' '.join('%s:%s:%s' % (r['customer'], r['action'], r['amount_pence']) for r in json.load(open('$WORK/out'))))")" \
  "c1@example.org:none:None c2@example.org:would_topup:1766"
expect_eq "due dry-run writes no topup" "$(count public.topups)" "$TOPUPS_BEFORE"
expect_eq "due dry-run writes no payment" "$(count public.payments)" "$PAYMENTS_BEFORE"
for i in 1 2 3; do
  run "$BILL" topups due --esco tco
  expect_eq "topups due run $i: status 0" "$RC" 0
done
expect_eq "three runs: exactly one wallet topup" "$(count public.wallet_topups)" 1
expect_eq "three runs: one topup more" "$(count public.topups)" $((TOPUPS_BEFORE + 1))
expect_eq "three runs: one payment more" "$(count public.payments)" $((PAYMENTS_BEFORE + 1))
W1=$(sql "SELECT topup_id FROM public.wallet_topups")
expect_eq "the wallet topup" "$(sql "SELECT m.serial || ' ' || t.amount_pence || ' ' || t.status || ' ' || t.source FROM public.topups t JOIN flows.meter_registry m ON m.id = t.meter WHERE t.id = '$W1'")" \
  "$M2 1766 wait_token_fetch payment"
expect_eq "its shortfall: the latest reading" "$(sql "SELECT balance FROM public.wallet_topups")" "12.34567"
NEXT_MONDAY=$(python3 -c "
import datetime, zoneinfo
uk = zoneinfo.ZoneInfo('Europe/London')
today = datetime.datetime.now(uk).date()
d = today + datetime.timedelta(days=(7 - today.weekday()) or 7)
print(datetime.datetime(d.year, d.month, d.day, tzinfo=uk).astimezone(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S+00'))")
expect_eq "its payment: pending, wallet, next Monday 00:00 UK" \
  "$(sql "SET TIME ZONE 'UTC'; SELECT a.account_number IS NOT NULL, p.account = '${U}0a2', p.amount_pence, p.status, p.provider, p.provider_reference IS NULL, p.description, p.scheduled_at FROM public.payments p JOIN public.topups_payments tp ON tp.payment_id = p.id JOIN public.accounts a ON a.id = p.account WHERE tp.topup_id = '$W1'")" \
  "t|t|1766|pending|wallet|t|auto top-up (weekly)|$NEXT_MONDAY"
run "$BILL" topups from-payments
expect_eq "from-payments leaves the auto top-up's payment alone" "$(count public.topups)" $((TOPUPS_BEFORE + 1))

# Completed: the reading before the completion does not show it → none due.
B2=$(balance $M2)
run "$BILL" topups tokens
run "$EMOP" push tokens
expect_eq "wallet topup completed" "$(status_of "$W1")" completed
check_py "M2 balance rose by exactly 17.66" "D('$(balance $M2)') - D('$B2') == D('17.66')"
run "$BILL" topups due
expect_eq "after completion, old reading: none due" "$(count public.wallet_topups)" 1
# A new lower reading after the completion: 30.00 − 15.50 = 14.50 → 1450 p.
sql "INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance) VALUES ('${U}002', now() + interval '1 minute', 15.50)" >/dev/null
run "$BILL" topups due
run "$BILL" topups due
expect_eq "a new shortfall: a second wallet topup, once" "$(count public.wallet_topups)" 2
expect_eq "the second amount" "$(sql "SELECT t.amount_pence FROM public.wallet_topups w JOIN public.topups t ON t.id = w.topup_id WHERE w.balance = 15.50")" 1450
# Off again: nothing.
run "$BILL" wallets set c2@example.org --auto-topup off
sql "INSERT INTO flows.meter_prepay_balance (meter_id, \"timestamp\", balance) VALUES ('${U}002', now() + interval '2 minutes', 1.00)" >/dev/null
run "$BILL" topups due
expect_eq "auto top-up off: no new topup" "$(count public.wallet_topups)" 2

# ================================================================ solar credits
# June 2024: P1 598 + 402 (two installations' shares) = 1000 p, P2 1200, P3 250
# (no supply meter), P4 333, and a 0 p row of P2's own installation for P4.
sql "
INSERT INTO public.solar_installation (property, declared_net_capacity) VALUES
  ('${U}0b1', 4.0), ('${U}0b2', 3.0), ('${U}0b4', 1.0);
INSERT INTO public.monthly_solar_credits (property, month, installation, esco, days, ratio, credit_pence) VALUES
  ('${U}0b1', '2024-06-01', '${U}0b1', '$E', 30, 0.5, 598),
  ('${U}0b1', '2024-06-01', '${U}0b2', '$E', 30, 0.5, 402),
  ('${U}0b2', '2024-06-01', '${U}0b2', '$E', 30, 0.5, 1200),
  ('${U}0b3', '2024-06-01', NULL, '$E', 30, 1, 250),
  ('${U}0b4', '2024-06-01', '${U}0b4', '$E', 30, 1, 333),
  ('${U}0b4', '2024-07-01', '${U}0b4', '$E', 31, 1, 0);" >/dev/null
THIS_MONTH=$(python3 -c "import datetime, zoneinfo; print(datetime.datetime.now(zoneinfo.ZoneInfo('Europe/London')).strftime('%Y-%m'))")
run "$BILL" solar-credits apply --month "$THIS_MONTH"
expect_eq "a month not yet due: status 2" "$RC" 2
run "$BILL" solar-credits apply --month 2024-06 --as-of 2024-06-30T23:09:59Z
expect_eq "June before 00:10 UK on 1 July (23:10Z): status 2" "$RC" 2
run "$BILL" solar-credits apply --month 2024-05
expect_eq "a month without credits: status 3" "$RC" 3
run "$BILL" solar-credits apply --month 2024-06 --as-of 2024-06-30T23:10:00Z --dry-run --json
expect_eq "dry-run at 23:10Z: P1 1000, P2 1200, P4 333 would apply; P3 reported" \
  "$(python3 -c "import json; m=json.load(open('$WORK/out'))[0]; print(m['scheduled_at'], ' '.join('%s:%s:%s' % (p['plot'], p['credit_pence'], p['action']) for p in m['properties']))")" \
  "2024-06-30T23:10:00Z P1:1000:would_apply P2:1200:would_apply P4:333:would_apply P3:250:no_supply_meter"
expect_eq "dry-run wrote no payout" "$(count public.solar_credit_payouts)" 0

# The crash: the 2nd payout insert fails, as a crash would.
sql "CREATE SEQUENCE crash_seq;
CREATE FUNCTION crash_on_second() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN IF nextval('crash_seq') = 2 THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END \$\$;
CREATE TRIGGER crash BEFORE INSERT ON public.solar_credit_payouts FOR EACH ROW EXECUTE FUNCTION crash_on_second();" >/dev/null
SOLAR_TOPUPS() { sql "SELECT count(*) FROM public.topups WHERE source = 'solar_credit'"; }
run "$BILL" solar-credits apply
expect_eq "crash: status 6" "$RC" 6
expect_eq "crash: P1 fully applied" "$(sql "SELECT sp.credit_pence || ' ' || t.amount_pence || ' ' || m.serial || ' ' || t.notes FROM public.solar_credit_payouts sp JOIN public.topups t ON t.id = sp.topup JOIN flows.meter_registry m ON m.id = t.meter WHERE sp.property = '${U}0b1'")" \
  "1000 1000 $M1 solar credit 2024-06"
expect_eq "crash: P2 and P4 not at all (one payout)" "$(count public.solar_credit_payouts)" 1
expect_eq "crash: one solar topup" "$(SOLAR_TOPUPS)" 1
sql "DROP TRIGGER crash ON public.solar_credit_payouts" >/dev/null
run "$BILL" solar-credits apply --esco tco
expect_eq "re-run: status 7 (P3 has no supply meter)" "$RC" 7
expect_match "re-run reports P3" "$(cat "$WORK/err")" "P3: credit £2.50 not paid: the property has no supply meter"
expect_eq "re-run: each property one payout and one topup" \
  "$(sql "SELECT string_agg(p.plot || ':' || sp.credit_pence || ':' || t.amount_pence || ':' || t.status || ':' || (SELECT count(*) FROM public.topups x WHERE x.meter = t.meter AND x.source = 'solar_credit'), ' ' ORDER BY p.plot)
          FROM public.solar_credit_payouts sp JOIN public.properties p ON p.id = sp.property JOIN public.topups t ON t.id = sp.topup")" \
  "P1:1000:1000:wait_token_fetch:1 P2:1200:1200:wait_token_fetch:1 P4:333:333:wait_token_fetch:1"
expect_eq "re-run: scheduled 00:10 UK on 1 July" "$(sql "SET TIME ZONE 'UTC'; SELECT DISTINCT scheduled_at FROM public.solar_credit_payouts")" "2024-06-30 23:10:00+00"
run "$BILL" solar-credits apply
expect_eq "a third run pays nothing more" "$(SOLAR_TOPUPS)" 3
# The month re-run later changes P2's credit: reported, never paid again.
sql "UPDATE public.monthly_solar_credits SET credit_pence = 1212 WHERE property = '${U}0b2'" >/dev/null
run "$BILL" solar-credits apply --month 2024-06
expect_match "a changed credit is reported with its difference" "$(cat "$WORK/err")" "P2: paid £12.00, the month's credit is now £12.12 \(\+12 p\); not paid again"
expect_eq "a changed credit: no new topup" "$(SOLAR_TOPUPS)" 3
# solar-credits itself is as it was: its own action runs (an unknown ESCO is
# refused by it), and without --month it is refused.
run "$BILL" solar-credits --month 2024-06 --esco nosuch
expect_eq "solar-credits --esco nosuch: status 2" "$RC" 2
expect_match "solar-credits --esco nosuch: its own message" "$(cat "$WORK/err")" "ESCO"
run "$BILL" solar-credits
expect_eq "solar-credits without --month: status 2" "$RC" 2
expect_match "solar-credits without --month says so" "$(cat "$WORK/err")" "month"

finish
