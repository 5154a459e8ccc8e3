// flows-bill: monthly billing for energy communities: tariffs, usage, costs, solar
// credits and statements in the Flows database, and `quote` for one-off checks.
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "billing/decimal.hpp"
#include "core/version.hpp"
#include "cli/docs.hpp"
#include "cli/run.hpp"
#include "core/error.hpp"
#include "db_cmds.hpp"
#include "quote.hpp"

using namespace flows;

namespace {

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "flows-bill";
  p.summary = "billing for energy communities: tariffs, monthly usage and costs, solar credits, statements";
  p.date = "2026-11-24";
  p.version = std::string(flows::version);
  p.description =
      "flows-bill computes what an ESCO's customers are charged and keeps the Flows database's billing tables "
      "true. All money is exact decimal arithmetic; nothing is ever a binary floating-point number.\n"
      ".PP\n"
      "A \\fIcustomer\\fR's unit rate and standing charge are (1 \\- d/100) \\(mu the benchmark (the Ofgem price "
      "cap for the ESCO's region), \\fBtruncated\\fR to 5 decimals, since they are programmed into the meter: "
      "0.2345 \\(Po/kWh at 25 % is 0.175875, so 0.17587. The \\fImicrogrid\\fR's rates are the same product kept "
      "exact (0.175875). Benchmark rates have at most 5 decimals and must be plausible (unit rate up to \\(Po1.00/kWh, standing charge up to \\(Po2.00/day; \\fB\\-\\-allow\\-unusual\\-rate\\fR for a real exception); discounts are 0\\-100 %. The "
      "tariff in force for a month is the one with the latest period start on or before the month's first day. "
      "\\fBtariffs quarter\\fR creates the next period's microgrid row for each ESCO and a customer row for each "
      "live, prelive or onboarding occupier of a supply account, carrying the previous discount and prepayment "
      "settings over (defaults: 25 %, emergency credit 15, e-credit threshold 10, debt recovery 0.25); rows that "
      "exist are kept, so a re-run changes nothing.\n"
      ".PP\n"
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
      "never billed at zero, and the run exits 7.\n"
      ".PP\n"
      "A solar credit is trunc(capacity kW \\(mu days in the month \\(mu pence per year / days in the year) "
      "whole pence, with 365 or 366 days in the year; a property's share of it is trunc(credit \\(mu ratio), "
      "the ratios of an installation summing to exactly 1 (the database refuses others). Pence per day is printed "
      "truncated to 9 decimals, trailing zeros dropped; the credit uses the exact quotient.\n"
      ".PP\n"
      "\\fBrun\\fR does usage, costs, solar credits and statements for a month in one transaction under a lock "
      "per month: a re-run replaces the month's rows with identical ones, and a run that fails or is killed "
      "leaves the database as it was. \\fBusage\\fR, \\fBcosts\\fR and \\fBsolar\\-credits\\fR do one step each "
      "(costs recomputes the usage it needs). \\fBstatements\\fR writes the stored statements as files: "
      "\\fBjson\\fR and \\fBhtml\\fR one per customer (statement\\-YYYY\\-MM\\-ACCOUNT, html with an index page "
      "and a chart of daily use, self-contained), \\fBcsv\\fR one file with a row per customer (a cell "
      "starting with = + \\- @, a tab or a carriage return gets a leading single quote, so a spreadsheet "
      "never runs it as a formula; plain numbers are left as they are); files are "
      "written whole (temporary file and rename).\n"
      ".PP\n"
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
      "is unknown. The password is never printed.\n"
      ".PP\n"
      "The database is the configuration environment's database_url (\\fB\\-\\-env\\fR, FLOWS_ENV, the current "
      "environment of $XDG_CONFIG_HOME/flows/config.toml), overridden by \\fBFLOWS_DATABASE_URL\\fR; libpq's PG* "
      "variables fill in the rest. Its schema must be current (\\fBemop db migrate\\fR).\n"
      ".PP\n"
      "With \\fB\\-\\-json\\fR, amounts are decimal strings: customer rates with 5 decimals, microgrid rates "
      "exact with at least 5. \\fBquote tariff\\fR's table shows a microgrid rate of more than 9 decimals "
      "truncated to 9 and marked \\(lq…\\(rq (a note says so); its JSON is exact. A number too large to hold "
      "is refused as such (status 2).";
  p.extra_sections = {
      {"EXIT STATUS",
       cli::exit_status_roff() +
           "\n.PP\nflows\\-bill uses 2 for bad values (a month that is not YYYY\\-MM or has not started, rates or "
           "discounts out of range, an unknown region or ESCO, a benchmark document with an error, which names "
           "its line), 3 when the database lacks what the month needs (no benchmark tariff in force, an ESCO "
           "without a region, no statements stored yet, smtp_url or smtp_from not set), 6 for database errors and 7 "
           "when a run skipped customers or a statement's delivery failed or is unknown. "
           "Nothing is written in every case but 7, where everyone else is billed (and, for statements send, every "
           "delivery recorded)."},
      {"EXAMPLES",
       "A quarter's benchmark, the tariffs carried over, a month billed and its statements:\n.PP\n.nf\n.RS\n"
       "flows\\-bill tariffs benchmark add \\-\\-region london \\-\\-period\\-start 2024\\-04\\-01 "
       "\\-\\-unit\\-rate 0.2345 \\-\\-standing\\-charge 0.60\n"
       "flows\\-bill tariffs quarter \\-\\-start 2024\\-04\\-01\n"
       "flows\\-bill run \\-\\-month 2024\\-06 \\-\\-out statements/\n"
       "flows\\-bill statements \\-\\-month 2024\\-06 \\-\\-format csv \\-\\-out statements/\n.RE\n.fi\n"
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
       "\\(dqratio\\(dq: \\(dq0.5\\(dq, \\(dqshare_pence\\(dq: 600 }\n.RE\n.fi"},
  };
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Billing for energy communities: tariffs, costs and solar credits, in exact decimals.", "flows-bill"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "flows-bill " + std::string(flows::version));
  std::function<int()> action;
  cli::add_help_subcommand(app, action);

  bill_app::Globals globals;
  app.add_option("--env", globals.env, "configuration environment (config.toml); default FLOWS_ENV or the current one");
  bill_app::add_tariff_commands(app, globals, action);
  bill_app::add_month_commands(app, globals, action);
  bill_app::add_send_commands(app, globals, action);
  bill_app::add_quote_commands(app, action);

  cli::add_docs_subcommand(app, man_page, action);
  // Only input values far beyond any tariff or installation overflow the exact
  // arithmetic: that is bad input, not a bug.
  const std::function<int()> guarded = [&action]() -> int {
    if (!action) throw usage_error("which command? see flows-bill --help");
    try {
      return action();
    } catch (const billing::DecimalOverflow& e) {
      throw usage_error(std::string("a value is too large to compute exactly (") + e.what() + ")");
    }
  };
  return cli::run_tool(app, argc, argv, guarded);
}
