#!/usr/bin/env bash
# Fleet read benchmark: 1,000 simulated meters that each answer after 100 ms;
# read csq and prepay_balance from all of them with --serials-file.
#
#   bench/fleet_read_bench.sh [BUILD_DIR]        (default: build/)
#
# Prints the wall time of the two reads, its ratio to the floor (2 x latency:
# two requests per meter, all meters in parallel), the ratio to the same job run
# with 15 workers and a new connection per request (the public emop tool's
# design), measured in the same run against the same simulator, and peak memory.
# Targets: within 3x of the floor, at least 20x faster than the baseline.
#
# Prints figures only; it never fails because a figure is off target. It exits 1
# when a command fails or its results are wrong (not one line per meter).
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init fleet_read_bench "${1:-}"  # $root, $build, $work
emop=$build/apps/emop/emop
sim=$build/apps/emlite-sim/emlite-sim

meters=${FLEET_BENCH_METERS:-1000}
latency_ms=${FLEET_BENCH_LATENCY_MS:-100}
baseline_workers=15
target_floor_ratio=3
target_speedup=20

for b in "$emop" "$sim"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done
bench_peak_rss_init

fleet=$work/fleet.yaml
serials=$work/serials.txt

# --- the simulator ----------------------------------------------------------
# One loopback address per meter (127.0.1.1, 127.0.1.2, ...), all on one port.
start_sim() {  # $1 = port
  rm -f "$fleet"
  "$sim" serve --meters "$meters" --seed 1 --latency "$latency_ms" --port "$1" --fleet-out "$fleet" \
    2>"$work/sim.err" &
  sim_pid=$!
  bench_wait_sim "$fleet"
}
bench_start_sim_on_free_port start_sim

sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$fleet" >"$serials"
[[ $(wc -l <"$serials") -eq $meters ]] || die "expected $meters serials in $fleet, found $(wc -l <"$serials")"
sort "$serials" >"$work/serials.sorted"

# --- measuring --------------------------------------------------------------
# run_emop LABEL ARGS...: emop's output in $work/LABEL.out, peak RSS in
# $work/LABEL.rss. Fails the benchmark unless it exits 0.
run_emop() {
  local label=$1 status=0
  shift
  bench_run_measured "$label" "$emop" "$@" || status=$?
  if [[ $status -ne 0 ]]; then
    echo "fleet_read_bench: emop $* exited $status" >&2
    tail -n 5 "$work/$label.err" >&2
    exit 1
  fi
}

# check LABEL COMMAND VALUE_RE: exactly one "SERIAL COMMAND=VALUE" line per meter.
check() {
  local label=$1 cmd=$2 re=$3 out=$work/$1.out
  local lines good
  lines=$(wc -l <"$out")
  good=$(grep -cE "^[^ ]+ $cmd=$re\$" "$out" || true)
  [[ $lines -eq $meters && $good -eq $meters ]] ||
    die "$label: expected $meters '$cmd' result lines, got $lines lines ($good well formed)"
  cut -d' ' -f1 "$out" | sort | cmp -s - "$work/serials.sorted" ||
    die "$label: the serials in the output are not the $meters meters asked for"
}

# The job: csq then prepay_balance over the whole fleet. $1 = label prefix; the
# rest are extra global options. Prints the wall time of both in nanoseconds.
job() {
  local prefix=$1
  shift
  local t0 t1
  t0=$(now_ns)
  run_emop "$prefix.csq" --inventory "$fleet" "$@" csq --serials-file "$serials"
  run_emop "$prefix.balance" --inventory "$fleet" "$@" prepay_balance --serials-file "$serials"
  t1=$(now_ns)
  check "$prefix.csq" csq '[0-9]+'
  check "$prefix.balance" prepay_balance '-?[0-9]+\.[0-9]+'
  echo $((t1 - t0))
}

fast_ns=$(job fast)
base_ns=$(job baseline --concurrency "$baseline_workers" --no-reuse)

emop_rss_kib=$(cat "$work/fast.csq.rss" "$work/fast.balance.rss" | sort -n | tail -n 1)
base_rss_kib=$(cat "$work/baseline.csq.rss" "$work/baseline.balance.rss" | sort -n | tail -n 1)
sim_rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$sim_pid/status" 2>/dev/null || echo 0)

awk -v meters="$meters" -v lat="$latency_ms" -v fast="$fast_ns" -v base="$base_ns" \
    -v workers="$baseline_workers" -v tf="$target_floor_ratio" -v ts="$target_speedup" \
    -v erss="$emop_rss_kib" -v brss="$base_rss_kib" -v srss="$sim_rss_kib" -v port="$port" '
BEGIN {
  wall = fast / 1e9; floor = 2 * lat / 1000; basesec = base / 1e9
  ratio = wall / floor; speedup = basesec / wall
  printf "fleet read: %d meters x (csq, prepay_balance) at %d ms latency\n", meters, lat
  printf "wall_seconds: %.2f\n", wall
  printf "floor_seconds: %.2f\n", floor
  printf "ratio_to_floor: %.2f  (target <= %d: %s)\n", ratio, tf, (ratio <= tf ? "met" : "MISSED")
  printf "baseline_%d_workers_new_connection_seconds: %.1f\n", workers, basesec
  printf "speedup_vs_baseline: %.1f  (target >= %d: %s)\n", speedup, ts, (speedup >= ts ? "met" : "MISSED")
  printf "peak_rss_mib: %.1f (emop), %.1f (emlite-sim)\n", erss / 1024, srss / 1024
  printf "baseline_peak_rss_mib: %.1f (emop)\n", brss / 1024
  printf "simulator_port: %d\n", port
}'
