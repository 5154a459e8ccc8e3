#!/usr/bin/env bash
# emlite-sim's limits: a control `advance` past the end of the meter clock is
# refused, a control line longer than 64 KiB is answered with an error and closed,
# and a meter connection that sends nothing is closed after --idle-timeout (as real
# meters drop idle connections), which frees the meter for the next caller; and
# emop --no-reuse, a new connection for every request, is never refused as busy
# (the simulator admits a connection that arrives as the previous one closes).
# Addresses: 127.0.68.x.
source "$(dirname "$0")/lib.sh"

M=EML6800000001
AX=EML6800000002   # three-phase: three_phase_intervals reads a time range without a database
P=$(free_port 127.0.68.1)
P2=$(free_port 127.0.68.2)
INSTALLED=$(date -u -d '14 days ago' +%FT%H:00:00Z)
cat >"$WORK/fleet.yaml" <<EOF2
meters:
  - { serial: "$M", kind: single_b1w, host: 127.0.68.1, port: $P, installed_at: "2025-07-01T00:00:00Z" }
  - { serial: "$AX", kind: three_phase_ax, host: 127.0.68.2, port: $P2, profile: flat, mean_power_w: 3000,
      installed_at: "$INSTALLED", dst: false }
EOF2
start_sim --fleet "$WORK/fleet.yaml" --idle-timeout 2 -v

# --- advance: bounded by the meter clock (u32 seconds from 2000-01-01) ----------
BEFORE=$(ctl now)
OUT=$(ctl advance 9223372036854775807 2>&1)
if [[ "$OUT" =~ ^emlite-sim:\ ctl:\ error:\ advance\ 9223372036854775807\ is\ past\ the\ end\ of\ the\ meter\ clock\ \(2136-02-07T06:28:15Z\):\ at\ most\ [0-9]+\ seconds\ from\ now$ ]]; then pass
else fail "advance 2^63-1: got '$OUT'"; fi
OUT=$(ctl advance 4294967295 2>&1)
[[ "$OUT" == "emlite-sim: ctl: error: advance 4294967295 is past the end of the meter clock"* ]] && pass || fail "advance 2^32-1: got '$OUT'"
AFTER=$(ctl now)
[[ "${AFTER:0:4}" == "${BEFORE:0:4}" ]] && pass || fail "the clock moved on a refused advance: $BEFORE -> $AFTER"
OUT=$(ctl advance 3600 2>&1)
[[ "$OUT" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T ]] && pass || fail "advance 3600: got '$OUT'"

# --- a control line without a newline, longer than 64 KiB ---------------------
OUT=$(python3 - "$CTL_PORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    s.sendall(b"now" + b"x" * 70000)
except OSError:
    pass
data = b""
while True:
    try:
        chunk = s.recv(4096)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
print(data.decode().strip() + " | closed")
PY
)
[[ "$OUT" == "error: control line longer than 65536 bytes | closed" ]] && pass || fail "long control line: got '$OUT'"
OUT=$(ctl now 2>&1)
[[ "$OUT" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T ]] && pass || fail "the control port still answers: got '$OUT'"

# --- an idle meter connection is closed, and the meter is free again -----------
python3 - "$P" >"$WORK/idle.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.68.1", int(sys.argv[1])), timeout=10)
t0 = time.monotonic()
closed = s.recv(1) == b""
print(f"closed={closed} after={time.monotonic() - t0:.0f}")
PY
IDLE_PID=$!
sleep 0.5
run csq "$M" --timeout 1 --attempts 1   # the idle connection holds the meter: busy
expect_status 4 "while an idle connection holds the meter"
wait "$IDLE_PID"
OUT=$(cat "$WORK/idle.out")
[[ "$OUT" =~ ^closed=True\ after=[23]$ ]] && pass || fail "idle connection: got '$OUT'"
run csq "$M" --timeout 2 --attempts 1
expect_status 0 "after the idle connection was closed"

# --- --no-reuse: 11 days of half hours, a new connection for each of ~108 requests --
# None is refused as busy (the simulator's -v log names each refusal); before the
# simulator's admission grace about 18 % were, and each cost emop a retry.
FROM=$(date -u -d '12 days ago' +%FT00:00:00)
TO=$(date -u -d '1 day ago' +%FT00:00:00)
ANSWERED_BEFORE=$(grep -c -- "$AX: .* -> " "$WORK/sim.log")
T0=$(date +%s%N)
run --no-reuse three_phase_intervals "$AX" --start-time "$FROM" --end-time "$TO" --csv "$WORK/iv.csv" --attempts 1
T1=$(date +%s%N)
expect_status 0 "--no-reuse three_phase_intervals of 11 days, one attempt per request"
expect_stdout "three_phase_intervals=528 rows in $WORK/iv.csv"
ANSWERED=$(( $(grep -c -- "$AX: .* -> " "$WORK/sim.log") - ANSWERED_BEFORE ))
REFUSED=$(grep -c "$AX: refused a second concurrent connection" "$WORK/sim.log")
(( ANSWERED >= 100 )) && pass || fail "--no-reuse: only $ANSWERED requests answered"
[[ $REFUSED == 0 ]] && pass || fail "--no-reuse: $REFUSED of $((ANSWERED + REFUSED)) connections refused as busy"
log "--no-reuse: $ANSWERED requests on as many connections, $REFUSED refused as busy, $(( (T1 - T0) / 1000000 )) ms"
finish
