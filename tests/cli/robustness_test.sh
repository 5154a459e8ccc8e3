#!/usr/bin/env bash
# Hostile or broken inputs through the binaries: each is one line on stderr with the
# documented status, never a crash, a forged second line or a silent success.
#   robustness_test.sh EMOP EMLITE_SIM FLOWS_BILL
set -uo pipefail
emop=$1 sim=$2 bill=$3
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check() {  # what expected actual
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
# expect STATUS STDERR COMMAND...: exactly STDERR on stderr, status STATUS.
expect() {
  local status=$1 err=$2; shift 2
  local rc
  "$@" >"$work/out" 2>"$work/err"; rc=$?
  check "$(basename "$1") ${*:2}: stderr" "$err" "$(cat "$work/err")"
  check "$(basename "$1") ${*:2}: status" "$status" "$rc"
}

# 1. A config.toml nested 100,000 deep (arrays, inline tables) is a configuration
#    error naming the file and line, in every command that reads it.
export XDG_CONFIG_HOME=$work/xdg
mkdir -p "$XDG_CONFIG_HOME/flows"
cfg=$XDG_CONFIG_HOME/flows/config.toml
deep="nested more than 64 deep"
python3 -c 'import sys; n=100000; sys.stdout.write("current = \"x\"\na = " + "["*n + "]"*n + "\n")' >"$cfg"
expect 3 "emop: $cfg:2: not valid TOML: arrays or inline tables $deep" "$emop" env_show
expect 3 "emop: $cfg:2: not valid TOML: arrays or inline tables $deep" "$emop" env_set x
expect 3 "flows-bill: $cfg:2: not valid TOML: arrays or inline tables $deep" "$bill" usage --month 2026-01
python3 -c 'import sys; n=100000; sys.stdout.write("a = " + "{a="*n + "1" + "}"*n + "\n")' >"$cfg"
expect 3 "emop: $cfg:1: not valid TOML: arrays or inline tables $deep" "$emop" env_show
rm -f "$cfg"

# 8. sslpassword is a secret like password: masked by env_show, not in "cannot
#    connect" errors (conninfo and URI forms), and a world-readable file with one
#    is refused.
printf '[environments.local]\ndatabase_url = "host=127.0.0.1 port=1 dbname=x sslpassword=topsecret"\n' >"$cfg"
chmod 644 "$cfg"
expect 3 "emop: $cfg holds a password (or a string libpq cannot parse) in the database_url of environment \"local\" but group or others may access it (mode 0644); run: chmod 600 $cfg" "$emop" env_show
chmod 600 "$cfg"
"$emop" env_show >"$work/out" 2>&1
check "env_show masks sslpassword" "database_url     dbname=x host=127.0.0.1 port=1 sslpassword=***  (config file)" \
  "$(grep '^database_url' "$work/out")"
"$emop" db status >"$work/out" 2>&1
check "cannot connect (conninfo) hides sslpassword" "emop: cannot connect to the database (dbname=x host=127.0.0.1 port=1 sslpassword=*** from config file):" \
  "$(grep -o '^emop: cannot connect to the database ([^)]*):' "$work/out")"
FLOWS_DATABASE_URL='postgresql://u:pw1@127.0.0.1:1/x?sslpassword=topsecret' "$emop" db status >"$work/out" 2>&1
check "cannot connect (URI) hides password and sslpassword" \
  "emop: cannot connect to the database (user=u password=*** dbname=x host=127.0.0.1 port=1 sslpassword=*** from FLOWS_DATABASE_URL):" \
  "$(grep -o '^emop: cannot connect to the database ([^)]*):' "$work/out")"
rm -f "$cfg"

# 9. No database configured: the error says where a connection string comes from;
#    -d/--dbname (as psql) names one; one libpq cannot parse is configuration (3).
(unset FLOWS_DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
 export PGHOST=/nonexistent-flows-robustness PGPORT=1
 "$emop" db status >"$work/out" 2>"$work/err"; echo "rc=$?" >>"$work/err"
 "$bill" usage --month 2026-01 >"$work/out" 2>"$work/err2"; echo "rc=$?" >>"$work/err2"
 "$emop" -d 'host=/nonexistent-flows-robustness port=2 dbname=x' db status >"$work/out" 2>"$work/err3"; echo "rc=$?" >>"$work/err3"
 "$bill" --dbname billing usage --month 2026-01 >"$work/out" 2>"$work/err4"; echo "rc=$?" >>"$work/err4"
 FLOWS_DATABASE_URL='host=/tmp nonsense' "$emop" db status >"$work/out" 2>"$work/err5"; echo "rc=$?" >>"$work/err5")
check "no database: where the connection string comes from" \
  "emop: cannot connect to the database: no connection string is set (-d/--dbname, FLOWS_DATABASE_URL, or database_url in environment \"local\" of config.toml), so libpq's defaults were used with PGHOST PGPORT:" \
  "$(head -n 1 "$work/err" | grep -o '^emop: cannot connect to the database: [^:]*:')"
check "no database: status 6" "rc=6" "$(tail -n 1 "$work/err")"
check "no database: flows-bill says the same" \
  "flows-bill: cannot connect to the database: no connection string is set" \
  "$(head -n 1 "$work/err2" | grep -o '^flows-bill: cannot connect to the database: no connection string is set')"
check "-d: the string given, and from where" "emop: cannot connect to the database (dbname=x host=/nonexistent-flows-robustness port=2 from -d/--dbname):" \
  "$(head -n 1 "$work/err3" | grep -o '^emop: cannot connect to the database ([^)]*):')"
check "--dbname NAME: a database name" "flows-bill: cannot connect to the database (dbname=billing from -d/--dbname):" \
  "$(head -n 1 "$work/err4" | grep -o '^flows-bill: cannot connect to the database ([^)]*):')"
check "a connection string libpq cannot parse: configuration, status 3" \
  "emop: invalid database connection string from FLOWS_DATABASE_URL: missing \"=\" after \"nonsense\" in connection info string|rc=3" \
  "$(paste -sd'|' "$work/err5")"

# 4. Control characters in a value are escaped in the one error line.
expect 3 "emop: cannot read $work/no"'\nemop: forged\r\x01'": No such file or directory" \
  "$emop" --objects "$work/no"$'\nemop: forged\r\x01' objects
# 9. emop without a command: the help on stdout, a one-line hint on stderr, status 2.
expect 2 "emop: which command? see emop --help" "$emop"
check "emop: help on stdout" "Usage: emop [OPTIONS] [SUBCOMMAND]" "$(grep -m1 '^Usage:' "$work/out")"

# 9. --env naming an environment when there is no config file: status 3, named.
expect 3 "emop: no environment \"nosuch\" (from --env): no config file $cfg" "$emop" --env nosuch env_show

# 2. YAML keys and values of the wrong node type: located errors, not "internal
#    error: bad conversion" (exit 1). Documents are usage errors (2); the object
#    table, the simulator's fleet and state files configuration errors (3).
printf '? [a]\n: b\n' >"$work/top.yaml"
expect 2 "emop: $work/top.yaml:1: a key must be plain text, not a list or a mapping" \
  env FLOWS_DATABASE_URL='host=127.0.0.1 port=1' "$emop" db import "$work/top.yaml"
printf 'escos:\n  - code: alpha\n    ? {x: 1}\n    : b\n' >"$work/esco.yaml"
expect 2 "emop: $work/esco.yaml:3: a key must be plain text, not a list or a mapping" \
  env FLOWS_DATABASE_URL='host=127.0.0.1 port=1' "$emop" db import "$work/esco.yaml"
printf 'objects:\n  ? [a]\n  : b\n' >"$work/objects.yaml"
expect 3 "emop: $work/objects.yaml:2: a key must be plain text, not a list or a mapping" \
  "$emop" --objects "$work/objects.yaml" objects
printf 'objects:\n  backlight:\n    ? [id]\n    : 1\n' >"$work/objects2.yaml"
expect 3 "emop: $work/objects2.yaml:3: a key must be plain text, not a list or a mapping" \
  "$emop" --objects "$work/objects2.yaml" objects
printf 'meters:\n  - serial: EML1\n    ? [a]\n    : b\n' >"$work/fleet.yaml"
expect 3 "emlite-sim: $work/fleet.yaml:3: a key must be plain text, not a list or a mapping" \
  timeout 10 "$sim" serve --fleet "$work/fleet.yaml"
mkdir -p "$work/state"
printf 'just text\n' >"$work/state/state.yaml"
expect 3 "emlite-sim: $work/state/state.yaml: not a simulator state file (expected a mapping with a 'meters' list)" \
  timeout 10 "$sim" serve --meters 1 --state-dir "$work/state"
printf 'meters:\n  - spec: {serial: EML1}\n    model_version: [1]\n' >"$work/state/state.yaml"
expect 3 "emlite-sim: $work/state/state.yaml: meter state of EML1: line 3: missing or bad value (bad conversion)" \
  timeout 10 "$sim" serve --meters 1 --state-dir "$work/state"

# 3. emop db import checks dates, UTF-8 and NUL bytes before its first query (the
#    database here does not even exist: status 2 shows no query was tried).
import() { env FLOWS_DATABASE_URL='host=127.0.0.1 port=1' "$emop" db import "$@"; }
doc() {  # doc FILE ESCO_NAME START_TIME
  printf 'escos:\n  - {code: acme, name: %s, region: south_west}\nmeters:\n  - {serial: EML1, esco: acme, mode: active}\nregisters:\n  - {meter: EML1, element: A, nature: power, start_time: %s}\n' "$2" "$3" >"$1"
}
doc "$work/d1.yaml" Acme 2026-02-30
expect 2 "emop: $work/d1.yaml:6: start_time '2026-02-30' is not a valid time (no such date or time of day)" import "$work/d1.yaml"
doc "$work/d2.yaml" Acme 2023-02-29T10:00:00Z
expect 2 "emop: $work/d2.yaml:6: start_time '2023-02-29T10:00:00Z' is not a valid time (no such date or time of day)" import "$work/d2.yaml"
doc "$work/d3.yaml" $'Ac\xffme' 2024-02-29
expect 2 "emop: $work/d3.yaml:2: name is not valid UTF-8" import "$work/d3.yaml"
doc "$work/d4.yaml" '"Ac\0me"' 2024-02-29
expect 2 "emop: $work/d4.yaml:2: name holds a NUL byte" import "$work/d4.yaml"
sed 's/code: acme,/code: "ac\\0me",/' "$work/d1.yaml" >"$work/d5.yaml"
expect 2 "emop: $work/d5.yaml:2: code holds a NUL byte" import "$work/d5.yaml"
doc "$work/d6.yaml" Acme 2024-02-29   # a good document gets as far as the database
import "$work/d6.yaml" >/dev/null 2>&1
check "a valid document reaches the database (status 6)" 6 $?
# --serials-file: NUL, invalid UTF-8, control characters refused before any meter or query.
printf 'EML1\nEM\0L2\n' >"$work/s1"
expect 2 "emop: serial 'EM\x00L2' (--serials-file $work/s1 line 2) holds a NUL byte" "$emop" prepay_balance --serials-file "$work/s1"
printf 'EML1\n\xff\xfe\n' >"$work/s2"
expect 2 "emop: serial '"$'\xff\xfe'"' (--serials-file $work/s2 line 2) is not valid UTF-8" "$emop" prepay_balance --serials-file "$work/s2"
printf 'EML1\nEML\x1b[2\n' >"$work/s3"
expect 2 "emop: serial 'EML\x1b[2' (--serials-file $work/s3 line 2) holds a control character" "$emop" prepay_balance --serials-file "$work/s3"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all passed"
