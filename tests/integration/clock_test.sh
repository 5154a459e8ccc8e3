#!/usr/bin/env bash
# Which clock a DST-corrected meter keeps, on a summer date (BST), both ways:
# emop writes it UK local time, and the meter's clock is then right; writing it
# UTC (as the field tool does for every meter) leaves it an hour slow. A meter
# without DST correction keeps UTC. The simulator runs in July whatever today is.
# Addresses: 127.0.79.x.
source "$(dirname "$0")/lib.sh"

D=EML7900000001   # DST correction on
U=EML7900000002   # DST correction off
read -r P1 P2 < <(for h in 1 2; do free_port 127.0.79.$h; done | tr '\n' ' ')
cat >"$WORK/fleet.yaml" <<EOF2
meters:
  - { serial: "$D", kind: single_b1w, host: 127.0.79.1, port: $P1, dst: true, installed_at: "2025-07-01T00:00:00Z" }
  - { serial: "$U", kind: single_b1w, host: 127.0.79.2, port: $P2, dst: false, installed_at: "2025-07-01T00:00:00Z" }
EOF2
start_sim --fleet "$WORK/fleet.yaml" --start-time 2025-07-15T12:00:00Z

# The simulated true time, UTC and as UK local time (BST: one hour ahead).
NOW=$(sim_now)
UTC_READING=$(date -u -d "@$((NOW + 30))" +%FT%T)
LOCAL_READING=$(TZ=Europe/London date -d "@$((NOW + 30))" +%FT%T)
check_py "a summer date: UK local time $LOCAL_READING is UTC $UTC_READING + 1 h" \
  "__import__('datetime').datetime.fromisoformat('$LOCAL_READING') - __import__('datetime').datetime.fromisoformat('$UTC_READING') == __import__('datetime').timedelta(hours=1)"
clock_error() { ctl clock_error "$1" | sed 's/^ok //'; }
near() { check_py "$1: clock error $2 s is $3 s (±40)" "abs(int('$2') - ($3)) <= 40"; }

# emop's way: a DST-corrected meter is given UK local time, and keeps true time.
run clock_time_write "$D" --time "$LOCAL_READING"; expect_status 0
near "DST meter written UK local time" "$(clock_error "$D")" 0
run clock_time_read "$D"; expect_status 0
check_py "it reads BST ($(value_of clock_time_read))" "'$(value_of clock_time_read)'[:13] == '$LOCAL_READING'[:13]"
# The field tool's way: UTC to the same meter leaves it an hour slow in summer.
run clock_time_write "$D" --time "$UTC_READING"; expect_status 0
near "DST meter written UTC" "$(clock_error "$D")" -3600
# A meter without DST correction keeps UTC: UTC is right, local time an hour fast.
run clock_time_write "$U" --time "$UTC_READING"; expect_status 0
near "UTC meter written UTC" "$(clock_error "$U")" 0
run clock_time_write "$U" --time "$LOCAL_READING"; expect_status 0
near "UTC meter written UK local time" "$(clock_error "$U")" 3600

finish
