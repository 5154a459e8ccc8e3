#!/usr/bin/env bash
# Throwaway local PostgreSQL 15 server for tests, CI and demos.
#
#   pg-local.sh start  DIR   initialise (once) and start a server in DIR, create
#                            database "flows", print export lines for `eval`
#   pg-local.sh stop   DIR   fast shutdown; exit 0 if it was not running
#   pg-local.sh env    DIR   print the export lines without starting anything
#   pg-local.sh status DIR   exit 0 if a server is running in DIR, else 3
#
# Layout: DIR/data (cluster), DIR/sock (unix socket, the only way in: no TCP),
# DIR/log (server.log, initdb.log).  Superuser "flows", no password: local
# socket connections are trusted, so DIR/sock is mode 0700.
#
# PostgreSQL refuses to run as root, so as root the server runs as the system
# user "flows-pg" (created if missing); otherwise it runs as the current user.
#
# Environment:
#   FLOWS_PG_PORT     port number (names the socket file), default 54329.
#                     A server already running in DIR keeps the port it has.
#   FLOWS_PG_TIMEOUT  seconds to wait for start/stop, default 30.
#   FLOWS_PG_BINDIR   PostgreSQL binaries, default /usr/lib/postgresql/15/bin.
#
# Only the export lines go to stdout; everything else goes to stderr.
set -euo pipefail

prog=pg-local
pg_user=flows-pg
pg_major=15

die() { echo "$prog: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 {start|stop|env|status} DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
case "$cmd" in start|stop|env|status) ;; *) usage ;; esac
[ -n "$2" ] || usage
dir=$(realpath -m -s -- "$2")   # absolute and normalised, symlinks kept
[ "$dir" != / ] || die "refusing to use / as DIR"

data=$dir/data
sock=$dir/sock
logdir=$dir/log

port=${FLOWS_PG_PORT:-54329}
if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$port" -gt 65535 ]; then
  die "FLOWS_PG_PORT must be a port number 1-65535, got '$port'"
fi
timeout=${FLOWS_PG_TIMEOUT:-30}
if ! [[ $timeout =~ ^[1-9][0-9]{0,4}$ ]]; then
  die "FLOWS_PG_TIMEOUT must be a positive whole number of seconds, got '$timeout'"
fi

bindir=${FLOWS_PG_BINDIR:-/usr/lib/postgresql/$pg_major/bin}
[ -x "$bindir/pg_ctl" ] \
  || die "PostgreSQL $pg_major binaries not found in $bindir (install postgresql-$pg_major or set FLOWS_PG_BINDIR)"

# Child processes must not pick up a caller's libpq settings.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS \
      PGDATA PGSSLMODE 2>/dev/null || true
# A cwd the server user cannot enter (e.g. /root) makes PostgreSQL tools complain.
cd /

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1

# run_as USER CMD...: run CMD as USER (only differs from the caller when root).
run_as() {
  local user=$1; shift
  if [ "$is_root" -eq 1 ] && [ "$user" != root ]; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# The user that owns (or will own) the cluster.
owner() {
  if [ -d "$data" ]; then
    stat -c %U -- "$data"
  elif [ "$is_root" -eq 1 ]; then
    echo "$pg_user"
  else
    id -un
  fi
}

# Single-quote for the shell, only when needed.
shq() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

# Quote a libpq conninfo value, only when needed.
connq() {
  if [[ $1 =~ ^[^[:space:]\'\\]+$ ]]; then
    printf '%s' "$1"
  else
    local v=${1//\\/\\\\}
    printf "'%s'" "${v//\'/\\\'}"
  fi
}

# Port of the server running in DIR (from postmaster.pid), if readable.
running_port() {
  local p
  p=$(sed -n 4p -- "$data/postmaster.pid" 2>/dev/null) || return 1
  [[ $p =~ ^[0-9]+$ ]] || return 1
  echo "$p"
}

is_running() {
  [ -f "$data/PG_VERSION" ] || return 1
  run_as "$(owner)" "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1
}

print_env() {
  local p=$1
  echo "export PGHOST=$(shq "$sock") PGPORT=$p PGUSER=flows PGDATABASE=flows"
  echo "export FLOWS_DATABASE_URL=$(shq "host=$(connq "$sock") port=$p user=flows dbname=flows")"
}

# Serialise start/stop on the same DIR (e.g. parallel ctest fixtures).
take_lock() {
  exec 9>"$dir/.pg-local.lock" || die "cannot create lock file in $dir"
  flock -w "$((timeout * 2))" 9 || die "timed out waiting for another $prog on $dir"
}

ensure_user() {
  getent passwd "$pg_user" >/dev/null && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --comment "Flows throwaway PostgreSQL" "$pg_user" 2>/dev/null \
    || getent passwd "$pg_user" >/dev/null \
    || die "could not create system user $pg_user"
}

# Fail clearly if USER cannot reach DIR (every ancestor needs search permission).
check_reachable() {
  local user=$1 a=$dir
  run_as "$user" test -x "$dir" -a -w "$dir" && return 0
  while [ "$a" != / ]; do
    a=$(dirname -- "$a")
    if ! run_as "$user" test -x "$a"; then
      die "user $user cannot traverse $a (a parent of $dir); use a DIR under a world-traversable path or chmod o+x $a"
    fi
  done
  die "user $user cannot write to $dir"
}

# Last FATAL/PANIC line the server logged since log_mark, for error messages.
log_offset=0
log_mark() { log_offset=$(stat -c %s -- "$logdir/server.log" 2>/dev/null || echo 0); }
last_fatal() {
  { tail -c +"$((log_offset + 1))" -- "$logdir/server.log" 2>/dev/null || true; } \
    | grep -E 'FATAL|PANIC' | tail -n 1 | sed -E 's/^.*(FATAL|PANIC): +//' || true
}

fail_start() {
  local why
  why=$(last_fatal)
  die "server in $dir $1${why:+: $why} (log: $logdir/server.log)"
}

# wait_ready PORT DEADLINE: 0 when the server answers, 1 on timeout,
# 2 when no server is running in DIR any more.
wait_ready() {
  local n=0
  until "$bindir/pg_isready" -q -h "$sock" -p "$1" -U flows -d postgres; do
    [ "$SECONDS" -lt "$2" ] || return 1
    n=$((n + 1))
    if [ $((n % 5)) -eq 0 ] && ! is_running; then return 2; fi
    sleep 0.2
  done
}

prepare_cluster() {
  local user=$1
  run_as "$user" mkdir -p -m 0700 -- "$sock" "$logdir"
  if [ "$is_root" -eq 1 ]; then chown -- "$user:" "$sock" "$logdir"; fi
  chmod 0700 -- "$sock"

  if [ ! -f "$data/PG_VERSION" ]; then
    if [ -e "$data" ] && [ -n "$(ls -A -- "$data" 2>/dev/null)" ]; then
      die "$data exists but is not a PostgreSQL cluster; remove it or use another DIR"
    fi
    local locale=C locales
    locales=$(locale -a 2>/dev/null || true)
    if grep -qix 'C\.utf-\?8' <<<"$locales"; then locale=C.UTF-8; fi
    run_as "$user" "$bindir/initdb" -D "$data" -U flows -E UTF8 --locale="$locale" \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions \
      >"$logdir/initdb.log" 2>&1 \
      || die "initdb failed; see $logdir/initdb.log"
    echo "include_if_exists = 'pg-local.conf'" >>"$data/postgresql.conf"
  fi

  local ver
  ver=$(cat -- "$data/PG_VERSION")
  [ "$ver" = "$pg_major" ] \
    || die "$data is a PostgreSQL $ver cluster, expected $pg_major; remove it or use another DIR"

  # Rewritten on every start so the port and paths follow the arguments.
  local sockconf=${sock//\'/\'\'}
  run_as "$user" tee "$data/pg-local.conf" >/dev/null <<EOF
# Written by scripts/pg-local.sh on every start; edits are lost.
listen_addresses = ''
port = $port
unix_socket_directories = '$sockconf'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_destination = 'stderr'
EOF
}

do_start() {
  local user
  if [ "$is_root" -eq 1 ]; then
    user=$pg_user
    ensure_user
  else
    user=$(id -un)
  fi

  local sockfile="$sock/.s.PGSQL.$port"
  [ "${#sockfile}" -le 107 ] \
    || die "socket path $sockfile is ${#sockfile} bytes, over the 107-byte limit; use a shorter DIR"

  mkdir -p -- "$dir" || die "cannot create $dir"
  take_lock

  if [ "$is_root" -eq 1 ]; then
    if [ -d "$data" ]; then
      user=$(owner)   # an existing cluster keeps its owner
      [ "$user" != root ] || die "$data is owned by root; PostgreSQL cannot run as root"
    fi
    chown -- "$user:" "$dir"
  fi
  check_reachable "$user"

  local deadline=$((SECONDS + timeout)) rc=0
  if is_running; then
    local rp
    rp=$(running_port) || rp=$port
    if [ "$rp" != "$port" ]; then
      echo "$prog: server in $dir already running on port $rp (not $port)" >&2
      port=$rp
    fi
    wait_ready "$port" "$deadline" || rc=$?
    [ "$rc" -ne 1 ] || fail_start "is running but not accepting connections after ${timeout}s"
    # rc 2: it was shutting down or had crashed; start it afresh below.
  else
    rc=2
  fi

  if [ "$rc" -eq 2 ]; then
    prepare_cluster "$user"
    # After a crash, orphaned backends can hold the shared memory or the socket
    # lock for a moment: retry those while time remains, fail at once otherwise.
    # 9>&-: the server must not inherit (and so hold) our lock.
    log_mark
    until run_as "$user" "$bindir/pg_ctl" start -D "$data" -l "$logdir/server.log" \
            -w -t "$((deadline - SECONDS > 1 ? deadline - SECONDS : 1))" -s >/dev/null 2>&1 9>&-; do
      if [ "$SECONDS" -ge "$deadline" ] || ! last_fatal | grep -qE 'shared memory block|lock file'; then
        fail_start "failed to start"
      fi
      sleep 1
      log_mark
    done
    rc=0
    wait_ready "$port" "$deadline" || rc=$?
    case "$rc" in
      1) fail_start "not accepting connections after ${timeout}s" ;;
      2) fail_start "exited during startup" ;;
    esac
  fi

  local have
  have=$("$bindir/psql" -X -q -h "$sock" -p "$port" -U flows -d postgres -tA \
           -c "SELECT 1 FROM pg_database WHERE datname = 'flows'") \
    || die "cannot query server in $dir"
  if [ "$have" != 1 ]; then
    "$bindir/createdb" -h "$sock" -p "$port" -U flows flows >&2 \
      || die "cannot create database flows in $dir"
  fi

  print_env "$port"
}

do_stop() {
  [ -d "$dir" ] || return 0
  [ -f "$data/PG_VERSION" ] || return 0
  take_lock
  is_running || return 0
  local user
  user=$(owner)
  if ! run_as "$user" "$bindir/pg_ctl" stop -D "$data" -m fast -w -t "$timeout" -s >&2; then
    echo "$prog: fast shutdown of $dir timed out, forcing immediate shutdown" >&2
    run_as "$user" "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t "$timeout" -s >&2 \
      || die "could not stop server in $dir"
  fi
}

do_env() {
  local rp
  if is_running && rp=$(running_port); then
    port=$rp
  fi
  print_env "$port"
}

do_status() {
  if is_running; then
    local rp
    rp=$(running_port) || rp=$port
    echo "running: $dir (port $rp)"
    return 0
  fi
  echo "not running: $dir"
  return 3
}

case "$cmd" in
  start)  do_start ;;
  stop)   do_stop ;;
  env)    do_env ;;
  status) do_status ;;
esac
