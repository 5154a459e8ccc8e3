#!/usr/bin/env bash
# emop's management commands over a database of the test's own:
#   emop db migrate; emlite-sim topology > t.yaml; emop db import t.yaml (twice,
#   and a bad document); emop list / info / serial_to_name; and, with emlite-sim
#   serving the same fleet, `emop csq SERIAL` finding the meter's address in the
#   database (no --host, no inventory).
# Usage: manage_cli_test.sh EMOP EMLITE_SIM   (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" EMOP="$EMOP_BIN" SIM="$SIM_BIN"

fail() {  # replaces lib.sh's: also shows the last command run and its output
  FAILS=$((FAILS + 1))
  echo "FAIL: $*"
  echo "  command: $LAST"
  echo "  status:  $RC"
  echo "  stdout:  $(head -c 1500 <<<"$OUT")"
  echo "  stderr:  $(head -c 1500 <<<"$ERR")"
}
run() {  # run PROGRAM ARGS…
  LAST="$*"
  timeout 60 "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}
expect_status() { if [[ "$RC" == "$1" ]]; then pass; else fail "expected exit $1"; fi; }
expect_out() { if grep -Eq -- "$1" <<<"$OUT"; then pass; else fail "stdout lacks /$1/"; fi; }
expect_one_line_error() {
  if [[ $(printf '%s' "$ERR" | grep -c '') == 1 && "$ERR" == "emop: "* ]]; then pass; else fail "stderr should be one 'emop: ' line"; fi
}

# A port free on the loopback addresses the fleet uses (127.0.1.1 …).
PORT=$(python3 - <<'EOF'
import socket
for _ in range(50):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    try:
        for i in range(1, 6):
            t = socket.socket(); t.bind((f"127.0.1.{i}", p)); t.close()
        print(p); break
    except OSError:
        pass
EOF
)
FLEET=(--meters 5 --seed 11 --port "$PORT")

run "$EMOP" db migrate
expect_status 0

run "$SIM" topology "${FLEET[@]}"
expect_status 0
printf '%s\n' "$OUT" >"$WORK/t.yaml"
SERIAL=$(grep -m1 -o 'serial: "EML[0-9]*"' "$WORK/t.yaml" | grep -o 'EML[0-9]*')
[[ -n "$SERIAL" ]] && pass || fail "no serial in the topology document"

run "$EMOP" db import "$WORK/t.yaml" --dry-run
expect_status 0
expect_out '^dry run: nothing written'
[[ $(sql "SELECT count(*) FROM flows.meter_registry") == 0 ]] && pass || fail "dry run wrote meters"

run "$EMOP" db import "$WORK/t.yaml"
expect_status 0
expect_out '^meters: 5 inserted, 0 updated, 0 unchanged$'
[[ $(sql "SELECT count(*) FROM flows.meter_registry") == 5 ]] && pass || fail "meter_registry should have 5 rows"
[[ $(sql "SELECT count(*) FROM flows.meter_shadows") == 5 ]] && pass || fail "meter_shadows should have 5 rows (trigger)"
[[ $(sql "SELECT host(ip_address) || ':' || emop_port FROM flows.meter_registry WHERE serial = '$SERIAL'") == "127.0.1.1:$PORT" ]] &&
  pass || fail "meter $SERIAL should be at 127.0.1.1:$PORT"
BEFORE=$(sql "SELECT serial, updated_at FROM flows.meter_registry ORDER BY serial")

run "$EMOP" db import "$WORK/t.yaml"
expect_status 0
expect_out '\(0 changes\)$'
[[ $(sql "SELECT serial, updated_at FROM flows.meter_registry ORDER BY serial") == "$BEFORE" ]] && pass ||
  fail "re-import touched meter_registry"

# A bad document: one line naming file:line, exit 2, nothing written.
sed 's/mode: active/mode: sleepy/' "$WORK/t.yaml" >"$WORK/bad.yaml"
printf 'registers:\n  - {meter: "NOPE", element: A, nature: power}\n' >"$WORK/bad3.yaml"
run "$EMOP" db import "$WORK/bad.yaml"
expect_status 2
expect_one_line_error
if grep -q "bad.yaml:[0-9]*: " <<<"$ERR"; then pass; else fail "error should name bad.yaml:LINE"; fi
run "$EMOP" db import "$WORK/bad3.yaml"
expect_status 2
expect_one_line_error
[[ $(sql "SELECT serial, updated_at FROM flows.meter_registry ORDER BY serial") == "$BEFORE" ]] && pass ||
  fail "a refused document changed the database"

# A document entry that clashes with a row already in the database (a new meter at
# the address an existing one has): the line and what it clashes with, exit 2.
sed "s/$SERIAL/EML9999999999/g" "$WORK/t.yaml" >"$WORK/clash.yaml"
run "$EMOP" db import "$WORK/clash.yaml"
expect_status 2
expect_one_line_error
if [[ "$ERR" =~ ^emop:\ .*clash\.yaml:[0-9]+:\ meter\ EML9999999999\ clashes\ with\ the\ database:\ duplicate\ key\ value\ violates\ unique\ constraint.*ip_address.*127\.0\.1\.1 ]]; then pass
else fail "clash: got '$ERR'"; fi
[[ $(sql "SELECT serial, updated_at FROM flows.meter_registry ORDER BY serial") == "$BEFORE" ]] && pass ||
  fail "a clashing document changed the database"

run "$EMOP" list
expect_status 0
expect_out '^esco +serial +name +signal +health +hardware +feeder +last_seen +reason$'
expect_out "^demo +$SERIAL +demo plot 1 +- +- +[A-Za-z0-9.]+ +demo-feeder-1 +- +-$"
[[ $(grep -c '^demo ' <<<"$OUT") == 5 ]] && pass || fail "list should show 5 meters"
run "$EMOP" list --esco demo --json
expect_status 0
if python3 -c "import json,sys; j=json.load(sys.stdin); assert len(j)==5 and j[0]['esco']=='demo' and 'signal' in j[0]" <<<"$OUT"; then
  pass; else fail "list --json"; fi
run "$EMOP" list --esco nope
expect_status 2
expect_one_line_error

run "$EMOP" info "$SERIAL"
expect_status 0
expect_out "^serial: $SERIAL$"
expect_out '^feeder: demo-feeder-1$'
expect_out '^shadow:$'
run "$EMOP" info "$SERIAL" --json
expect_status 0
if python3 -c "import json,sys; j=json.load(sys.stdin); assert j['registry']['serial']=='$SERIAL' and j['shadow'] is not None and j['registers']" <<<"$OUT"; then
  pass; else fail "info --json"; fi
run "$EMOP" info EML0000000000
expect_status 2
expect_one_line_error

run "$EMOP" serial_to_name "$SERIAL"
expect_status 0
if [[ "$OUT" == "demo plot 1" ]]; then pass; else fail "serial_to_name should print 'demo plot 1'"; fi
run "$EMOP" serial_to_name EML0000000000
expect_status 2
expect_one_line_error

# The same fleet served: emop finds the meter's address in the database.
"$SIM" serve "${FLEET[@]}" --fleet-out "$WORK/inv.yaml" --topology-out "$WORK/served.yaml" \
  >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/served.yaml" ]] && break; kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
if [[ -s "$WORK/served.yaml" ]]; then pass; else fail "emlite-sim did not write --topology-out"; cat "$WORK/sim.log"; fi
if diff <(grep 'serial:' "$WORK/t.yaml") <(grep 'serial:' "$WORK/served.yaml") >/dev/null; then pass; else
  fail "serve --topology-out should describe the same meters as topology"; fi
run "$EMOP" csq "$SERIAL"
expect_status 0
expect_out '^csq=[0-9]+$'
# A meter without an address: a configuration error naming it.
sql "UPDATE flows.meter_registry SET ip_address = NULL WHERE serial = '$SERIAL'" >/dev/null
run "$EMOP" csq "$SERIAL"
expect_status 3
expect_one_line_error
if grep -q "$SERIAL" <<<"$ERR"; then pass; else fail "the error should name $SERIAL"; fi

finish
