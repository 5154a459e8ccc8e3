#!/usr/bin/env bash
# The prepayment story: balance, a minted token credited once, refusals, the
# £10 rule of prepay_enabled_write, and malformed tokens refused before any
# connection. Addresses: 127.0.72.x.
source "$(dirname "$0")/lib.sh"

P=EML7200000001   # prepay on, flat 1000 W at £0.25/kWh, £0.50/day: the balance falls
L=EML7200000002   # prepay off, £5.00: enabling is refused until topped up
H=EML7200000003   # prepay off, exactly £10.00: enabling is allowed
U=EML7200000004   # prepay off, £9.99999: just under the limit
S=EML7200000009   # silent: accepts connections, never answers
read -r P1 P2 P3 P4 P9 < <(for h in 1 2 3 4 9; do free_port 127.0.72.$h; done | tr '\n' ' ')
INSTALLED=$(python3 -c "import time, datetime; t=int(time.time())-86400; print(datetime.datetime.fromtimestamp(t - t % 3600, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")
meter() {  # serial host port prepay balance
  cat <<EOF
  - { serial: "$1", kind: single_b1w, host: "$2", port: $3, prepay_enabled: $4, initial_balance: $5,
      installed_at: "$INSTALLED", profile: flat, mean_power_w: 1000, unit_rate: 0.25, standing_charge: 0.50 }
EOF
}
{
  echo "meters:"
  meter "$P" 127.0.72.1 "$P1" true 50.00
  meter "$L" 127.0.72.2 "$P2" false 5.00
  meter "$H" 127.0.72.3 "$P3" false 10.00
  meter "$U" 127.0.72.4 "$P4" false 9.99999
  meter "$S" 127.0.72.9 "$P9" true 50.00
} >"$WORK/fleet.yaml"
# Through a gateway, the gateway's timeout and attempts apply (emop's do not travel
# on the wire): make them the silent-meter probe's below.
GATEWAY_ARGS="--timeout 1 --attempts 1" start_sim --fleet "$WORK/fleet.yaml" --fault "$S=silent"

# Balance drift per second on P: 1000 W × £0.25/kWh + £0.50/day.
RATE="(D(1000)*D('0.25')/3600000 + D('0.50')/86400)"

# --- a token, credited once
TOKEN=$("$SIM" token --amount 10.00 --nonce 7201)
if [[ "$TOKEN" =~ ^[0-9]{20}$ ]]; then pass; else fail "minted token '$TOKEN' is not 20 digits"; fi
run prepay_transaction_count "$P"; expect_status 0; expect_stdout "prepay_transaction_count=0"
T0=$(date +%s)
run prepay_balance "$P"; expect_status 0; BEFORE=$(value_of prepay_balance)
run prepay_send_token "$P" "$TOKEN"; expect_status 0; expect_stderr_empty
expect_line "prepay_send_token=accepted"
CMD_BEFORE=$(value_of balance_before); CMD_AFTER=$(value_of balance_after)
run prepay_balance "$P"; expect_status 0; AFTER=$(value_of prepay_balance)
T1=$(date +%s)
SPAN=$((T1 - T0 + 2))
log "balance $BEFORE -> ($CMD_BEFORE -> $CMD_AFTER) -> $AFTER over < $SPAN s"
check_py "the send reports +10.00000 less a few seconds' use ($CMD_BEFORE -> $CMD_AFTER)" \
  "D(10) - $RATE*$SPAN <= D('$CMD_AFTER') - D('$CMD_BEFORE') <= D(10)"
check_py "prepay_balance rose by 10.00000 less a few seconds' use ($BEFORE -> $AFTER)" \
  "D(10) - $RATE*$SPAN <= D('$AFTER') - D('$BEFORE') <= D(10)"
check_py "the balances are ordered in time" "D('$BEFORE') >= D('$CMD_BEFORE') and D('$CMD_AFTER') >= D('$AFTER')"
run prepay_transaction_count "$P"; expect_status 0; expect_stdout "prepay_transaction_count=1"
run event_log "$P" 0; expect_status 0
if grep -q ',15,0$' <<<"$OUT"; then pass; else fail "event log records the accepted token (type 15)"; fi

# The same token again: refused by the meter (NAK 6), no second credit.
run prepay_send_token "$P" "$TOKEN"; expect_status 5; expect_one_line_error
expect_err_contains "refused the token"
run prepay_balance "$P"; expect_status 0; AGAIN=$(value_of prepay_balance)
check_py "a repeated token credits nothing ($AFTER -> $AGAIN)" "D('$AGAIN') <= D('$AFTER')"
run prepay_transaction_count "$P"; expect_status 0; expect_stdout "prepay_transaction_count=1"

# A 20-digit token that fails the check digit: the meter refuses it (NAK), no credit.
BAD_CHECK=${TOKEN:0:19}$(( (${TOKEN:19:1} + 1) % 10 ))
run prepay_send_token "$P" "$BAD_CHECK"; expect_status 5; expect_one_line_error
run prepay_balance "$P"; expect_status 0
check_py "a token failing its check credits nothing" "D('$(value_of prepay_balance)') <= D('$AGAIN')"

# --json shape of a send
TOKEN2=$("$SIM" token --amount 2.50 --nonce 7202)
run --json prepay_send_token -s "$P" "$TOKEN2"; expect_status 0
check_py "--json prepay_send_token" "$(json_get "j['ok'] and j['command'] == 'prepay_send_token' and j['value']['token'] == 'accepted' and D('2.5') - D('0.001') <= D(j['value']['balance_after']) - D(j['value']['balance_before']) <= D('2.5')")"

# --- malformed tokens: usage errors before any connection. The silent meter proves
# it: talking to it would take the whole timeout, then fail with 4.
run --timeout 1 --retries 1 prepay_balance "$S"; expect_status 4 "the silent meter really is silent"
run --timeout 5 --retries 3 prepay_send_token "$S" "${TOKEN:0:19}"; expect_status 2 "19-digit token"
expect_one_line_error; expect_err_contains "20 digits"
run --timeout 5 --retries 3 prepay_send_token "$S" "${TOKEN}1"; expect_status 2 "21-digit token"
run --timeout 5 --retries 3 prepay_send_token "$S" "0000000720110000100X"; expect_status 2 "non-digit token"
expect_one_line_error
run --timeout 5 --retries 3 prepay_send_token "$S" ""; expect_status 2 "empty token"
# Only the prepay_balance probe above (one attempt) reached the silent meter.
N=$(grep -c "$S: fault: silent" "$WORK/sim.log")
if [[ $N == 1 ]]; then pass; else fail "the silent meter saw $N requests, expected only the probe's 1"; fi

# --- prepay_enabled_write: on is refused under £10.00, off always works
run prepay_enabled_write "$L" on; expect_status 2 "enable with £5"; expect_one_line_error
expect_err_contains "under 10.00000"
run prepay_enabled "$L"; expect_status 0; expect_stdout "prepay_enabled=off"
run prepay_enabled_write "$U" on; expect_status 2 "enable with £9.99999"; expect_one_line_error
run prepay_enabled "$U"; expect_status 0; expect_stdout "prepay_enabled=off"
run prepay_enabled_write "$H" on; expect_status 0 "enable with exactly £10"; expect_stdout "prepay_enabled_write=on"
run prepay_enabled "$H"; expect_status 0; expect_stdout "prepay_enabled=on"
run prepay_enabled_write "$L" maybe; expect_status 2 "on|off only"; expect_one_line_error
# Top L up (prepay off: nothing is charged, so the balance is exact), then enable.
run prepay_send_token "$L" "$("$SIM" token --amount 10.00 --nonce 7203)"; expect_status 0
expect_line "balance_before=5.00000"; expect_line "balance_after=15.00000"
run prepay_enabled_write "$L" on; expect_status 0; expect_stdout "prepay_enabled_write=on"
run prepay_enabled "$L"; expect_status 0; expect_stdout "prepay_enabled=on"
run prepay_enabled_write "$L" off; expect_status 0; expect_stdout "prepay_enabled_write=off"
run prepay_enabled "$L"; expect_status 0; expect_stdout "prepay_enabled=off"
run prepay_balance "$L"; expect_status 0
check_py "L was charged only while prepay was on" "D('14.99') <= D('$(value_of prepay_balance)') <= D('15.00000')"
# A batch where one meter is under £10 is a partial failure (7): the good meter is
# written, the other refused with one line naming it.
run prepay_enabled_write --serials "$L,$U" on; expect_status 7 "batch enable (--serials before on|off)"
run prepay_enabled_write on --serials "$L,$U"; expect_status 7 "batch enable with one meter under £10"
expect_stdout "$L prepay_enabled_write=on"
expect_err_contains "emop: $U: prepay_enabled_write on refused: balance 9.99999 is under 10.00000"
expect_err_contains "emop: prepay_enabled_write: 1 of 2 meters failed"
if [[ $(grep -c '' <<<"$ERR") == 2 ]]; then pass; else fail "one line per failed meter plus one summary line"; fi
run prepay_enabled "$U"; expect_status 0; expect_stdout "prepay_enabled=off"


# -v logs every frame, but never a whole token: all but its last four digits masked.
TOKV=$("$SIM" token --amount 1.00 --nonce 7299)
TOKV_HEX=$(printf '%s' "$TOKV" | od -An -tx1 | tr -d ' \n')
run -v prepay_send_token "$L" "$TOKV"; expect_status 0
if [[ $ERR == *"${TOKV_HEX:0:32}"* ]]; then fail "-v logged the token's digits"; else pass; fi
expect_err_contains "$(printf '*%.0s' $(seq 1 32))${TOKV_HEX: -8}"

# --- tokens through lost answers: the meter takes the token, its answer is lost
# (reset, bad CRC, garbage). The write is never sent again (a re-sent token would
# be refused as a duplicate of itself); emop reads the transaction count and says
# what happened: accepted, not taken, or unknown, never "refused". H has prepay
# off, so its balance is exact: £10 plus £10 for every token it took.
stop_sim
start_sim --fleet "$WORK/fleet.yaml" --fault-rate reset=0.15 --fault-rate bad_crc=0.05 --fault-rate garbage=0.05 --fault-seed 11
count_of_h() { run --timeout 1 --retries 20 prepay_transaction_count "$H"; value_of prepay_transaction_count; }
C0=$(count_of_h); COUNT=$C0; ACCEPTED=0; LOST=0; NOT_TAKEN=0; UNKNOWN=0
for i in $(seq 1 40); do
  run --timeout 1 prepay_send_token "$H" "$("$SIM" token --amount 10.00 --nonce $((7300 + i)))"
  RC_SEND=$RC; ERR_SEND=$ERR; OUT_SEND=$OUT
  NOW=$(count_of_h)
  if [[ $ERR_SEND == *"refused the token"* ]]; then fail "run $i: reported refused: $ERR_SEND"; fi
  if [[ $RC_SEND == 0 ]]; then
    ACCEPTED=$((ACCEPTED + 1)); [[ $OUT_SEND == *"note=the meter's answer was lost"* ]] && LOST=$((LOST + 1))
    if [[ $NOW == $((COUNT + 1)) ]]; then pass; else fail "run $i: accepted, but the count went $COUNT -> $NOW"; fi
  elif [[ $ERR_SEND == *"did not take it"* ]]; then
    NOT_TAKEN=$((NOT_TAKEN + 1))
    if [[ $NOW == "$COUNT" ]]; then pass; else fail "run $i: 'did not take it', but the count went $COUNT -> $NOW"; fi
  else
    UNKNOWN=$((UNKNOWN + 1))
    if [[ $ERR_SEND == *"may or may not"* || $ERR_SEND == *"unknown"* ]]; then pass; else fail "run $i: neither done, not done nor unknown: $ERR_SEND"; fi
  fi
  COUNT=$NOW
done
log "40 tokens through lost answers: $ACCEPTED accepted ($LOST of them after a lost answer), $NOT_TAKEN not taken, $UNKNOWN unknown"
run --timeout 1 --retries 20 prepay_balance "$H"; expect_status 0
check_py "the balance is £10 plus £10 a token taken ($((COUNT - C0)) taken)" "D('$(value_of prepay_balance)') == D(10) + 10 * ($COUNT - $C0)"
check_py "the faults hit some sends ($LOST answers lost yet accepted)" "$LOST >= 1"
check_py "no token taken went unreported: accepted + unknown >= taken" "$ACCEPTED + $UNKNOWN >= $COUNT - $C0"

finish
