#!/usr/bin/env bash
# The main job: builds the toolkit and shows the EMOP codec at work on real frames.
# (The database, simulated meters and billing runs join this demo as they land.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
emop=build/apps/emop/emop

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
show() { printf '$ emop %s\n' "$*"; "$emop" "$@"; }

step "Build the request that reads a meter's serial (public client's source address)"
req=$("$emop" frame encode --object serial)
show frame encode --object serial

step "Decode that request"
show frame decode "$req"

step "A meter's balance response (meter c0/6f0093, in debt), decoded as JSON"
resp=$("$emop" frame encode --object prepay_balance --write c07a03fe --source 7274643 --destination 2207298 --control 1)
show frame decode "$resp" --json

step "A corrupted frame is still shown, and the exit status says so"
set +e
"$emop" frame decode "${req%??}00" --json
echo "exit status: $?"
set -e

step "The object table (first lines; provisional ids are marked)"
"$emop" objects | head -n 12
