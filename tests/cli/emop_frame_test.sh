#!/usr/bin/env bash
# emop frame decode / encode / objects, run as a user runs them.
set -u
emop=${1:?usage: emop_frame_test.sh PATH_TO_EMOP}
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS… : sets $out, $err, $status
run() {
  "$emop" "$@" >"$tmp/out" 2>"$tmp/err"
  status=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_status() { [ "$status" -eq "$1" ] || fail "$2: status $status, expected $1 (stderr: $err)"; }
expect_out() { [ "$out" = "$1" ] || fail "$2: stdout '$out', expected '$1'"; }
expect_out_has() { grep -qF -- "$1" <<<"$out" || fail "$2: stdout lacks '$1': $out"; }
expect_one_line_err() {
  [ "$(printf '%s' "$err" | grep -c '')" -eq 1 ] || fail "$1: expected one line on stderr, got: $err"
  grep -q "^emop: " <<<"$err" || fail "$1: stderr does not start with 'emop: ': $err"
}
jq_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(eval('d'+sys.argv[1])))" "$1" <<<"$out"; }

# --- encode: the public serial read with the defaults
run frame encode --object serial
expect_status 0 "encode serial"
expect_out "7e11000000000021ae42050160010000c02f" "encode serial"
run frame encode --object 600100
expect_out "7e11000000000021ae42050160010000c02f" "encode by hex id"
run frame encode --object 96.1.0
expect_out "7e11000000000021ae42050160010000c02f" "encode by OBIS"
run frame encode --object prepay_enabled_flag --write 01 --source 1 --control 7
expect_status 0 "encode write"
run frame decode "$out" --json
expect_status 0 "decode encoded write"
[ "$(jq_get '["rw"]')" = '"write"' ] || fail "write flag: $out"
[ "$(jq_get '["control"]')" = '7' ] || fail "control: $out"
[ "$(jq_get '["source"]["address"]')" = '"000001"' ] || fail "source: $out"
[ "$(jq_get '["value"]')" = 'true' ] || fail "flag value: $out"
run frame encode --object no_such_object
expect_status 2 "encode unknown object"
expect_one_line_err "encode unknown object"
run frame encode --object serial --write 0g
expect_status 2 "encode bad payload hex"
run frame encode --object serial --source 16777216
expect_status 2 "encode source out of range"

# --- decode: JSON keys and values
run frame decode 7e11000000000021ae42050160010000c02f --json
expect_status 0 "decode request"
[ "$(jq_get '["object"]')" = '"serial"' ] || fail "object name: $out"
[ "$(jq_get '["crc_ok"]')" = 'true' ] || fail "crc_ok: $out"
keys=$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))' <<<"$out")
[ "$keys" = "ack control crc crc_ok destination format length nak object object_id payload rw sequence source value" ] ||
  fail "decode keys: $keys"
run frame decode "7E 11 00 000000 00 21AE42 05 01 600100 00 C02F"
expect_status 0 "decode text"
expect_out_has "serial" "text dump names the object"
expect_out_has "c02f (ok)" "text dump shows the crc"

# A balance response (meter c0/6f0093 to the client), built with the tool itself.
resp=$("$emop" frame encode --object prepay_balance --write c07a03fe --source 7274643 --control 1)
run frame decode "$resp" --json
[ "$(jq_get '["value"]')" = '"-333.26400"' ] || fail "money value: $out"

# --- decode: a CRC mismatch is shown, with the protocol-error status
run frame decode 7e11000000000021ae42050160010000c030 --json
expect_status 5 "bad crc"
[ "$(jq_get '["crc_ok"]')" = 'false' ] || fail "crc_ok false: $out"
expect_one_line_err "bad crc"

# --- decode: malformed input, one line on stderr, documented status, no crash
for bad in 7e110 7e11zz; do
  run frame decode "$bad"
  expect_status 2 "not hex: $bad"
  expect_one_line_err "not hex: $bad"
done
for bad in 7e11000000000021ae420501600100 7f11000000000021ae42050160010000c02f \
  7e11000000000021ae42050160010000c02f00 7e05 "" 7e; do
  run frame decode "$bad"
  expect_status 5 "malformed: '$bad'"
  expect_one_line_err "malformed: '$bad'"
  [ -z "$out" ] || fail "malformed '$bad' printed to stdout: $out"
done

# --- objects
run objects
expect_status 0 "objects"
expect_out_has "prepay_balance" "objects lists prepay_balance"
grep -q "^backlight .* yes$" <<<"$out" || fail "backlight marked provisional"
run objects --json
[ "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print([o for o in d if o["name"]=="csq_net_op"][0]["obis"])' <<<"$out")" = "255.253.29" ] ||
  fail "objects json obis"

# --- overrides file
cat >"$tmp/objects.yaml" <<'YAML'
objects:
  backlight: { id: "ffc850", provisional: false }
YAML
run --objects "$tmp/objects.yaml" frame encode --object backlight
expect_out "$("$emop" frame encode --object ffc850)" "override changes the id"
printf 'objects:\n  backlight: { id: "nothex" }\n' >"$tmp/bad.yaml"
run --objects "$tmp/bad.yaml" objects
expect_status 3 "bad overrides file"
grep -q "bad.yaml:2" <<<"$err" || fail "overrides error names the line: $err"
run --objects "$tmp/missing.yaml" objects
expect_status 3 "missing overrides file"
EMOP_OBJECTS_FILE="$tmp/objects.yaml" "$emop" frame encode --object backlight >"$tmp/out"
[ "$(cat "$tmp/out")" = "$("$emop" frame encode --object ffc850)" ] || fail "EMOP_OBJECTS_FILE honoured"

# --- usage errors
run frame
expect_status 2 "frame without subcommand"
run frame decode
expect_status 2 "decode without HEX"
run --help
expect_status 0 "--help"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all emop frame checks passed"
