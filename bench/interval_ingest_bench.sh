#!/usr/bin/env bash
# Interval ingest benchmark: one month of half-hourly kWh for 1,000 meters
# (1,000 x 30 x 48 = 1,440,000 rows) into flows.register_interval_hh of a
# throwaway PostgreSQL 15, three ways, in the same run:
#
#   bench/interval_ingest_bench.sh [BUILD_DIR]        (default: build/)
#
#   * the library: jobs::write_intervals, the write half of `emop sync
#     intervals` (the meter reads are not measured), into the empty table;
#   * psql's \copy of the same rows (CSV register_id,timestamp,kwh) into the
#     emptied table: what a bulk load costs;
#   * one prepared, parameterised INSERT per row, in one transaction, into the
#     emptied table, for a sample of the rows (20,000 by default).
# Every method commits inside its timing (the deferred foreign-key checks run at
# commit). Targets: the library at least 0.5x the \copy rate and at least 10x
# the per-row rate.
#
# Checked: after each method exactly the expected rows are there; the library's
# rows and \copy's are the same rows (count, sum(kwh) and a sum of row hashes);
# writing the same intervals again through the library changes nothing.
#
# Prints figures only; it never fails because a figure is off target. It exits 1
# when a command fails or a result is wrong.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init interval_ingest_bench "${1:-}"  # $root, $build, $work
emop=$build/apps/emop/emop
bench=$build/bench/interval_ingest_bench

meters=${INTERVAL_BENCH_METERS:-1000}
days=30
from=2025-04-01                 # April: 30 days, no clock change in UTC
sample=${INTERVAL_BENCH_SAMPLE:-20000}
pg_port=${INTERVAL_BENCH_PG_PORT:-55442}
target_copy_ratio=0.5
target_per_row_ratio=10
expected=$((meters * days * 48))

for b in "$emop" "$bench"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done
((sample <= expected)) || die "the per-row sample ($sample) is larger than the data set ($expected)"

# --- the database -----------------------------------------------------------
bench_start_pg "$pg_port" "$emop"
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# The meters: one ESCO, $meters active meters on distinct loopback addresses,
# each with one SINGLE power register since before the month.
sql -v meters="$meters" -v reg_start="2025-01-01T00:00:00Z" >/dev/null <<'SQL' || die "cannot create the meters"
INSERT INTO flows.escos (code, name, region) VALUES ('bench', 'Benchmark ESCO', 'london');
INSERT INTO flows.meter_registry (serial, ip_address, emop_port, mode, esco, hardware)
  SELECT 'EMLB' || lpad(i::text, 7, '0'), ('127.2.' || (i / 250) || '.' || (i % 250 + 1))::inet, 8080, 'active',
         (SELECT id FROM flows.escos WHERE code = 'bench'), 'B1.w'
  FROM generate_series(1, :meters) AS i;
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
  SELECT id, 'power', 'SINGLE', :'reg_start'::timestamptz FROM flows.meter_registry;
SQL
n=$(sql -c "SELECT count(*) FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id WHERE m.mode = 'active'")
[[ $n -eq $meters ]] || die "expected $meters registers, found $n"

# --- measuring --------------------------------------------------------------
kv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }  # kv LINE KEY

# fingerprint: "count sum(kwh) sum(row hashes)" of register_interval_hh.
fingerprint() {
  sql -F ' ' -c "SELECT count(*), COALESCE(sum(kwh), 0),
                        COALESCE(sum(hashtextextended(register_id::text || ' ' || \"timestamp\"::text || ' ' || kwh::text, 0)), 0)
                 FROM flows.register_interval_hh"
}
expect_rows() {  # LABEL N: exactly N rows in the table
  local n
  n=$(sql -c "SELECT count(*) FROM flows.register_interval_hh")
  [[ $n -eq $2 ]] || die "$1: expected $2 rows in register_interval_hh, found $n"
}
empty_table() { sql -c "TRUNCATE flows.register_interval_hh" >/dev/null; }

run_bench() {  # LABEL ARGS...: the bench's one result line
  local out
  out=$("$bench" --from "$from" --days "$days" "${@:2}" 2>"$work/$1.err") ||
    die "$1: interval_ingest_bench failed: $(tail -n 3 "$work/$1.err")"
  [[ $(kv "$out" rows) =~ ^[0-9]+$ ]] || die "$1: no result line from interval_ingest_bench: $out"
  echo "$out"
}

# 1. The library into the empty table (and the CSV of the same rows, untimed).
expect_rows "before" 0
lib=$(run_bench library --write library --csv "$work/rows.csv")
[[ $(kv "$lib" rows) -eq $expected && $(kv "$lib" rows_written) -eq $expected ]] ||
  die "library: expected $expected rows written, the library reports: $lib"
expect_rows "library" "$expected"
lib_fp=$(fingerprint)
[[ $(wc -l <"$work/rows.csv") -eq $expected ]] || die "the CSV does not have $expected rows"

# 2. The same intervals again: nothing may change.
rerun=$(run_bench rerun --write library)
[[ $(kv "$rerun" rows_written) -eq 0 ]] || die "re-run: the library changed rows writing the same intervals: $rerun"
[[ $(fingerprint) == "$lib_fp" ]] || die "re-run: the rows differ from the first run's"

# 3. \copy of the same rows into the emptied table.
empty_table
t0=$(now_ns)
sql -c '\copy flows.register_interval_hh (register_id, "timestamp", kwh) FROM pstdin WITH (FORMAT csv)' \
  <"$work/rows.csv" >/dev/null 2>"$work/copy.err" || die "\\copy failed: $(tail -n 3 "$work/copy.err")"
t1=$(now_ns)
copy_ns=$((t1 - t0))
expect_rows "\\copy" "$expected"
copy_fp=$(fingerprint)
[[ $copy_fp == "$lib_fp" ]] || die "the library's rows ($lib_fp) are not \\copy's ($copy_fp)"

# 4. Per-row INSERTs of a sample into the emptied table.
empty_table
per_row=$(run_bench per-row --write per-row --sample "$sample")
[[ $(kv "$per_row" rows) -eq $sample ]] || die "per-row: expected $sample rows, the bench reports: $per_row"
expect_rows "per-row" "$sample"

awk -v meters="$meters" -v days="$days" -v expected="$expected" -v sample="$sample" \
    -v lib_s="$(kv "$lib" seconds)" -v lib_path="$(kv "$lib" path)" -v lib_commit="$(kv "$lib" commit_seconds)" \
    -v rerun_s="$(kv "$rerun" seconds)" -v rerun_path="$(kv "$rerun" path)" \
    -v copy_ns="$copy_ns" -v row_s="$(kv "$per_row" seconds)" -v row_commit="$(kv "$per_row" commit_seconds)" \
    -v tc="$target_copy_ratio" -v tr="$target_per_row_ratio" -v fp="$lib_fp" '
BEGIN {
  lib = expected / lib_s; rerun = expected / rerun_s; copy = expected / (copy_ns / 1e9); row = sample / row_s
  rc = lib / copy; rr = lib / row
  printf "interval ingest: %d meters x %d days x 48 = %d rows into register_interval_hh\n", meters, days, expected
  printf "library_rows_per_second: %.0f  (%.2f s, %s COPY into the empty table; commit %.2f s)\n", lib, lib_s, lib_path, lib_commit
  printf "library_rerun_rows_per_second: %.0f  (%.2f s, %s: same rows again, 0 changed)\n", rerun, rerun_s, rerun_path
  printf "psql_copy_rows_per_second: %.0f  (%.2f s)\n", copy, copy_ns / 1e9
  printf "per_row_insert_rows_per_second: %.0f  (sample of %d rows, prepared INSERT each, one transaction; commit %.2f s)\n", row, sample, row_commit
  printf "note: the commit runs the deferred foreign-key check of every row (register_interval_hh -> meter_registers), in all three methods\n"
  printf "library_over_copy: %.2f  (target >= %s: %s)\n", rc, tc, (rc >= tc ? "met" : "MISSED")
  printf "library_over_per_row: %.1f  (target >= %d: %s)\n", rr, tr, (rr >= tr ? "met" : "MISSED")
  printf "checked: exact row counts; library rows = \\copy rows (count, sum(kwh), row hashes: %s); re-run idempotent\n", fp
}'
