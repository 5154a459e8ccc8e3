#!/usr/bin/env bash
# emop push tokens|tariffs|clock against a database of its own and a simulated
# fleet on 127.0.0.1 (consecutive free ports): tokens credited exactly once, also
# when a push is killed with SIGKILL mid-run and run again; --dry-run changes
# nothing; future tariffs written, recorded and not rewritten; drifting clocks set.
#   push_cli_test.sh EMOP EMLITE_SIM      (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" EMOP="$EMOP_BIN" SIM="$SIM_BIN"

check_py() {  # WHAT EXPR (D = Decimal)
  if python3 -c "from decimal import Decimal as D
import sys; sys.exit(0 if ($2) else 1)"; then pass; else fail "$1   [$2]"; fi
}

# --- the fleet: 5 meters, each on its own loopback address 127.0.91.N (ip_address is
# unique in meter_registry), all on one port number free on every address.
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
start = 20000 + (os.getpid() * 7) % 30000
for p in range(start, 65000):
    if all(free('127.0.91.%d' % i, p) for i in range(1, 6)) and free('127.0.0.1', p + 1):
        print(p, p + 1); break
EOF2
)
T1=EML9100000001; T2=EML9100000002; T3=EML9100000003; K=EML9100000004; N=EML9100000005
INSTALLED=$(python3 -c "import time,datetime; t=int(time.time())-3600; print(datetime.datetime.fromtimestamp(t - t % 60, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")
meter() {  # serial n dst offset
  echo "  - { serial: \"$1\", kind: single_b1w, host: \"127.0.91.$2\", port: $PORT, dst: $3, prepay_enabled: false, initial_balance: 20.00, clock_offset_seconds: $4, installed_at: \"$INSTALLED\", profile: flat, mean_power_w: 500 }"
}
{
  echo "meters:"
  meter $T1 1 false 0
  meter $T2 2 true 0
  meter $T3 3 false 0
  meter $K 4 false 300
  meter $N 5 true 10
} >"$WORK/fleet.yaml"
host_of() { case $1 in $T1) echo 127.0.91.1;; $T2) echo 127.0.91.2;; $T3) echo 127.0.91.3;; $K) echo 127.0.91.4;; $N) echo 127.0.91.5;; esac; }

"$SIM" serve --fleet "$WORK/fleet.yaml" --control "127.0.0.1:$CTL_PORT" --fleet-out "$WORK/inventory.yaml" \
  >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/inventory.yaml" ]] && break; sleep 0.1; done
[[ -s "$WORK/inventory.yaml" ]] || { echo "FATAL: emlite-sim not ready"; cat "$WORK/sim.log"; exit 1; }
ctl() { "$SIM" ctl "127.0.0.1:$CTL_PORT" "$@"; }
balance() { ctl balance "$1"; }
txcount() { "$EMOP" --host "$(host_of "$1"):$PORT" prepay_transaction_count "$1" | cut -d= -f2; }

# --- schema and topology
"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }
sql "
INSERT INTO flows.escos (id, code, name, region) VALUES ('00000000-0000-0000-0000-0000000000e1', 'pushco', 'Push Co', 'london');
INSERT INTO flows.meter_registry (id, serial, ip_address, emop_port, esco, hardware, daylight_savings_correction_enabled, mode) VALUES
  ('00000000-0000-0000-0000-000000000001', '$T1', '127.0.91.1', $PORT, '00000000-0000-0000-0000-0000000000e1', 'B1.w', false, 'active'),
  ('00000000-0000-0000-0000-000000000002', '$T2', '127.0.91.2', $PORT, '00000000-0000-0000-0000-0000000000e1', 'B1.w', true,  'active'),
  ('00000000-0000-0000-0000-000000000003', '$T3', '127.0.91.3', $PORT, '00000000-0000-0000-0000-0000000000e1', 'B1.w', false, 'active'),
  ('00000000-0000-0000-0000-000000000004', '$K',  '127.0.91.4', $PORT, '00000000-0000-0000-0000-0000000000e1', 'B1.w', false, 'active'),
  ('00000000-0000-0000-0000-000000000005', '$N',  '127.0.91.5', $PORT, '00000000-0000-0000-0000-0000000000e1', 'B1.w', true,  'active');
" >/dev/null || { echo "FATAL: topology insert failed"; exit 1; }
sql "
INSERT INTO public.customers (id, email, status) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'c1@example.org', 'live'),
  ('00000000-0000-0000-0000-0000000000c2', 'c2@example.org', 'live');
INSERT INTO public.properties (id, esco, supply_meter, plot) VALUES
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-000000000001', 'P1'),
  ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-000000000002', 'P2');
INSERT INTO public.accounts (id, property, type, status) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1', 'supply', 'open'),
  ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000b2', 'supply', 'open');
INSERT INTO public.customer_accounts (customer, account, role) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'occupier'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000a2', 'occupier');
" >/dev/null || { echo "FATAL: customers insert failed"; exit 1; }

add_topup() {  # ID METER_SUFFIX POUNDS NONCE [TOKEN]
  local token=${5:-$("$SIM" token --amount "$3" --nonce "$4")}
  local pence
  pence=$(python3 -c "from decimal import Decimal as D; print(int(D('$3')*100))")
  sql "INSERT INTO public.topups (id, meter, amount_pence, status, source, token)
       VALUES ('$1', '00000000-0000-0000-0000-00000000000$2', $pence, 'wait_token_push', 'payment', '$token')" >/dev/null
  echo "$token"
}
status_of() { sql "SELECT status FROM public.topups WHERE id = '$1'"; }

# ====================================================================== tokens
A1=00000000-0000-0000-0000-0000000001a1; A2=00000000-0000-0000-0000-0000000001a2
TOK1=$(add_topup $A1 1 10.00 9101)
add_topup $A2 2 5.50 9102 >/dev/null
B1=$(balance $T1); B2=$(balance $T2)

# --dry-run: lists both, changes nothing, and never shows a whole token.
OUT=$("$EMOP" push tokens --dry-run 2>&1); RC=$?
expect_eq "dry-run status" "$RC" 0
expect_eq "dry-run lists 2 would_send" "$(grep -v '^push ' <<<"$OUT" | grep -c would_send)" 2
if grep -q "$TOK1" <<<"$OUT"; then fail "dry-run prints a whole token"; else pass; fi
if grep -q "token=…${TOK1: -4}" <<<"$OUT"; then pass; else fail "dry-run shows the token's last 4 digits: $OUT"; fi
expect_eq "dry-run leaves A1 waiting" "$(status_of $A1)" wait_token_push
expect_eq "dry-run: no attempts" "$(sql 'SELECT count(*) FROM public.topup_token_push_attempts')" 0
expect_eq "dry-run: T1 balance unchanged" "$(balance $T1)" "$B1"
expect_eq "dry-run: T1 transaction count" "$(txcount $T1)" 0

OUT=$("$EMOP" push tokens --esco pushco 2>&1); RC=$?
expect_eq "push tokens status" "$RC" 0
if grep -q "$TOK1" <<<"$OUT"; then fail "push prints a whole token"; else pass; fi
expect_eq "A1 completed" "$(status_of $A1)" completed
expect_eq "A2 completed" "$(status_of $A2)" completed
check_py "T1 balance rose by exactly 10.00" "D('$(balance $T1)') - D('$B1') == D('10.00')"
check_py "T2 balance rose by exactly 5.50" "D('$(balance $T2)') - D('$B2') == D('5.50')"
expect_eq "T1 transaction count" "$(txcount $T1)" 1
expect_eq "T2 transaction count" "$(txcount $T2)" 1
expect_eq "attempts recorded and finished" \
  "$(sql "SELECT count(*) FROM public.topup_token_push_attempts WHERE outcome = 'completed' AND finished_at IS NOT NULL")" 2

# Re-run: nothing sent.
OUT=$("$EMOP" push tokens --json 2>"$WORK/err"); RC=$?
expect_eq "re-run status" "$RC" 0
expect_eq "re-run sends nothing (JSON Lines: no line)" "$OUT" ""
expect_eq "re-run summary on stderr" "$(cat "$WORK/err")" "push tokens: 0 topups, in 0.0 s"
expect_eq "re-run: T1 transaction count unchanged" "$(txcount $T1)" 1

# A token already used (same token on a new topup): the meter refuses it → failed_token_push.
A3=00000000-0000-0000-0000-0000000001a3
add_topup $A3 1 10.00 0 "$TOK1" >/dev/null
B1=$(balance $T1)
"$EMOP" push tokens >"$WORK/out" 2>"$WORK/err"; RC=$?
expect_eq "refused token, the only topup: the NAK's status (all failed alike)" "$RC" 5
expect_eq "refused token: failed_token_push" "$(status_of $A3)" failed_token_push
check_py "refused token: reason recorded" \
  "'already used' in '''$(sql "SELECT detail FROM public.topup_token_push_attempts WHERE topup_id = '$A3'")'''"
expect_eq "refused token: no credit" "$(balance $T1)" "$B1"

# Kill -9 mid-push: T3 answers after 3 s; the push is killed 1 s after it has
# claimed T3's topup (the token is then on its way); T1's topup goes meanwhile.
A4=00000000-0000-0000-0000-0000000001a4; A5=00000000-0000-0000-0000-0000000001a5
add_topup $A4 3 7.00 9104 >/dev/null
add_topup $A5 1 2.00 9105 >/dev/null
B3=$(balance $T3); B1=$(balance $T1)
C1=$(txcount $T1)
ctl fault $T3 latency:3000 >/dev/null
"$EMOP" push tokens >"$WORK/kill.out" 2>"$WORK/kill.err" &
PUSH_PID=$!
for _ in $(seq 1 200); do
  [[ "$(sql "SELECT count(*) FROM public.topup_token_push_attempts WHERE topup_id = '$A4' AND finished_at IS NULL")" == 1 ]] && break
  sleep 0.1
done
sleep 1
kill -9 $PUSH_PID 2>/dev/null; wait $PUSH_PID 2>/dev/null
expect_eq "killed mid-push: A4's attempt is unfinished" \
  "$(sql "SELECT count(*) FROM public.topup_token_push_attempts WHERE topup_id = '$A4' AND finished_at IS NULL")" 1
expect_eq "killed mid-push: A4 still waiting" "$(status_of $A4)" wait_token_push
ctl clear $T3 >/dev/null
sleep 3  # the simulator finishes the killed conversation
OUT=$("$EMOP" push tokens 2>&1); RC=$?
expect_eq "re-run after kill: status" "$RC" 0
log "re-run after kill: $OUT"
expect_eq "A4 completed" "$(status_of $A4)" completed
expect_eq "A5 completed" "$(status_of $A5)" completed
check_py "T3 balance rose once by 7.00" "D('$(balance $T3)') - D('$B3') == D('7.00')"
check_py "T1 balance rose once by 2.00" "D('$(balance $T1)') - D('$B1') == D('2.00')"
expect_eq "T3 transaction count +1" "$(txcount $T3)" 1
expect_eq "T1 transaction count +1" "$(txcount $T1)" $((C1 + 1))
expect_eq "no attempt left in flight" "$(sql 'SELECT count(*) FROM public.topup_token_push_attempts WHERE finished_at IS NULL')" 0
expect_eq "no topup left waiting" "$(sql "SELECT count(*) FROM public.topups WHERE status = 'wait_token_push'")" 0

# An interrupted attempt whose token provably did not land (transaction count
# unchanged since the claim) is sent again, once.
A6=00000000-0000-0000-0000-0000000001a6
add_topup $A6 2 3.00 9106 >/dev/null
B2=$(balance $T2); C2=$(txcount $T2)
sql "INSERT INTO public.topup_token_push_attempts (topup_id, meter, meter_balance_before, transaction_count_before)
     VALUES ('$A6', '00000000-0000-0000-0000-000000000002', $B2, $C2)" >/dev/null
OUT=$("$EMOP" push tokens --dry-run 2>&1)
expect_eq "dry-run shows the interrupted attempt" "$(grep -v '^push ' <<<"$OUT" | grep -c would_resolve)" 1
OUT=$("$EMOP" push tokens 2>&1); RC=$?
expect_eq "not-landed attempt: status" "$RC" 0
expect_eq "not-landed attempt: completed" "$(status_of $A6)" completed
check_py "not-landed attempt: T2 rose once by 3.00" "D('$(balance $T2)') - D('$B2') == D('3.00')"
expect_eq "not-landed attempt: T2 count +1" "$(txcount $T2)" $((C2 + 1))
expect_eq "not-landed attempt: 2 attempts recorded" "$(sql "SELECT attempts FROM public.topup_token_push_attempts WHERE topup_id = '$A6'")" 2

# ===================================================================== tariffs
PERIOD=$(python3 -c "import datetime; print((datetime.date.today() + datetime.timedelta(days=40)).isoformat())")
sql "INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '$PERIOD', 25, 0.175875, 0.49170),
  ('00000000-0000-0000-0000-0000000000c2', '$PERIOD', 20, 0.18760, 0.52456)" >/dev/null
OUT=$("$EMOP" push tariffs --esco pushco --dry-run 2>&1); RC=$?
expect_eq "tariffs dry-run status" "$RC" 0
expect_eq "tariffs dry-run plans 2 writes" "$(grep -v '^push ' <<<"$OUT" | grep -c would_write)" 2
expect_eq "tariffs dry-run records nothing" "$(sql 'SELECT count(*) FROM public.meter_tariff_pushes')" 0
OUT=$("$EMOP" push tariffs --esco pushco 2>&1); RC=$?
expect_eq "tariffs push status" "$RC" 0
log "tariffs: $OUT"
expect_eq "tariffs recorded ok" "$(sql "SELECT count(*) FROM public.meter_tariff_pushes WHERE outcome = 'ok' AND mismatches = '{}'")" 2
OUT=$("$EMOP" --host "$(host_of $T1):$PORT" tariffs_future_read $T1 --json)
check_py "T1 future unit rate (truncated)" "D(str(__import__('json').loads('''$OUT''')['value']['unit_rate_element_a'])) == D('0.17587')"
check_py "T1 future standing charge" "D(str(__import__('json').loads('''$OUT''')['value']['standing_charge'])) == D('0.49170')"
check_py "T1 activation at period start 00:00" "__import__('json').loads('''$OUT''')['value']['activation_datetime'] == '${PERIOD}T00:00:00'"
OUT=$("$EMOP" --host "$(host_of $T2):$PORT" tariffs_future_read $T2 --json)
check_py "T2 future unit rate" "D(str(__import__('json').loads('''$OUT''')['value']['unit_rate_element_b'])) == D('0.18760')"
OUT=$("$EMOP" push tariffs --esco pushco 2>&1); RC=$?
expect_eq "tariffs re-run status" "$RC" 0
expect_eq "tariffs re-run: both up to date" "$(grep -v '^push ' <<<"$OUT" | grep -c up_to_date)" 2
expect_eq "tariffs re-run records nothing" "$(sql 'SELECT count(*) FROM public.meter_tariff_pushes')" 2

# ======================================================================= clock
OUT=$("$EMOP" push clock --esco pushco --dry-run --json 2>>"$WORK/clock.err"); RC=$?
expect_eq "clock dry-run status" "$RC" 0
check_py "clock dry-run: K would be corrected, N not" \
  "{r['serial']: r['action'] for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()]}.get('$K') == 'would_correct' and {r['serial']: r['action'] for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()]}.get('$N') == 'within_threshold'"
"$EMOP" push clock --esco pushco --dry-run >/dev/null 2>"$WORK/err"
SUMMARY=$(cat "$WORK/err")
N_METERS=$(grep -c '' <<<"$OUT")
N_WITHIN=$(grep -c '"within_threshold"' <<<"$OUT")
expect_eq "clock dry-run summary: one line, by action" "$(grep -c '' <<<"$SUMMARY")" 1
expect_match "clock dry-run summary: the count and the time" "$SUMMARY" "^push clock: $N_METERS meters: .*, in [0-9]+\.[0-9] s$"
expect_eq "clock dry-run summary: both kinds" "$(grep -c '1 would_correct' <<<"$SUMMARY")$(grep -c "$N_WITHIN within_threshold" <<<"$SUMMARY")" 11
"$EMOP" push clock --esco pushco --dry-run --quiet >/dev/null 2>"$WORK/err"
expect_eq "--quiet: no summary" "$(cat "$WORK/err")" ""
OUT=$("$EMOP" push clock --esco pushco --dry-run --json 2>>"$WORK/clock.err")
check_py "clock dry-run changed nothing (K still ~300 s ahead)" \
  "[abs(r['drift_before_seconds'] - 300) <= 3 for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()] if r['serial'] == '$K'] == [True]"
OUT=$("$EMOP" push clock --threshold 60 --json --quiet 2>>"$WORK/clock.err"); RC=$?
expect_eq "clock push status" "$RC" 0
log "clock: $(tr -d '\n ' <<<"$OUT" | head -c 600)"
check_py "K corrected: drift after < 5 s" \
  "[r['action'] == 'corrected' and abs(r['drift_after_seconds']) < 5 for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()] if r['serial'] == '$K'] == [True]"
check_py "N (10 s) untouched at threshold 60" \
  "[r['action'] == 'within_threshold' and 7 <= r['drift_before_seconds'] <= 13 for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()] if r['serial'] == '$N'] == [True]"
OUT=$("$EMOP" push clock --threshold 60 --json --quiet 2>>"$WORK/clock.err")
check_py "clock re-run: nothing over the threshold" \
  "all(r['action'] == 'within_threshold' for r in [__import__('json').loads(l) for l in '''$OUT'''.splitlines()])"


# ============================================================ tokens, answers lost
# The meter takes the token and its answer is lost (resets at a rate). The token is
# never sent again blindly: the run settles it from the meter's transaction count,
# or leaves it for the next run. Every topup ends completed, credited once.
kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null
rm -f "$WORK/inventory.yaml"
"$SIM" serve --fleet "$WORK/fleet.yaml" --control "127.0.0.1:$CTL_PORT" --fleet-out "$WORK/inventory.yaml" \
  --fault-rate reset=0.3 --fault-seed 5 >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/inventory.yaml" ]] && break; sleep 0.1; done
sql "UPDATE public.topups SET status = 'completed' WHERE status = 'wait_token_push'" >/dev/null  # earlier cases done with
B3=$(balance $T3)
for n in 1 2 3 4 5 6 7 8; do add_topup "00000000-0000-0000-0000-0000000003a$n" 3 1.0$n 930$n >/dev/null; done
for run_no in $(seq 1 12); do
  [[ $(sql "SELECT count(*) FROM public.topups WHERE status = 'wait_token_push'") == 0 ]] && break
  "$EMOP" push tokens --esco pushco --timeout 1 --retries 3 >"$WORK/out" 2>"$WORK/err"
  log "lossy push run $run_no: status $?, $(grep -c 'answer lost' "$WORK/out") settled after a lost answer"
done
expect_eq "every lossy topup completed" \
  "$(sql "SELECT count(*) FROM public.topups WHERE id::text LIKE '00000000-0000-0000-0000-0000000003a%' AND status = 'completed'")" 8
expect_eq "none failed_token_push" "$(sql "SELECT count(*) FROM public.topups WHERE status = 'failed_token_push' AND id::text LIKE '%3a_'")" 0
check_py "T3 credited exactly once per topup (£8.36 in all)" "D('$(balance $T3)') - D('$B3') == D('8.36')"
expect_eq "T3 took each token once" "$("$EMOP" --host "127.0.91.3:$PORT" --retries 20 prepay_transaction_count "$T3" | cut -d= -f2)" 8

finish
