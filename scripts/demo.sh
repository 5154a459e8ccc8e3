#!/usr/bin/env bash
# The main job: builds the toolkit, starts a small simulated community of meters on
# loopback, and talks to it with emop as an engineer would. Everything it starts,
# it stops.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
emop=$root/build/apps/emop/emop
sim=$root/build/apps/emlite-sim/emlite-sim

work=$(mktemp -d /tmp/flows-demo.XXXXXX)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ emop %s\n' "$*"; "$emop" "$@"; }

step "The EMOP codec: build the request that reads a meter's serial, and decode it"
req=$("$emop" frame encode --object serial)
show frame encode --object serial
show frame decode "$req"

step "Start a simulated community: 12 meters on loopback (consecutive ports)"
control_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sim" serve --meters 12 --seed 2026 --base-port 18080 --host 127.0.0.1 \
  --control "127.0.0.1:$control_port" --fleet-out "$work/fleet.yaml" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do [ -f "$work/fleet.yaml" ] && break; sleep 0.1; done
[ -f "$work/fleet.yaml" ] || { cat "$work/sim.log" >&2; echo "demo: emlite-sim did not start" >&2; exit 1; }
export EMOP_INVENTORY=$work/fleet.yaml
sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$work/fleet.yaml" >"$work/serials.txt"
first=$(head -n 1 "$work/serials.txt")
echo "fleet: $(wc -l <"$work/serials.txt") meters, inventory $EMOP_INVENTORY"

step "Signal and balance of the whole community, concurrently"
show csq --serials-file "$work/serials.txt"
show prepay_balance --serials-file "$work/serials.txt"

step "One meter in detail"
show hardware "$first"
show read "$first"
show tariffs_active_read "$first"

step "A top-up: mint a token the simulator accepts, send it, send it again"
token=$("$sim" token --amount 10.00 --nonce "$RANDOM")
show prepay_send_token "$first" "$token"
set +e
show prepay_send_token "$first" "$token"
echo "exit status: $? (the meter refuses a token it has seen)"
set -e

step "A future tariff, activated by moving simulated time forward"
clock=$("$emop" clock_time_read "$first" | cut -d= -f2)
activation=$(python3 -c "import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1]); print((t+datetime.timedelta(hours=1)).replace(minute=0,second=0).isoformat())" "$clock")
show tariffs_future_write "$first" --from-ts "$activation" --unit-rate 0.2798 --standing-charge 0.6556
"$sim" ctl "127.0.0.1:$control_port" advance 7200 >/dev/null
show tariffs_active_read "$first"
