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
expect_stdout_lines "$OK1 csq=10"$'\n'"$OK2 csq=11"
expect_err_contains "emop: $SIL: no answer"
expect_err_contains "emop: csq: 1 of 3 meters failed"
if [[ $(grep -c "^emop: EML" <<<"$ERR") == 1 && $(grep -c '' <<<"$ERR") == 2 ]]; then pass; else
  fail "one line per failed meter (and one summary line)"; fi
# Streamed: the good meters' lines are out while the silent one is still awaited.
LAST_CMD="emop --timeout 4 --retries 1 csq --serials $OK1,$SIL,$OK2 (streaming)"
"$EMOP" --timeout 4 --retries 1 csq --serials "$OK1,$SIL,$OK2" >"$WORK/stream.out" 2>"$WORK/stream.err" &
STREAMER=$!
for _ in $(seq 30); do [[ $(grep -c csq= "$WORK/stream.out") == 2 ]] && break; sleep 0.1; done
if [[ $(grep -c csq= "$WORK/stream.out") == 2 ]] && kill -0 "$STREAMER" 2>/dev/null; then pass; else
  fail "$LAST_CMD: the good meters' results were not printed before the silent meter's timeout"; fi
wait "$STREAMER"
# On a terminal: a progress line on stderr, redrawn in place; none with --quiet; colour for failures.
if command -v script >/dev/null; then
  TTY_OUT=$(env -u NO_COLOR TERM=xterm script -qec "$EMOP ${FAST[*]} csq --serials $OK1,$NAK,$OK2" /dev/null)
  if [[ $TTY_OUT == *"csq: 3 of 3 meters, 1 failed"* && $TTY_OUT == *$'\r\x1b[K'* ]]; then pass; else
    fail "progress line on a terminal: got [$(cat -v <<<"$TTY_OUT")]"; fi
  if [[ $TTY_OUT == *$'\x1b[31memop: '"$NAK"* ]]; then pass; else fail "a failure in red on a terminal: [$(cat -v <<<"$TTY_OUT")]"; fi
  TTY_OUT=$(TERM=xterm NO_COLOR=1 script -qec "$EMOP ${FAST[*]} --quiet csq --serials $OK1,$NAK,$OK2" /dev/null)
  if [[ $TTY_OUT != *$'\x1b['* && $TTY_OUT == *"emop: $NAK: "* ]]; then pass; else
    fail "--quiet and NO_COLOR on a terminal: no progress line, no colour, the error still: [$(cat -v <<<"$TTY_OUT")]"; fi
else
  fail "script(1) is not installed: the terminal checks cannot run"
fi
run --color always "${FAST[@]}" csq --serials "$OK1,$NAK"; expect_status 7
expect_err_contains $'\x1b[31memop: '"$NAK"
if [[ $ERR != *" of 2 meters, "* ]]; then pass; else fail "no progress line when stderr is not a terminal"; fi
run "${FAST[@]}" csq --serials "$OK1,$NAK,$OK2,$REF,$CRC"; expect_status 7 "batch with three faulty meters"
expect_stdout_lines "$OK1 csq=10"$'\n'"$OK2 csq=11"
for s in "$NAK" "$REF" "$CRC"; do
  if [[ $(grep -c "^emop: $s: " <<<"$ERR") == 1 ]]; then pass; else fail "one stderr line for $s"; fi
done
expect_err_contains "emop: csq: 3 of 5 meters failed"
run --json "${FAST[@]}" csq --serials "$OK1,$NAK"; expect_status 7
check_py "--json batch with a failure" "$(jsonl_get "[(o['serial'], o['ok'], o.get('value'), o.get('status')) for o in j] == sorted([('$OK1', True, 10, None), ('$NAK', False, None, 5)])")"
run "${FAST[@]}" read --serials "$OK1,$RST"; expect_status 7 "multi-line result in a batch"
expect_line "$OK1 hardware=B1.w"
if [[ $(grep -vc "^$OK1 " <<<"$OUT") == 0 ]]; then pass; else fail "every stdout line of a batch carries its serial"; fi
# A serial the inventory does not know is that meter's failure (status 3), not the batch's.
run "${FAST[@]}" csq --serials "$OK1,EML0000000000,$OK2"; expect_status 7 "batch with an unknown serial"
expect_stdout_lines "$OK1 csq=10"$'\n'"$OK2 csq=11"
expect_err_contains "emop: EML0000000000: meter EML0000000000 is not in the inventory $INVENTORY"
expect_err_contains "emop: csq: 1 of 3 meters failed"
run --json "${FAST[@]}" csq --serials "$OK1,EML0000000000"; expect_status 7
check_py "--json batch with an unknown serial" "$(jsonl_get "[(o['serial'], o['ok'], o.get('status')) for o in j] == sorted([('$OK1', True, None), ('EML0000000000', False, 3)])")"
run "${FAST[@]}" csq --serials "EML0000000000,EML0000000001"; expect_status 3 "batch of unknown serials only"
run "${FAST[@]}" csq EML0000000000; expect_status 3 "one unknown serial"; expect_one_line_error; expect_stdout_empty
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
# tariff is armed. Paced at 300 ms a request, the two reads and eleven writes take
# about 4 s; the meter goes silent after about 2.4 s: after the unit rate, before
# the standing charge and the activation. No value is known to disarm a pending
# tariff safely, so emop writes what the field tool writes (activation last) and
# says exactly what the meter may be left with: the earlier activation over a mix.
run tariffs_future_write "$OK1" --from-ts 2031-01-01T00:00:00 --unit-rate 0.21 --standing-charge 0.41; expect_status 0
run_bg "$WORK/midwrite" --pace 300 --timeout 1 --retries 1 tariffs_future_write "$OK1" \
  --from-ts 2031-02-01T00:00:00 --unit-rate 0.22 --standing-charge 0.42
MID=$!
sleep 2.4
ctl fault "$OK1" silent >/dev/null || fail "ctl fault silent"
wait "$MID"
RC=$(cat "$WORK/midwrite.rc"); OUT=$(cat "$WORK/midwrite.out"); ERR=$(cat "$WORK/midwrite.err")
LAST_CMD="emop --pace 300 --timeout 1 --retries 1 tariffs_future_write $OK1 … (meter silenced mid-write)"
ctl clear "$OK1" >/dev/null
if [[ $RC == 0 ]]; then
  log "every write got through before the fault (timing)"; pass
else
  expect_status 4 "a tariff write cut off mid-way"; expect_one_line_error; expect_stdout_empty
  expect_err_contains "the tariff armed for 2031-01-01T00:00:00 may now hold a mix of its old and the new values"
  MIDERR=$ERR
  run tariffs_future_read "$OK1"; expect_status 0
  log "after the cut-off write ($MIDERR): $(tr '\n' ' ' <<<"$OUT")"
  expect_line "activation_datetime=2031-01-01T00:00:00"   # the new activation was never written
  check_py "the mix is of the two tariffs' values" "'$(value_of unit_rate_element_a)' in ('0.21', '0.22') and '$(value_of standing_charge)' in ('0.41', '0.42')"
fi
run tariffs_future_write "$OK1" --from-ts 2031-02-01T00:00:00 --unit-rate 0.22 --standing-charge 0.42
expect_status 0 "run again, as the message says: the new tariff whole"
expect_line "unit_rate_element_a=0.22"; expect_line "standing_charge=0.42"; expect_line "activation_datetime=2031-02-01T00:00:00"

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
    FAILURES=$((FAILURES + 1))
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
      ARMED_FROM=$FROM; ARMED_RATE=$RATE; ARMED_SC=$SC
    elif [[ "$GOT_FROM" == "${ARMED_FROM:-$INITIAL_FROM}" ]]; then
      # The earlier activation stands. Over a tariff armed for later, the message
      # must say it may now be a mix; with none armed, that nothing will activate.
      # (A fault during the reads before the first write leaves no such note.)
      if [[ $WERR != *"partly written"* ]]; then pass
      elif [[ -n "$ARMED_FROM" && $WERR == *"the tariff armed for $ARMED_FROM may now hold a mix"* ]]; then pass
      elif [[ -z "$ARMED_FROM" && $WERR == *"so it will not activate"* ]]; then pass
      else fail "write $i cut off: the message does not say what the meter is left with: $WERR"; fi
    else
      fail "write $i ($WERR) left activation $GOT_FROM: neither its own ($FROM) nor the earlier one (${ARMED_FROM:-$INITIAL_FROM})"
    fi
  fi
done
log "tariff writes under random faults: $SUCCESSES succeeded, $FAILURES failed"
check_py "random faults hit at least one write ($FAILURES)" "$FAILURES >= 1"
check_py "at least one write got through ($SUCCESSES)" "$SUCCESSES >= 1"

finish
