#!/usr/bin/env bash
# Three-phase meters: serial, hardware (P1.ax whole current / P1.cx CT operated),
# firmware, the three voltages, total registers, and `read` showing the
# three-phase totals; objects a three-phase meter lacks are a NAK (5).
# Addresses: 127.0.74.x.
source "$(dirname "$0")/lib.sh"

AX=EML7400000001   # three_phase_ax, flat 3000 W, installed 48 h ago
CX=EML7400000002   # three_phase_cx, daily load, firmware 0b2c
SP=EML7400000003   # single phase, for contrast in a batch
read -r P1 P2 P3 < <(for h in 1 2 3; do free_port 127.0.74.$h; done | tr '\n' ' ')
INSTALLED=$(python3 -c "import time; t=int(time.time()); print(t - t % 3600 - 48*3600)")
INSTALLED_ISO=$(date -u -d "@$INSTALLED" +%FT%TZ)
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$AX", kind: three_phase_ax, host: 127.0.74.1, port: $P1, profile: flat, mean_power_w: 3000,
      installed_at: "$INSTALLED_ISO", csq: 22, dst: false }
  - { serial: "$CX", hardware: P1.cx, host: 127.0.74.2, port: $P2, firmware: "0b2c", installed_at: "$INSTALLED_ISO", csq: 7 }
  - { serial: "$SP", kind: single_b1w, host: 127.0.74.3, port: $P3, installed_at: "$INSTALLED_ISO" }
EOF
start_sim --fleet "$WORK/fleet.yaml"

run three_phase_serial "$AX"; expect_status 0; expect_stdout "three_phase_serial=$AX"
run three_phase_serial -s "$CX"; expect_status 0; expect_stdout "three_phase_serial=$CX"
run hardware "$AX"; expect_status 0; expect_stdout "hardware=P1.ax"
run hardware "$CX"; expect_status 0; expect_stdout "hardware=P1.cx"
run three_phase_hardware_configuration "$AX"; expect_status 0; expect_stdout "three_phase_hardware_configuration=P1.ax"
run three_phase_hardware_configuration "$CX"; expect_status 0; expect_stdout "three_phase_hardware_configuration=P1.cx"
run firmware_version "$AX"; expect_status 0; expect_stdout "firmware_version=0a1b"   # the three-phase default
run firmware_version "$CX"; expect_status 0; expect_stdout "firmware_version=0b2c"
run csq "$AX"; expect_status 0; expect_stdout "csq=22"
run csq "$CX"; expect_status 0; expect_stdout "csq=7"
run backlight "$AX"; expect_status 0; expect_stdout "backlight=30_seconds_turn_off_3p"

run three_phase_instantaneous_voltage "$AX"; expect_status 0
if [[ $(grep -c '' <<<"$OUT") == 3 ]]; then pass; else fail "three voltage lines"; fi
for l in l1 l2 l3; do
  v=$(value_of $l)
  check_py "$l voltage '$v' is plausible" "'$v'.count('.') == 1 and D('200') < D('$v') < D('260')"
done
run --json three_phase_instantaneous_voltage "$CX"; expect_status 0
check_py "--json voltages" "$(json_get "set(j['value']) == {'l1', 'l2', 'l3'} and all(200 < j['value'][k] < 260 for k in j['value'])")"
run instantaneous_active_power "$AX"; expect_status 0; expect_stdout "instantaneous_active_power=3000"

# Totals: flat 3000 W since installation.
T0=$(date +%s); run three_phase_read "$AX"; T1=$(date +%s); expect_status 0
IMP=$(value_of active_import_wh)
check_py "three-phase import $IMP Wh = 3000 W × time since installation" \
  "($T0 - $INSTALLED) * 3000 // 3600 <= int('$IMP') <= ($T1 + 1 - $INSTALLED) * 3000 // 3600"
expect_line "active_export_wh=0"; expect_line "reactive_export=0"; expect_line "apparent_export=0"
check_py "reactive import $(value_of reactive_import) tracks active import" "abs(int('$(value_of reactive_import)') - int('$IMP') // 5) <= 2"
check_py "apparent import $(value_of apparent_import) is at least the active import" "int('$IMP') <= int('$(value_of apparent_import)') <= int('$IMP') * 51 // 50 + 2"
T0=$(date +%s); run read "$AX"; T1=$(date +%s); expect_status 0
expect_line "hardware=P1.ax"
check_py "read shows the three-phase total import $(value_of three_phase.active_import_wh)" \
  "($T0 - $INSTALLED) * 3000 // 3600 <= int('$(value_of three_phase.active_import_wh)') <= ($T1 + 1 - $INSTALLED) * 3000 // 3600"
expect_line "three_phase.active_export_wh=0"
if grep -q '^element_' <<<"$OUT"; then fail "a three-phase read shows element registers"; else pass; fi
run --json read "$CX"; expect_status 0
check_py "--json read of a CT meter" "$(json_get "j['value']['hardware'] == 'P1.cx' and set(j['value']) == {'hardware', 'three_phase'} and j['value']['three_phase']['active_import_wh'] > 0")"
run --json three_phase_read "$AX"; expect_status 0
check_py "--json three_phase_read keys" "$(json_get "set(j['value']) == {'register_unit', 'active_import_wh', 'active_export_wh', 'active_import_kwh', 'active_export_kwh', 'reactive_import', 'reactive_export', 'apparent_import', 'apparent_export', 'reactive_import_kvarh', 'reactive_export_kvarh', 'apparent_import_kvah', 'apparent_export_kvah'}")"
check_py "a whole-current meter counts Wh: kWh = register / 1000, three decimals" \
  "$(json_get "j['value']['register_unit'] == 'Wh' and D(j['value']['active_import_kwh']) * 1000 == j['value']['active_import_wh'] and len(j['value']['active_import_kwh'].split('.')[1]) == 3")"

# A CT-operated meter counts 0.1 Wh: its raw register is ten times its Wh, and
# kWh is the raw count / 10 000 (the field tool's scaling), not / 1 000.
run obis_read "$CX" three_phase_total_active_import; expect_status 0
RAW=$(( 16#$(value_of obis_read | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/') ))
T0=$(date +%s); run --json three_phase_read "$CX"; T1=$(date +%s); expect_status 0
check_py "CT meter: register unit 0.1 Wh, kWh = raw $RAW / 10 000 to four decimals" \
  "$(json_get "j['value']['register_unit'] == '0.1 Wh' and D(j['value']['active_import_kwh']) * 10000 >= int('$RAW') and len(j['value']['active_import_kwh'].split('.')[1]) == 4 and j['value']['active_import_wh'] == int(D(j['value']['active_import_kwh']) * 1000)")"
check_py "CT meter: Wh are the raw count / 10, not the raw count" "$(json_get "int('$RAW') // 10 <= j['value']['active_import_wh'] < int('$RAW') // 10 + 100")"
run three_phase_read "$CX"; expect_status 0; expect_line "register_unit=0.1 Wh"

# Objects a three-phase meter does not have: NAK 5, one line.
for c in serial_read instantaneous_active_power_element_a read_element_a; do
  run "$c" "$AX"; expect_status 5 "$c on a three-phase meter"; expect_one_line_error; expect_err_contains "NAK 5"
done
# …and three-phase objects on a single-phase meter.
run three_phase_read "$SP"; expect_status 5; expect_one_line_error
run three_phase_serial "$SP"; expect_status 5; expect_one_line_error

# One batch across kinds.
run hardware --serials "$AX,$CX,$SP"; expect_status 0
expect_stdout_lines "$AX hardware=P1.ax"$'\n'"$CX hardware=P1.cx"$'\n'"$SP hardware=B1.w"
run three_phase_serial --serials "$AX,$SP,$CX"; expect_status 7 "three_phase_serial on a mixed batch"
expect_stdout_lines "$AX three_phase_serial=$AX"$'\n'"$CX three_phase_serial=$CX"
expect_err_contains "emop: $SP: "

# --- three_phase_intervals: yesterday's 48 half hours into a CSV, written whole
# (through a temporary file renamed over it) or not at all.
DAY=$(date -u -d "@$(( $(date +%s) - 86400 ))" +%F)
mkdir -p "$WORK/csv"
run three_phase_intervals "$AX" --day "$DAY" --csv "$WORK/csv/iv.csv"; expect_status 0 "three_phase_intervals"
expect_stdout "three_phase_intervals=48 rows in $WORK/csv/iv.csv"
if [[ $(head -n1 "$WORK/csv/iv.csv") == "timestamp,import_wh,export_wh" && $(wc -l <"$WORK/csv/iv.csv") == 49 ]]; then pass
else fail "the CSV has a header and 48 rows"; fi
if [[ $(sed -n 2p "$WORK/csv/iv.csv" | cut -d, -f1) == "${DAY}T00:00:00" ]]; then pass; else fail "the first row is the day's first half hour"; fi
if [[ $(ls -A "$WORK/csv") == iv.csv ]]; then pass; else fail "no temporary file is left beside the CSV: $(ls -A "$WORK/csv" | tr '\n' ' ')"; fi
run three_phase_intervals "$AX" --day "$DAY" --csv "$WORK/no-such-dir/iv.csv"; expect_status 2 "CSV in a missing directory"
expect_one_line_error; expect_err_contains "$WORK/no-such-dir/iv.csv"; expect_stdout_empty
# A CT meter's profile counts 0.1 Wh: the CSV shows Wh with the tenth.
run three_phase_intervals "$CX" --day "$DAY" --csv "$WORK/csv/cx.csv"; expect_status 0 "three_phase_intervals on a CT meter"
check_py "CT meter CSV: Wh with one decimal, rising" "$(python3 -c "
import csv; rows = list(csv.DictReader(open('$WORK/csv/cx.csv')))
print(len(rows) == 48 and all(len(r['import_wh'].split('.')[1]) == 1 for r in rows) and float(rows[-1]['import_wh']) > float(rows[0]['import_wh']))")"
run three_phase_intervals "$AX" --day "$DAY" --csv "$WORK/csv/st.csv" --include-statuses; expect_status 0
if [[ $(head -n1 "$WORK/csv/st.csv") == "timestamp,import_wh,export_wh,status" && $(sed -n 2p "$WORK/csv/st.csv" | cut -d, -f4-) == valid ]]
then pass; else fail "status column: one cell, flags joined by '|': $(sed -n 2p "$WORK/csv/st.csv")"; fi
# Not a three-phase meter: refused before anything is written.
run three_phase_intervals "$SP" --day "$DAY" --csv "$WORK/csv/sp.csv"; expect_status 2 "three_phase_intervals on a single-phase meter"
expect_one_line_error; expect_err_contains "not three-phase"
if [[ -e $WORK/csv/sp.csv ]]; then fail "a CSV was written for a single-phase meter"; else pass; fi

# --- backlight: always_off_3p and normal_sp are one wire value (00), named by kind
run backlight_write "$AX" always_off_3p; expect_status 0
run backlight "$AX"; expect_status 0; expect_stdout "backlight=always_off_3p"
run obis_read "$AX" backlight; expect_status 0; expect_line "obis_read=00"; expect_line "value=normal_sp_or_always_off_3p"
run backlight_write "$SP" normal_sp; expect_status 0
run obis_read "$SP" backlight; expect_status 0; expect_line "obis_read=00"
run backlight "$SP"; expect_status 0; expect_stdout "backlight=normal_sp"

finish
