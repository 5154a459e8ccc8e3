#!/usr/bin/env bash
# Gateway benchmark: simulated meters answering after 100 ms, one `mediators
# serve` in front of them.
#   (a) reads: emop csq over the fleet at --concurrency 50, through the gateway
#       and directly, in the same run (target: gateway overhead under 10 %); and
#       50 concurrent gRPC clients (python3-grpcio) reading through the gateway:
#       throughput, p50 and p99 latency;
#   (b) the hourly `emop sync` of the fleet, through the gateway and directly
#       (target: under 10 % slower);
#   (c) the hourly sync of a large fleet through one gateway: wall time against
#       the paced floor (the most exchanges one meter needs x latency, plus the
#       pacing between them; target <= 1.3x) and the peak RSS of the gateway and
#       of emop (target <= 150 MB each).
#
#   bench/gateway_bench.sh [BUILD_DIR]
#     GATEWAY_BENCH_METERS (default 1000) for (a) and (b),
#     GATEWAY_BENCH_LARGE  (default 10000) for (c),
#     GATEWAY_BENCH_LATENCY_MS (default 100).
#   CI runs it smaller (.ci/run): GATEWAY_BENCH_METERS=300 GATEWAY_BENCH_LARGE=1000.
#
# Prints figures only; it exits 1 when a command fails or a result is wrong.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init gateway_bench "${1:-}"  # $root, $build, $work
emop=$build/apps/emop/emop
sim=$build/apps/emlite-sim/emlite-sim
med=$build/apps/mediators/mediators
meters=${GATEWAY_BENCH_METERS:-1000}
large=${GATEWAY_BENCH_LARGE:-10000}
latency_ms=${GATEWAY_BENCH_LATENCY_MS:-100}
pace_ms=100
pg_port=${GATEWAY_BENCH_PG_PORT:-55451}
for b in "$emop" "$sim" "$med"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done
bench_peak_rss_init
unset MEDIATOR_SERVER EMOP_INVENTORY

stubs=$work/stubs
mkdir -p "$stubs"
protoc -I "$root/lib/gateway/proto" --python_out="$stubs" --grpc_python_out="$stubs" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" mediator.proto || die "protoc failed"

gw_pid=
stop_gateway() { if [[ -n $gw_pid ]]; then kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; gw_pid=; fi; }
trap 'stop_gateway; bench_cleanup' EXIT
# start_gateway ARGS…: the gateway on a free loopback port; $gw (HOST:PORT).
start_gateway() {
  rm -f "$work/gw.port"
  "$med" serve --listen 127.0.0.1:0 --port-file "$work/gw.port" --pace "$pace_ms" "$@" 2>"$work/gw.log" &
  gw_pid=$!
  for _ in $(seq 1 600); do [[ -s "$work/gw.port" ]] && break; kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.1; done
  [[ -s "$work/gw.port" ]] || die "the gateway did not start: $(tail -n 3 "$work/gw.log")"
  gw=127.0.0.1:$(cat "$work/gw.port")
}
gw_rss_mib() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$gw_pid/status"; }

# start_fleet N: N meters (one loopback address each) with their inventory and topology.
start_fleet() {
  local n=$1
  [[ -n $sim_pid ]] && { kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=; }
  start_sim() {
    rm -f "$work/fleet.yaml" "$work/topology.yaml"
    "$sim" serve --meters "$n" --seed 1 --latency "$latency_ms" --port "$1" --fleet-out "$work/fleet.yaml" \
      --topology-out "$work/topology.yaml" 2>"$work/sim.err" &
    sim_pid=$!
    bench_wait_sim "$work/fleet.yaml" "$work/topology.yaml"
  }
  bench_start_sim_on_free_port start_sim
  sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$work/fleet.yaml" >"$work/serials.txt"
  [[ $(wc -l <"$work/serials.txt") -eq $n ]] || die "expected $n meters in the fleet"
}

timed() {  # LABEL CMD…: runs it measured; prints its wall seconds
  local label=$1 t0 t1 status=0
  shift
  t0=$(now_ns)
  bench_run_measured "$label" "$@" || status=$?
  t1=$(now_ns)
  [[ $status -eq 0 ]] || die "$label: $* exited $status: $(grep -v 'debug:' "$work/$label.err" | tail -n 3)"
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }'
}
check_reads() {  # LABEL: one csq line per meter
  [[ $(grep -cE '^[^ ]+ csq=[0-9]+$' "$work/$1.out") -eq $(wc -l <"$work/serials.txt") ]] || die "$1: not one csq line per meter"
}

# --- (a) reads -----------------------------------------------------------------
start_fleet "$meters"
start_gateway --inventory "$work/fleet.yaml" --idle-close 0
"$emop" --inventory "$work/fleet.yaml" csq --serials-file "$work/serials.txt" --concurrency 50 >/dev/null 2>&1 || true  # warm up
direct_s=$(timed reads.direct "$emop" --inventory "$work/fleet.yaml" --concurrency 50 csq --serials-file "$work/serials.txt")
check_reads reads.direct
gw_s=$(timed reads.gateway "$emop" --mediator "$gw" --concurrency 50 csq --serials-file "$work/serials.txt")
check_reads reads.gateway
read -r n_reads load_s per_s p50 p99 wrong < <(/usr/bin/python3 "$root/bench/gateway_load.py" "$stubs" "$gw" 50 "$work/serials.txt")
[[ $wrong -eq 0 && $n_reads -eq $meters ]] || die "gRPC load: $wrong wrong answers of $n_reads"
stop_gateway

# --- (b) the hourly sync, through the gateway and directly ----------------------
bench_start_pg "$pg_port" "$emop"
"$emop" db import "$work/topology.yaml" >/dev/null 2>"$work/import.err" || die "db import: $(tail -n 3 "$work/import.err")"
start_gateway --idle-close 0
check_sync() { grep -qE "^sync hourly: $2 meters, $2 ok, 0 failed," "$work/$1.out" || die "$1: $(cat "$work/$1.out")"; }
timed sync.warmup "$emop" sync --frequency hourly >/dev/null
sync_direct_s=$(timed sync.direct "$emop" sync --frequency hourly)
check_sync sync.direct "$meters"
sync_gw_s=$(timed sync.gateway "$emop" --mediator "$gw" sync --frequency hourly)
check_sync sync.gateway "$meters"
stop_gateway

# --- (c) the large fleet's hourly sync through one gateway ----------------------
start_fleet "$large"
psql -X -q -v ON_ERROR_STOP=1 -c "TRUNCATE flows.meter_registry CASCADE" >/dev/null 2>&1 ||
  die "could not empty meter_registry"
"$emop" db import "$work/topology.yaml" >/dev/null 2>"$work/import.err" || die "db import: $(tail -n 3 "$work/import.err")"
start_gateway --idle-close 0
large_s=$(timed sync.large "$emop" --mediator "$gw" sync --frequency hourly)
check_sync sync.large "$large"
large_gw_rss=$(gw_rss_mib)
large_emop_rss=$(awk '{printf "%.1f", $1 / 1024}' "$work/sync.large.rss")
# The most exchanges one meter needed, from the gateway's call lines.
most=$(awk '$2 == "call" { for (i = 3; i <= NF; i++) if ($i ~ /^serial=/) n[$i]++ } END { m = 0; for (s in n) if (n[s] > m) m = n[s]; print m }' "$work/gw.log")
stop_gateway

awk -v meters="$meters" -v large="$large" -v lat="$latency_ms" -v pace="$pace_ms" \
    -v direct="$direct_s" -v gws="$gw_s" -v n="$n_reads" -v per="$per_s" -v p50="$p50" -v p99="$p99" \
    -v sd="$sync_direct_s" -v sg="$sync_gw_s" -v ls="$large_s" -v most="$most" \
    -v grss="$large_gw_rss" -v erss="$large_emop_rss" '
BEGIN {
  printf "gateway reads: %d meters x csq at %d ms latency, --concurrency 50\n", meters, lat
  over = gws / direct - 1
  printf "  direct_seconds: %.2f  gateway_seconds: %.2f  overhead: %.1f %%  (target < 10 %%: %s)\n", direct, gws, over * 100, (over < 0.10 ? "met" : "MISSED")
  printf "  50 gRPC clients: %d reads, %.1f reads/s, p50 %.1f ms, p99 %.1f ms\n", n, per, p50, p99
  printf "gateway sync: hourly sync of %d meters\n", meters
  so = sg / sd - 1
  printf "  direct_seconds: %.2f  gateway_seconds: %.2f  slower_by: %.1f %%  (target < 10 %%: %s)\n", sd, sg, so * 100, (so < 0.10 ? "met" : "MISSED")
  floor = (most * lat + (most - 1) * pace) / 1000
  r = ls / floor
  printf "gateway large sync: %d meters through one gateway\n", large
  printf "  wall_seconds: %.2f  paced_floor_seconds: %.2f (%d exchanges x %d ms + pacing %d ms)  ratio: %.2f  (target <= 1.3: %s)\n", ls, floor, most, lat, pace, r, (r <= 1.3 ? "met" : "MISSED")
  printf "  peak_rss_mib: %.1f (mediators), %.1f (emop)  (target <= 150 each: %s)\n", grss, erss, (grss <= 150 && erss <= 150 ? "met" : "MISSED")
}'
