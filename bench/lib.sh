# shellcheck shell=bash
# Shared by the bench/*.sh scripts (sourced, not run): a work directory cleaned
# up on exit, a throwaway PostgreSQL, peak-memory measurement, and an emlite-sim
# started on a free port.
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init NAME [BUILD_DIR]     # die(), $root, $build (default $root/build), $work; the EXIT trap
#   bench_start_pg PORT EMOP        # PostgreSQL in $work/pg, env exported, migrated
#   bench_peak_rss_init             # before bench_run_measured
#   bench_run_measured LABEL CMD…   # $work/LABEL.out, .err, .rss (KiB); returns CMD's status
#   bench_start_sim_on_free_port FN # calls FN PORT until it serves; sets $port
#
# A script that starts a simulator keeps its pid in $sim_pid; the EXIT trap
# stops it.

bench_init() {
  bench_name=$1
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  build=$(cd "${2:-$root/build}" && pwd) || { echo "$bench_name: no build directory ${2:-$root/build}" >&2; exit 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/$bench_name.XXXXXX")
  chmod 755 "$work"  # as root, the throwaway PostgreSQL runs as the unprivileged flows-pg user
  sim_pid=
  bench_pg_started=
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

die() { echo "$bench_name: $*" >&2; exit 1; }

bench_cleanup() {
  if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  if [[ -n $bench_pg_started ]]; then
    "$root/scripts/pg-local.sh" stop "$work/pg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}

# pg-local.sh listens on a unix socket in $work only; the port names the socket.
bench_start_pg() {
  local port=$1 emop=$2 env
  command -v psql >/dev/null 2>&1 || die "psql is missing (install postgresql-client-15)"
  bench_pg_started=1
  env=$(FLOWS_PG_PORT=$port "$root/scripts/pg-local.sh" start "$work/pg" 2>"$work/pg.err") ||
    die "could not start PostgreSQL: $(tail -n 3 "$work/pg.err")"
  eval "$env"
  export PGHOST PGPORT PGUSER PGDATABASE FLOWS_DATABASE_URL
  "$emop" db migrate >"$work/migrate.out" 2>"$work/migrate.err" ||
    die "emop db migrate failed: $(tail -n 3 "$work/migrate.err")"
}

# Peak memory: GNU time's %M (KiB). Installed idempotently on Debian when missing
# and we may; otherwise a python3 helper reads getrusage(RUSAGE_CHILDREN).
bench_peak_rss_init() {
  gnu_time=
  if /usr/bin/time -f %M true >/dev/null 2>&1; then
    gnu_time=/usr/bin/time
  elif command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
    /usr/bin/time -f %M true >/dev/null 2>&1 && gnu_time=/usr/bin/time
  fi
  if [[ -z $gnu_time ]]; then
    command -v python3 >/dev/null 2>&1 || die "need GNU time (/usr/bin/time) or python3 to measure peak memory"
  fi
}

bench_run_measured() {
  local label=$1 status=0
  shift
  if [[ -n $gnu_time ]]; then
    "$gnu_time" -f %M -o "$work/$label.rss" "$@" >"$work/$label.out" 2>"$work/$label.err" || status=$?
  else
    python3 - "$work/$label" "$@" <<'EOF' || status=$?
import resource, subprocess, sys
base = sys.argv[1]
with open(base + ".out", "wb") as out, open(base + ".err", "wb") as err:
    rc = subprocess.call(sys.argv[2:], stdout=out, stderr=err)
with open(base + ".rss", "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
EOF
  fi
  return $status
}

# Port 8080 unless some meter address already has a listener there (another
# simulator, say); then a free port below the ephemeral range. FN PORT starts
# the simulator (setting $sim_pid) and returns 0 when it serves, 1 when it could
# not listen (its stderr in $work/sim.err).
bench_port_in_use() {  # any TCP listener on port $1 on a 127.x, wildcard or v6 address?
  command -v ss >/dev/null 2>&1 || return 1
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

bench_start_sim_on_free_port() {
  local fn=$1 p candidates=(8080 18080 18180 18280 28080 28180 28280)
  for _ in 1 2 3 4 5 6; do candidates+=($((10000 + RANDOM % 22000))); done
  port=
  for p in "${candidates[@]}"; do
    bench_port_in_use "$p" && continue
    if "$fn" "$p"; then port=$p; return 0; fi
    grep -q "cannot listen" "$work/sim.err" || die "emlite-sim failed: $(cat "$work/sim.err")"
  done
  die "found no free port for the simulator; last error: $(cat "$work/sim.err")"
}

# bench_wait_sim FILE…: until every FILE is written by the simulator ($sim_pid);
# 1 when it exited first (could not listen). Up to 60 s.
bench_wait_sim() {
  local f ready
  for _ in $(seq 1 600); do
    ready=1
    for f in "$@"; do [[ -s $f ]] || ready=; done
    [[ -n $ready ]] && return 0
    if ! kill -0 "$sim_pid" 2>/dev/null; then
      wait "$sim_pid" 2>/dev/null || true
      sim_pid=
      return 1
    fi
    sleep 0.1
  done
  die "emlite-sim did not write $* within 60 s"
}

now_ns() { date +%s%N; }
