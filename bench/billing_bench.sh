#!/usr/bin/env bash
# Billing benchmark: a community of 10,000 customers (a power and a heat circuit
# each) with a month of half-hourly data (28.8 M rows), in a throwaway
# PostgreSQL 15. Times `flows-bill run` for the month and a baseline computing
# the same costs one customer at a time with a query per customer (billing_baseline,
# same run, same database), and checks the two give identical results.
#
#   bench/billing_bench.sh [BUILD_DIR]       (default: build/)
#   BILL_BENCH_CUSTOMERS=N to change the size.
#
# flows-bill reads whole UK days from the daily rollup that migration 0009 keeps
# with the half hours (rebuilt here after the bulk load, which bypasses its
# triggers; setup time); the baseline sums each customer's half hours, as a
# first script would. Both give the same costs.
#
# Targets: the month in under 60 s; at least 5x faster than the baseline. Prints
# figures ("met"/"MISSED"); exits 1 only when a command fails or results differ.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init billing_bench "${1:-}"  # $root, $build, $work
bill=$build/apps/flows-bill/flows-bill
emop=$build/apps/emop/emop
baseline=$build/bench/billing_baseline
customers=${BILL_BENCH_CUSTOMERS:-10000}
for b in "$bill" "$emop" "$baseline"; do [[ -x $b ]] || die "$b is missing: build first"; done
bench_start_pg "${BILL_BENCH_PG_PORT:-55452}" "$emop"
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

t0=$(now_ns)
psql -qAt -v ON_ERROR_STOP=1 -v customers="$customers" -f "$root/bench/billing_community.sql" >/dev/null ||
  die "loading the community failed"
t1=$(now_ns)
rows=$(psql -qAt -c "SELECT count(*) FROM flows.register_interval_hh")
"$bill" tariffs quarter --start 2024-04-01 >/dev/null 2>&1 || die "flows-bill tariffs quarter failed"

t2=$(now_ns)
"$bill" run --month 2024-06 --as-of 2024-07-15 --json >"$work/run.json" 2>"$work/run.err" ||
  die "flows-bill run exited $?: $(tail -n 3 "$work/run.err")"
t3=$(now_ns)
billed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['customers_billed'])" "$work/run.json")
[[ $billed -eq $customers ]] || die "flows-bill billed $billed customers, expected $customers"

"$baseline" --month 2024-06 --days 30 >"$work/baseline.out" 2>"$work/baseline.err" ||
  die "baseline failed or differs: $(cat "$work/baseline.out" "$work/baseline.err" | tail -n 4)"
base_s=$(sed -n 's/^baseline_seconds: //p' "$work/baseline.out")

awk -v customers="$customers" -v rows="$rows" -v load="$(secs $((t1 - t0)))" -v run="$(secs $((t3 - t2)))" \
    -v base="$base_s" '
BEGIN {
  speedup = base / run
  printf "billing: %d customers (power + heat circuits), June 2024, %d half-hourly rows\n", customers, rows
  printf "community_load_seconds: %.1f (setup, not measured)\n", load
  printf "run_seconds: %.2f  (target < 60: %s; whole days from register_interval_daily)\n", run, (run < 60 ? "met" : "MISSED")
  printf "baseline_per_customer_query_seconds: %.2f  (sums half hours)\n", base
  printf "speedup_vs_baseline: %.1f  (target >= 5: %s)\n", speedup, (speedup >= 5 ? "met" : "MISSED")
  printf "results: identical (every monthly_costs amount equals the baseline'"'"'s)\n"
}'
