#!/usr/bin/env bash
# Mistyped and missing commands: one line naming the word and the nearest command,
# exit status 2, in every tool and at every level.
#   commands_test.sh EMOP EMLITE_SIM FLOWS_BILL MEDIATORS
set -uo pipefail
emop=$1 sim=$2 bill=$3 MEDIATORS=${4:-}
failures=0
check() {  # what expected actual
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
# expect STATUS STDERR COMMAND...: the command prints nothing on stdout, exactly STDERR, and exits STATUS.
expect() {
  local status=$1 err=$2; shift 2
  local out got rc
  out=$("$@" 2>/tmp/commands_test.$$); rc=$?
  got=$(cat /tmp/commands_test.$$); rm -f /tmp/commands_test.$$
  check "$(basename "$1") ${*:2}: stderr" "$err" "$got"
  check "$(basename "$1") ${*:2}: status" "$status" "$rc"
  check "$(basename "$1") ${*:2}: stdout" "" "$out"
}
expect 2 "emop: unknown command 'prepay_balanse' (did you mean prepay_balance?); see emop --help" \
  "$emop" prepay_balanse EML1234567890
expect 2 "emop db: unknown command 'migrte' (did you mean migrate?); see emop db --help" "$emop" db migrte
expect 2 "emop: unknown command 'sycn' (did you mean sync?); see emop --help" "$emop" --env qa sycn
expect 2 "emop frame: unknown command 'decod' (did you mean decode?); see emop frame --help" "$emop" frame decod 7e
expect 2 "emop: unknown command 'frobnicate'; see emop --help" "$emop" frobnicate
expect 2 "emop db: which command? see emop db --help" "$emop" db
expect 2 "flows-bill: unknown command 'rn' (did you mean run?); see flows-bill --help" "$bill" rn --month 2026-11
expect 2 "flows-bill tariffs: unknown command 'quartr' (did you mean quarter?); see flows-bill tariffs --help" \
  "$bill" tariffs quartr
expect 2 "flows-bill: which command? see flows-bill --help" "$bill"
expect 2 "emlite-sim: unknown command 'serv' (did you mean serve?); see emlite-sim --help" "$sim" serv --meters 2
# help [COMMAND…] prints what COMMAND… --help prints.
check "emop help = emop --help" "$("$emop" --help)" "$("$emop" help)"
check "emop help db migrate = emop db migrate --help" "$("$emop" db migrate --help)" "$("$emop" help db migrate)"
check "emop help prepay_balance: usage line" "Usage: emop prepay_balance [OPTIONS] [args...]" \
  "$("$emop" help prepay_balance | grep -m1 '^Usage:')"
check "flows-bill help run = flows-bill run --help" "$("$bill" run --help)" "$("$bill" help run)"
check "emlite-sim help serve = emlite-sim serve --help" "$("$sim" serve --help)" "$("$sim" help serve)"
expect 2 "emop: unknown command 'prepay_balanse' (did you mean prepay_balance?); see emop --help" \
  "$emop" help prepay_balanse
expect 2 "emop db: unknown command 'migrte' (did you mean migrate?); see emop db --help" "$emop" help db migrte
# --json before the command is the command's own --json, in every tool.
quote=(quote tariff --benchmark-unit-rate 0.2345 --benchmark-standing-charge 0.6556 --discount 25)
check "flows-bill --json before the command = after it" "$("$bill" "${quote[@]}" --json)" "$("$bill" --json "${quote[@]}")"
check "flows-bill --json: the customer's unit rate as a decimal string" '"0.17587"' \
  "$("$bill" --json "${quote[@]}" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["customer"]["unit_rate"]))')"
if [[ -n "${MEDIATORS:-}" ]]; then
  expect 2 "mediators: certs init has no JSON output (--json)" "$MEDIATORS" --json certs init --esco x --dir "/tmp/commands_test_ca.$$"
  expect 2 "mediators: certs init has no JSON output (--json)" "$MEDIATORS" certs init --esco x --dir "/tmp/commands_test_ca.$$" --json
  check "mediators certs init with --json wrote nothing" "no" "$([[ -e /tmp/commands_test_ca.$$ ]] && echo yes || echo no)"
else
  echo "FAIL: MEDIATORS is not set"; failures=$((failures + 1))
fi
exit $((failures > 0))
