// flows-bill: monthly billing for energy communities: tariffs, usage, costs, solar
// credits and statements in the Flows database, and `quote` for one-off checks.
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "billing/decimal.hpp"
#include "core/version.hpp"
#include "cli/docs.hpp"
#include "cli/global_json.hpp"
#include "cli/run.hpp"
#include "core/error.hpp"
#include "db_cmds.hpp"
#include "quote.hpp"

using namespace flows;

namespace {

// The description, a paragraph each (joined by .PP).
const char* const description_paragraphs[] = {
      "flows-bill computes what an ESCO's customers are charged and keeps the Flows database's billing tables "
      "true. All money is exact decimal arithmetic; nothing is ever a binary floating-point number.\n",
      "A \\fIcustomer\\fR's unit rate and standing charge are (1 \\- d/100) \\(mu the benchmark (the Ofgem price "
      "cap for the ESCO's region), \\fBtruncated\\fR to 5 decimals, since they are programmed into the meter: "
      "0.2345 \\(Po/kWh at 25 % is 0.175875, so 0.17587. The \\fImicrogrid\\fR's rates are the same product kept "
      "exact (0.175875). Benchmark rates have at most 5 decimals and must be plausible (unit rate up to \\(Po1.00/kWh, standing charge up to \\(Po2.00/day; \\fB\\-\\-allow\\-unusual\\-rate\\fR for a real exception); discounts are 0\\-100 %. The "
      "tariff in force for a month is the one with the latest period start on or before the month's first day. "
      "\\fBtariffs quarter\\fR creates the next period's microgrid row for each ESCO and a customer row for each "
      "live, prelive or onboarding occupier of a supply account, carrying the previous discount and prepayment "
      "settings over (defaults: 25 %, emergency credit 15, e-credit threshold 10, debt recovery 0.25); rows that "
      "exist are kept, so a re-run changes nothing.\n",
      "\\fBtariffs check\\fR compares what each active supply meter carries, as flows.meter_shadows holds it "
      "(the last \\fBemop sync\\fR), with the database on a date (\\fB\\-\\-as\\-of\\fR, default the UK date): "
      "the active tariff's unit rates A and B and standing charge with the customer tariff in force of the "
      "supply account's occupier on that date (move_in on or before it, move_out after it); the future tariff "
      "with that customer's next tariff, activation at its period start 00:00 (what \\fBemop push tariffs\\fR "
      "writes), or, when there is none, a future tariff still to activate with the tariff in force; and the "
      "active tariff's emergency credit, e\\-credit availability and debt recovery rate with the ESCO's "
      "microgrid tariff in force. Values are compared as exact decimals from the JSON text (10.0 equals 10; "
      "0.17587000000000001 is not 0.17587), never as binary floats. Each difference is a row: serial, ESCO, "
      "customer, field (e.g. active.unit_rate_element_a), on the meter, expected. A meter without a shadow, "
      "with tariffs never synced, without an occupier or without a tariff in force is listed as "
      "\\fIunknown\\fR with the reason, never as matching. The table lists only the meters that are not "
      "matching, and a count of each state goes to standard error; \\fB\\-\\-json\\fR lists every meter "
      "with its state (matching, differs, unknown). \\fBemop push tariffs \\-\\-only\\-differing\\fR uses the same "
      "comparison to contact only the meters that are not matching.\n",
      "A month's usage per circuit is the sum of its registers' half-hourly kWh inside the month, each register "
      "counted inside its time range on the circuit: whole UK days are read from flows.register_interval_daily, "
      "which the database keeps with the half hours (migration 0009), and only the part days at a range's ends "
      "from the half hours themselves; after half hours were written with triggers off or restored data-only, "
      "run \\fBemop db rebuild\\-rollup\\fR first. A month's cost for each occupier of an open supply account is "
      "unit rate \\(mu kWh of the property's power circuits, the same for its heat circuits, and standing charge "
      "\\(mu days (days elapsed, today included, for the month in progress; see \\fB\\-\\-as\\-of\\fR), at the "
      "customer's, the microgrid's and the benchmark tariff. Months are UK civil months (Europe/London). "
      "Statements show each line rounded to the penny, half away from zero, and a total that is the sum of the "
      "rounded lines, so every statement adds up. Customers without a tariff in force are listed and skipped, "
      "never billed at zero, and the run exits 7.\n",
      "A solar credit is trunc(capacity kW \\(mu days in the month \\(mu pence per year / days in the year) "
      "whole pence, with 365 or 366 days in the year; a property's share of it is trunc(credit \\(mu ratio), "
      "the ratios of an installation summing to exactly 1 (the database refuses others). Pence per day is printed "
      "truncated to 9 decimals, trailing zeros dropped; the credit uses the exact quotient.\n",
      "\\fBrun\\fR does usage, costs, solar credits and statements for a month in one transaction under a lock "
      "per month: a re-run replaces the month's rows with identical ones, and a run that fails or is killed "
      "leaves the database as it was. \\fBusage\\fR, \\fBcosts\\fR and \\fBsolar\\-credits\\fR do one step each "
      "(costs recomputes the usage it needs). \\fBstatements\\fR writes the stored statements as files, "
      "written whole (temporary file and rename): \\fBjson\\fR and \\fBhtml\\fR one per customer "
      "(statement\\-YYYY\\-MM\\-ACCOUNT), \\fBcsv\\fR one file with a row per customer.\n",
      "The \\fBjson\\fR file is the stored document. Its money is \\(Po as decimal strings with 2 decimals, "
      "never numbers: the cost lines, saving, balance_at_month_end (null when the meter reported no balance), "
      "solar_credit_gbp, topups_gbp, payments_gbp and total_gbp (the sum of the rounded lines). kWh are exact "
      "decimal strings; daily[].kwh is null for a day on which no circuit of the home recorded anything, "
      "which is not 0 kWh. A document stored by an earlier version (integer solar_credit_pence, topups_pence, "
      "payments_pence, total_pence) is read as the same amounts in \\(Po.\n",
      "The \\fBhtml\\fR page is self-contained (no script, nothing fetched), fits a phone's screen and "
      "prints: the month by name, the ESCO by its name (flows.escos.name) with its app_url as the contact when "
      "it has one, the total, a chart of daily use with a kWh scale on which a day without readings is hatched "
      "as \\(lqno data\\(rq (with a note when usage covers fewer days than the standing charge, e.g. "
      "\\(lqUsage recorded on 10 of 30 days ...: the meter reported from 21 November\\(rq), rates in pence per "
      "kWh and per day, a microgrid column only when the customer's rates differ from the microgrid's (the "
      "ESCO's standard rates: otherwise a note says the customer is on them), and heat lines only for a home "
      "with a heat circuit or heat used. The index page lists the month's statements with a row of totals: "
      "their count and the sum of their totals. Reconcile against that sum: each statement's total is its "
      "lines rounded to the penny, as the customer was shown; \\fBrun\\fR prints it as \\(lqstatements "
      "\\(Po...\\(rq beside the customer total of the unrounded costs, which can differ from it by a few "
      "pence.\n",
      "The \\fBcsv\\fR file's column names carry their units: power_kwh and heat_kwh (3 decimals, "
      "rounded half away from zero); unit_rate_gbp_per_kwh and standing_charge_gbp_per_day (as the meter "
      "holds them); power_cost_gbp, heat_cost_gbp, standing_charge_gbp, total_gbp, microgrid_total_gbp, "
      "benchmark_total_gbp, saving_gbp, solar_credit_gbp, topups_gbp, payments_gbp and "
      "balance_at_month_end_gbp (2 decimals; the balance is \\fBnone\\fR when the meter reported no "
      "balance). A cell starting with = + \\- @, a tab or a carriage return gets a leading single quote, so a "
      "spreadsheet never runs it as a formula; plain numbers are left as they are.\n",
      "\\fBcustomers add\\fR adds a customer (email, unique without regard to case; name; status, pending by "
      "default) with their account on a property (\\fB\\-\\-esco\\fR and \\fB\\-\\-plot\\fR; the property's open "
      "account of that type, created when it has none) as occupier or owner from \\fB\\-\\-move\\-in\\fR. "
      "\\fBcustomers import\\fR adds a YAML or CSV file of them (fields email, name, esco, plot, role, account, "
      "move_in, status) all or nothing: every line is checked against the database first and an error names the "
      "file's line; a customer that exists as the line gives it is left unchanged, so a re-run adds nothing. "
      "Occupancy is dated: an occupier holds the account over the UK days [move\\-in, move\\-out), the move\\-out "
      "date being the first day they no longer do, so \\fBcustomers move\\-out\\fR and the next occupier's "
      "\\fBcustomers move\\-in\\fR on the same date hand over without a day billed twice or not at all; a "
      "move\\-in onto days someone else still occupies is refused. A month is billed to whoever occupied the "
      "account on each day: usage of their days, standing charge for their days, the topups, payments and "
      "closing balance of their days; the property's solar credit shows on the statement of whoever occupies it "
      "at the month's end. Status moves pending \\(-> preonboarding \\(-> onboarding \\(-> (prelive \\(->) live "
      "\\(-> exiting \\(-> archived; preonboarding to exiting may be suspended, and resumed to live; a customer "
      "who never went live may be archived; an exit may be called off. \\fBcustomers set\\-status\\fR refuses "
      "any other move, naming the moves allowed, and logs each change in customer_events. Live and exiting "
      "customers are billed; others are listed as skipped (exit 7). \\fBcustomers discount\\fR sets a "
      "customer's tariff from a month's first day at a discount off the benchmark in force then. \\fBsolar "
      "add\\fR records a property's installation (kW), \\fBsolar allocate\\fR shares its credit among properties "
      "by ratios summing to exactly 1.\n",
      "\\fBpayments import\\fR \\fIFILE\\fR \\fB\\-\\-source\\fR \\fINAME\\fR reads a bank statement or payment "
      "provider export (CSV, RFC 4180 quoting) with a header row. The default mapping reads the columns "
      "\\fBdate,amount,reference,payer,payer_reference,description,status\\fR (any order and case; date, amount and "
      "reference required; no status column: every line succeeded); \\fB\\-\\-mapping\\fR names a YAML file with "
      "\\fBcolumns:\\fR (field: header), \\fBstatuses:\\fR (word: succeeded|pending|failed|refunded) and "
      "\\fBrules:\\fR (a list of {payer: NAME, customer: EMAIL}). Dates are YYYY\\-MM\\-DD or DD/MM/YYYY (a UK "
      "day, booked at its UK midnight) or RFC 3339 instants with Z or an offset; amounts are pounds with an "
      "optional sign and \\(Po, thousands commas and at most 2 decimals (12.34, \\-5.00, \\(Po12.34, 1,234.56), "
      "parsed exactly to pence; a payment is 1 to 50,000 p (a negative amount is a refund). Status words: "
      "succeeded, success, paid, completed, settled, cleared, confirmed; pending, processing, submitted, created; "
      "failed, declined, rejected, cancelled, bounced, returned; refunded, reversed, chargeback. The whole file is "
      "checked first: a bad line is refused naming the file and line (status 2) and nothing is written. Every line "
      "is kept in payment_lines, once per source and reference: importing a file again reports \\(lq0 new, N "
      "already imported\\(rq; a line seen again with a status moved forward (pending to succeeded, failed or "
      "refunded; succeeded to refunded; failed to succeeded) updates the line and its payment and is noted on the "
      "line; an older status is ignored. A new line is matched to a supply account by its payer_reference or "
      "description naming the account number as FLOWS\\-1001, FLOWS 1001 or the whole word 1001; else by a "
      "customer's email in the payer, payer_reference or description; else by a rule on the payer's name (case "
      "and spaces ignored); finding two accounts leaves it unmatched with a note. A matched line creates a "
      "payment (provider the source, provider_reference the reference, submitted_at its date) \\(em except that "
      "a succeeded or pending line settles an auto top-up payment (provider wallet, created or pending, same "
      "account and amount) instead of creating a second one, and a refund whose payer_reference or description "
      "names an earlier line's reference turns that payment refunded. \\fB\\-\\-dry\\-run\\fR does it all and "
      "rolls back. \\fBpayments unmatched\\fR lists the lines without a payment; \\fBpayments match\\fR "
      "\\fILINE\\fR \\fB\\-\\-customer\\fR \\fIEMAIL\\fR matches one by the same rules (refusing a matched "
      "line); \\fBpayments list\\fR shows payments by UK date (\\fB\\-\\-customer\\fR, \\fB\\-\\-month\\fR: the "
      "UK civil month), with the succeeded total. A month's statement counts the account's succeeded payments "
      "of the month.\n"
      "\\fBtopups add\\fR puts a gift (1 \\- 100000 p) or an adjustment (\\-50000 \\- 100000 p, not 0) with its "
      "\\fB\\-\\-reason\\fR on a meter: \\fB\\-\\-meter\\fR SERIAL, or \\fB\\-\\-customer\\fR EMAIL for the supply "
      "meter of the supply account they occupy today (move_in null or on or before today, move_out null or after "
      "it). A negative adjustment corrects the books only: no token carries it, so it is stored as pending. "
      "\\fBtopups from\\-payments\\fR makes a topup (source payment, wait_token_fetch) for each succeeded "
      "payment that has none, on the supply meter of its account's property, linked to it in the same "
      "transaction; a payment whose property has no supply meter is reported and the run exits 7. "
      "\\fBtopups tokens\\fR fetches a token for each topup waiting for one from the configured "
      "\\fBtoken_command\\fR (FLOWS_TOKEN_COMMAND): a command line, split into words as a shell would (quotes, "
      "backslashes) but run without one, whose words may hold {serial}, {amount_pence}, {amount} (\\(Po, 2 "
      "decimals), {topup} (the id) and {nonce} (the id's first 15 hex digits as a number); its standard output must "
      "be exactly 20 digits within 30 s. The token is stored and the topup waits for \\fBemop push tokens\\fR; a "
      "command that fails or prints anything else makes the topup failed_token_fetch with the reason in its notes "
      "(set it back to wait_token_fetch to retry), and the run exits 8. Tokens are never printed whole (their last "
      "4 digits). For simulated meters: token_command = \\(dqemlite\\-sim token \\-\\-amount {amount} \\-\\-nonce "
      "{nonce}\\(dq.\n",
      "A customer's wallet (\\fBwallets set\\fR; new ones \\(Po20 minimum, \\(Po30 target, auto top-up off, monthly) "
      "with auto top-up on makes \\fBtopups due\\fR top the meter up when its latest reading in "
      "flows.meter_prepay_balance is below the minimum: target \\- balance, rounded up to the penny (\\(Po30 \\- "
      "\\(Po12.34567 is 1766 p). The topup (source payment, wait_token_fetch) comes with a pending payment of the "
      "supply account (provider wallet, \\(lqauto top-up (weekly|monthly)\\(rq) that the provider collects at the next "
      "Monday 00:00 UK time, or on the 1st of the next month, linked to it so the payments import settles it without "
      "a second topup. Each shortfall (meter, reading time) makes one topup at most, and none is made while an "
      "earlier auto top-up of the meter is not completed or completed after the reading.\n",
      "\\fBsolar\\-credits apply\\fR pays each month's stored solar credits out once its time has come (00:10 UK time "
      "on the 1st of the next month; \\fB\\-\\-as\\-of\\fR sets the time taken as now; a \\fB\\-\\-month\\fR not due yet "
      "is refused, status 2): for each property whose shares sum to more than 0 p and that has not been paid for the "
      "month, a topup (source solar_credit, notes \\(lqsolar credit YYYY\\-MM\\(rq) on its supply meter and its "
      "solar_credit_payouts row, in one transaction per property, so a crash leaves each property paid or not and "
      "a re-run pays only the rest. A property without a supply meter is reported (status 7); a credit changed by a "
      "later run of the month is reported with the difference and never paid again.\n"
      "\\fBstatements send\\fR emails each customer their stored statement: the HTML statement as the body and its "
      "CSV row attached, to the customer's current email, over one SMTP connection (libcurl) to the environment's "
      "smtp_url (smtp://HOST:PORT, STARTTLS per smtp_starttls: \\fBif\\-offered\\fR (default), \\fBrequired\\fR "
      "or \\fBoff\\fR; smtps:// for TLS from the first byte; smtp_ca_cert to verify the server; smtp_username and "
      "smtp_password, or FLOWS_SMTP_PASSWORD, for AUTH) from smtp_from; a missing smtp_url or smtp_from is status "
      "3. Each attempt is a row of statement_deliveries, written with outcome \\fBunknown\\fR and committed "
      "before its message goes out, then \\fBsent\\fR (with its Message\\-ID) or \\fBfailed\\fR (with the "
      "server's reply, e.g. 550 mailbox unavailable); it stays \\fBunknown\\fR when the message was handed over "
      "and no reply came (look for its Message\\-ID in the server's log). A customer with a sent or unknown "
      "delivery for the month is skipped unless \\fB\\-\\-resend\\fR; failed ones are tried again. An "
      "address that is missing or invalid fails without contacting the server. Each customer's outcome is "
      "printed (\\fB\\-\\-json\\fR for scripts) and the counts on stderr; the status is 7 when any failed or "
      "is unknown. The password is never printed.\n",
      "The database is the configuration environment's database_url (\\fB\\-\\-env\\fR, FLOWS_ENV, the current "
      "environment of $XDG_CONFIG_HOME/flows/config.toml), overridden by \\fBFLOWS_DATABASE_URL\\fR and both by \\fB\\-d\\fR/\\fB\\-\\-dbname\\fR (as psql's); libpq's PG* "
      "variables fill in the rest. Its schema must be current (\\fBemop db migrate\\fR).\n",
      "With \\fB\\-\\-json\\fR, amounts are decimal strings: customer rates with 5 decimals, microgrid rates "
      "exact with at least 5. \\fBquote tariff\\fR's table shows a microgrid rate of more than 9 decimals "
      "truncated to 9 and marked \\(lq…\\(rq (a note says so); its JSON is exact. A number too large to hold "
      "is refused as such (status 2).",
};

// flows-bill's own statuses, after the ones every tool shares.
constexpr const char* exit_statuses =
    "\n.PP\nflows\\-bill uses 2 for bad values (a month that is not YYYY\\-MM or has not started, rates or "
           "discounts out of range, an unknown region or ESCO, a benchmark document with an error, which names "
           "its line), 3 when the database lacks what the month needs (no benchmark tariff in force, an ESCO "
           "without a region, no statements stored yet, smtp_url, smtp_from or token_command not set), 6 for "
           "database errors and 7 when some items of a run could not be done while the others were: customers "
           "skipped by a run, a statement whose delivery failed or is unknown, a payment or property without a supply "
           "meter (topups from\\-payments, solar\\-credits apply), a token that could not be fetched (topups "
           "tokens: those topups are failed_token_fetch). Nothing is written in every case but 7, where everything "
           "else is done and every outcome recorded. \\fBtariffs check\\fR exits 9 when some meter differs or "
           "cannot be checked (unknown), 0 when every meter matches.";

constexpr const char* examples =
    "A quarter's benchmark, the tariffs carried over, a month billed and its statements:\n.PP\n.nf\n.RS\n"
       "flows\\-bill tariffs benchmark add \\-\\-region london \\-\\-period\\-start 2024\\-04\\-01 "
       "\\-\\-unit\\-rate 0.2345 \\-\\-standing\\-charge 0.60\n"
       "flows\\-bill tariffs quarter \\-\\-start 2024\\-04\\-01\n"
       "flows\\-bill run \\-\\-month 2024\\-06 \\-\\-out statements/\n"
       "flows\\-bill statements \\-\\-month 2024\\-06 \\-\\-format csv \\-\\-out statements/\n.RE\n.fi\n"
       ".PP\nA customer moving out and the next moving in the same day, and a file of customers:\n.PP\n.nf\n.RS\n"
       "flows\\-bill customers move\\-out ann@example.org \\-\\-date 2024\\-06\\-10\n"
       "flows\\-bill customers add \\-\\-email cat@example.org \\-\\-name \\(dqCat C\\(dq \\-\\-esco alpha "
       "\\-\\-plot P1 \\-\\-move\\-in 2024\\-06\\-10 \\-\\-status live\n"
       "flows\\-bill customers import customers.csv \\-\\-dry\\-run\n.RE\n.fi\n"
       ".PP\ncustomers.csv:\n.PP\n.nf\n.RS\n"
       "email,name,esco,plot,role,move_in,status\n"
       "cat@example.org,Cat C,alpha,P1,occupier,2024\\-06\\-10,live\n.RE\n.fi\n"
       ".PP\nBefore and after a quarter's push, the meters of one ESCO whose tariffs are not what they should be:\n"
       ".PP\n.RS\nflows\\-bill tariffs check \\-\\-esco demo\n.RE\n"
       ".PP\nA bank statement with the default columns, imported (twice is harmless), what is left, one matched by "
       "hand, and a customer's June:\n.PP\n.nf\n.RS\n"
       "date,amount,reference,payer,payer_reference,description,status\n"
       "2024\\-06\\-03,25.00,BC\\-001,ANN A,FLOWS\\-1001,,succeeded\n"
       "10/06/2024,\\(Po15.00,BC\\-002,D SMITH,,\\(dqenergy, June\\(dq,pending\n.RE\n.fi\n.PP\n.nf\n.RS\n"
       "flows\\-bill payments import june.csv \\-\\-source barclays \\-\\-mapping barclays.yaml\n"
       "flows\\-bill payments unmatched\n"
       "flows\\-bill payments match 42 \\-\\-customer dan@example.org\n"
       "flows\\-bill payments list \\-\\-customer ann@example.org \\-\\-month 2024\\-06\n.RE\n.fi\n"
       ".PP\nA mapping file for a provider's export (barclays.yaml):\n.PP\n.nf\n.RS\n"
       "columns: {date: Created, amount: Gross, reference: Id, payer: Name, status: State}\n"
       "statuses: {posted: succeeded}\n"
       "rules:\n  \\- {payer: D SMITH, customer: dan@example.org}\n.RE\n.fi\n"
       ".PP\nTopups, wallets and solar credits paid out (the last four from cron, in this order):\n.PP\n.nf\n.RS\n"
       "flows\\-bill topups add \\-\\-customer ann@example.org \\-\\-amount\\-pence 500 \\-\\-source gift "
       "\\-\\-reason welcome\n"
       "flows\\-bill wallets set ann@example.org \\-\\-auto\\-topup on \\-\\-timing weekly\n"
       "flows\\-bill solar\\-credits apply\n"
       "flows\\-bill topups from\\-payments\n"
       "flows\\-bill topups due\n"
       "flows\\-bill topups tokens && emop push tokens\n.RE\n.fi\n"
       ".PP\nThe statements emailed (config.toml: smtp_url = \\(dqsmtp://mail.example:587\\(dq, smtp_from = "
       "\\(dqBilling <billing@example.org>\\(dq, smtp_starttls = \\(dqrequired\\(dq), then again to one customer:\n"
       ".PP\n.nf\n.RS\n"
       "flows\\-bill statements send \\-\\-month 2024\\-06\n"
       "flows\\-bill statements send \\-\\-month 2024\\-06 \\-\\-customer ann@example.org \\-\\-resend\n.RE\n.fi\n"
       ".PP\nA benchmark document for \\fBtariffs benchmark import\\fR:\n.PP\n.nf\n.RS\n"
       "benchmarks:\n  \\- {region: london, period_start: 2024\\-07\\-01, unit_rate: 0.2236, standing_charge: 0.601}\n"
       ".RE\n.fi\n.PP\n"
       "A customer's and the microgrid's rates at 25 % off the benchmark:\n.PP\n.RS\n"
       "flows\\-bill quote tariff \\-\\-benchmark\\-unit\\-rate 0.2345 \\-\\-benchmark\\-standing\\-charge 0.6556 "
       "\\-\\-discount 25 \\-\\-json\n.RE\n.PP\n.nf\n.RS\n"
       "{\n  \\(dqcustomer\\(dq: { \\(dqunit_rate\\(dq: \\(dq0.17587\\(dq, \\(dqstanding_charge\\(dq: \\(dq0.49170\\(dq },\n"
       "  \\(dqmicrogrid\\(dq: { \\(dqunit_rate\\(dq: \\(dq0.175875\\(dq, \\(dqstanding_charge\\(dq: \\(dq0.49170\\(dq }\n}\n"
       ".RE\n.fi\n"
       ".PP\nA 4 kW installation's credit for June at 3650 p a year (10 p a day), half of it to one property:\n"
       ".PP\n.RS\n"
       "flows\\-bill quote solar\\-credit \\-\\-capacity\\-kw 4.0 \\-\\-month 2023\\-06 \\-\\-pence\\-per\\-year 3650 "
       "\\-\\-ratio 0.5 \\-\\-json\n.RE\n.PP\n.nf\n.RS\n"
       "{ \\(dqpence_per_day\\(dq: \\(dq10\\(dq, \\(dqdays\\(dq: 30, \\(dqcredit_pence\\(dq: 1200, "
       "\\(dqratio\\(dq: \\(dq0.5\\(dq, \\(dqshare_pence\\(dq: 600 }\n.RE\n.fi";

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "flows-bill";
  p.summary = "billing for energy communities: tariffs, monthly usage and costs, solar credits, statements";
  p.date = "2026-11-24";
  p.version = std::string(flows::version);
  for (const char* paragraph : description_paragraphs)
    p.description += (p.description.empty() ? "" : ".PP\n") + std::string(paragraph);
  p.extra_sections = {{"EXIT STATUS", cli::exit_status_roff() + exit_statuses}, {"EXAMPLES", examples}};
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Billing for energy communities: tariffs, costs and solar credits, in exact decimals.", "flows-bill"};
  app.require_subcommand(1);
  app.fallthrough();  // the global options are accepted after the command too
  app.set_version_flag("--version", "flows-bill " + std::string(flows::version));
  cli::add_global_json(app);
  std::function<int()> action;

  bill_app::Globals globals;
  app.add_option("--env", globals.env, "configuration environment (config.toml); default FLOWS_ENV or the current one");
  app.add_option("-d,--dbname", globals.dbname,
                 "the database: a connection string, URI or database name, as psql's -d (over FLOWS_DATABASE_URL)");
  // Grouped by kind in --help and the man page, in this order.
  cli::add_grouped(app, "Monthly billing", [&] {
    bill_app::add_month_commands(app, globals, action);
    bill_app::add_send_commands(app, globals, action);
  });
  cli::add_grouped(app, "Tariffs", [&] {
    bill_app::add_tariff_commands(app, globals, action);
    bill_app::add_quote_commands(app, action);
  });
  cli::add_grouped(app, "Customers and properties", [&] { bill_app::add_customer_commands(app, globals, action); });
  cli::add_grouped(app, "Payments and credit", [&] {
    bill_app::add_payment_commands(app, globals, action);
    bill_app::add_topup_commands(app, globals, action);
  });
  cli::add_grouped(app, "Help", [&] {
    cli::add_help_subcommand(app, action);
    cli::add_docs_subcommand(app, man_page, action);
  });
  // Only input values far beyond any tariff or installation overflow the exact
  // arithmetic: that is bad input, not a bug.
  const std::function<int()> guarded = [&app, &action]() -> int {
    if (!action) throw usage_error("which command? see flows-bill --help");
    cli::forward_global_json(app);
    try {
      return action();
    } catch (const billing::DecimalOverflow& e) {
      throw usage_error(std::string("a value is too large to compute exactly (") + e.what() + ")");
    }
  };
  return cli::run_tool(app, argc, argv, guarded);
}
