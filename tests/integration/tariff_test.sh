#!/usr/bin/env bash
# The tariff story: a future tariff written for a few minutes ahead on the meter's
# clock (UK local time on a DST meter), read back, not yet active, then active once
# simulated time passes its activation; invalid input refused before any write.
# Addresses: 127.0.73.x.
source "$(dirname "$0")/lib.sh"

M=EML7300000001   # single_b1w, DST clock (UK local time)
U=EML7300000002   # twin_c1w, UTC clock
read -r P1 P2 < <(for h in 1 2; do free_port 127.0.73.$h; done | tr '\n' ' ')
INSTALLED=$(python3 -c "import time, datetime; t=int(time.time())-3*86400; print(datetime.datetime.fromtimestamp(t - t % 3600, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$M", kind: single_b1w, host: 127.0.73.1, port: $P1, dst: true, installed_at: "$INSTALLED",
      unit_rate: 0.25, standing_charge: 0.50, profile: flat, mean_power_w: 700 }
  - { serial: "$U", kind: twin_c1w, host: 127.0.73.2, port: $P2, dst: false, installed_at: "$INSTALLED",
      unit_rate: 0.27, standing_charge: 0.55 }
EOF
start_sim --fleet "$WORK/fleet.yaml"

future_snapshot() { run tariffs_future_read "$1"; expect_status 0; printf '%s' "$OUT"; }

# --- invalid input: exit 2, nothing written (the future tariff reads the same before and after)
BEFORE=$(future_snapshot "$M")
invalid() {  # description, args…
  local what=$1; shift
  run tariffs_future_write "$M" "$@"; expect_status 2 "$what"; expect_one_line_error
  run tariffs_future_read "$M"; expect_status 0
  if [[ "$OUT" == "$BEFORE" ]]; then pass; else fail "$what: the future tariff changed although the write was refused"; fi
}
invalid "unit rate in pence" --from-ts 2030-01-01T00:00:00 --unit-rate 31 --standing-charge 0.70
invalid "negative standing charge" --from-ts 2030-01-01T00:00:00 --unit-rate 0.45 --standing-charge -0.62
invalid "standing charge in pence" --from-ts 2030-01-01T00:00:00 --unit-rate 0.45 --standing-charge 62
invalid "bad --from-ts (words)" --from-ts tomorrow --unit-rate 0.45 --standing-charge 0.70
invalid "bad --from-ts (month 13)" --from-ts 2030-13-01T00:00:00 --unit-rate 0.45 --standing-charge 0.70
invalid "--from-ts before 2000" --from-ts 1999-12-31T23:00:00 --unit-rate 0.45 --standing-charge 0.70
invalid "--from-ts after the u32 clock ends" --from-ts 2200-01-01T00:00:00 --unit-rate 0.45 --standing-charge 0.70
run tariffs_future_write "$M" --from-ts 2200-01-01T00:00:00 --unit-rate 0.45 --standing-charge 0.70; expect_status 2
expect_err_contains "outside the meter clock's range, 2000-01-01T00:00:00 to 2136-02-07T06:28:15"
invalid "six decimals" --from-ts 2030-01-01T00:00:00 --unit-rate 0.450001 --standing-charge 0.70
invalid "bad emergency credit" --from-ts 2030-01-01T00:00:00 --unit-rate 0.45 --standing-charge 0.70 --emergency-credit lots
run tariffs_future_write "$M" --from-ts 2030-01-01T00:00:00 --unit-rate 0.45; expect_status 2 "missing --standing-charge"
expect_one_line_error
check_py "the untouched future tariff is the never-armed one" "'activation_datetime=2000-01-01T00:00:00' in '''$BEFORE'''"

# --- the story on the DST meter
run clock_time_read "$M"; expect_status 0
CLOCK=$(value_of clock_time_read)
check_py "the DST meter's clock $CLOCK is UK local time" "abs(__import__('datetime').datetime.fromisoformat('$CLOCK').replace(tzinfo=__import__('zoneinfo').ZoneInfo('Europe/London')).timestamp() - $(date +%s)) <= 2"
FROM=$(python3 -c "import datetime; print((datetime.datetime.fromisoformat('$CLOCK') + datetime.timedelta(seconds=300)).strftime('%Y-%m-%dT%H:%M:%S'))")
log "meter clock $CLOCK, activation $FROM"
run tariffs_future_write "$M" --from-ts "$FROM" --unit-rate 0.31 --standing-charge 0.62; expect_status 0
expect_line "tariffs_future_write=ok"; expect_line "activation_datetime=$FROM"
expect_line "unit_rate_element_a=0.31"; expect_line "standing_charge=0.62"
run tariffs_future_read "$M"; expect_status 0
expect_stdout "activation_datetime=$FROM
prepayment_debt_recovery_rate=0.3
prepayment_ecredit_availability=10.0
prepayment_emergency_credit=15.0
standing_charge=0.62
unit_rate_element_a=0.31
unit_rate_element_b=0.31"
run tariffs_active_read "$M"; expect_status 0
expect_line "unit_rate_element_a=0.25"; expect_line "unit_rate_element_b=0.25"; expect_line "standing_charge=0.5"
ARMED=$(future_snapshot "$M")

# An invalid write now must leave the armed tariff exactly as it is.
BEFORE=$ARMED
invalid "unit rate in pence (armed)" --from-ts "$FROM" --unit-rate 45 --standing-charge 0.70
invalid "negative standing charge (armed)" --from-ts "$FROM" --unit-rate 0.45 --standing-charge -0.01

# Five minutes ahead on the meter's clock: advance simulated time past it.
run tariffs_active_read "$M"; expect_status 0; expect_line "unit_rate_element_a=0.25"
ctl advance 400 >/dev/null || fail "ctl advance 400"
run tariffs_active_read "$M"; expect_status 0
expect_stdout "block_rate=0
element_b_tou_rate=0
prepayment_debt_recovery_rate=0.3
prepayment_ecredit_availability=10.0
prepayment_emergency_credit=15.0
standing_charge=0.62
threshold_mask.rate1=false
threshold_mask.rate2=false
threshold_mask.rate3=false
threshold_mask.rate4=false
threshold_mask.rate5=false
threshold_mask.rate6=false
threshold_mask.rate7=false
threshold_mask.rate8=false
threshold_values.th1=0
threshold_values.th2=0
threshold_values.th3=0
threshold_values.th4=0
threshold_values.th5=0
threshold_values.th6=0
threshold_values.th7=0
unit_rate_element_a=0.31
unit_rate_element_b=0.31"
run event_log "$M" 0; expect_status 0
expect_line "$FROM,39,0"   # the tariff change, stamped at its activation on the meter's clock

# --json of the read-back
run --json tariffs_future_read "$M"; expect_status 0
check_py "--json future tariff" "$(json_get "j['value']['activation_datetime'] == '$FROM' and str(j['value']['unit_rate_element_b']) == '0.31' and str(j['value']['standing_charge']) == '0.62'")"

# --- UTC meter: non-default prepayment settings, activation already passed → active at once
run tariffs_active_read "$U"; expect_status 0; expect_line "unit_rate_element_a=0.27"; expect_line "standing_charge=0.55"
run tariffs_future_write -s "$U" --from-ts 2020-01-01T00:00:00 --unit-rate 0.19999 --standing-charge 0.40 \
    --emergency-credit 20.00 --ecredit-availability 5.00 --debt-recovery-rate 0.15
expect_status 0
run tariffs_active_read "$U"; expect_status 0
expect_stdout "block_rate=0
element_b_tou_rate=0
prepayment_debt_recovery_rate=0.15
prepayment_ecredit_availability=5.0
prepayment_emergency_credit=20.0
standing_charge=0.4
threshold_mask.rate1=false
threshold_mask.rate2=false
threshold_mask.rate3=false
threshold_mask.rate4=false
threshold_mask.rate5=false
threshold_mask.rate6=false
threshold_mask.rate7=false
threshold_mask.rate8=false
threshold_values.th1=0
threshold_values.th2=0
threshold_values.th3=0
threshold_values.th4=0
threshold_values.th5=0
threshold_values.th6=0
threshold_values.th7=0
unit_rate_element_a=0.19999
unit_rate_element_b=0.19999"

# A UTC meter: activation is a UTC clock reading.
run clock_time_read "$U"; expect_status 0
UCLOCK=$(value_of clock_time_read)
check_py "the UTC meter's clock $UCLOCK is UTC" "abs(__import__('datetime').datetime.fromisoformat('$UCLOCK+00:00').timestamp() - $(sim_now)) <= 2"
UFROM=$(python3 -c "import datetime; print((datetime.datetime.fromisoformat('$UCLOCK') + datetime.timedelta(seconds=600)).strftime('%Y-%m-%dT%H:%M:%S'))")
run tariffs_future_write "$U" --from-ts "$UFROM" --unit-rate 0.33 --standing-charge 0.66; expect_status 0
ctl advance 300 >/dev/null
run tariffs_active_read "$U"; expect_status 0; expect_line "unit_rate_element_a=0.19999"   # 5 of 10 minutes
ctl advance 400 >/dev/null
run tariffs_active_read "$U"; expect_status 0; expect_line "unit_rate_element_a=0.33"; expect_line "standing_charge=0.66"

finish
