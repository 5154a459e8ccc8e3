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

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
build=$(cd "$build" && pwd)
emop=$build/apps/emop/emop
sim=$build/apps/emlite-sim/emlite-sim

meters=${FLEET_BENCH_METERS:-1000}
latency_ms=${FLEET_BENCH_LATENCY_MS:-100}
baseline_workers=15
target_floor_ratio=3
target_speedup=20

die() { echo "fleet_read_bench: $*" >&2; exit 1; }
for b in "$emop" "$sim"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done

# Peak memory: GNU time's %M (KiB). Installed idempotently on Debian when missing
# and we may; otherwise a python3 helper reads getrusage(RUSAGE_CHILDREN).
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

work=$(mktemp -d "${TMPDIR:-/tmp}/fleet_read_bench.XXXXXX")
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fleet=$work/fleet.yaml
serials=$work/serials.txt

# --- the simulator ----------------------------------------------------------
# One loopback address per meter (127.0.1.1, 127.0.1.2, ...), all on one port.
# Port 8080 unless some meter address already has a listener there (another
# simulator, say); then a free port below the ephemeral range, kept with --port
# so every meter still has its own address.
port_in_use() {  # any TCP listener on port $1 on a 127.x, wildcard or v6 address?
  command -v ss >/dev/null 2>&1 || return 1
  ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}
candidates=(8080)
for p in 18080 18180 18280 28080 28180 28280; do candidates+=("$p"); done
for _ in 1 2 3 4 5 6; do candidates+=($((10000 + RANDOM % 22000))); done

start_sim() {  # $1 = port; 0 when serving, 1 when it could not listen
  rm -f "$fleet"
  "$sim" serve --meters "$meters" --seed 1 --latency "$latency_ms" --port "$1" --fleet-out "$fleet" \
    2>"$work/sim.err" &
  sim_pid=$!
  for _ in $(seq 1 600); do  # up to 60 s
    [[ -s $fleet ]] && return 0
    if ! kill -0 "$sim_pid" 2>/dev/null; then
      wait "$sim_pid" 2>/dev/null || true
      sim_pid=
      return 1
    fi
    sleep 0.1
  done
  die "emlite-sim did not write $fleet within 60 s"
}
port=
for p in "${candidates[@]}"; do
  port_in_use "$p" && continue
  if start_sim "$p"; then port=$p; break; fi
  grep -q "cannot listen" "$work/sim.err" || die "emlite-sim failed: $(cat "$work/sim.err")"
done
[[ -n $port ]] || die "found no free port for $meters meters; last error: $(cat "$work/sim.err")"

sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$fleet" >"$serials"
[[ $(wc -l <"$serials") -eq $meters ]] || die "expected $meters serials in $fleet, found $(wc -l <"$serials")"
sort "$serials" >"$work/serials.sorted"

# --- measuring --------------------------------------------------------------
now_ns() { date +%s%N; }

# run_emop LABEL ARGS...: runs emop, stdout to $work/LABEL.out; peak RSS (KiB)
# to $work/LABEL.rss. Fails the benchmark unless it exits 0.
run_emop() {
  local label=$1
  shift
  local status=0
  if [[ -n $gnu_time ]]; then
    "$gnu_time" -f %M -o "$work/$label.rss" "$emop" "$@" >"$work/$label.out" 2>"$work/$label.err" || status=$?
  else
    python3 - "$work/$label" "$emop" "$@" <<'EOF' || status=$?
import resource, subprocess, sys
base = sys.argv[1]
with open(base + ".out", "wb") as out, open(base + ".err", "wb") as err:
    rc = subprocess.call(sys.argv[2:], stdout=out, stderr=err)
with open(base + ".rss", "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)
EOF
  fi
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
