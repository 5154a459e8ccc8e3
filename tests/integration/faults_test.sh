#!/usr/bin/env bash
# Injected faults: each gives its documented exit status and a one-line message;
# the busy meter (one connection at a time); a batch with one faulty meter (7);
# writes hit by faults never end in a silent success. Meters on 127.0.75.1, on
# ports chosen free at run time (not 8080: see the refuse case).
source "$(dirname "$0")/lib.sh"

OK1=EML7500000001; OK2=EML7500000002; LAT=EML7500000003; SIL=EML7500000004; RST=EML7500000005
CRC=EML7500000006; GAR=EML7500000007; NAK=EML7500000008; REF=EML7500000009; SLOW=EML7500000010
SERIALS=($OK1 $OK2 $LAT $SIL $RST $CRC $GAR $NAK $REF $SLOW)
mapfile -t PORTS < <(free_ports 127.0.75.1 ${#SERIALS[@]})
{
  echo "meters:"
  for i in "${!SERIALS[@]}"; do
    echo "  - { serial: \"${SERIALS[$i]}\", kind: single_b1w, host: 127.0.75.1, port: ${PORTS[$i]}, csq: $((10 + i)) }"
  done
} >"$WORK/fleet.yaml"
start_sim --fleet "$WORK/fleet.yaml" \
  --fault "$LAT=latency:1500" --fault "$SIL=silent" --fault "$RST=reset" --fault "$CRC=bad_crc" \
  --fault "$GAR=garbage" --fault "$NAK=nak:5" --fault "$REF=refuse" --fault "$SLOW=latency:300"

FAST=(--timeout 1 --retries 2)

# --- a healthy meter and one a little slow (within the timeout) answer
run "${FAST[@]}" csq "$OK1"; expect_status 0; expect_stdout "csq=10"
run "${FAST[@]}" csq "$SLOW"; expect_status 0; expect_stdout "csq=19"

# --- one fault at a time: status, one line on stderr, nothing on stdout. (How
# long a timeout takes is not asserted here: wall-clock bounds belong in bench/.
# That --timeout and the attempts bound the run shows in the message instead.)
fault_case() {  # serial status what [message fragment]
  run "${FAST[@]}" csq "$1"
  expect_status "$2" "$3"; expect_one_line_error; expect_stdout_empty
  if [[ -n "${4:-}" ]]; then expect_err_contains "$4"; fi
}
# The second attempt may meet the meter still busy with the first connection
# (reset) or time out again: either way unreachable, after both attempts.
fault_case "$LAT" 4 "latency beyond --timeout" "(after 2 attempts)"
fault_case "$SIL" 4 "silent" "no answer from 127.0.75.1:${PORTS[3]} within 1000 ms (after 2 attempts)"
fault_case "$RST" 4 "reset mid-frame" "closed the connection mid-conversation"
fault_case "$CRC" 5 "bad CRC" "CRC mismatch"
fault_case "$GAR" 5 "garbage"
fault_case "$NAK" 5 "NAK 5" "NAK 5 (unknown object id)"
fault_case "$REF" 4 "refused connection" "127.0.75.1:${PORTS[8]}"
# A NAK is the meter's answer: not retried. Retries of the others are reported.
run --timeout 1 --retries 3 csq "$NAK"; expect_status 5
if [[ "$ERR" != *attempts* ]]; then pass; else fail "a NAK should not be retried"; fi
run --timeout 1 --retries 3 csq "$CRC"; expect_status 5; expect_err_contains "after 3 attempts"
# --attempts is the option's name; --retries, its older name, sets the same count.
run --timeout 1 --attempts 2 csq "$CRC"; expect_status 5 "--attempts 2"; expect_err_contains "after 2 attempts"
run --timeout 1 --retries 2 csq "$CRC"; expect_status 5 "--retries 2"; expect_err_contains "after 2 attempts"
run csq "$CRC" --timeout 1 --attempts 4; expect_status 5 "--attempts after the command"; expect_err_contains "after 4 attempts"

# --json on a failure: ok false, the error and the status.
run --json "${FAST[@]}" csq "$NAK"; expect_status 5
check_py "--json failure shape" "$(json_get "j['serial'] == '$NAK' and j['command'] == 'csq' and j['ok'] is False and j['status'] == 5 and 'NAK 5' in j['error'] and 'value' not in j")"

# An injected NAK is what a meter's refusal looks like: control bit 7 with the
# code, the request's header echoed and no value; frame decode --json says so.
run -v "${FAST[@]}" csq "$NAK"; expect_status 5
NAK_FRAME=$(grep -o -- '-> 7e[0-9a-f]*' <<<"$ERR" | head -n 1 | cut -c4-)
run frame decode "$NAK_FRAME" --json; expect_status 0 "decode of the injected NAK"
check_py "injected NAK: ack false, NAK 5, no value" "$(json_get "j['ack'] is False and j['nak'] == {'code': 5, 'name': 'unknown object id'} and j['payload'] == '' and j['rw'] == 'read'")"

# --- busy: a meter serves one connection at a time. The first call holds the
# latency meter's only connection for 1.5 s; a second call meanwhile is refused.
run_bg() {  # file args…: emop in the background, status in file.rc
  ( timeout 60 "$EMOP" "${@:2}" >"$1.out" 2>"$1.err"; echo $? >"$1.rc" ) &
}
check_first() {
  if [[ $(cat "$WORK/first.rc") == 0 && $(cat "$WORK/first.out") == "csq=12" ]]; then pass; else
    fail "the first caller gets its answer (status $(cat "$WORK/first.rc"), $(cat "$WORK/first.err"))"; fi
}
wait_connected() {  # PORT: until a connection to 127.0.75.1:PORT is established (3 s at most)
  for _ in $(seq 1 30); do
    if ss -Htn state established "( dport = :$1 )" 2>/dev/null | grep -q .; then sleep 0.1; return; fi
    sleep 0.1
  done
}
run_bg "$WORK/first" --timeout 5 --retries 1 csq "$LAT"; FIRST=$!
wait_connected "${PORTS[2]}"
run --timeout 5 --retries 1 csq "$LAT"
wait "$FIRST"
expect_status 4 "second concurrent connection, no retry"; expect_one_line_error; expect_stdout_empty
expect_err_contains "127.0.75.1:${PORTS[2]}"
log "busy meter, second caller: $ERR"
check_first
# With retries the second caller gets through once the first is done.
run_bg "$WORK/first" --timeout 5 --retries 1 csq "$LAT"; FIRST=$!
wait_connected "${PORTS[2]}"
run --timeout 5 --retries 5 csq "$LAT"
wait "$FIRST"
expect_status 0 "second concurrent caller with retries"; expect_stdout "csq=12"
check_first

# Back to back: a new connection right after the previous one closed is served,
# every time (one attempt each, no retries to hide a reset).
BTB_FAILED=0
for _ in $(seq 1 60); do
  "$EMOP" --timeout 2 --retries 1 csq "$OK1" >/dev/null 2>"$WORK/btb.err" || BTB_FAILED=$((BTB_FAILED + 1))
done
if [[ $BTB_FAILED == 0 ]]; then pass; else fail "$BTB_FAILED of 60 back-to-back connections failed: $(head -n1 "$WORK/btb.err")"; fi

# A client that sends a request and hangs up while the meter is still answering
# (300 ms latency), then a new connection at once: the meter has seen the first
# client go, so the second is served, not reset.
python3 - "${PORTS[9]}" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.75.1", int(sys.argv[1])), timeout=2)
s.sendall(bytes.fromhex("7e11000000000021ae42050160010000c02f"))  # read the serial
s.close()
PY
run --timeout 2 --retries 1 csq "$SLOW"; expect_status 0 "a connection right after a client hung up mid-answer"; expect_stdout "csq=19"

# --- batches: the good meters' results on stdout, one line per failed meter on stderr
run --timeout 1 --retries 1 csq --serials "$OK1,$SIL,$OK2"; expect_status 7 "batch with a silent meter"
expect_stdout "$OK1 csq=10"$'\n'"$OK2 csq=11"
expect_err_contains "emop: $SIL: no answer"
expect_err_contains "emop: csq: 1 of 3 meters failed"
if [[ $(grep -c "^emop: EML" <<<"$ERR") == 1 && $(grep -c '' <<<"$ERR") == 2 ]]; then pass; else
  fail "one line per failed meter (and one summary line)"; fi
run "${FAST[@]}" csq --serials "$OK1,$NAK,$OK2,$REF,$CRC"; expect_status 7 "batch with three faulty meters"
expect_stdout "$OK1 csq=10"$'\n'"$OK2 csq=11"
for s in "$NAK" "$REF" "$CRC"; do
  if [[ $(grep -c "^emop: $s: " <<<"$ERR") == 1 ]]; then pass; else fail "one stderr line for $s"; fi
done
expect_err_contains "emop: csq: 3 of 5 meters failed"
run --json "${FAST[@]}" csq --serials "$OK1,$NAK"; expect_status 7
check_py "--json batch with a failure" "$(json_get "[(o['serial'], o['ok'], o.get('value'), o.get('status')) for o in j] == [('$OK1', True, 10, None), ('$NAK', False, None, 5)]")"
run "${FAST[@]}" read --serials "$OK1,$RST"; expect_status 7 "multi-line result in a batch"
expect_line "$OK1 hardware=B1.w"
if [[ $(grep -vc "^$OK1 " <<<"$OUT") == 0 ]]; then pass; else fail "every stdout line of a batch carries its serial"; fi
# All failing alike: that status, not 7.
run --timeout 1 --retries 1 csq --serials "$SIL,$REF"; expect_status 4 "batch where every meter is unreachable"

# --- writes hit by a fault exit non-zero with one line: never a silent success
run "${FAST[@]}" tariffs_future_write "$SIL" --from-ts 2030-01-01T00:00:00 --unit-rate 0.31 --standing-charge 0.62
expect_status 4 "tariff write to a silent meter"; expect_one_line_error; expect_stdout_empty
run "${FAST[@]}" tariffs_future_write "$RST" --from-ts 2030-01-01T00:00:00 --unit-rate 0.31 --standing-charge 0.62
expect_status 4 "tariff write to a resetting meter"; expect_one_line_error; expect_stdout_empty
run "${FAST[@]}" prepay_send_token "$NAK" "$("$SIM" token --amount 5.00 --nonce 7501)"
expect_status 5 "token to a NAKing meter"; expect_one_line_error; expect_stdout_empty
run "${FAST[@]}" prepay_enabled_write "$CRC" off; expect_status 5 "flag write with bad CRC"; expect_one_line_error
run "${FAST[@]}" backlight_write "$REF" always_on_sp; expect_status 4 "write to a refusing meter"; expect_one_line_error

# The control port changes faults at run time: clear the silent meter, then it answers.
ctl clear "$SIL" >/dev/null || fail "ctl clear"
run "${FAST[@]}" csq "$SIL"; expect_status 0; expect_stdout "csq=13"
ctl fault "$OK2" nak:6 >/dev/null || fail "ctl fault"
run "${FAST[@]}" csq "$OK2"; expect_status 5; expect_err_contains "NAK 6"

# --- a fault in the middle of a tariff write, on a meter whose earlier future
# tariff is armed. Paced at 300 ms a request, the eleven writes take about 3 s; the
# meter goes silent after about 1.8 s: after the unit rate (write 4), before the
# standing charge (write 10) and the activation (write 11).
MIXED_BUG=""
run tariffs_future_write "$OK1" --from-ts 2031-01-01T00:00:00 --unit-rate 0.21 --standing-charge 0.41; expect_status 0
run_bg "$WORK/midwrite" --pace 300 --timeout 1 --retries 1 tariffs_future_write "$OK1" \
  --from-ts 2031-02-01T00:00:00 --unit-rate 0.22 --standing-charge 0.42
MID=$!
sleep 1.8
ctl fault "$OK1" silent >/dev/null || fail "ctl fault silent"
wait "$MID"
RC=$(cat "$WORK/midwrite.rc"); OUT=$(cat "$WORK/midwrite.out"); ERR=$(cat "$WORK/midwrite.err")
LAST_CMD="emop --pace 300 --timeout 1 --retries 1 tariffs_future_write $OK1 … (meter silenced mid-write)"
expect_status 4 "a tariff write cut off mid-way"; expect_one_line_error; expect_stdout_empty
MIDERR=$ERR
ctl clear "$OK1" >/dev/null
run tariffs_future_read "$OK1"; expect_status 0
log "after the cut-off write: $(tr '\n' ' ' <<<"$OUT")"
# The activation emop moves an armed tariff to before writing (EMOP seconds 0xFFFFFFFF).
NEVER=$(python3 -c "import datetime; print((datetime.datetime(2000, 1, 1) + datetime.timedelta(seconds=0xFFFFFFFF)).strftime('%Y-%m-%dT%H:%M:%S'))")
ACT=$(value_of activation_datetime); UR=$(value_of unit_rate_element_a); SCV=$(value_of standing_charge)
if [[ "$ACT" == 2031-01-01T00:00:00 && ( "$UR" != 0.21 || "$SCV" != 0.41 ) ]]; then
  MIXED_BUG="silenced mid-write ('$MIDERR'), the meter kept the earlier activation 2031-01-01T00:00:00 armed over unit rate $UR / standing charge $SCV (the earlier tariff was 0.21 / 0.41)"
elif [[ "$ACT" == 2031-01-01T00:00:00 ]]; then
  log "the fault came before the earlier activation was moved away (timing): the earlier tariff is intact"; pass
elif [[ "$ACT" == "$NEVER" ]]; then
  pass  # moved out of reach first: the partly written tariff can never activate
elif [[ "$ACT" == 2031-02-01T00:00:00 && "$UR" == 0.22 && "$SCV" == 0.42 ]]; then
  log "every write got through before the fault (timing): the new tariff is whole"; pass
else
  fail "after the cut-off write the future tariff is neither the earlier one, nor moved out of reach, nor the new one: activation $ACT, unit rate $UR, standing charge $SCV"
fi

# --- random faults during a multi-step write: every run either succeeds with the
# tariff fully written and read back, or fails with one line and a non-zero status.
stop_sim
start_sim --fleet "$WORK/fleet.yaml" --fault-rate reset=0.02 --fault-rate bad_crc=0.02 --fault-rate silent=0.01 --fault-seed 7
SUCCESSES=0; FAILURES=0; ARMED_FROM=""; ARMED_RATE=""; ARMED_SC=""
run --timeout 1 --retries 10 tariffs_future_read "$OK1"; expect_status 0 "the fresh meter's future tariff"
INITIAL_FROM=$(value_of activation_datetime)
for i in 1 2 3 4 5 6; do
  RATE="0.3$i"; SC="0.6$i"; FROM="2030-01-0${i}T00:00:00"
  run --timeout 1 --retries 1 tariffs_future_write "$OK1" --from-ts "$FROM" --unit-rate "$RATE" --standing-charge "$SC"
  if [[ $RC == 0 ]]; then
    SUCCESSES=$((SUCCESSES + 1))
    expect_line "unit_rate_element_a=$RATE"; expect_line "standing_charge=$SC"; expect_line "activation_datetime=$FROM"
    run --timeout 1 --retries 10 tariffs_future_read "$OK1"; expect_status 0 "read back after a successful write"
    expect_line "unit_rate_element_a=$RATE"; expect_line "unit_rate_element_b=$RATE"
    expect_line "standing_charge=$SC"; expect_line "activation_datetime=$FROM"
    ARMED_FROM=$FROM; ARMED_RATE=$RATE; ARMED_SC=$SC
  else
    FAILURES=$((FAILURES + 1)); WRC=$RC
    if [[ $RC == 4 || $RC == 5 ]]; then pass; else fail "a write hit by a fault exits 4 or 5"; fi
    expect_one_line_error; expect_stdout_empty
    log "write $i failed as it should: $ERR"
    WERR=$ERR
    run --timeout 1 --retries 10 tariffs_future_read "$OK1"; expect_status 0 "read after a failed write"
    GOT_FROM=$(value_of activation_datetime); GOT_RATE=$(value_of unit_rate_element_a); GOT_SC=$(value_of standing_charge)
    log "  future tariff now: activation $GOT_FROM, unit rate $GOT_RATE, standing charge $GOT_SC"
    if [[ "$GOT_FROM" == "$FROM" ]]; then
      # The activation (written last) got through: so did everything before it.
      if [[ "$GOT_RATE" == "$RATE" && "$GOT_SC" == "$SC" ]]; then pass; else fail "armed with this write's activation but not its values"; fi
    elif [[ -n "$ARMED_FROM" && "$GOT_FROM" == "$ARMED_FROM" && ( "$GOT_RATE" != "$ARMED_RATE" || "$GOT_SC" != "$ARMED_SC" ) ]]; then
      [[ -n "$MIXED_BUG" ]] || MIXED_BUG="random faults: write $i ($WERR, exit $WRC) left the earlier armed activation $ARMED_FROM over unit rate $GOT_RATE / standing charge $GOT_SC (armed tariff was $ARMED_RATE / $ARMED_SC)"
    elif [[ "$GOT_FROM" == "$NEVER" || "$GOT_FROM" == "${ARMED_FROM:-$INITIAL_FROM}" ]]; then
      pass  # moved out of reach, or cut off before the first write: nothing mixed can activate
    else
      fail "write $i ($WERR) left activation $GOT_FROM: neither its own ($FROM), the earlier one (${ARMED_FROM:-$INITIAL_FROM}) nor out of reach ($NEVER)"
    fi
  fi
done
if [[ -n "$MIXED_BUG" ]]; then
  fail "a tariff write cut off by a fault left an armed activation over mixed values: $MIXED_BUG"
fi
log "tariff writes under random faults: $SUCCESSES succeeded, $FAILURES failed"
check_py "random faults hit at least one write ($FAILURES)" "$FAILURES >= 1"
check_py "at least one write got through ($SUCCESSES)" "$SUCCESSES >= 1"

finish
