#!/usr/bin/env bash
# Every read command of `emop --help` against simulated meters with known values,
# text and --json output, and the ways of naming the meter (SERIAL, -s, --serials,
# --serials-file). Addresses: 127.0.71.x.
source "$(dirname "$0")/lib.sh"

A=EML7100000001  # single_b1w, DST, flat 1000 W, prepay on, installed 48 h ago
B=EML7100000002  # twin_c1w, UTC clock, daily load, prepay off
C=EML7100000003  # single_ema1w, clock 120 s fast, flat 500 W
read -r PA PB PC < <(for h in 1 2 3; do free_port 127.0.71.$h; done | tr '\n' ' ')
# Installed on a whole hour 48 h ago (UTC), so half-hour records are easy to predict.
INSTALLED=$(python3 -c "import time; t=int(time.time()); print(t - t % 3600 - 48*3600)")
INSTALLED_ISO=$(python3 -c "import datetime; print(datetime.datetime.fromtimestamp($INSTALLED, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")

cat >"$WORK/fleet.yaml" <<EOF
meters:
  - serial: "$A"
    kind: single_b1w
    host: "127.0.71.1"
    port: $PA
    firmware: "3_05_7"
    dst: true
    prepay_enabled: true
    initial_balance: 50.00000
    csq: 16
    network_operator: 1
    installed_at: "$INSTALLED_ISO"
    mean_power_w: 1000
    profile: flat
    unit_rate: 0.28750
    standing_charge: 0.65560
    emergency_credit: 12.50000
    ecredit_availability: 7.50000
    debt_recovery_rate: 0.25000
  - serial: "$B"
    kind: twin_c1w
    host: "127.0.71.2"
    port: $PB
    firmware: "3_04_1"
    dst: false
    prepay_enabled: false
    initial_balance: 123.45000
    csq: 12
    network_operator: 2
    installed_at: "$INSTALLED_ISO"
    mean_power_w: 600
    profile: daily
    seed: 42
  - serial: "$C"
    hardware: EMA1.w
    host: "127.0.71.3"
    port: $PC
    dst: false
    csq: 31
    clock_offset_seconds: 120
    installed_at: "$INSTALLED_ISO"
    mean_power_w: 500
    profile: flat
EOF
start_sim --fleet "$WORK/fleet.yaml"

# --- identity
run serial_read "$A"; expect_status 0; expect_stdout "serial_read=$A"; expect_stderr_empty
run serial_read -s "$B"; expect_status 0; expect_stdout "serial_read=$B"
run hardware "$A"; expect_status 0; expect_stdout "hardware=B1.w"
run hardware "$B"; expect_status 0; expect_stdout "hardware=C1.w"
run hardware -s "$C"; expect_status 0; expect_stdout "hardware=EMA1.w"
run firmware_version "$A"; expect_status 0; expect_stdout "firmware_version=3_05_7"
run firmware_version "$B"; expect_status 0; expect_stdout "firmware_version=3_04_1"
run firmware_version "$C"; expect_status 0; expect_stdout "firmware_version=3_03_2"  # the kind's default
run csq "$A"; expect_status 0; expect_stdout "csq=16"
run csq "$B"; expect_status 0; expect_stdout "csq=12"
run csq "$C"; expect_status 0; expect_stdout "csq=31"
run obis_read "$A" 96.1.0; expect_status 0
expect_line "obis_read=$(printf '%-16s' "$A" | od -An -tx1 | tr -d ' \n')"
expect_line "value=$A"
run obis_read "$A" 600100; expect_status 0; expect_line "value=$A"   # the same object by hex id

# --- instantaneous values
run instantaneous_voltage "$A"; expect_status 0
V=$(value_of instantaneous_voltage)
check_py "voltage '$V' is a plausible mains voltage with one decimal" "'$V'.count('.') == 1 and len('$V'.split('.')[1]) == 1 and D('200') < D('$V') < D('260')"
run instantaneous_active_power "$A"; expect_status 0; expect_stdout "instantaneous_active_power=1000"
run instantaneous_active_power_element_a "$A"; expect_status 0; expect_stdout "instantaneous_active_power_element_a=1000"
run instantaneous_active_power_element_b "$A"; expect_status 0; expect_stdout "instantaneous_active_power_element_b=0"
run instantaneous_active_power "$C"; expect_status 0; expect_stdout "instantaneous_active_power=500"
run instantaneous_active_power_element_b "$B"; expect_status 0
PB_W=$(value_of instantaneous_active_power_element_b)
check_py "twin element B draws power ($PB_W W)" "int('$PB_W') > 0"

# --- prepayment
# A: 50.00 at installation, less 0.2875/kWh × 1 kWh/h and 0.6556/day standing charge.
T0=$(date +%s); run prepay_balance "$A"; T1=$(date +%s); expect_status 0
BAL=$(value_of prepay_balance)
check_py "balance $BAL of A follows usage and standing charge" \
  "D(50) - (D(1000)*($T1+1-$INSTALLED)/3600/1000*D('0.2875') + D('0.6556')*($T1+1-$INSTALLED)/86400) <= D('$BAL') <= D(50) - (D(1000)*($T0-1-$INSTALLED)/3600/1000*D('0.2875') + D('0.6556')*($T0-1-$INSTALLED)/86400)"
check_py "balance $BAL has five decimals" "len('$BAL'.split('.')[1]) == 5"
run prepay_balance "$B"; expect_status 0; expect_stdout "prepay_balance=123.45000"  # prepay off: nothing charged
run prepay_enabled "$A"; expect_status 0; expect_stdout "prepay_enabled=on"
run prepay_enabled "$B"; expect_status 0; expect_stdout "prepay_enabled=off"
run prepay_transaction_count "$A"; expect_status 0; expect_stdout "prepay_transaction_count=0"
run prepay_no_debt_recovery_when_emergency_credit_enabled "$A"; expect_status 0
expect_stdout "prepay_no_debt_recovery_when_emergency_credit_enabled=off"
run prepay_no_standing_charge_when_power_fail_enabled "$A"; expect_status 0
expect_stdout "prepay_no_standing_charge_when_power_fail_enabled=off"

# --- flags and settings
run daylight_savings_correction_enabled "$A"; expect_status 0; expect_stdout "daylight_savings_correction_enabled=on"
run daylight_savings_correction_enabled "$B"; expect_status 0; expect_stdout "daylight_savings_correction_enabled=off"
run backlight "$A"; expect_status 0; expect_stdout "backlight=normal_sp"
run load_switch "$A"; expect_status 0; expect_stdout "load_switch=normal_button_always"

# --- clock: A keeps UK local time, B UTC, C is 120 s fast
# Each reading lies between the instants before and after the call, on that clock
# (bracketed, so no tolerance for how long the call took).
T0=$(date +%s); run clock_time_read "$A"; T1=$(date +%s); expect_status 0
check_py "A's clock $(value_of clock_time_read) is UK local time" "$T0 <= __import__('datetime').datetime.fromisoformat('$(value_of clock_time_read)').replace(tzinfo=__import__('zoneinfo').ZoneInfo('Europe/London')).timestamp() <= $T1"
T0=$(date +%s); run clock_time_read "$B"; T1=$(date +%s); expect_status 0
check_py "B's clock $(value_of clock_time_read) is UTC" "$T0 <= __import__('datetime').datetime.fromisoformat('$(value_of clock_time_read)+00:00').timestamp() <= $T1"
run clock_drift "$A"; expect_status 0
check_py "A's clock drift $(value_of clock_drift) is 0" "abs(int('$(value_of clock_drift)')) <= 1"
run clock_drift "$C"; expect_status 0
check_py "C's clock drift $(value_of clock_drift) is 120" "abs(int('$(value_of clock_drift)') - 120) <= 1"

# --- registers: flat 1000 W since installation
T0=$(date +%s); run read "$A"; T1=$(date +%s); expect_status 0
expect_line "hardware=B1.w"
WH=$(value_of element_a.import_active_wh)
check_py "A's import $WH Wh is 1000 W × time since installation" "($T0-$INSTALLED)*1000//3600 <= int('$WH') <= ($T1-$INSTALLED)*1000//3600"
expect_line "element_a.export_active_wh=0"
if grep -q '^element_b' <<<"$OUT"; then fail "a single-element read shows element B"; else pass; fi
T0=$(date +%s); run read_element_a "$A"; T1=$(date +%s); expect_status 0
check_py "read_element_a import $(value_of import_active_wh)" "($T0-$INSTALLED)*1000//3600 <= int('$(value_of import_active_wh)') <= ($T1-$INSTALLED)*1000//3600"
expect_line "export_active_wh=0"
run read_element_b "$A"; expect_status 0
expect_stdout $'import_active_wh=0\nexport_active_wh=0\nimport_reactive_wh=0\nexport_reactive_wh=0'
run read "$B"; expect_status 0; expect_line "hardware=C1.w"
check_py "twin read has both elements importing" "int('$(value_of element_a.import_active_wh)') > 0 and int('$(value_of element_b.import_active_wh)') > 0"
run read_element_b "$B"; expect_status 0
check_py "twin element B import is positive" "int('$(value_of import_active_wh)') > 0"

# --- tariffs
run tariffs_active_read "$A"; expect_status 0
expect_line "unit_rate_element_a=0.2875"; expect_line "unit_rate_element_b=0.2875"
expect_line "standing_charge=0.6556"; expect_line "prepayment_emergency_credit=12.5"
expect_line "prepayment_ecredit_availability=7.5"; expect_line "prepayment_debt_recovery_rate=0.25"
if grep -q '^activation_datetime' <<<"$OUT"; then fail "the active tariff shows an activation time"; else pass; fi
run tariffs_future_read "$A"; expect_status 0
expect_line "activation_datetime=2000-01-01T00:00:00"   # never written
expect_line "unit_rate_element_a=0.2875"
run tariffs_active_read "$C"; expect_status 0
expect_line "unit_rate_element_a=0.25"; expect_line "standing_charge=0.5"   # the spec defaults
ZEROS=$(printf '0%.0s' $(seq 1 160))
run tariffs_time_switches_element_a_or_single_read "$A"; expect_status 0
expect_stdout "tariffs_time_switches_element_a_or_single_read=$ZEROS"
run tariffs_time_switches_element_b_read "$B"; expect_status 0
expect_stdout "tariffs_time_switches_element_b_read=$ZEROS"

# --- event log: installation is the only event (power up, type 33), at local time on A
run event_log "$A" 0; expect_status 0
INST_LOCAL=$(python3 -c "import datetime,zoneinfo; print(datetime.datetime.fromtimestamp($INSTALLED, zoneinfo.ZoneInfo('Europe/London')).strftime('%Y-%m-%dT%H:%M:%S'))")
expect_stdout $'timestamp,event_type,event_set\n'"$INST_LOCAL,33,0"
run event_log "$A" 9; expect_status 0; expect_stdout "timestamp,event_type,event_set"
run event_log "$B" 0; expect_status 0
expect_line "$(python3 -c "import datetime; print(datetime.datetime.fromtimestamp($INSTALLED, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S'))"),33,0"

# --- profile logs: from 1 h after installation (meter clock: UK local on A)
FROM_UTC=$((INSTALLED + 3600))
stamp() { python3 -c "import datetime,zoneinfo; print(datetime.datetime.fromtimestamp($1, zoneinfo.ZoneInfo('$2')).strftime('%Y-%m-%dT%H:%M:%S'))"; }
run profile_log_1 "$A" --timestamp "$(stamp $FROM_UTC Europe/London)"; expect_status 0
EXPECTED="timestamp,status,import_a_wh,import_b_wh"
for i in 0 1 2 3 4; do
  EXPECTED+=$'\n'"$(stamp $((FROM_UTC + i * 1800)) Europe/London),valid,$((1000 + i * 500)),0"
done
expect_stdout "$EXPECTED"
run profile_log_2 "$A" --timestamp "$(stamp $FROM_UTC Europe/London)"; expect_status 0
if [[ $(grep -c '' <<<"$OUT") == 4 ]]; then pass; else fail "profile_log_2 on a single-element meter gives 3 records"; fi
expect_line "timestamp,status,active_export_a_wh,reactive_import_a,reactive_export_a,voltage"
for i in 0 1 2; do
  if grep -q "^$(stamp $((FROM_UTC + i * 1800)) Europe/London),valid,0," <<<"$OUT"; then pass; else fail "profile_log_2 record $i"; fi
done
run profile_log_2 "$B" --timestamp "$(stamp $FROM_UTC UTC)"; expect_status 0   # twin: 2 records
if [[ $(grep -c '' <<<"$OUT") == 3 ]]; then pass; else fail "profile_log_2 on a twin meter gives 2 records"; fi
run --json profile_log_1 "$C" --timestamp "$(stamp $FROM_UTC UTC)"; expect_status 0
check_py "profile_log_1 --json rows" "$(json_get "[r['import_a_wh'] for r in j['value']] == [500, 750, 1000, 1250, 1500] and j['value'][0]['status'] == ['valid']")"

# --- JSON shapes
run --json csq "$A"; expect_status 0
check_py "--json single-meter shape" "$(json_get "j == {'serial': '$A', 'command': 'csq', 'ok': True, 'value': 16}")"
run csq --json -s "$B"; expect_status 0   # global option after the command
check_py "--json after the command" "$(json_get "j == {'serial': '$B', 'command': 'csq', 'ok': True, 'value': 12}")"
run --json prepay_balance "$B"; expect_status 0
check_py "--json money is an exact string" "$(json_get "j['value'] == '123.45000'")"
run --json prepay_enabled "$B"; expect_status 0
check_py "--json flag is a boolean" "$(json_get "j['value'] is False")"
run --json tariffs_active_read "$A"; expect_status 0
check_py "--json tariff: money as exact strings" "$(json_get "j['ok'] and j['value']['unit_rate_element_a'] == '0.2875' and j['value']['standing_charge'] == '0.6556' and j['value']['prepayment_emergency_credit'] == '12.5'")"
check_py "--json active tariff: threshold mask rate1..rate8, values th1..th7, block and element B TOU rate" \
  "$(json_get "sorted(j['value']['threshold_mask']) == ['rate%d' % i for i in range(1, 9)] and all(v is False for v in j['value']['threshold_mask'].values()) and sorted(j['value']['threshold_values']) == ['th%d' % i for i in range(1, 8)] and all(v == 0 for v in j['value']['threshold_values'].values()) and j['value']['block_rate'] == 0 and j['value']['element_b_tou_rate'] == 0")"
run tariffs_active_read "$A"; expect_status 0
expect_line "threshold_mask.rate8=false"; expect_line "threshold_values.th7=0"; expect_line "block_rate=0"; expect_line "element_b_tou_rate=0"
run --json tariffs_future_read "$A"; expect_status 0
check_py "--json future tariff: no active-only fields" "$(json_get "'threshold_mask' not in j['value'] and j['value']['unit_rate_element_a'] == '0.2875'")"
run --json read "$B"; expect_status 0
check_py "--json read of a twin meter" "$(json_get "j['value']['hardware'] == 'C1.w' and set(j['value']) == {'hardware', 'element_a', 'element_b'}")"
run --json csq --serials "$A,$B,$C"; expect_status 0
check_py "--json batch: JSON Lines, one object per meter" "$(jsonl_get "sorted([(o['serial'], o['value'], o['ok']) for o in j]) == sorted([('$A', 16, True), ('$B', 12, True), ('$C', 31, True)])")"
if [[ $(grep -c '' <<<"$OUT") == 3 ]]; then pass; else fail "--json batch: three lines"; fi
run --json --keep-order csq --serials "$C,$A,$B"; expect_status 0
check_py "--json --keep-order: in the order named" "$(python3 -c "import json,sys; print([json.loads(l)['serial'] for l in sys.stdin.read().splitlines()] == ['$C', '$A', '$B'])" <<<"$OUT")"

# --- naming the meter: positional, -s, --serials, --serials-file all agree
run firmware_version "$B"; P_OUT=$OUT
run firmware_version -s "$B"; expect_status 0; expect_stdout "$P_OUT"
run firmware_version --serial "$B"; expect_status 0; expect_stdout "$P_OUT"
run --keep-order csq --serials "$A,$C"; expect_status 0; expect_stdout "$A csq=16"$'\n'"$C csq=31"
printf '# meters to read\n%s\n\n  %s  \n# end\n' "$C" "$A" >"$WORK/serials.txt"
run --keep-order csq --serials-file "$WORK/serials.txt"; expect_status 0; expect_stdout "$C csq=31"$'\n'"$A csq=16"
run csq --serials-file "$WORK/serials.txt"; expect_status 0
expect_stdout_lines "$C csq=31"$'\n'"$A csq=16"
run --host "127.0.71.2:$PB" csq; expect_status 0; expect_stdout "csq=12"   # --host without an inventory entry

finish
