#!/usr/bin/env bash
# flows-bill quote tariff / solar-credit, run as a user runs them: exact JSON
# values and key order, exit statuses, one-line errors.
set -u
bill=${1:?usage: quote_test.sh PATH_TO_FLOWS_BILL}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS… : sets $out, $err, $status
run() {
  "$bill" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_status() { [ "$status" -eq "$1" ] || fail "$2: status $status, expected $1 (stderr: $err)"; }
expect_out_has() { grep -qF -- "$1" <<<"$out" || fail "$2: stdout lacks '$1': ${out:0:400}"; }
# expect_json PYTHON_EXPR EXPECTED_JSON NAME: json.dumps(d<expr>) must equal EXPECTED_JSON.
expect_json() {
  local got
  got=$(python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print(json.dumps(eval('d'+sys.argv[1])))" "$1" <<<"$out" 2>&1)
  [ "$got" = "$2" ] || fail "$3: ${1:-document} is $got, expected $2 (stdout: $out)"
}
# expect_keys PYTHON_EXPR 'k1 k2 …' NAME: the object's keys, in order.
expect_keys() {
  local got
  got=$(python3 -c "
import json,sys
d=json.loads(sys.stdin.read(), object_pairs_hook=lambda p: {'__keys__': [k for k,_ in p], **dict(p)})
print(' '.join(eval('d'+sys.argv[1])['__keys__']))" "$1" <<<"$out" 2>&1)
  [ "$got" = "$2" ] || fail "$3: keys of ${1:-document} are '$got', expected '$2'"
}
expect_usage_error() {  # NAME [TEXT ON STDERR]
  expect_status 2 "$1"
  [ -z "$out" ] || fail "$1: expected nothing on stdout, got: $out"
  [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] || fail "$1: expected one line on stderr, got: $err"
  # The tool's name, and the command path for a command that is missing or mistyped.
  grep -Eq "^flows-bill( [a-z-]+)*: " <<<"$err" || fail "$1: stderr does not start with 'flows-bill: ': $err"
  [ -z "${2:-}" ] || grep -qF -- "$2" <<<"$err" || fail "$1: stderr lacks '$2': $err"
}
tariff() { run quote tariff --benchmark-unit-rate "$1" --benchmark-standing-charge "$2" --discount "$3" "${@:4}"; }
solar() { run quote solar-credit --capacity-kw "$1" --month "$2" --pence-per-year "$3" "${@:4}"; }

# --- quote tariff: customer truncated to 5 decimals, microgrid exact
tariff 0.2345 0.6556 25 --json
expect_status 0 "tariff 25%"
expect_keys '' 'customer microgrid' "tariff 25%"
expect_keys '["customer"]' 'unit_rate standing_charge' "tariff 25%"
expect_keys '["microgrid"]' 'unit_rate standing_charge' "tariff 25%"
expect_json '["customer"]["unit_rate"]' '"0.17587"' "tariff 25%"
expect_json '["customer"]["standing_charge"]' '"0.49170"' "tariff 25%"
expect_json '["microgrid"]["unit_rate"]' '"0.175875"' "tariff 25%"
expect_json '["microgrid"]["standing_charge"]' '"0.49170"' "tariff 25%"

tariff 0.2 0.4 25 --json  # exact at 5 decimals: unchanged
expect_json '' '{"customer": {"unit_rate": "0.15000", "standing_charge": "0.30000"}, "microgrid": {"unit_rate": "0.15000", "standing_charge": "0.30000"}}' "tariff exact"
tariff 0.2345 0.6556 0 --json
expect_json '' '{"customer": {"unit_rate": "0.23450", "standing_charge": "0.65560"}, "microgrid": {"unit_rate": "0.23450", "standing_charge": "0.65560"}}' "tariff 0%"
tariff 0.2345 0.6556 100 --json
expect_json '' '{"customer": {"unit_rate": "0.00000", "standing_charge": "0.00000"}, "microgrid": {"unit_rate": "0.00000", "standing_charge": "0.00000"}}' "tariff 100%"
tariff 0.23456 0.33333 33.33 --json  # 9 decimals kept for the microgrid
expect_json '["customer"]' '{"unit_rate": "0.15638", "standing_charge": "0.22223"}' "tariff 33.33%"
expect_json '["microgrid"]' '{"unit_rate": "0.156381152", "standing_charge": "0.222231111"}' "tariff 33.33%"
tariff 0.2345 0.6556 25
expect_status 0 "tariff table"
expect_out_has "customer   0.17587" "tariff table"
expect_out_has "microgrid  0.175875" "tariff table"
# A discount with many decimals: the table's microgrid column is truncated to 9
# decimals and marked, the columns stay apart; JSON keeps the exact values.
tariff 0.24666 0.63111 16.666666666666666666666666666
expect_status 0 "tariff long discount table"
expect_out_has "microgrid  0.205550000…      0.525925000…" "tariff long discount table"
expect_out_has "… truncated to 9 decimals; --json gives the exact values" "tariff long discount table"
tariff 0.24666 0.63111 16.666666666666666666666666666 --json
expect_json '["microgrid"]' '{"unit_rate": "0.2055500000000000000000000000016444", "standing_charge": "0.5259250000000000000000000000042074"}' "tariff long discount json"
tariff 0.2345 0.6556 25
[ "$(grep -c '…' <<<"$out")" -eq 0 ] || fail "tariff 25%: nothing truncated, no mark: $out"
tariff 0.2345 0.6556 1234567890123456789012345678901234567890
expect_usage_error "discount of 40 digits" "flows-bill: --discount '1234567890123456789012345678901234567890' is too large"
tariff 0.2345 0.6556 -5
expect_usage_error "discount -5" "discount -5 is outside 0-100 %"
run quote tariff --benchmark-unit-rate 0.2345 --benchmark-standing-charge 0.6556 --discount=-0.5
expect_usage_error "discount=-0.5" "discount -0.5 is outside 0-100 %"
tariff 0.2345 0.6556 100.01
expect_usage_error "discount 100.01" "discount 100.01 is outside 0-100 %"
tariff 0.2345 0.6556 abc
expect_usage_error "discount abc" "--discount 'abc' is not a decimal number"
tariff -0.1 0.6556 25
expect_usage_error "negative unit rate" "benchmark unit rate -0.1 is outside 0-100"
tariff 100.00001 0.6556 25
expect_usage_error "unit rate over 100" "benchmark unit rate 100.00001 is outside 0-100"
tariff 24.50 0.6556 25
expect_usage_error "pence typed as pounds" "unit rate 24.5 £/kWh is over the plausible 1 £/kWh"
tariff 0.123456 0.6556 25
expect_usage_error "unit rate with 6 decimals" "has more than 5 decimals"
tariff 1e3 0.6556 25
expect_usage_error "exponent" "is not a decimal number"
tariff 0.2345 -1 25
expect_usage_error "negative standing charge" "benchmark standing charge -1 is outside 0-100"
run quote tariff --benchmark-unit-rate 0.2345 --discount 25
expect_usage_error "missing standing charge" "--benchmark-standing-charge is required"

# --- quote solar-credit
solar 4.0 2023-06 3650 --json
expect_status 0 "solar 10p/day"
expect_keys '' 'pence_per_day days credit_pence' "solar 10p/day"
expect_json '' '{"pence_per_day": "10", "days": 30, "credit_pence": 1200}' "solar 10p/day"
solar 4.0 2024-06 3660 --json  # leap year: 3660/366 = 10
expect_json '' '{"pence_per_day": "10", "days": 30, "credit_pence": 1200}' "solar leap year"
solar 4 2024-01 3650 --json  # 4 × 31 × 3650/366 = 1236.61…
expect_json '' '{"pence_per_day": "9.972677595", "days": 31, "credit_pence": 1236}' "solar truncated"
solar 3.5 2024-02 3650 --json  # 29 days: 1012.23…
expect_json '' '{"pence_per_day": "9.972677595", "days": 29, "credit_pence": 1012}' "solar February 2024"
solar 4 2024-01 3650 --ratio 0.5 --json
expect_keys '' 'pence_per_day days credit_pence ratio share_pence' "solar share"
expect_json '["share_pence"]' '618' "solar share"
expect_json '["ratio"]' '"0.5"' "solar share"
solar 4 2024-01 3650 --ratio 1 --json
expect_json '["share_pence"]' '1236' "solar whole share"
solar 4.0 2023-06 3650
expect_status 0 "solar text"
expect_out_has "credit         1200 p" "solar text"
for m in 2024-13 2024-00 2024-1 24-01 2024-01-01 2024/01; do
  solar 4 "$m" 3650
  expect_usage_error "month $m" "--month '$m' is not a month YYYY-MM"
done
solar 4 2024-01 3650 --ratio 1.5
expect_usage_error "ratio 1.5" "allocation ratio 1.5 is outside 0-1"
solar 4 2024-01 3650 --ratio -0.1
expect_usage_error "ratio -0.1" "allocation ratio -0.1 is outside 0-1"
solar -1 2024-01 3650
expect_usage_error "negative capacity" "solar capacity -1 kW is negative"
solar 4 2024-01 -3650
expect_usage_error "negative pence per year" "is negative"
solar 4kW 2024-01 3650
expect_usage_error "capacity with a unit" "--capacity-kw '4kW' is not a decimal number"
solar 99999999999999999999 2024-01 99999999999999999999
expect_usage_error "absurdly large values" "too large"

# --- the command line itself
run
expect_usage_error "no command"
run quote
expect_usage_error "quote without a command" "flows-bill quote: which command? see flows-bill quote --help"
run quote tariff --benchmark-unit-rate 0.2 --benchmark-standing-charge 0.5 --discount 25 --bogus
expect_usage_error "unknown option"
run quote tariff --help
expect_status 0 "help"
expect_out_has "--benchmark-unit-rate" "help"
run generate-docs man
expect_status 0 "man page"
for section in '.SH NAME' '.SH DESCRIPTION' '.SH "EXIT STATUS"' '.SH "EXAMPLES"' 'flows\-bill quote solar\-credit'; do
  expect_out_has "$section" "man page"
done
run generate-docs bash
expect_status 0 "bash completion"
expect_out_has "complete -F" "bash completion"
run generate-docs zsh
expect_status 0 "zsh completion"
run generate-docs fish
expect_status 0 "fish completion"
run generate-docs troff
expect_usage_error "generate-docs troff"
# --- the bounds the help states are those enforced: 0-1 £/kWh and 0-2 £/day, to 100 when unusual
for cmd in "quote tariff" "tariffs benchmark add"; do
  run $cmd --help
  grep -qE '£/kWh,? \(?0-1[ ,]' <<<"$out" || fail "$cmd --help does not state the unit rate bound 0-1 £/kWh: $out"
  grep -qE '£/day,? \(?0-2[ ,]' <<<"$out" || fail "$cmd --help does not state the standing charge bound 0-2 £/day: $out"
  grep -qE '£/(kWh|day),? \(?0-100' <<<"$out" && fail "$cmd --help still states 0-100 as the range"
done
tariff 1 2 0 --json
expect_status 0 "unit rate 1 and standing charge 2, the bounds themselves"
tariff 1.00001 0.5 0
expect_usage_error "unit rate just over 1" "is over the plausible 1 £/kWh"
tariff 0.2 2.00001 0
expect_usage_error "standing charge just over 2" "over the plausible 2 £/day"
tariff 1.5 2.5 0 --allow-unusual-rate --json
expect_status 0 "unusual rates allowed up to 100"

run --help
grep -qF "generate-docs" <<<"$out" && fail "help shows the hidden generate-docs"

if [ "$failures" -eq 0 ]; then echo "flows-bill quote: all passed"; else echo "flows-bill quote: $failures failed"; fi
[ "$failures" -eq 0 ]
