#!/usr/bin/env bash
# Fleet sync benchmark: the hourly `emop sync` of 1,000 simulated meters that
# each answer after 100 ms, into a throwaway PostgreSQL 15.
#
#   bench/fleet_sync_bench.sh [BUILD_DIR]        (default: build/)
#
# Starts its own PostgreSQL (scripts/pg-local.sh, private port, own temp dir)
# and emlite-sim (one loopback address per meter, as meter_registry.ip_address
# is unique), runs `emop db migrate`, imports the simulator's topology, runs one
# untimed hourly sync (so every meter's events are stored and the timed runs are
# the steady state cron sees every hour), then times in the same run against the
# same simulator and database:
#   * emop sync --frequency hourly                          (default concurrency)
#   * emop --concurrency 15 --no-reuse sync --frequency hourly   (the baseline:
#     the public emop tool's 15 workers and new connection per request)
#
# The floor is the number of sequential request/response exchanges per meter
# times the latency, for the meter with the most: the hourly syncers
# (SyncerCsq, SyncerVoltage, SyncerPrepayBalance, SyncerEventLog; the hardware
# comes from the registry) are csq, voltage, prepay_balance and event-log block
# 0, which already holds an event stored by the previous sync: 4 exchanges, 6 on
# a three-phase meter (one voltage read per phase); a first sync also asks for
# block 1. The count is not assumed: both timed runs are made with -v and the
# exchanges each meter answered are counted in emop's log (one
# "debug: HOST:PORT: request -> answer" line per exchange). Note that emop
# also waits its default --pace (100 ms) between two requests to one meter,
# which the floor leaves out. Targets: within 3x of the floor; the baseline's
# time is shown as a ratio.
#
# Results are checked after each timed run: emop reports every meter ok, and in
# flows.meter_shadows all meters are healthy, updated by that run, with csq,
# balance and a voltage set. Prints figures only; it never fails because a
# figure is off target. It exits 1 when a command fails or a result is wrong.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init fleet_sync_bench "${1:-}"  # $root, $build, $work
emop=$build/apps/emop/emop
sim=$build/apps/emlite-sim/emlite-sim

meters=${FLEET_BENCH_METERS:-1000}
latency_ms=${FLEET_BENCH_LATENCY_MS:-100}
pg_port=${FLEET_SYNC_BENCH_PG_PORT:-55441}
baseline_workers=15
target_floor_ratio=3

for b in "$emop" "$sim"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done
bench_peak_rss_init

# --- the database -----------------------------------------------------------
bench_start_pg "$pg_port" "$emop"
unset EMOP_INVENTORY  # emop finds the meters through meter_registry
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# --- the simulator ----------------------------------------------------------
# One loopback address per meter (127.0.1.1, 127.0.1.2, ...), all on one port.
fleet=$work/fleet.yaml
topology=$work/topology.yaml
start_sim() {  # $1 = port
  rm -f "$fleet" "$topology"
  "$sim" serve --meters "$meters" --seed 1 --latency "$latency_ms" --port "$1" \
    --fleet-out "$fleet" --topology-out "$topology" 2>"$work/sim.err" &
  sim_pid=$!
  bench_wait_sim "$fleet" "$topology"
}
bench_start_sim_on_free_port start_sim

"$emop" db import "$topology" >"$work/import.out" 2>"$work/import.err" ||
  die "emop db import failed: $(tail -n 3 "$work/import.err")"

# Every meter active, on its own loopback address.
read -r n_active n_loopback n_addresses < <(sql -F ' ' -c \
  "SELECT count(*) FILTER (WHERE mode = 'active'),
          count(*) FILTER (WHERE host(ip_address) LIKE '127.%'),
          count(DISTINCT ip_address)
   FROM flows.meter_registry")
[[ $n_active -eq $meters && $n_loopback -eq $meters && $n_addresses -eq $meters ]] ||
  die "expected $meters active meters on distinct loopback addresses, found $n_active active, $n_loopback on loopback, $n_addresses addresses"

# --- measuring --------------------------------------------------------------
# run_emop LABEL ARGS...: emop's output in $work/LABEL.out/.err, peak RSS in
# $work/LABEL.rss. Fails the benchmark unless it exits 0.
run_emop() {
  local label=$1 status=0
  shift
  bench_run_measured "$label" "$emop" "$@" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "fleet_sync_bench: emop $* exited $status" >&2
    grep -v '^debug: ' "$work/$label.err" | tail -n 5 >&2 || true
    exit 1
  fi
}

# db_now: the database's clock, to tell the rows a run wrote.
db_now() { sql -c "SELECT clock_timestamp()"; }

# check LABEL SINCE: emop said every meter was ok, and every meter's shadow is
# healthy, written by this run (updated_at >= SINCE) with csq, balance and voltage.
check() {
  local label=$1 since=$2 good
  grep -qE "^sync hourly: $meters meters, $meters ok, 0 failed," "$work/$label.out" ||
    die "$label: emop did not report $meters meters ok: $(cat "$work/$label.out")"
  good=$(sql -v since="$since" <<'SQL'
SELECT count(*) FROM flows.meter_shadows s JOIN flows.meter_registry r ON r.id = s.id
WHERE s.health = 'healthy' AND s.health_details IS NULL AND s.updated_at >= :'since'::timestamptz
  AND s.csq IS NOT NULL AND s.balance IS NOT NULL
  AND (s.voltage IS NOT NULL OR s."3p_voltage_l1" IS NOT NULL)
SQL
  )
  [[ $good -eq $meters ]] ||
    die "$label: expected $meters healthy meter_shadows rows with csq, balance and voltage from this run, found $good"
}

# exchanges LABEL: "METERS MAX HISTOGRAM" from the run's -v log (one line
# "debug: HOST:PORT: REQUEST -> ANSWER" per answered exchange): how many
# meters answered, the most exchanges of one meter, and "N exchanges: M meters".
exchanges() {
  awk '$1 == "debug:" && $3 ~ /^[0-9a-fA-F]+$/ && $4 == "->" { n[$2]++ }
    END {
      k = 0; max = 0
      for (e in n) { k++; h[n[e]]++; if (n[e] > max) max = n[e] }
      hist = ""
      for (c = 1; c <= max; c++) if (c in h) hist = hist (hist == "" ? "" : ",") c "x" h[c]
      print k, max, hist
    }' "$work/$1.err"
}

# The warm-up: the first sync of each meter also reads event-log block 1.
since=$(db_now)
run_emop warmup sync --frequency hourly
check warmup "$since"

# job LABEL GLOBAL_OPTIONS...: one timed, checked, logged hourly sync; prints ns.
job() {
  local label=$1 t0 t1 since
  shift
  since=$(db_now)
  t0=$(now_ns)
  run_emop "$label" -v "$@" sync --frequency hourly
  t1=$(now_ns)
  check "$label" "$since"
  echo $((t1 - t0))
}

fast_ns=$(job fast)
base_ns=$(job baseline --concurrency "$baseline_workers" --no-reuse)

read -r fast_meters fast_max fast_hist < <(exchanges fast)
read -r base_meters _ base_hist < <(exchanges baseline)
[[ $fast_meters -eq $meters && $base_meters -eq $meters ]] ||
  die "expected exchanges with $meters meters in emop's logs, found $fast_meters (fast) and $base_meters (baseline)"
[[ $base_hist == "$fast_hist" ]] ||
  echo "fleet_sync_bench: note: exchanges per meter differ: fast $fast_hist, baseline $base_hist" >&2

emop_rss_kib=$(cat "$work/fast.rss")
base_rss_kib=$(cat "$work/baseline.rss")
sim_rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$sim_pid/status" 2>/dev/null || echo 0)

awk -v meters="$meters" -v lat="$latency_ms" -v fast="$fast_ns" -v base="$base_ns" -v ex="$fast_max" -v hist="$fast_hist" \
    -v workers="$baseline_workers" -v tf="$target_floor_ratio" \
    -v erss="$emop_rss_kib" -v brss="$base_rss_kib" -v srss="$sim_rss_kib" -v port="$port" -v pg="$pg_port" '
BEGIN {
  wall = fast / 1e9; floor = ex * lat / 1000; basesec = base / 1e9
  ratio = wall / floor; speedup = basesec / wall
  printf "fleet sync: %d meters, emop sync --frequency hourly at %d ms latency, into PostgreSQL\n", meters, lat
  printf "exchanges_per_meter: at most %d (EXCHANGESxMETERS: %s; counted in emop -v logs)\n", ex, hist
  printf "wall_seconds: %.2f\n", wall
  printf "floor_seconds: %.2f  (%d exchanges x %d ms; emop also paces 100 ms between a meter'"'"'s requests)\n", floor, ex, lat
  printf "ratio_to_floor: %.2f  (target <= %d: %s)\n", ratio, tf, (ratio <= tf ? "met" : "MISSED")
  printf "baseline_%d_workers_new_connection_seconds: %.1f\n", workers, basesec
  printf "baseline_over_fast: %.1f\n", speedup
  printf "peak_rss_mib: %.1f (emop), %.1f (emlite-sim)\n", erss / 1024, srss / 1024
  printf "baseline_peak_rss_mib: %.1f (emop)\n", brss / 1024
  printf "checked: %d meters healthy with csq, balance and voltage after each run\n", meters
  printf "simulator_port: %d, postgresql_port: %d\n", port, pg
}'
