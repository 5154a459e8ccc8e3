# Shared prologue and helpers for the database CLI tests (*_cli_test.sh in this
# directory). Each one runs in a PostgreSQL database of its own, created when this
# file is sourced and dropped on exit, on the throwaway server that ctest's "pg"
# fixture starts (see CMakeLists.txt). A test script checks its own arguments and
# then sources this file in one of two ways:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" VAR=BINARY...
#     Standalone. Creates $WORK (removed on exit) and copies each BINARY into
#     $WORK/bin under its own file name, retrying for 2 minutes while it is missing
#     or does not answer --help (a rebuild of the tree while the test runs cannot
#     pull it out from under the test); sets VAR to the copy, e.g.
#     EMOP="$EMOP_BIN" gives $EMOP = $WORK/bin/emop. Defines SIM_PID, stop_sim,
#     pass, fail, log and finish (below).
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" --integration EMOP EMLITE_SIM
#     On top of ../integration/lib.sh, which this sources with EMOP and EMLITE_SIM:
#     $WORK, $EMOP, $SIM, start_sim, ctl, run, pass, fail, expect_*, log and finish
#     (exit 77 when known bugs were skipped) are that file's.
#
# Either way, this file then
#   - reads ADMIN_URL from FLOWS_DATABASE_URL (required: a superuser libpq keyword
#     conninfo, e.g. "host=... port=... user=flows dbname=flows");
#   - isolates the programs from the user's configuration and environment:
#     XDG_CONFIG_HOME=$WORK/config, NO_COLOR=1; FLOWS_ENV, EMOP_OBJECTS_FILE,
#     EMOP_INVENTORY, EMLITE_TIMEOUT_SECONDS, SOCKS_* and PGHOST, PGPORT, PGUSER,
#     PGDATABASE unset;
#   - creates the database DB (test_<script name>_<pid>_<random>, from template0;
#     "FATAL: ..." and exit 1 if it cannot) and exports
#     FLOWS_DATABASE_URL=$DB_URL, a conninfo naming it (in a keyword conninfo a
#     later keyword wins, so DB_URL is "$ADMIN_URL dbname=$DB");
#   - traps EXIT (db_cleanup, below), INT (exit 130) and TERM (exit 143). Bash
#     runs a trap when the current foreground command ends; a SIGKILL (ctest's
#     timeout) runs none, and leaves the database behind on the throwaway test
#     server (harmless: names are unique; rm -rf build/pgtest clears them all).
# The schema is not migrated: the scripts run `emop db migrate` themselves.
#
# Variables: WORK, DB, DB_URL, ADMIN_URL, TEST_NAME (the script's file name
# without .sh, and without _test when standalone: "[bill_cli] ..."), FAILS, CHECKS.
#
# Helpers:
#   sql STATEMENTS           run SQL in the test database (psql -X -qAt,
#                            ON_ERROR_STOP); prints the rows, '|' between columns
#   expect_eq WHAT GOT WANT  a check: GOT is exactly WANT
#   expect_match WHAT TEXT REGEX  a check: TEXT matches the bash (extended) REGEX
#   drop_db                  drop the test database (db_cleanup does it on exit)
# Standalone only (the --integration ones are ../integration/lib.sh's):
#   pass / fail MESSAGE      count a passed / failed check; fail prints "FAIL: MESSAGE"
#                            (a script may redefine fail to print more)
#   log MESSAGE              print "[$TEST_NAME] MESSAGE"
#   stop_sim                 stop the process SIM_PID (a simulator the script started
#                            in the background): TERM, 2 s grace, KILL; clears SIM_PID
#   finish                   log "N checks passed, M failed"; exit 1 if a check
#                            failed, else 0
#
# Cleanup: on exit db_cleanup stops SIM_PID (stop_sim); calls the script's
# test_cleanup function, if it defines one, with the exit status as $1 (for
# processes of its own: a locker, a run in the background, ...); drops the
# database; shows the last 30 lines of $WORK/sim.log, if there is one, when the
# exit status is neither 0 nor 77; and removes $WORK. The exit status is kept.
set -u

_db_lib_dir=$(dirname "${BASH_SOURCE[0]}")
ADMIN_URL=${FLOWS_DATABASE_URL:?FLOWS_DATABASE_URL must be set (a superuser libpq conninfo)}

if [[ "${1:-}" == --integration ]]; then
  DB_LIB_MODE=integration
  # Sets WORK, TEST_NAME, FAILS, CHECKS, the private $EMOP and $SIM, traps; unsets
  # FLOWS_DATABASE_URL among others (ADMIN_URL is kept above).
  source "$_db_lib_dir/../integration/lib.sh" "${2:?usage: $0 EMOP EMLITE_SIM}" "${3:?usage: $0 EMOP EMLITE_SIM}"
else
  DB_LIB_MODE=standalone
  TEST_NAME=$(basename "$0" .sh)
  TEST_NAME=${TEST_NAME%_test}
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/flows-db-${TEST_NAME}.XXXXXX")
  SIM_PID=""
  FAILS=0
  CHECKS=0

  log() { echo "[$TEST_NAME] $*"; }
  pass() { CHECKS=$((CHECKS + 1)); }
  fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
  finish() {
    log "$CHECKS checks passed, $FAILS failed"
    if (( FAILS > 0 )); then exit 1; fi
    exit 0
  }
  source "$_db_lib_dir/../integration/stop_sim.sh"
fi

DB="test_${TEST_NAME%_test}_$$_$RANDOM"
DB_URL="$ADMIN_URL dbname=$DB"

drop_db() { psql "$ADMIN_URL" -X -qAt -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1; }

db_cleanup() {
  local rc=$?
  stop_sim   # first: a test_cleanup that waits for every child must not wait for the simulator
  if declare -F test_cleanup >/dev/null; then test_cleanup "$rc"; fi
  drop_db
  if [[ $DB_LIB_MODE == integration ]]; then
    (exit "$rc"); cleanup   # ../integration/lib.sh's, which reads the exit status from $?
  else
    if [[ $rc -ne 0 && $rc -ne 77 && -f "$WORK/sim.log" ]]; then
      echo "--- emlite-sim log (last 30 lines) ---"
      tail -n 30 "$WORK/sim.log"
    fi
    rm -rf "$WORK"
  fi
}
trap db_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $DB_LIB_MODE == standalone ]]; then
  # Private copies of the binaries, so a rebuild of the tree while this test runs
  # (other work in the same build directory) cannot pull them out from under it.
  mkdir -p "$WORK/bin"
  for _db_lib_try in $(seq 1 24); do
    _db_lib_ready=yes
    for _db_lib_arg in "$@"; do
      _db_lib_bin=${_db_lib_arg#*=}
      if ! { cp "$_db_lib_bin" "$WORK/bin/" 2>/dev/null &&
             "$WORK/bin/$(basename "$_db_lib_bin")" --help >/dev/null 2>&1; }; then
        _db_lib_ready=no; break
      fi
    done
    [[ $_db_lib_ready == yes ]] && break
    log "binaries not ready (being rebuilt?), retrying in 5 s"; sleep 5
  done
  [[ $_db_lib_ready == yes ]] || { echo "FATAL: cannot copy the binaries ($*) into $WORK/bin"; exit 1; }
  for _db_lib_arg in "$@"; do
    [[ "${_db_lib_arg%%=*}" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "FATAL: lib.sh: not VAR=BINARY: $_db_lib_arg"; exit 1; }
    printf -v "${_db_lib_arg%%=*}" '%s' "$WORK/bin/$(basename "${_db_lib_arg#*=}")"
  done
  unset _db_lib_try _db_lib_ready _db_lib_arg _db_lib_bin
fi

# Isolate the programs from the user's configuration and environment.
export XDG_CONFIG_HOME="$WORK/config"
mkdir -p "$XDG_CONFIG_HOME"
unset FLOWS_ENV EMOP_OBJECTS_FILE EMLITE_TIMEOUT_SECONDS SOCKS_HOST SOCKS_PORT SOCKS_USERNAME SOCKS_PASSWORD \
      EMOP_INVENTORY PGHOST PGPORT PGUSER PGDATABASE
export NO_COLOR=1

sql() { psql "$DB_URL" -X -qAt -v ON_ERROR_STOP=1 -c "$1"; }

expect_eq() {  # WHAT GOT WANT
  if [[ "$2" == "$3" ]]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
expect_match() {  # WHAT TEXT REGEX
  if [[ "$2" =~ $3 ]]; then pass; else fail "$1: '$2' does not match /$3/"; fi
}

psql "$ADMIN_URL" -X -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB\" TEMPLATE template0" >/dev/null ||
  { echo "FATAL: cannot create database $DB"; exit 1; }
export FLOWS_DATABASE_URL="$DB_URL"
