#!/usr/bin/env bash
# Half-hourly profile logs across UK clock changes. A DST meter stamps records in
# UK local time, so at the end of BST a local hour repeats and at its start one is
# skipped (lib/sim/sim_meter.hpp); a UTC meter's stamps run straight on. With a flat
# 1000 W load every half hour adds exactly 500 Wh to the cumulative import.
#
# The simulated clock starts at a fixed instant (`serve --start-time`), a day and a
# half after the end of BST 2025, and is then moved (`ctl advance`) a day and a half
# past the start of BST 2026: both kinds (repeat and skip) are checked, whatever
# today's date. A meter keeps the newest 120 days, and both changes are within them
# when they are checked. Addresses: 127.0.76.x.
source "$(dirname "$0")/lib.sh"

DSTM=EML7600000001   # UK local clock
UTCM=EML7600000002   # UTC clock
read -r P1 P2 < <(for h in 1 2; do free_port 127.0.76.$h; done | tr '\n' ' ')

# UK clock changes: the last Sunday of October / March, 01:00 UTC.
AUTUMN=$(date -u -d 2025-10-26T01:00:00Z +%s)   # Sunday 26 October 2025: 02:00 BST -> 01:00 GMT
SPRING=$(date -u -d 2026-03-29T01:00:00Z +%s)   # Sunday 29 March 2026: 01:00 GMT -> 02:00 BST
START_ISO=2025-10-27T13:00:00Z                   # the simulator's first "now"
INSTALLED_ISO=2025-10-23T00:00:00Z              # three days before the first change checked
INSTALLED=$(date -u -d "$INSTALLED_ISO" +%s)
if [[ $(date -u -d @"$AUTUMN" +%a) == Sun && $(date -u -d @"$SPRING" +%a) == Sun ]]; then pass; else fail "the changes fall on Sundays"; fi
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$DSTM", kind: single_b1w, host: 127.0.76.1, port: $P1, dst: true, profile: flat, mean_power_w: 1000,
      installed_at: "$INSTALLED_ISO", prepay_enabled: false }
  - { serial: "$UTCM", kind: single_b1w, host: 127.0.76.2, port: $P2, dst: false, profile: flat, mean_power_w: 1000,
      installed_at: "$INSTALLED_ISO", prepay_enabled: false }
EOF
start_sim --fleet "$WORK/fleet.yaml" --start-time "$START_ISO"

# local EPOCH ZONE → the meter's clock reading of that instant
local_stamp() { python3 -c "import datetime,zoneinfo; print(datetime.datetime.fromtimestamp($1, zoneinfo.ZoneInfo('$2')).strftime('%Y-%m-%dT%H:%M:%S'))"; }
wh_at() { echo $(( ($1 - INSTALLED) * 1000 / 3600 )); }   # cumulative import at an instant

# expect_records UTC_INSTANTS…: the profile_log_1 output ($OUT) holds exactly these
# half hours, stamped on the DST meter's clock, with the flat-load cumulative import.
expect_records() {
  local zone=$1; shift
  local expected="timestamp,status,import_a_wh,import_b_wh" t
  for t in "$@"; do expected+=$'\n'"$(local_stamp "$t" "$zone"),valid,$(wh_at "$t"),0"; done
  expect_stdout "$expected"
}

check_change() {  # C (epoch of the change, 01:00 UTC)
  local C=$1 kind hours
  if [[ $(date -u -d "@$C" +%m) == 10 ]]; then kind=autumn; hours=25; else kind=spring; hours=23; fi
  log "clock change at $(date -u -d "@$C" +%FT%TZ) ($kind); simulator now $(ctl now)"

  # Five records from an hour before the change, DST meter.
  run profile_log_1 "$DSTM" --timestamp "$(local_stamp $((C - 3600)) Europe/London)"; expect_status 0
  expect_records Europe/London $((C - 3600)) $((C - 1800)) "$C" $((C + 1800)) $((C + 3600))
  if [[ $kind == autumn ]]; then
    # 01:00 BST, 01:30 BST, 01:00 GMT, 01:30 GMT, 02:00 GMT: the local hour 01:00-02:00 repeats.
    if [[ $(cut -d, -f1 <<<"$OUT" | tail -n +2 | cut -dT -f2 | tr '\n' ' ') == "01:00:00 01:30:00 01:00:00 01:30:00 02:00:00 " ]]; then pass
    else fail "autumn: the local hour 01:00-02:00 appears twice"; fi
  else
    # 00:00 GMT, 00:30 GMT, 02:00 BST, 02:30 BST, 03:00 BST: no stamp in 01:00-02:00.
    if [[ $(cut -d, -f1 <<<"$OUT" | tail -n +2 | cut -dT -f2 | tr '\n' ' ') == "00:00:00 00:30:00 02:00:00 02:30:00 03:00:00 " ]]; then pass
    else fail "spring: the local hour 01:00-02:00 is skipped"; fi
  fi
  # Consecutive half hours differ by exactly 500 Wh, across the change too.
  local a b
  a=$(tail -n +2 <<<"$OUT" | cut -d, -f3 | tr '\n' ' ')
  check_py "half-hourly differences are 500 Wh ($a)" "(lambda v: all(y - x == 500 for x, y in zip(v, v[1:])))([int(x) for x in '$a'.split()])"
  # The next five, requested by the stamp after the change: continuous with the first five.
  run profile_log_1 "$DSTM" --timestamp "$(local_stamp $((C + 5400)) Europe/London)"; expect_status 0
  expect_records Europe/London $((C + 5400)) $((C + 7200)) $((C + 9000)) $((C + 10800)) $((C + 12600))
  b=$(tail -n +2 <<<"$OUT" | cut -d, -f3 | tr '\n' ' ')
  check_py "ten half hours around the change add 4500 Wh ($a$b)" "(lambda v: v[-1] - v[0] == 4500 and all(y - x == 500 for x, y in zip(v, v[1:])))([int(x) for x in '$a$b'.split()])"

  # A time inside the repeated/skipped hour: the first record in real order whose stamp is at or after it.
  if [[ $kind == autumn ]]; then
    run profile_log_1 "$DSTM" --timestamp "$(date -u -d "@$C" +%F)T01:45:00"; expect_status 0
    expect_records Europe/London $((C + 3600)) $((C + 5400)) $((C + 7200)) $((C + 9000)) $((C + 10800))
    run profile_log_1 "$DSTM" --timestamp "$(date -u -d "@$C" +%F)T01:30:00"; expect_status 0
    expect_records Europe/London $((C - 1800)) "$C" $((C + 1800)) $((C + 3600)) $((C + 5400))
  else
    run profile_log_1 "$DSTM" --timestamp "$(date -u -d "@$C" +%F)T01:15:00"; expect_status 0
    expect_records Europe/London "$C" $((C + 1800)) $((C + 3600)) $((C + 5400)) $((C + 7200))
  fi

  # The local day of the change has $hours hours: 1000 W × $hours h between its midnights.
  local day next_day m0 m1
  day=$(date -u -d "@$C" +%F)
  next_day=$(date -u -d "@$((C + 86400))" +%F)
  run profile_log_1 "$DSTM" --timestamp "${day}T00:00:00"; expect_status 0; m0=$(sed -n 2p <<<"$OUT" | cut -d, -f3)
  run profile_log_1 "$DSTM" --timestamp "${next_day}T00:00:00"; expect_status 0; m1=$(sed -n 2p <<<"$OUT" | cut -d, -f3)
  check_py "the local day $day ($kind) holds $hours kWh: $m0 -> $m1" "int('$m1') - int('$m0') == $hours * 1000"

  # Profile log 2: three records, the same stamps.
  run profile_log_2 "$DSTM" --timestamp "$(local_stamp $((C - 3600)) Europe/London)"; expect_status 0
  if [[ "$(tail -n +2 <<<"$OUT" | cut -d, -f1 | tr '\n' ' ')" == "$(local_stamp $((C - 3600)) Europe/London) $(local_stamp $((C - 1800)) Europe/London) $(local_stamp "$C" Europe/London) " ]]; then pass
  else fail "profile_log_2 stamps across the change"; fi

  # The UTC meter: regular stamps, nothing repeated or skipped.
  run profile_log_1 "$UTCM" --timestamp "$(local_stamp $((C - 3600)) UTC)"; expect_status 0
  expect_records UTC $((C - 3600)) $((C - 1800)) "$C" $((C + 1800)) $((C + 3600))
  run --json profile_log_1 -s "$UTCM" --timestamp "${day}T00:00:00"; expect_status 0
  check_py "--json profile log of a UTC meter" "$(json_get "[r['timestamp'][11:] for r in j['value']] == ['00:00:00', '00:30:00', '01:00:00', '01:30:00', '02:00:00'] and [r['import_a_wh'] for r in j['value']][1:] == [r['import_a_wh'] + 500 for r in j['value']][:-1]")"
}

# The simulated clock reads the fixed start, not today.
check_py "the simulator starts at $START_ISO (now $(ctl now))" "0 <= $(sim_now) - $(date -u -d "$START_ISO" +%s) < 3600"
check_change "$AUTUMN"
# Move simulated time on to a day and a half past the spring change, and check that one.
ADVANCE=$(( SPRING + 129600 - $(sim_now) ))
ctl advance "$ADVANCE" >/dev/null || fail "ctl advance $ADVANCE"
check_change "$SPRING"

# Before installation and after the newest boundary there are no records.
run profile_log_1 "$UTCM" --timestamp "$(local_stamp $(( $(sim_now) + 3600 )) UTC)"; expect_status 0
expect_stdout "timestamp,status,import_a_wh,import_b_wh"
run profile_log_1 "$UTCM" --timestamp "not-a-time"; expect_status 2; expect_one_line_error
run profile_log_1 "$UTCM"; expect_status 2 "--timestamp is required"; expect_one_line_error

finish
