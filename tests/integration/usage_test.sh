#!/usr/bin/env bash
# Usage and configuration errors (2 and 3), checked before any connection, with
# a generated fleet (`--meters N --seed S`) on consecutive ports of 127.0.77.1.
source "$(dirname "$0")/lib.sh"

# Four free consecutive ports on 127.0.77.1 (a block starting at a free port, checked).
BASE=$(python3 - <<'EOF'
import random, socket
for _ in range(200):
    base = random.randint(20000, 32000)
    socks = []
    try:
        for p in range(base, base + 4):
            s = socket.socket()
            s.bind(("127.0.77.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    break
EOF
)
start_sim --meters 4 --seed 77 --base-port "$BASE" --host 127.0.77.1
mapfile -t SERIALS < <(grep -o 'serial: "[^"]*"' "$INVENTORY" | cut -d'"' -f2)
if [[ ${#SERIALS[@]} == 4 ]]; then pass; else fail "the generated inventory lists 4 meters"; fi
S0=${SERIALS[0]}
# Each generated meter answers what the inventory says it is.
# The same generator, printed in full, tells what each meter is.
"$SIM" fleet --meters 4 --seed 77 --base-port "$BASE" --host 127.0.77.1 >"$WORK/fleet-full.yaml"
field() { inventory_field "$WORK/fleet-full.yaml" "$1" "$2"; }
run hardware --serials "$(IFS=,; echo "${SERIALS[*]}")"; expect_status 0
for s in "${SERIALS[@]}"; do expect_line "$s hardware=$(field "$s" hardware)"; done
run csq --serials "$(IFS=,; echo "${SERIALS[*]}")"; expect_status 0
for s in "${SERIALS[@]}"; do expect_line "$s csq=$(field "$s" csq)"; done
# Generated meters sit on consecutive ports of the one address.
for i in 0 1 2 3; do
  if [[ $(inventory_field "$INVENTORY" "${SERIALS[$i]}" port) == $((BASE + i)) ]]; then pass; else fail "meter $i on port $((BASE + i))"; fi
done

# --- configuration errors: 3
run csq EML0000000000; expect_status 3 "serial not in the inventory"; expect_one_line_error
expect_err_contains "EML0000000000 is not in the inventory"
# In a batch it is that meter's failure; the others are read (faults_test has the details).
run csq --serials "$S0,EML0000000000"; expect_status 7 "one unknown serial in a batch: the rest is run"
expect_line "$S0 csq=$(field "$S0" csq)"; expect_err_contains "emop: EML0000000000: meter EML0000000000 is not in the inventory"
unset EMOP_INVENTORY
run csq "$S0"
if [[ -n "$GATEWAY" ]]; then
  # Through a gateway a serial is enough: the gateway knows where its meters are.
  expect_status 0 "no inventory, through the gateway"; expect_line "csq=$(field "$S0" csq)"
else
  expect_status 3 "no inventory and no --host"; expect_one_line_error; expect_err_contains "--host"
fi
export EMOP_INVENTORY=$INVENTORY
run --inventory "$WORK/missing.yaml" csq "$S0"; expect_status 3 "missing inventory file"; expect_one_line_error
printf 'meters:\n  - { serial: [oops\n' >"$WORK/bad.yaml"
run --inventory "$WORK/bad.yaml" csq "$S0"; expect_status 3 "malformed inventory"; expect_one_line_error
printf 'objects:\n  backlight: { id: "zz" }\n' >"$WORK/bad-objects.yaml"
run --objects "$WORK/bad-objects.yaml" csq "$S0"; expect_status 3 "bad objects file"; expect_one_line_error

# --- --help and --version
run --help; expect_status 0; expect_line "Talk to Emlite prepayment meters over EMOP, and inspect EMOP frames."
run --version; expect_status 0 "--version"; expect_stdout "emop 0.1.0"

# --- usage errors: 2, before any connection
run event_log "$S0" 10; expect_status 2 "event_log IDX 10"; expect_one_line_error; expect_err_contains "0-9"
run event_log "$S0" -1; expect_status 2 "event_log IDX -1"
run event_log "$S0" x; expect_status 2 "event_log IDX x"
run event_log "$S0"; expect_status 2 "event_log without IDX"; expect_one_line_error
run obis_read "$S0" 96.1; expect_status 2 "OBIS with two parts"; expect_one_line_error
run obis_read "$S0" 96.1.256; expect_status 2 "OBIS part over 255"; expect_one_line_error
run obis_read "$S0" no_such_object; expect_status 2 "unknown object name"; expect_one_line_error
run obis_write "$S0" 96.1.0 abc; expect_status 2 "odd hex"; expect_one_line_error
run csq; expect_status 2 "no serial"; expect_one_line_error
run csq "$S0" extra; expect_status 2 "an extra argument"; expect_one_line_error
run --timeout 0 csq "$S0"; expect_status 2 "--timeout 0"; expect_one_line_error
run --retries 0 csq "$S0"; expect_status 2 "--retries 0"; expect_one_line_error
run --attempts 0 csq "$S0"; expect_status 2 "--attempts 0"; expect_one_line_error
run --attempts 21 csq "$S0"; expect_status 2 "--attempts 21"; expect_one_line_error
run backlight_write "$S0" disco; expect_status 2 "unknown backlight setting"; expect_one_line_error
run load_switch_write "$S0" sometimes; expect_status 2 "unknown load switch setting"; expect_one_line_error
run daylight_savings_correction_enabled_write "$S0" yes; expect_status 2 "on|off"; expect_one_line_error
run no_such_command "$S0"; expect_status 2 "unknown command"
run --host "127.0.77.1:99999" csq; expect_status 2 "bad --host port"; expect_one_line_error
run --host "127.0.77.1:$BASE" csq "$S0" --serials "${SERIALS[1]}"; expect_status 2 "--host with two meters"; expect_one_line_error
# With usage errors nothing reached the meters: the verbose simulator would have
# logged faults only; instead check that the balance of a meter is untouched by
# a refused write (prepay_enabled_write with a bad value).
run prepay_enabled "$S0"; BEFORE=$OUT
run prepay_enabled_write "$S0" maybe; expect_status 2
run prepay_enabled "$S0"; expect_stdout "$BEFORE"

finish
