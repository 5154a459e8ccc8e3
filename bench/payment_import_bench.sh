#!/usr/bin/env bash
# Bank file import benchmark: a 100,000-line bank statement (CSV, the default
# mapping) for a community of 1,000 customers, in a throwaway PostgreSQL 15,
# timed two ways in the same run:
#
#   bench/payment_import_bench.sh [BUILD_DIR]          (default: build/; full size)
#   PAYMENT_BENCH_LINES=20000 bench/payment_import_bench.sh build   (the CI size)
#
#   * `flows-bill payments import FILE --source bench` into the fresh database:
#     parse and validate every line, match it (account number, email), COPY the
#     lines into a temporary table and insert payment_lines and payments
#     set-based, one transaction;
#   * psql's \copy of the same file into a plain table of the same columns
#     (date, amount numeric, reference, payer, payer_reference, description,
#     status): what a bulk load of the rows costs.
# And the same file imported again (every line already imported: nothing new).
#
# Lines: 90 % name an account as FLOWS-N, 5 % give the customer's email, 5 %
# name nobody (unmatched); 1 in 20 is pending, 1 in 50 failed; amounts 1.00 to
# 500.00. Target: the import at least 0.5x the \copy rate.
#
# Checked: payment_lines holds every line once; payments has exactly the
# matched lines with their exact sum (computed by the generator); the second
# import reports 0 new and changes nothing. Prints figures only; exits 1 when a
# command fails or a result is wrong.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init payment_import_bench "${1:-}"  # $root, $build, $work
bill=$build/apps/flows-bill/flows-bill
emop=$build/apps/emop/emop
lines=${PAYMENT_BENCH_LINES:-100000}
customers=${PAYMENT_BENCH_CUSTOMERS:-1000}
target_copy_ratio=0.5
for b in "$bill" "$emop"; do [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"; done
bench_start_pg "${PAYMENT_BENCH_PG_PORT:-55453}" "$emop"
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# --- the community: $customers live customers, supply accounts 1..N ---------------
sql -v n="$customers" >/dev/null <<'SQL' || die "cannot create the community"
INSERT INTO flows.escos (code, name, region) VALUES ('bench', 'Benchmark ESCO', 'london');
INSERT INTO public.properties (plot, esco) SELECT 'P' || i, (SELECT id FROM flows.escos) FROM generate_series(1, :n) i;
INSERT INTO public.customers (fullname, email, status)
  SELECT 'Customer ' || i, 'c' || i || '@bench.example', 'live' FROM generate_series(1, :n) i;
INSERT INTO public.accounts (account_number, property, type, status)
  SELECT substr(p.plot, 2)::bigint, p.id, 'supply', 'open' FROM public.properties p;
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier' FROM public.customers c
  JOIN public.accounts a ON a.account_number = substr(split_part(c.email, '@', 1), 2)::bigint;
SQL

# --- the file, and what it must give (matched lines and their pence) ---------------
python3 - "$lines" "$customers" "$work/bank.csv" "$work/expected" <<'EOF' || die "cannot write the bank file"
import sys
lines, customers, path, expected = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
matched = pence_total = 0
with open(path, "w") as f:
    f.write("date,amount,reference,payer,payer_reference,description,status\n")
    for i in range(lines):
        c = i % customers + 1
        pence = 100 + (i * 7919) % 49901          # 1.00 .. 500.00
        status = "pending" if i % 20 == 7 else "failed" if i % 50 == 3 else "succeeded"
        day = 1 + i % 30
        kind = i % 20
        if kind == 0:      # the customer's email
            ref, desc = "", "energy c%d@bench.example" % c
        elif kind == 1:    # nobody
            ref, desc = "", "transfer T%d" % i
        else:              # the account number
            ref, desc = "FLOWS-%d" % c, "BGC"
        if kind != 1:
            matched += 1
            pence_total += pence
        f.write('2024-06-%02d,%d.%02d,BK%08d,"CUSTOMER %d, THE",%s,%s,%s\n'
                % (day, pence // 100, pence % 100, i, c, ref, desc, status))
with open(expected, "w") as f:
    f.write("%d %d\n" % (matched, pence_total))
EOF
read -r want_payments want_pence <"$work/expected"
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

# --- 1. flows-bill payments import into the fresh database ------------------------
t0=$(now_ns)
"$bill" payments import "$work/bank.csv" --source bench --json >"$work/import.json" 2>"$work/import.err" ||
  die "payments import failed: $(tail -n 3 "$work/import.err")"
t1=$(now_ns)
import_ns=$((t1 - t0))
got=$(sql -F ' ' -c "SELECT (SELECT count(*) FROM public.payment_lines), count(*), COALESCE(sum(amount_pence), 0) FROM public.payments")
[[ $got == "$lines $want_payments $want_pence" ]] ||
  die "expected $lines lines and $want_payments payments of $want_pence p, found (lines payments pence) $got"

# --- 2. the same file again: nothing new -------------------------------------------
before=$(sql -c "SELECT md5(string_agg(row(p.*)::text, '|' ORDER BY p.id)) FROM public.payments p")
t0=$(now_ns)
"$bill" payments import "$work/bank.csv" --source bench --json >"$work/again.json" 2>"$work/again.err" ||
  die "the second import failed: $(tail -n 3 "$work/again.err")"
t1=$(now_ns)
again_ns=$((t1 - t0))
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d["new"] == 0 and d["already_imported"] == int(sys.argv[2]) else 1)' \
  "$work/again.json" "$lines" || die "the second import was not all 'already imported': $(cat "$work/again.json")"
[[ $(sql -c "SELECT md5(string_agg(row(p.*)::text, '|' ORDER BY p.id)) FROM public.payments p") == "$before" ]] ||
  die "the second import changed payments"

# --- 3. the baseline: \copy of the same file into a plain table ---------------------
sql -c "CREATE TABLE bench_copy (date date, amount numeric, reference text, payer text, payer_reference text,
                                 description text, status text)" >/dev/null
t0=$(now_ns)
sql -c '\copy bench_copy FROM pstdin WITH (FORMAT csv, HEADER true)' <"$work/bank.csv" >/dev/null 2>"$work/copy.err" ||
  die "\\copy failed: $(tail -n 3 "$work/copy.err")"
t1=$(now_ns)
copy_ns=$((t1 - t0))
[[ $(sql -c "SELECT count(*) FROM bench_copy") -eq $lines ]] || die "\\copy did not load $lines rows"

awk -v lines="$lines" -v customers="$customers" -v payments="$want_payments" -v pence="$want_pence" \
    -v import_ns="$import_ns" -v again_ns="$again_ns" -v copy_ns="$copy_ns" -v tc="$target_copy_ratio" '
BEGIN {
  imp = lines / (import_ns / 1e9); again = lines / (again_ns / 1e9); copy = lines / (copy_ns / 1e9); r = imp / copy
  printf "payment import: %d bank lines, %d customers; %d payments (%s p) created, %d unmatched\n", lines, customers, payments, pence, lines - payments
  printf "import_rows_per_second: %.0f  (%.2f s: flows-bill payments import, process start to exit, one transaction)\n", imp, import_ns / 1e9
  printf "reimport_rows_per_second: %.0f  (%.2f s: the same file again, 0 new)\n", again, again_ns / 1e9
  printf "psql_copy_rows_per_second: %.0f  (%.2f s: \\copy into a plain table of the same columns)\n", copy, copy_ns / 1e9
  printf "import_over_copy: %.2f  (target >= %s: %s)\n", r, tc, (r >= tc ? "met" : "MISSED")
  printf "checked: every line stored once, payments = the matched lines with their exact sum; re-import changes nothing\n"
}'
