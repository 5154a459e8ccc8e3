#!/usr/bin/env bash
# Statement delivery benchmark: N stored statements (default 10,000; each with
# a month of daily use for its chart, ~9 kB a message) emailed by `flows-bill
# statements send` to a local SMTP server (tests/db/smtp_sink.py, aiosmtpd,
# storing every message) over one connection, each delivery recorded in
# public.statement_deliveries before and after its message (a throwaway
# PostgreSQL 15). Baseline, same run: python's smtplib sending the very same
# messages (read back from what the sink stored, held in memory) over one
# connection to a second sink of the same kind; it touches no database.
#
#   bench/statement_delivery_bench.sh [BUILD_DIR]       (default: build/; full size, 10,000)
#   MAIL_BENCH_STATEMENTS=1000 bench/statement_delivery_bench.sh build    (the CI size)
#
# Target: at least 200 messages/s. Prints figures ("met"/"MISSED"); exits 1 only
# when a command fails or a message is missing.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init statement_delivery_bench "${1:-}"  # $root, $build, $work
bill=$build/apps/flows-bill/flows-bill
emop=$build/apps/emop/emop
n=${MAIL_BENCH_STATEMENTS:-10000}
for b in "$bill" "$emop"; do [[ -x $b ]] || die "$b is missing: build first"; done
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || die "python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)"
bench_start_pg "${MAIL_BENCH_PG_PORT:-55453}" "$emop"

sink_pids=()
stop_sinks() { local p; for p in "${sink_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; sink_pids=(); }
trap 'stop_sinks; bench_cleanup' EXIT
start_sink() {  # NAME: sets port
  /usr/bin/python3 "$root/tests/db/smtp_sink.py" --dir "$work/$1" --port-file "$work/$1.port" 2>"$work/$1.log" &
  sink_pids+=($!)
  for _ in $(seq 1 100); do [[ -s "$work/$1.port" ]] && break; sleep 0.1; done
  [[ -s "$work/$1.port" ]] || die "the SMTP sink $1 did not start: $(tail -n 3 "$work/$1.log")"
  port=$(cat "$work/$1.port")
}

# N customers of one ESCO, June 2024: power (100 + i mod 400) kWh at 0.20 £/kWh,
# standing charge 0.50 £/day x 30, 30 days of daily use.
psql -qAt -v ON_ERROR_STOP=1 -v n="$n" >/dev/null <<'SQL' || die "loading the statements failed"
INSERT INTO flows.escos (code, name, region) VALUES ('bench', 'Bench', 'london');
INSERT INTO public.customers (fullname, email)
  SELECT format('Customer %s', i), format('c%s@bench.example', i) FROM generate_series(1, :n) i;
INSERT INTO public.monthly_statements (customer, month, esco, total_pence, statement)
  SELECT c.id, '2024-06-01', e.id, ((k.kwh * 0.20 + 15.00) * 100)::bigint, jsonb_build_object(
    'month', '2024-06', 'days', 30, 'customer', jsonb_build_object('id', c.id, 'name', c.fullname, 'email', c.email),
    'account_number', k.i, 'plot', 'Plot ' || k.i, 'esco', 'bench',
    'usage', jsonb_build_object('power_kwh', k.kwh::text, 'heat_kwh', '0',
             'circuits', jsonb_build_array(jsonb_build_object('name', 'power', 'type', 'power', 'kwh', k.kwh::text))),
    'rates', jsonb_build_object(
       'customer', jsonb_build_object('unit_rate', '0.20000', 'standing_charge', '0.50000'),
       'microgrid', jsonb_build_object('unit_rate', '0.20000', 'standing_charge', '0.50000'),
       'benchmark', jsonb_build_object('unit_rate', '0.25000', 'standing_charge', '0.60000')),
    'costs', jsonb_build_object(
       'customer', jsonb_build_object('power', (k.kwh * 0.20)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '15.00', 'total', (k.kwh * 0.20 + 15)::numeric(10,2)::text),
       'microgrid', jsonb_build_object('power', (k.kwh * 0.20)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '15.00', 'total', (k.kwh * 0.20 + 15)::numeric(10,2)::text),
       'benchmark', jsonb_build_object('power', (k.kwh * 0.25)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '18.00', 'total', (k.kwh * 0.25 + 18)::numeric(10,2)::text)),
    'saving', ((k.kwh * 0.25 + 18) - (k.kwh * 0.20 + 15))::numeric(10,2)::text,
    'solar_credit_pence', 0, 'topups_pence', 0, 'payments_pence', 0, 'balance_at_month_end', '12.34',
    'daily', (SELECT jsonb_agg(jsonb_build_object('day', format('2024-06-%s', lpad(d::text, 2, '0')),
                                                  'kwh', round(k.kwh / 30.0, 3)::text) ORDER BY d)
              FROM generate_series(1, 30) d),
    'total_pence', ((k.kwh * 0.20 + 15.00) * 100)::bigint)
  FROM (SELECT i, 100 + i % 400 AS kwh, format('c%s@bench.example', i) AS email FROM generate_series(1, :n) i) k
  JOIN public.customers c ON c.email = k.email CROSS JOIN flows.escos e WHERE e.code = 'bench';
SQL

start_sink flows
export XDG_CONFIG_HOME=$work/config
mkdir -p "$XDG_CONFIG_HOME/flows"
printf '[environments.local]\nsmtp_url = "smtp://127.0.0.1:%s"\nsmtp_from = "Bench Billing <billing@bench.example>"\n' \
  "$port" >"$XDG_CONFIG_HOME/flows/config.toml"
unset FLOWS_ENV FLOWS_SMTP_URL FLOWS_SMTP_PASSWORD FLOWS_SMTP_STARTTLS

t0=$(now_ns)
"$bill" statements send --month 2024-06 >"$work/send.out" 2>"$work/send.err" ||
  die "flows-bill statements send exited $?: $(tail -n 3 "$work/send.err")"
t1=$(now_ns)
got=$(find "$work/flows" -name '*.eml' | wc -l)
[[ $got -eq $n ]] || die "the sink received $got messages, expected $n"
sent=$(psql -qAt -c "SELECT count(*) FROM public.statement_deliveries WHERE outcome = 'sent'")
[[ $sent -eq $n ]] || die "$sent deliveries recorded sent, expected $n"
bytes=$(find "$work/flows" -name '*.eml' -printf '%s\n' | awk '{ s += $1 } END { print s }')

start_sink baseline
base_s=$(/usr/bin/python3 - "$work/flows" "$port" <<'PY'
import glob, smtplib, sys, time
msgs = []
for p in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    env = open(p[:-4] + ".env").read().split("\n")
    msgs.append((env[0][len("MAIL FROM "):], env[1][len("RCPT TO "):], open(p, "rb").read()))
t = time.perf_counter()
s = smtplib.SMTP("127.0.0.1", int(sys.argv[2]))
for frm, to, data in msgs:
    s.sendmail(frm, [to], data)
s.quit()
print("%.3f" % (time.perf_counter() - t))
PY
) || die "the smtplib baseline failed"
base_got=$(find "$work/baseline" -name '*.eml' | wc -l)
[[ $base_got -eq $n ]] || die "the baseline sink received $base_got messages, expected $n"

awk -v n="$n" -v s="$(awk -v ns=$((t1 - t0)) 'BEGIN { print ns / 1e9 }')" -v base="$base_s" -v bytes="$bytes" '
BEGIN {
  rate = n / s; base_rate = n / base
  printf "statement delivery: %d statements, %.1f kB a message, one SMTP connection to a local aiosmtpd\n", n, bytes / n / 1024
  printf "flows_bill_seconds: %.2f  (statements read, %d deliveries recorded before and after each message)\n", s, n
  printf "messages_per_second: %.0f  (target >= 200: %s)\n", rate, (rate >= 200 ? "met" : "MISSED")
  printf "baseline_smtplib_messages_per_second: %.0f  (the same messages, one connection, no database)\n", base_rate
  printf "ratio_vs_baseline: %.2f\n", rate / base_rate
}'
