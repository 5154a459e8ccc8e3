#!/usr/bin/env bash
# flows-bill statements send against a database of its own and a real SMTP server
# on 127.0.0.1 (tests/db/smtp_sink.py, Debian's python3-aiosmtpd), every message
# the server received parsed with python's email module:
#   a missing smtp_url / smtp_from: exit 3, one line naming it, nothing sent or
#   recorded; 200 statements delivered over one connection (To, Subject, the HTML
#   body's total and the attached CSV's figures per customer, a non-ASCII name as
#   an encoded-word, the Message-ID recorded); a re-run sending none; --resend
#   sending again; a refused recipient recorded failed with the server's reply; a
#   connection dropped after DATA recorded unknown and not re-sent without
#   --resend; addresses missing or invalid failed without reaching the server;
#   a run killed while the server holds its reply: that one unknown, the one
#   before sent, the rest sent by the re-run, the unknown one never again;
#   exit 7 then; STARTTLS required (a self-signed certificate verified through
#   smtp_ca_cert) with AUTH PLAIN and AUTH LOGIN, a wrong password refused, the
#   password never printed; STARTTLS required of a server without it refused.
#   statements_send_test.sh FLOWS_BILL EMOP      (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN"
SINK_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/smtp_sink.py"
SINK_PIDS=()

RUN_PID=""
test_cleanup() {  # called by lib.sh's db_cleanup on exit
  local p
  [[ -n "$RUN_PID" ]] && kill -9 "$RUN_PID" 2>/dev/null
  for p in "${SINK_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}

# start_sink NAME ARGS...: a sink storing into $WORK/NAME; sets PORT.
start_sink() {
  local name=$1; shift
  mkdir -p "$WORK/$name"
  /usr/bin/python3 "$SINK_PY" --dir "$WORK/$name" --port-file "$WORK/$name.port" "$@" 2>"$WORK/$name.log" &
  SINK_PIDS+=($!)
  for _ in $(seq 1 100); do [[ -s "$WORK/$name.port" ]] && break; sleep 0.1; done
  [[ -s "$WORK/$name.port" ]] || { echo "FATAL: smtp sink $name did not start"; cat "$WORK/$name.log"; exit 1; }
  PORT=$(cat "$WORK/$name.port")
}
received() { find "$WORK/$1" -name '*.eml' | wc -l; }
deliveries() { sql "SELECT count(*) FROM public.statement_deliveries $1"; }

CONFIG="$XDG_CONFIG_HOME/flows/config.toml"
mkdir -p "$(dirname "$CONFIG")"
write_config() {  # the [environments.local] lines
  printf '[environments.local]\n%s\n' "$1" >"$CONFIG"
  chmod 600 "$CONFIG"
}

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# --- the statements ---------------------------------------------------------------
# ESCO alpha: customers 1..200, c001@example.org …, account 1000+i; customer 7 is
# "Zoë Ünal", the others "Customer NNN". June 2024, 30 days:
#   power kWh = 100 + i at 0.20 £/kWh      -> power £ = (100 + i) x 0.20
#   standing charge 0.50 £/day x 30 days   -> £15.00
#   total = power + 15.00; e.g. i = 1: 101 x 0.20 = 20.20, total 35.20;
#   i = 200: 300 x 0.20 = 60.00, total 75.00
#   benchmark 0.25 £/kWh and 0.60 £/day: (100 + i) x 0.25 + 18.00; saving the difference
#   (i = 1: 25.25 + 18.00 = 43.25, saving 43.25 - 35.20 = 8.05).
# ESCO beta, for what goes wrong (account order): 2001 refused@example.org (the
# server answers 550), 2002 dropped@example.org (the server drops the connection
# after the data), 2003 "not an address", 2004 '' (no address), 2005
# beta-ok@example.org (sent: after the drop, on a new connection).
sql "
INSERT INTO flows.escos (code, name, region) VALUES ('alpha', 'Alpha', 'london'), ('beta', 'Beta', 'london'),
  ('gamma', 'Gamma', 'london');
INSERT INTO public.customers (fullname, email)
  SELECT CASE WHEN i = 7 THEN 'Zoë Ünal' ELSE format('Customer %s', lpad(i::text, 3, '0')) END,
         format('c%s@example.org', lpad(i::text, 3, '0'))
  FROM generate_series(1, 200) i;
INSERT INTO public.customers (fullname, email) VALUES
  ('Refused', 'refused@example.org'), ('Dropped', 'dropped@example.org'), ('Bad', 'not an address'),
  ('Nobody', ''), ('Beta Ok', 'beta-ok@example.org'),
  ('G One', 'g1@example.org'), ('G Stalled', 'stalled@example.org'), ('G Three', 'g3@example.org');
CREATE TEMP TABLE fig AS
  SELECT c.id, c.fullname, c.email, e.id AS esco, e.code,
         CASE WHEN e.code = 'alpha' THEN 1000 + substr(c.email, 2, 3)::int
              WHEN e.code = 'gamma' THEN 3000 + array_position(ARRAY['g1@example.org','stalled@example.org','g3@example.org'], c.email)
              ELSE 2000 + array_position(ARRAY['refused@example.org','dropped@example.org','not an address','','beta-ok@example.org'], c.email) END AS account,
         CASE WHEN e.code = 'alpha' THEN 100 + substr(c.email, 2, 3)::int ELSE 50 END AS kwh
  FROM public.customers c JOIN flows.escos e ON e.code = CASE WHEN c.email LIKE 'c___@example.org' THEN 'alpha'
                                      WHEN c.email IN ('g1@example.org', 'stalled@example.org', 'g3@example.org') THEN 'gamma'
                                      ELSE 'beta' END;
INSERT INTO public.monthly_statements (customer, month, esco, total_pence, statement)
  SELECT id, '2024-06-01', esco, ((kwh * 0.20 + 15.00) * 100)::bigint, jsonb_build_object(
    'month', '2024-06', 'days', 30,
    'customer', jsonb_build_object('id', id, 'name', fullname, 'email', email),
    'account_number', account, 'plot', 'Plot ' || account, 'esco', code,
    'usage', jsonb_build_object('power_kwh', kwh::text, 'heat_kwh', '0',
             'circuits', jsonb_build_array(jsonb_build_object('name', 'power', 'type', 'power', 'kwh', kwh::text))),
    'rates', jsonb_build_object(
       'customer', jsonb_build_object('unit_rate', '0.20000', 'standing_charge', '0.50000'),
       'microgrid', jsonb_build_object('unit_rate', '0.20000', 'standing_charge', '0.50000'),
       'benchmark', jsonb_build_object('unit_rate', '0.25000', 'standing_charge', '0.60000')),
    'costs', jsonb_build_object(
       'customer', jsonb_build_object('power', (kwh * 0.20)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '15.00', 'total', (kwh * 0.20 + 15)::numeric(10,2)::text),
       'microgrid', jsonb_build_object('power', (kwh * 0.20)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '15.00', 'total', (kwh * 0.20 + 15)::numeric(10,2)::text),
       'benchmark', jsonb_build_object('power', (kwh * 0.25)::numeric(10,2)::text, 'heat', '0.00',
                                      'standing_charge', '18.00', 'total', (kwh * 0.25 + 18)::numeric(10,2)::text)),
    'saving', ((kwh * 0.25 + 18) - (kwh * 0.20 + 15))::numeric(10,2)::text,
    'solar_credit_pence', 0, 'topups_pence', 0, 'payments_pence', 0, 'balance_at_month_end', null,
    'daily', '[]'::jsonb, 'total_pence', ((kwh * 0.20 + 15.00) * 100)::bigint)
  FROM fig;" >/dev/null || { echo "FATAL: fixture"; exit 1; }
expect_eq "statements in the fixture" "$(sql "SELECT count(*) FROM public.monthly_statements")" "208"

start_sink plain --refuse refused@example.org --drop-after-data dropped@example.org \
  --stall-after-data stalled@example.org
PLAIN_PORT=$PORT

# --- missing settings: exit 3, one line naming the setting, nothing sent --------------
out=$("$BILL" statements send --month 2024-06 2>&1); rc=$?
expect_eq "no smtp_url: exit" "$rc" "3"
expect_match "no smtp_url: names it" "$out" "^flows-bill: smtp_url is not set"
expect_eq "no smtp_url: one line" "$(printf '%s\n' "$out" | wc -l)" "1"
write_config "smtp_url = \"smtp://127.0.0.1:$PLAIN_PORT\""
out=$("$BILL" statements send --month 2024-06 2>&1); rc=$?
expect_eq "no smtp_from: exit" "$rc" "3"
expect_match "no smtp_from: names it" "$out" "smtp_from is not set"
expect_eq "missing settings: nothing recorded" "$(deliveries "")" "0"
expect_eq "missing settings: nothing received" "$(received plain)" "0"
# `statements` itself still wants --month and --out.
"$BILL" statements --month 2024-06 >/dev/null 2>&1; expect_eq "statements without --out: exit" "$?" "2"

# --- 200 statements delivered ------------------------------------------------------
write_config "smtp_url = \"smtp://127.0.0.1:$PLAIN_PORT\"
smtp_from = \"Alpha Billing <billing@alpha.example>\""
"$BILL" statements send --month 2024-06 --esco alpha --json >"$WORK/send1.json" 2>"$WORK/send1.err"; rc=$?
expect_eq "200 statements: exit" "$rc" "0"
expect_match "200 statements: summary" "$(cat "$WORK/send1.err")" "200 sent, 0 failed, 0 unknown, 0 skipped"
expect_eq "200 statements: received" "$(received plain)" "200"
expect_eq "200 statements: recorded sent with their Message-ID" \
  "$(deliveries "WHERE outcome = 'sent' AND message_id IS NOT NULL AND detail LIKE '250 %'")" "200"
sql "SELECT c.email || '|' || d.message_id FROM public.statement_deliveries d JOIN public.customers c ON c.id = d.customer" \
  >"$WORK/message_ids"
if /usr/bin/python3 - "$WORK/plain" "$WORK/message_ids" "$WORK/send1.json" <<'PY'
import csv, email, email.policy, glob, io, json, sys
d, ids_file, report = sys.argv[1], sys.argv[2], sys.argv[3]
ids = dict(l.strip().split("|", 1) for l in open(ids_file) if l.strip())
rep = json.load(open(report))
assert rep["sent"] == 200 and len(rep["deliveries"]) == 200, rep["sent"]
assert all(x["outcome"] == "sent" and x["message_id"] == ids[x["email"]] for x in rep["deliveries"])
seen = set()
for path in sorted(glob.glob(d + "/*.eml")):
    raw = open(path, "rb").read()
    assert b"\r\n" in raw and max(len(l) for l in raw.split(b"\r\n")) <= 998
    m = email.message_from_bytes(raw, policy=email.policy.default)
    to = m["To"].addresses[0]
    addr = to.addr_spec
    i = int(addr[1:4])
    name = "Zoë Ünal" if i == 7 else "Customer %03d" % i
    assert to.display_name == name, (to.display_name, name)
    env = open(path[:-4] + ".env").read().split("\n")
    assert env[0] == "MAIL FROM billing@alpha.example" and env[1] == "RCPT TO " + addr, env
    assert str(m["From"]) == "Alpha Billing <billing@alpha.example>"
    assert m["Subject"] == "Your energy statement for June 2024", m["Subject"]
    assert m["Message-ID"] == ids[addr], (m["Message-ID"], ids[addr])
    assert m["Date"].datetime is not None
    assert m.get_content_type() == "multipart/mixed"
    # total = (100 + i) x 0.20 + 15.00 in pence, then as pounds
    total_p = (100 + i) * 20 + 1500
    total = "%d.%02d" % (total_p // 100, total_p % 100)
    saving_p = (100 + i) * 5 + 300  # (100 + i) x 0.05 + 3.00
    html = m.get_body(("html",)).get_content()
    assert "\u00a3" + total in html, (addr, total)
    assert name in html
    atts = list(m.iter_attachments())
    assert len(atts) == 1
    a = atts[0]
    assert a.get_filename() == "statement-2024-06-%06d.csv" % (1000 + i), a.get_filename()
    rows = list(csv.DictReader(io.StringIO(a.get_content())))
    assert len(rows) == 1
    r = rows[0]
    assert r["email"] == addr and r["account_number"] == str(1000 + i) and r["customer_name"] == name
    # The fixture's documents are as stored before money was decimal strings
    # (integer *_pence): they are read as today's (total_gbp from total_pence).
    assert r["power_kwh"] == "%d.000" % (100 + i) and r["total_gbp"] == total, (r["power_kwh"], r["total_gbp"], total)
    assert r["standing_charge_gbp"] == "15.00" and r["saving_gbp"] == "%d.%02d" % (saving_p // 100, saving_p % 100)
    assert r["topups_gbp"] == "0.00" and r["balance_at_month_end_gbp"] == "none", (r["topups_gbp"], r["balance_at_month_end_gbp"])
    seen.add(i)
assert seen == set(range(1, 201)), len(seen)
# Spot checks by hand: customer 1 total 35.20, saving 8.05; customer 200 total 75.00.
m1 = [p for p in glob.glob(d + "/*.env") if "RCPT TO c001@" in open(p).read()][0]
assert "\u00a335.20" in email.message_from_bytes(open(m1[:-4] + ".eml", "rb").read(), policy=email.policy.default).get_body(("html",)).get_content()
PY
then pass; else fail "the 200 messages received do not hold what the statements say"; fi
# The non-ASCII name travels as an encoded-word.
z=$(grep -l "RCPT TO c007@" "$WORK"/plain/*.env); z=${z%.env}.eml
expect_match "Zoë Ünal as an encoded-word" "$(grep -a '^To:' "$z")" '^To: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <c007@example.org>'

# --- a re-run sends none; --resend sends again ----------------------------------------
"$BILL" statements send --month 2024-06 --esco alpha >"$WORK/send2.out" 2>"$WORK/send2.err"; rc=$?
expect_eq "re-run: exit" "$rc" "0"
expect_match "re-run: all skipped" "$(cat "$WORK/send2.err")" "0 sent, 0 failed, 0 unknown, 200 skipped"
expect_eq "re-run: nothing received" "$(received plain)" "200"
expect_eq "re-run: nothing recorded" "$(deliveries "")" "200"
expect_match "re-run: the table says why" "$(grep c001@ "$WORK/send2.out")" "skipped +already sent"
"$BILL" statements send --month 2024-06 --customer c001@example.org --resend --json >"$WORK/send3.json" 2>/dev/null; rc=$?
expect_eq "--resend: exit" "$rc" "0"
expect_eq "--resend: received again" "$(received plain)" "201"
expect_eq "--resend: a second sent delivery" \
  "$(deliveries "d JOIN public.customers c ON c.id = d.customer WHERE c.email = 'c001@example.org' AND outcome = 'sent'")" "2"
expect_eq "--resend: a new Message-ID" \
  "$(sql "SELECT count(DISTINCT message_id) FROM public.statement_deliveries d JOIN public.customers c ON c.id = d.customer WHERE c.email = 'c001@example.org'")" "2"

# --- what goes wrong ----------------------------------------------------------------
"$BILL" statements send --month 2024-06 --esco beta --json >"$WORK/beta.json" 2>"$WORK/beta.err"; rc=$?
expect_eq "beta: exit 7 (failed and unknown)" "$rc" "7"
expect_match "beta: summary" "$(cat "$WORK/beta.err")" "1 sent, 3 failed, 1 unknown, 0 skipped"
outcome_of() { sql "SELECT string_agg(d.outcome || '|' || coalesce(d.detail, ''), ',' ORDER BY d.id)
                    FROM public.statement_deliveries d JOIN public.customers c ON c.id = d.customer WHERE c.email = '$1'"; }
expect_eq "refused: failed with the server's reply" "$(outcome_of refused@example.org)" "failed|550 5.1.1 mailbox unavailable"
expect_match "dropped: unknown" "$(outcome_of dropped@example.org)" "^unknown\|no reply after the message data"
expect_eq "invalid address: failed" "$(outcome_of 'not an address')" "failed|invalid email address \"not an address\""
expect_eq "no address: failed" "$(outcome_of '')" "failed|no email address"
expect_match "after the drop, the next one is sent" "$(outcome_of beta-ok@example.org)" "^sent\|250 "
expect_eq "the dropped message reached the server" "$(find "$WORK/plain" -name '*.dropped' | wc -l)" "1"
expect_eq "beta: received (the refused and invalid ones never)" "$(received plain)" "202"
expect_eq "beta: no RCPT for the invalid addresses" "$(grep -l 'not an address' "$WORK"/plain/*.env 2>/dev/null | wc -l)" "0"
if /usr/bin/python3 - "$WORK/beta.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by = {x["email"]: x for x in r["deliveries"]}
assert (r["sent"], r["failed"], r["unknown"], r["skipped"]) == (1, 3, 1, 0)
assert by["refused@example.org"]["outcome"] == "failed" and by["refused@example.org"]["message_id"] is None
assert by["dropped@example.org"]["outcome"] == "unknown" and by["dropped@example.org"]["message_id"].startswith("<statement-2024-06-002002.d")
assert [x["account_number"] for x in r["deliveries"]] == [2001, 2002, 2003, 2004, 2005]
PY
then pass; else fail "beta's JSON report"; fi
# A re-run retries what failed, skips the unknown one and the sent one.
"$BILL" statements send --month 2024-06 --esco beta >/dev/null 2>"$WORK/beta2.err"; rc=$?
expect_eq "beta re-run: exit 7" "$rc" "7"
expect_match "beta re-run: unknown and sent skipped" "$(cat "$WORK/beta2.err")" "0 sent, 3 failed, 0 unknown, 2 skipped"
expect_eq "beta re-run: the dropped one not sent again" "$(find "$WORK/plain" -name '*.dropped' | wc -l)" "1"
expect_match "beta re-run: a warning about unknown deliveries only when there are some" "$(cat "$WORK/beta.err")" "may have reached"
"$BILL" statements send --month 2024-06 --customer dropped@example.org --resend >/dev/null 2>&1; rc=$?
expect_eq "--resend of the unknown one: attempted (dropped again): exit 7" "$rc" "7"
expect_eq "--resend of the unknown one: reached the server again" "$(find "$WORK/plain" -name '*.dropped' | wc -l)" "2"
"$BILL" statements send --month 2024-06 --customer nobody@example.org >/dev/null 2>&1; rc=$?
expect_eq "a customer without a statement: exit 3" "$rc" "3"
"$BILL" statements send --month 2024-6 >/dev/null 2>&1; expect_eq "a bad month: exit 2" "$?" "2"
"$BILL" statements send --month 2024-06 --esco nosuch >/dev/null 2>&1; expect_eq "an unknown ESCO: exit 2" "$?" "2"

# --- killed while the server holds its reply: unknown, never sent twice -----------------
"$BILL" statements send --month 2024-06 --esco gamma >/dev/null 2>&1 &
RUN_PID=$!
for _ in $(seq 1 300); do [[ -n "$(find "$WORK/plain" -name '*.stalled')" ]] && break; sleep 0.1; done
kill -9 "$RUN_PID" 2>/dev/null; wait "$RUN_PID" 2>/dev/null
expect_eq "killed: the stalled message reached the server" "$(find "$WORK/plain" -name '*.stalled' | wc -l)" "1"
expect_match "killed: g1 sent" "$(outcome_of g1@example.org)" "^sent\|250 "
expect_eq "killed: the one in flight is unknown" "$(outcome_of stalled@example.org)" "unknown|"
expect_eq "killed: g3 never attempted" "$(outcome_of g3@example.org)" ""
"$BILL" statements send --month 2024-06 --esco gamma >"$WORK/gamma.out" 2>"$WORK/gamma.err"; rc=$?
expect_eq "after the crash: exit" "$rc" "0"
expect_match "after the crash: only g3 sent" "$(cat "$WORK/gamma.err")" "1 sent, 0 failed, 0 unknown, 2 skipped"
expect_match "after the crash: the unknown one skipped, saying so" "$(grep stalled@ "$WORK/gamma.out")" "skipped +already unknown"
expect_eq "after the crash: the stalled one not sent again" "$(find "$WORK/plain" -name '*.stalled' | wc -l)" "1"

# --- STARTTLS and AUTH ----------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$WORK/sink.key" -out "$WORK/sink.crt" >/dev/null 2>&1 || { echo "FATAL: openssl"; exit 1; }
PASSWORD='s3cret-Pa55'
start_sink tls --tls-cert "$WORK/sink.crt" --tls-key "$WORK/sink.key" --require-starttls --auth "flows:$PASSWORD"
TLS_PORT=$PORT
start_sink login --tls-cert "$WORK/sink.crt" --tls-key "$WORK/sink.key" --require-starttls --auth "flows:$PASSWORD" \
  --auth-exclude PLAIN
LOGIN_PORT=$PORT
tls_config() {  # PORT
  write_config "smtp_url = \"smtp://127.0.0.1:$1\"
smtp_from = \"billing@alpha.example\"
smtp_username = \"flows\"
smtp_starttls = \"required\"
smtp_ca_cert = \"$WORK/sink.crt\""
}
tls_config "$TLS_PORT"
FLOWS_SMTP_PASSWORD="$PASSWORD" "$BILL" statements send --month 2024-06 --customer c002@example.org --resend \
  >"$WORK/tls.out" 2>"$WORK/tls.err"; rc=$?
expect_eq "STARTTLS + AUTH PLAIN: exit" "$rc" "0"
expect_eq "STARTTLS + AUTH PLAIN: received" "$(received tls)" "1"
expect_eq "STARTTLS + AUTH PLAIN: the mechanism" "$(cat "$WORK/tls/auth.log" 2>/dev/null)" "PLAIN ok"
tls_config "$LOGIN_PORT"
FLOWS_SMTP_PASSWORD="$PASSWORD" "$BILL" statements send --month 2024-06 --customer c003@example.org --resend \
  >>"$WORK/tls.out" 2>>"$WORK/tls.err"; rc=$?
expect_eq "STARTTLS + AUTH LOGIN: exit" "$rc" "0"
expect_eq "STARTTLS + AUTH LOGIN: received" "$(received login)" "1"
expect_eq "STARTTLS + AUTH LOGIN: the mechanism" "$(cat "$WORK/login/auth.log" 2>/dev/null)" "LOGIN ok"
FLOWS_SMTP_PASSWORD="wrong-$PASSWORD" "$BILL" statements send --month 2024-06 --esco alpha --resend \
  >>"$WORK/tls.out" 2>>"$WORK/tls.err"; rc=$?
expect_eq "a wrong password: exit 7" "$rc" "7"
expect_eq "a wrong password: refused once, the rest not attempted" "$(grep -c refused "$WORK/login/auth.log")" "1"
expect_eq "a wrong password: all 200 failed" \
  "$(sql "SELECT count(*) FROM (SELECT DISTINCT ON (customer) outcome FROM public.statement_deliveries d
          JOIN flows.escos e ON e.id = d.esco WHERE e.code = 'alpha' ORDER BY customer, d.id DESC) x WHERE outcome = 'failed'")" "200"
expect_eq "a wrong password: nothing received" "$(received login)" "1"
expect_eq "the password never printed" "$(cat "$WORK/tls.out" "$WORK/tls.err" | grep -c "$PASSWORD")" "0"
expect_eq "the password never recorded" "$(sql "SELECT count(*) FROM public.statement_deliveries WHERE detail LIKE '%$PASSWORD%'")" "0"
# STARTTLS required of a server that does not offer it: refused before any mail.
write_config "smtp_url = \"smtp://127.0.0.1:$PLAIN_PORT\"
smtp_from = \"billing@alpha.example\"
smtp_starttls = \"required\""
before=$(received plain)
"$BILL" statements send --month 2024-06 --customer c004@example.org --resend >/dev/null 2>"$WORK/notls.err"; rc=$?
expect_eq "STARTTLS required, not offered: exit 7" "$rc" "7"
expect_eq "STARTTLS required, not offered: nothing received" "$(received plain)" "$before"
expect_match "STARTTLS required, not offered: failed" "$(outcome_of c004@example.org)" ",failed\|[^,]*$"

finish
