// flows-bill payments import|unmatched|match|list: bank statements and provider
// exports reconciled with customers' payments. The work is in
// lib/jobs/payment_import; these parse, call and print.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "billing/calendar.hpp"
#include "billing/statement.hpp"
#include "cli/table.hpp"
#include "connect.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db_cmds.hpp"
#include "jobs/payment_import.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;

struct PaymentArgs {
  jobs::ImportOptions import;
  std::optional<std::string> mapping, customer, month;
  std::int64_t line = 0;
  bool json = false;
};

std::string pounds(std::int64_t pence) {
  return (pence < 0 ? "-\u00a3" : "\u00a3") + billing::pence_as_pounds(pence < 0 ? -pence : pence);
}
std::string decimal(std::int64_t pence) { return (pence < 0 ? "-" : "") + billing::pence_as_pounds(pence < 0 ? -pence : pence); }

int run_import(const Globals& g, PaymentArgs& a) {
  a.import.mapping = a.mapping;
  const jobs::PreparedImport prepared = jobs::prepare_import(a.import);  // the whole file checked first
  auto conn = connect_database(g.env, g.dbname);
  const jobs::ImportReport r = jobs::import_payments(*conn, prepared);
  const db::StoreCounts& c = r.counts;
  if (a.json) {
    std::cout << json{{"file", a.import.file},
                      {"source", a.import.source},
                      {"dry_run", r.dry_run},
                      {"lines", c.lines},
                      {"new", c.new_lines},
                      {"already_imported", c.already},
                      {"status_changes", c.status_changes},
                      {"stale_statuses", c.stale},
                      {"matched_by_account_number", c.by_account_number},
                      {"matched_by_email", c.by_email},
                      {"matched_by_rule", c.by_rule},
                      {"payments_created", c.payments_created},
                      {"wallet_payments_settled", c.wallet_settled},
                      {"refunds", c.refunds},
                      {"unmatched", c.unmatched},
                      {"duration_ms", r.duration.count()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << fmt::format(
        "{}{}: {}: {} new, {} already imported ({}, {} ignored); matched {} by "
        "account number, {} by email, {} by rule; {} created, {} settled, {}; {} "
        "unmatched\n",
        r.dry_run ? "dry run (nothing written) " : "", a.import.file, count_of(c.lines, "line"), c.new_lines, c.already,
        count_of(c.status_changes, "status change"), c.stale == 1 ? "1 older status" : std::to_string(c.stale) + " older statuses",
        c.by_account_number, c.by_email, c.by_rule, count_of(c.payments_created, "payment"),
        count_of(c.wallet_settled, "wallet payment"), count_of(c.refunds, "refund"), c.unmatched);
  }
  std::cerr << fmt::format("{} in {} ms\n", count_of(c.lines, "line"), r.duration.count());
  return 0;
}

int run_unmatched(const Globals& g, const PaymentArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto lines = jobs::unmatched_payment_lines(*conn);
  if (a.json) {
    json rows = json::array();
    for (const auto& l : lines)
      rows.push_back({{"line", l.id},
                      {"source", l.provider},
                      {"reference", l.reference},
                      {"booked_at", l.booked_at},
                      {"amount_pence", l.amount_pence},
                      {"amount", decimal(l.amount_pence)},
                      {"status", l.status},
                      {"payer", l.payer},
                      {"payer_reference", l.payer_reference},
                      {"description", l.description},
                      {"notes", l.notes}});
    std::cout << json{{"unmatched", rows}}.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows{
      {"line", "source", "reference", "booked", "amount", "status", "payer", "payer_reference", "description", "note"}};
  for (const auto& l : lines)
    rows.push_back({std::to_string(l.id), l.provider, l.reference, l.booked_at, pounds(l.amount_pence), l.status,
                    l.payer, l.payer_reference, l.description, l.notes.substr(0, l.notes.find('\n'))});
  std::cout << cli::render_table(rows);
  return 0;
}

int run_match(const Globals& g, const PaymentArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const jobs::MatchReport r = jobs::match_payment_line(*conn, a.line, *a.customer);
  if (a.json)
    std::cout << json{{"line", r.line}, {"payment", r.payment}, {"account", r.account}}.dump(2) << "\n";
  else
    std::cout << fmt::format("line {} matched to {}: payment {}\n", r.line, *a.customer, r.payment);
  return 0;
}

int run_list(const Globals& g, const PaymentArgs& a) {
  std::optional<billing::Month> month;
  if (a.month) {
    month = billing::Month::parse(*a.month);
    if (!month) throw usage_error("--month '" + *a.month + "' is not a month YYYY-MM (e.g. 2024-06)");
  }
  auto conn = connect_database(g.env, g.dbname);
  const auto payments = jobs::list_payments(*conn, a.customer, month);
  std::int64_t succeeded = 0;
  for (const auto& p : payments)
    if (p.status == "succeeded") succeeded += p.amount_pence;
  if (a.json) {
    json rows = json::array();
    for (const auto& p : payments)
      rows.push_back({{"id", p.id},
                      {"date", p.day},
                      {"account_number", p.account_number},
                      {"customer", p.customer},
                      {"amount_pence", p.amount_pence},
                      {"amount", decimal(p.amount_pence)},
                      {"status", p.status},
                      {"provider", p.provider},
                      {"provider_reference", p.provider_reference},
                      {"description", p.description}});
    std::cout << json{{"payments", rows},
                      {"succeeded_pence", succeeded},
                      {"succeeded", decimal(succeeded)}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows{
      {"date", "account", "customer", "amount", "status", "provider", "reference", "description"}};
  for (const auto& p : payments)
    rows.push_back({p.day, std::to_string(p.account_number), p.customer, pounds(p.amount_pence), p.status, p.provider,
                    p.provider_reference, p.description});
  std::cout << cli::render_table(rows);
  std::cout << fmt::format("{}, {} succeeded\n", count_of(std::ssize(payments), "payment"), pounds(succeeded));
  return 0;
}

}  // namespace

void add_payment_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* payments = app.add_subcommand("payments", "bank statements and provider exports reconciled with payments");
  payments->require_subcommand(1);

  auto im = std::make_shared<PaymentArgs>();
  auto* i = payments->add_subcommand(
      "import", "import a bank statement or provider export (CSV): every line kept, matched lines become payments");
  i->add_option("file", im->import.file, "the CSV file (a header row naming the columns)")->required();
  i->add_option("--source", im->import.source, "the bank or provider it comes from (e.g. barclays, stripe)")
      ->required();
  i->add_option("--mapping", im->mapping, "a mapping file (YAML): columns, status words, payer rules");
  i->add_flag("--dry-run", im->import.dry_run, "check and reconcile, then roll back: print what would happen");
  i->add_flag("--json", im->json, "print the counts as JSON");
  i->callback([&g, &action, im] { action = [&g, im] { return run_import(g, *im); }; });

  auto un = std::make_shared<PaymentArgs>();
  auto* u = payments->add_subcommand("unmatched", "list the imported lines matched to no payment");
  u->add_flag("--json", un->json, "print JSON");
  u->callback([&g, &action, un] { action = [&g, un] { return run_unmatched(g, *un); }; });

  auto ma = std::make_shared<PaymentArgs>();
  auto* m = payments->add_subcommand("match", "match an unmatched line to a customer by hand (the import's rules)");
  m->add_option("line", ma->line, "the line's id (payments unmatched)")->required();
  m->add_option("--customer", ma->customer, "the customer's email")->required();
  m->add_flag("--json", ma->json, "print JSON");
  m->callback([&g, &action, ma] { action = [&g, ma] { return run_match(g, *ma); }; });

  auto li = std::make_shared<PaymentArgs>();
  auto* l = payments->add_subcommand("list", "list payments by date, amounts in pounds");
  l->add_option("--customer", li->customer, "only the accounts this customer (email) occupied on the payment's day");
  l->add_option("--month", li->month, "only this UK civil month, YYYY-MM");
  l->add_flag("--json", li->json, "print JSON (amounts as pence and as decimal strings)");
  l->callback([&g, &action, li] { action = [&g, li] { return run_list(g, *li); }; });
}

}  // namespace flows::bill_app
