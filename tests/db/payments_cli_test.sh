#!/usr/bin/env bash
# flows-bill payments against a database of its own with a hand-built
# community (ESCO alpha, four customers occupying supply accounts 1001-1004),
# every figure computed by hand in the comments:
#   a bank file imported twice records one set of payments (count and sum);
#   lines matched by account number, by email and by rule; an unmatched line
#   listed and matched by hand (and refused a second time); bad lines (amount
#   "12.3.4", over 50,000 p, a bad date) refused naming the line with nothing
#   written; a re-export turning pending into succeeded, a refund turning a
#   payment refunded, a failed payment; an auto top-up payment (provider
#   wallet, pending) settled by its bank line rather than duplicated; payments
#   list --customer --month figures; the month's statements' payments equal
#   to the sum of the month's succeeded payments of each account.
#   payments_cli_test.sh FLOWS_BILL EMOP      (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN"

pyjson() {  # WHAT JSON EXPR   (EXPR over d = the parsed JSON)
  if python3 - "$2" "$3" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
  then pass; else fail "$1   [$3] on ${2:0:600}"; fi
}
# Every payment and line, to show nothing changed.
snapshot() {
  sql "SELECT md5(coalesce(string_agg(t, '|' ORDER BY t), '')) FROM (
         SELECT 'p' || row(p.*)::text AS t FROM public.payments p
         UNION ALL SELECT 'l' || row(l.*)::text FROM public.payment_lines l) x"
}
payment_of() {  # REFERENCE -> amount|status|provider|account number of the payment its line points to
  sql "SELECT p.amount_pence || '|' || p.status || '|' || p.provider || '|' || a.account_number
       FROM public.payment_lines l JOIN public.payments p ON p.id = l.payment JOIN public.accounts a ON a.id = p.account
       WHERE l.reference = '$1'"
}

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# --- the community ---------------------------------------------------------------
# ESCO alpha (london): properties PA-PD with meters MA-MD, supply accounts
# 1001-1004, occupied by ann, bob, cat and dan (all live).
# Cat has two auto top-up payments waiting (provider wallet): 4000 p pending
# since 2024-06-19 and 3500 p created.
sql "
INSERT INTO flows.escos (code, name, region) VALUES ('alpha', 'Alpha ESCO', 'london');
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address)
  SELECT s, (SELECT id FROM flows.escos WHERE code = 'alpha'), 'active', a::inet
  FROM (VALUES ('MA', '127.0.93.1'), ('MB', '127.0.93.2'), ('MC', '127.0.93.3'), ('MD', '127.0.93.4')) v(s, a);
INSERT INTO public.properties (plot, esco, supply_meter)
  SELECT 'P' || substr(m.serial, 2), m.esco, m.id FROM flows.meter_registry m;
INSERT INTO public.customers (fullname, email, status) VALUES
  ('Ann A', 'ann@alpha.example', 'live'), ('Bob B', 'bob@alpha.example', 'live'),
  ('Cat C', 'cat@alpha.example', 'live'), ('Dan D', 'dan@alpha.example', 'live');
INSERT INTO public.accounts (account_number, property, type, status)
  SELECT 1000 + ascii(substr(p.plot, 2)) - ascii('A') + 1, p.id, 'supply', 'open' FROM public.properties p;
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier'
  FROM public.customers c JOIN public.accounts a ON a.account_number = 1000 + ascii(substr(c.email, 1, 1)) - ascii('a') + 1;
INSERT INTO public.payments (account, amount_pence, status, provider, created_at)
  SELECT a.id, v.amount, v.status::public.payment_status_enum, 'wallet', v.at::timestamptz
  FROM public.accounts a, (VALUES (4000, 'pending', '2024-06-19T10:00Z'), (3500, 'created', '2024-06-19T11:00Z')) v(amount, status, at)
  WHERE a.account_number = 1003;
" >/dev/null || { echo "FATAL: seeding the community failed"; exit 1; }
expect_eq "accounts of the community" "$(sql "SELECT string_agg(a.account_number || ':' || c.email, ' ' ORDER BY a.account_number)
  FROM public.accounts a JOIN public.customer_accounts ca ON ca.account = a.id JOIN public.customers c ON c.id = ca.customer")" \
  "1001:ann@alpha.example 1002:bob@alpha.example 1003:cat@alpha.example 1004:dan@alpha.example"

cat >"$WORK/barclays.yaml" <<'EOF'
# Barclays: the default columns, one more status word, and a payer rule.
statuses: {posted: succeeded}
rules:
  - {payer: D SMITH, customer: dan@alpha.example}
EOF
# June 2024 (BST: the UK month is [2024-05-31T23:00Z, 2024-06-30T23:00Z)).
cat >"$WORK/june.csv" <<'EOF'
date,amount,reference,payer,payer_reference,description,status
2024-06-03,25.00,BC-001,ANN A,FLOWS-1001,,posted
2024-06-05,£10.50,BC-002,B Jones,,"energy, bob@alpha.example",succeeded
2024-06-07,30.00,BC-003,D  Smith,,BGC,succeeded
10/06/2024,15.00,BC-004,UNKNOWN PERSON,,"mystery ""gift""",succeeded
2024-06-12,20.00,BC-005,CAT C,1003,,pending
2024-06-14,12.00,BC-006,ANN A,FLOWS-1001,,failed
2024-06-20,40.00,BC-007,CAT C,FLOWS-1003,top-up,succeeded
2024-06-25,8.00,BC-008,BOB,flows 1002,,succeeded
2024-07-01,5.00,BC-009,ANN A,FLOWS-1001,,succeeded
2024-05-31T23:30:00Z,7.00,BC-010,ANN A,FLOWS-1001,,succeeded
EOF

# --- bad files: refused naming the line, nothing written ---------------------------
BEFORE=$(snapshot)
HEAD='date,amount,reference,payer,payer_reference,description,status'
printf '%s\n2024-06-03,25.00,X-1,,FLOWS-1001,,succeeded\n2024-06-04,12.3.4,X-2,,FLOWS-1001,,succeeded\n' "$HEAD" >"$WORK/bad1.csv"
OUT=$("$BILL" payments import "$WORK/bad1.csv" --source barclays 2>&1); expect_eq "bad amount exit" "$?" 2
expect_match "bad amount names the line" "$OUT" "bad1.csv:3: amount \"12.3.4\" is not an amount"
# 500.01 is 50001 p, one penny over a payment's 50,000 p.
printf '%s\n2024-06-03,500.01,X-1,,FLOWS-1001,,succeeded\n' "$HEAD" >"$WORK/bad2.csv"
OUT=$("$BILL" payments import "$WORK/bad2.csv" --source barclays 2>&1); expect_eq "too large exit" "$?" 2
expect_match "too large names the line" "$OUT" "bad2.csv:2: amount 500.01 is 50001 p: a payment is 1 to 50000 p"
printf '%s\n2024-06-03,5.00,X-1,,FLOWS-1001,,succeeded\n2024-06-03,5.00,X-2,,,,succeeded\n2024-02-30,5.00,X-3,,,,succeeded\n' "$HEAD" >"$WORK/bad3.csv"
OUT=$("$BILL" payments import "$WORK/bad3.csv" --source barclays 2>&1); expect_eq "bad date exit" "$?" 2
expect_match "bad date names the line" "$OUT" "bad3.csv:4: date \"2024-02-30\" is not YYYY-MM-DD"
printf 'statuses: {posted: succeeded}\nrules:\n  - {payer: NOBODY, customer: zed@alpha.example}\n' >"$WORK/badrule.yaml"
OUT=$("$BILL" payments import "$WORK/june.csv" --source barclays --mapping "$WORK/badrule.yaml" 2>&1)
expect_eq "rule for an unknown customer exit" "$?" 2
expect_match "rule for an unknown customer message" "$OUT" "badrule.yaml:3: rule for payer \"NOBODY\": no customer zed@alpha.example"
OUT=$("$BILL" payments import "$WORK/june.csv" --source wallet 2>&1); expect_eq "source wallet refused" "$?" 2
expect_eq "bad files wrote nothing" "$(snapshot)" "$BEFORE"
expect_eq "no lines yet" "$(sql 'SELECT count(*) FROM public.payment_lines')" 0

# --- a dry run: the counts, nothing written ---------------------------------------
OUT=$("$BILL" payments import "$WORK/june.csv" --source barclays --mapping "$WORK/barclays.yaml" --dry-run --json 2>/dev/null)
expect_eq "dry run exit" "$?" 0
pyjson "dry run counts" "$OUT" "d['dry_run'] and d['new'] == 10 and d['payments_created'] == 8"
expect_eq "dry run wrote nothing" "$(snapshot)" "$BEFORE"

# --- the import ----------------------------------------------------------------------
# Matched by account number: BC-001 (FLOWS-1001), BC-005 (bare 1003), BC-006,
# BC-007, BC-008 ("flows 1002"), BC-009, BC-010: 7; by email: BC-002; by rule:
# BC-003 (D  Smith = D SMITH); unmatched: BC-004. BC-007 (cat, 4000 p,
# succeeded) settles cat's pending 4000 p wallet payment; the 8 others create
# payments.
OUT=$("$BILL" payments import "$WORK/june.csv" --source barclays --mapping "$WORK/barclays.yaml" --json 2>/dev/null)
expect_eq "import exit" "$?" 0
pyjson "import counts" "$OUT" "(d['lines'], d['new'], d['already_imported'], d['matched_by_account_number'], d['matched_by_email'], d['matched_by_rule'], d['payments_created'], d['wallet_payments_settled'], d['unmatched']) == (10, 10, 0, 7, 1, 1, 8, 1, 1)"
# Payments: 8 created + the 2 wallet ones = 10 rows. Sum: 2500 + 1050 + 3000 +
# 2000 + 1200 + 4000 + 800 + 500 + 700 = 15750 over lines, + 3500 (the wallet
# payment left waiting) = 19250.
expect_eq "payments after the import" "$(sql "SELECT count(*) || ' ' || sum(amount_pence) FROM public.payments")" "10 19250"
expect_eq "by account number" "$(payment_of BC-001)" "2500|succeeded|barclays|1001"
expect_eq "by email" "$(payment_of BC-002)" "1050|succeeded|barclays|1002"
expect_eq "by rule" "$(payment_of BC-003)" "3000|succeeded|barclays|1004"
expect_eq "bare account number, pending" "$(payment_of BC-005)" "2000|pending|barclays|1003"
expect_eq "failed payment" "$(payment_of BC-006)" "1200|failed|barclays|1001"
expect_eq "matched_by recorded" "$(sql "SELECT string_agg(reference || '=' || coalesce(matched_by, '-'), ' ' ORDER BY reference) FROM public.payment_lines")" \
  "BC-001=account_number BC-002=email BC-003=rule BC-004=- BC-005=account_number BC-006=account_number BC-007=account_number BC-008=account_number BC-009=account_number BC-010=account_number"
# The wallet payment settled: succeeded, its provider reference and date the
# line's (2024-06-20 is 2024-06-19T23:00Z), the line pointing at it; no new
# 4000 p payment; the 3500 p one untouched.
expect_eq "wallet payment settled" "$(sql "SELECT p.status || '|' || p.provider || '|' || p.provider_reference || '|' || to_char(p.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
  FROM public.payments p JOIN public.payment_lines l ON l.payment = p.id WHERE l.reference = 'BC-007'")" "succeeded|wallet|BC-007|2024-06-19 23:00"
expect_eq "no duplicate of the top-up" "$(sql "SELECT count(*) FROM public.payments WHERE amount_pence = 4000")" 1
expect_eq "other wallet payment waiting" "$(sql "SELECT status || '|' || coalesce(provider_reference, '-') FROM public.payments WHERE amount_pence = 3500")" "created|-"
expect_eq "line dates" "$(sql "SELECT string_agg(to_char(booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), ' ' ORDER BY reference) FROM public.payment_lines WHERE reference IN ('BC-004', 'BC-010')")" \
  "2024-06-09 23:00 2024-05-31 23:30"

# --- the same file again: one set of payments ---------------------------------------
AFTER=$(snapshot)
OUT=$("$BILL" payments import "$WORK/june.csv" --source barclays --mapping "$WORK/barclays.yaml" 2>/dev/null)
expect_eq "second import exit" "$?" 0
expect_match "second import reports nothing new" "$OUT" ": 10 lines: 0 new, 10 already imported \\(0 status changes"
expect_eq "second import changed nothing" "$(snapshot)" "$AFTER"
expect_eq "payments after the second import" "$(sql "SELECT count(*) || ' ' || sum(amount_pence) FROM public.payments")" "10 19250"

# --- unmatched, matched by hand ------------------------------------------------------
OUT=$("$BILL" payments unmatched --json 2>/dev/null); expect_eq "unmatched exit" "$?" 0
pyjson "one unmatched line" "$OUT" "[(u['reference'], u['amount_pence'], u['amount'], u['description']) for u in d['unmatched']] == [('BC-004', 1500, '15.00', 'mystery \"gift\"')]"
LINE=$(sql "SELECT id FROM public.payment_lines WHERE reference = 'BC-004'")
OUT=$("$BILL" payments unmatched 2>/dev/null)
expect_match "unmatched table" "$OUT" "$LINE +barclays +BC-004 +2024-06-09T23:00:00Z +£15.00 +succeeded +UNKNOWN PERSON"
OUT=$("$BILL" payments match "$LINE" --customer dan@alpha.example 2>&1); expect_eq "match by hand exit" "$?" 0
expect_eq "matched by hand" "$(payment_of BC-004)" "1500|succeeded|barclays|1004"
expect_eq "manual matched_by" "$(sql "SELECT matched_by FROM public.payment_lines WHERE id = $LINE")" manual
BEFORE=$(snapshot)
OUT=$("$BILL" payments match "$LINE" --customer cat@alpha.example 2>&1); expect_eq "match again exit" "$?" 2
expect_match "match again message" "$OUT" "payment line $LINE is already matched"
OUT=$("$BILL" payments match 999999 --customer cat@alpha.example 2>&1); expect_eq "no such line exit" "$?" 2
OUT=$("$BILL" payments match "$LINE" --customer zed@alpha.example 2>&1); expect_eq "unknown customer exit" "$?" 2
expect_eq "refused matches wrote nothing" "$(snapshot)" "$BEFORE"
expect_eq "nothing unmatched" "$("$BILL" payments unmatched --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["unmatched"]))')" 0

# --- a re-export: pending -> succeeded, a refund, a failure, a stale status ----------
# BC-005 now succeeded; BC-001 shown pending (older than what we have: ignored);
# BC-011 refunds BC-008 (-8.00, naming it); BC-012 a failed 9.99 of dan's;
# BC-013 a refund naming nothing known (stays unmatched).
cat >"$WORK/june2.csv" <<'EOF'
date,amount,reference,payer,payer_reference,description,status
2024-06-03,25.00,BC-001,ANN A,FLOWS-1001,,pending
2024-06-12,20.00,BC-005,CAT C,1003,,succeeded
2024-06-26,-8.00,BC-011,BOB,,refund of BC-008,succeeded
2024-06-27,9.99,BC-012,DAN D,FLOWS-1004,,failed
2024-06-28,-3.00,BC-013,BOB,FLOWS-1002,refund of XX-1,succeeded
EOF
OUT=$("$BILL" payments import "$WORK/june2.csv" --source barclays --json 2>/dev/null); expect_eq "re-export exit" "$?" 0
pyjson "re-export counts" "$OUT" "(d['new'], d['already_imported'], d['status_changes'], d['stale_statuses'], d['refunds'], d['payments_created'], d['unmatched']) == (3, 2, 1, 1, 1, 1, 1)"
expect_eq "pending became succeeded" "$(payment_of BC-005)" "2000|succeeded|barclays|1003"
expect_match "status change noted" "$(sql "SELECT status || ' ' || notes FROM public.payment_lines WHERE reference = 'BC-005'")" \
  "^succeeded [0-9T:Z-]+: pending -> succeeded \\(.*june2.csv line 3\\)$"
expect_eq "stale status ignored" "$(payment_of BC-001)" "2500|succeeded|barclays|1001"
expect_eq "refund turns the payment refunded" "$(payment_of BC-008)" "800|refunded|barclays|1002"
expect_eq "refund line points at it" "$(sql "SELECT l.matched_by || '|' || (l.payment = o.payment) FROM public.payment_lines l, public.payment_lines o WHERE l.reference = 'BC-011' AND o.reference = 'BC-008'")" "refund|true"
expect_eq "failed payment of the re-export" "$(payment_of BC-012)" "999|failed|barclays|1004"
expect_eq "unknown refund stays unmatched" "$(sql "SELECT coalesce(payment::text, 'null') || '|' || notes FROM public.payment_lines WHERE reference = 'BC-013'")" \
  "null|a refund naming no earlier payment"
# Never deleted: 10 + 3 lines; 10 + 1 (BC-004 by hand) + 1 (BC-012) payments.
expect_eq "history kept" "$(sql "SELECT (SELECT count(*) FROM public.payment_lines) || ' ' || (SELECT count(*) FROM public.payments)")" "13 12"

# --- payments list ----------------------------------------------------------------------
# Ann in June: BC-010 (00:30 BST on 1 June) 700, BC-001 2500, BC-006 1200
# failed; BC-009 is 1 July. Succeeded: 700 + 2500 = 3200.
OUT=$("$BILL" payments list --customer ann@alpha.example --month 2024-06 --json 2>/dev/null); expect_eq "list exit" "$?" 0
pyjson "ann's June" "$OUT" "[(p['date'], p['amount_pence'], p['amount'], p['status'], p['provider_reference']) for p in d['payments']] == [('2024-06-01', 700, '7.00', 'succeeded', 'BC-010'), ('2024-06-03', 2500, '25.00', 'succeeded', 'BC-001'), ('2024-06-14', 1200, '12.00', 'failed', 'BC-006')] and d['succeeded_pence'] == 3200 and d['succeeded'] == '32.00'"
# Cat in June: BC-005 2000 (now succeeded), BC-007 the wallet payment 4000; the
# 3500 p wallet payment created 2024-06-19 counts by its creation date, not
# succeeded. Succeeded: 2000 + 4000 = 6000.
OUT=$("$BILL" payments list --customer cat@alpha.example --month 2024-06 2>/dev/null)
expect_match "cat's June table" "$OUT" "2024-06-12 +1003 +cat@alpha.example +£20.00 +succeeded +barclays +BC-005"
expect_match "cat's June total" "$OUT" "3 payments, £60.00 succeeded"
OUT=$("$BILL" payments list --month 2024-07 --json 2>/dev/null)
pyjson "July" "$OUT" "[p['provider_reference'] for p in d['payments']] == ['BC-009'] and d['succeeded_pence'] == 500"
OUT=$("$BILL" payments list --customer zed@alpha.example 2>&1); expect_eq "list unknown customer" "$?" 2
OUT=$("$BILL" payments list --month 2024-6 2>&1); expect_eq "list bad month" "$?" 2

# --- the month's statements: payments = the month's succeeded payments ----------------
"$BILL" tariffs benchmark add --region london --period-start 2024-04-01 --unit-rate 0.2345 --standing-charge 0.60 \
  >/dev/null 2>&1 || fail "benchmark add"
"$BILL" tariffs quarter --start 2024-04-01 --esco alpha >/dev/null 2>&1 || fail "tariffs quarter"
OUT=$("$BILL" run --month 2024-06 --as-of 2024-07-15 --json 2>"$WORK/run.err"); RC=$?
expect_eq "month run exit" "$RC" 0
[[ $RC -eq 0 ]] || cat "$WORK/run.err"
# Ann 700 + 2500 = 3200; bob 1050 (800 refunded); cat 2000 + 4000 = 6000; dan
# 3000 (rule) + 1500 (by hand, 10 June) = 4500 (999 failed).
expect_eq "statements' payments" "$(sql "SELECT string_agg(c.email || '=' || (s.statement->>'payments_gbp'), ' ' ORDER BY c.email)
  FROM public.monthly_statements s JOIN public.customers c ON c.id = s.customer WHERE s.month = '2024-06-01'")" \
  "ann@alpha.example=32.00 bob@alpha.example=10.50 cat@alpha.example=60.00 dan@alpha.example=45.00"
expect_eq "statements agree with payments list" "$(for e in ann bob cat dan; do
    "$BILL" payments list --customer $e@alpha.example --month 2024-06 --json 2>/dev/null |
      python3 -c 'import json,sys; d = json.load(sys.stdin)["succeeded_pence"]; print("%d.%02d" % divmod(d, 100), end=" ")'; done)" "32.00 10.50 60.00 45.00 "

finish
