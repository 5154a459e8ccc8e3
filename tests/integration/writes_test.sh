#!/usr/bin/env bash
# The remaining meter writes, each read back: backlight, load switch, DST
# correction, clock, time switches and raw obis_write. (Prepay and tariff writes
# have their own scripts.) Addresses: 127.0.78.x.
source "$(dirname "$0")/lib.sh"

A=EML7800000001   # single_b1w, DST clock
B=EML7800000002   # twin_c1w, UTC clock
read -r P1 P2 < <(for h in 1 2; do free_port 127.0.78.$h; done | tr '\n' ' ')
INSTALLED_ISO=$(date -u -d "@$(( $(date +%s) / 3600 * 3600 - 86400 ))" +%FT%TZ)
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$A", kind: single_b1w, host: 127.0.78.1, port: $P1, dst: true, installed_at: "$INSTALLED_ISO" }
  - { serial: "$B", kind: twin_c1w, host: 127.0.78.2, port: $P2, dst: false, installed_at: "$INSTALLED_ISO" }
EOF
start_sim --fleet "$WORK/fleet.yaml"

# --- backlight and load switch
run backlight_write "$A" always_on_sp; expect_status 0; expect_stdout "backlight_write=always_on_sp"
run backlight "$A"; expect_status 0; expect_stdout "backlight=always_on_sp"
run backlight_write -s "$A" always_off_sp; expect_status 0
run backlight "$A"; expect_status 0; expect_stdout "backlight=always_off_sp"
run load_switch_write "$B" no_button_prepay_mode; expect_status 0; expect_stdout "load_switch_write=no_button_prepay_mode"
run load_switch "$B"; expect_status 0; expect_stdout "load_switch=no_button_prepay_mode"
run load_switch "$A"; expect_status 0; expect_stdout "load_switch=normal_button_always"   # the other meter untouched

# --- DST correction: the clock reading switches between UK local time and UTC
run daylight_savings_correction_enabled_write "$A" off; expect_status 0
expect_stdout "daylight_savings_correction_enabled_write=off"
run daylight_savings_correction_enabled "$A"; expect_status 0; expect_stdout "daylight_savings_correction_enabled=off"
run clock_time_read "$A"; expect_status 0
check_py "with DST correction off the clock $(value_of clock_time_read) reads UTC" "abs(__import__('datetime').datetime.fromisoformat('$(value_of clock_time_read)+00:00').timestamp() - $(sim_now)) <= 2"
run clock_drift "$A"; expect_status 0
check_py "clock drift $(value_of clock_drift) is still 0" "abs(int('$(value_of clock_drift)')) <= 1"
run daylight_savings_correction_enabled_write "$A" on; expect_status 0
run clock_time_read "$A"; expect_status 0
check_py "with DST correction on the clock $(value_of clock_time_read) reads UK local time" "abs(__import__('datetime').datetime.fromisoformat('$(value_of clock_time_read)').replace(tzinfo=__import__('zoneinfo').ZoneInfo('Europe/London')).timestamp() - $(sim_now)) <= 2"

# --- clock: set a wrong time, see the drift, set the true time
run clock_time_write "$B" --time 2026-01-01T00:00:00; expect_status 0; expect_stdout "clock_time_write=2026-01-01T00:00:00"
run clock_time_read "$B"; expect_status 0
check_py "the clock reads what was written, plus a second or two ($(value_of clock_time_read))" "0 <= (__import__('datetime').datetime.fromisoformat('$(value_of clock_time_read)') - __import__('datetime').datetime(2026, 1, 1)).total_seconds() <= 3"
run clock_drift "$B"; expect_status 0
check_py "clock drift $(value_of clock_drift) is the error written" "abs(int('$(value_of clock_drift)') - (int(__import__('datetime').datetime(2026, 1, 1, tzinfo=__import__('datetime').timezone.utc).timestamp()) - $(date +%s))) <= 3"
run event_log "$B" 0; expect_status 0
if grep -q ',25,0$' <<<"$OUT"; then pass; else fail "the event log records the clock step (type 25)"; fi
run clock_time_write "$B"; expect_status 0
run clock_drift "$B"; expect_status 0
check_py "after clock_time_write the drift $(value_of clock_drift) is 0" "abs(int('$(value_of clock_drift)')) <= 1"
run clock_time_write "$B" --time yesterday; expect_status 2; expect_one_line_error

# --- time switches: put bytes there with obis_write (13.0.0 = 0D0000), then zero them
ONES=$(printf '01%.0s' $(seq 1 80)); ZEROS=$(printf '00%.0s' $(seq 1 80))
run obis_write "$B" 13.0.0 "$ONES"; expect_status 0; expect_stdout "obis_write=ok"
run tariffs_time_switches_element_a_or_single_read "$B"; expect_status 0
expect_stdout "tariffs_time_switches_element_a_or_single_read=$ONES"
run tariffs_time_switches_element_a_or_single_write "$B"; expect_status 0
expect_stdout "tariffs_time_switches_element_a_or_single_write=zeroed"
run tariffs_time_switches_element_a_or_single_read "$B"; expect_status 0
expect_stdout "tariffs_time_switches_element_a_or_single_read=$ZEROS"
run obis_write "$B" 0d00ff "$ONES"; expect_status 0
run tariffs_time_switches_element_b_read "$B"; expect_status 0; expect_stdout "tariffs_time_switches_element_b_read=$ONES"
run tariffs_time_switches_element_b_write "$B"; expect_status 0
run tariffs_time_switches_element_b_read "$B"; expect_status 0; expect_stdout "tariffs_time_switches_element_b_read=$ZEROS"

# --- obis_write refused by the meter: a read-only object (NAK 6), a wrong size (NAK 3)
run obis_write "$A" 96.1.0 "$(printf '%-16s' X | od -An -tx1 | tr -d ' \n')"; expect_status 5 "write to the serial"
expect_one_line_error; expect_err_contains "NAK 6"
run serial_read "$A"; expect_status 0; expect_stdout "serial_read=$A"
run obis_write "$A" 13.0.0 0101; expect_status 5 "a 2-byte time switch block"; expect_one_line_error
expect_err_contains "NAK 3"

finish
