#include "jobs/payment_import.hpp"

#include <fmt/format.h>

#include "billing/payment_file.hpp"
#include "billing/payment_matching.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

// Thrown out of the transaction of a dry run, so that it rolls back.
struct DryRunDone {
  db::StoreCounts counts;
};

void require_source(const std::string& source) {
  if (source.empty() || source.size() > 64 || *text_problem(source, true))
    throw usage_error("--source: a name of 1 to 64 characters for the bank or provider (e.g. barclays, stripe)");
  if (source == "wallet")
    throw usage_error("--source wallet is the provider of auto top-up payments (flows-bill topups); name the bank");
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<db::LineToStore> decide(const std::vector<billing::PaymentLine>& lines, const billing::PaymentDirectory& d,
                                    const billing::PaymentMapping& m) {
  std::vector<db::LineToStore> out;
  out.reserve(lines.size());
  for (const auto& l : lines) {
    const bool refund = billing::is_refund(l);
    out.push_back({&l, billing::match_line(l, d, m.rules), refund,
                   refund ? join_words(billing::reference_words(l)) : std::string()});
  }
  return out;
}

}  // namespace

PreparedImport prepare_import(const ImportOptions& o) {
  require_source(o.source);
  PreparedImport p{o, o.mapping ? billing::parse_mapping(read_text_file(*o.mapping), *o.mapping)
                                : billing::default_mapping(), {}};
  p.lines = billing::parse_payment_file(read_text_file(o.file), p.mapping, o.file);
  return p;
}

ImportReport import_payments(pqxx::connection& conn, const PreparedImport& p) {
  const auto started = std::chrono::steady_clock::now();
  const ImportOptions& o = p.options;
  const billing::PaymentMapping& mapping = p.mapping;
  const std::vector<billing::PaymentLine>& lines = p.lines;
  db::require_current(conn);
  ImportReport report;
  report.dry_run = o.dry_run;
  const std::string context = "importing " + o.file + " failed (nothing was written)";
  try {
    report.counts = db::in_transaction(conn, context, [&](pqxx::work& tx) {
      db::lock_payment_lines(tx);
      const billing::PaymentDirectory directory = db::payment_directory(tx);
      if (const auto problems = billing::check_rules(mapping.rules, directory, o.mapping.value_or("")); !problems.empty())
        throw usage_error(problems.front() + "; nothing was imported");
      const auto decided = decide(lines, directory, mapping);
      const db::StoreCounts c =
          db::store_payment_lines(tx, o.source, o.file, decided, billing::allowed_status_changes());
      if (o.dry_run) throw DryRunDone{c};
      return c;
    });
  } catch (const DryRunDone& d) {
    report.counts = d.counts;
  }
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

MatchReport match_payment_line(pqxx::connection& conn, std::int64_t line_id, const std::string& customer_email) {
  db::require_current(conn);
  return db::in_transaction(conn, "matching line " + std::to_string(line_id) + " failed", [&](pqxx::work& tx) {
    db::lock_payment_lines(tx);
    const auto line = db::payment_line(tx, line_id);
    if (!line) throw usage_error(fmt::format("no payment line {}", line_id));
    if (!line->payment.empty())
      throw usage_error(fmt::format("payment line {} is already matched (payment {})", line_id, line->payment));
    const auto accounts = db::customer_supply_accounts(tx, customer_email);
    if (!accounts) throw usage_error("no customer " + customer_email);
    if (accounts->size() != 1)
      throw usage_error(fmt::format("customer {} occupies {} supply accounts (one is needed to match a payment)",
                                    customer_email, accounts->size()));
    billing::PaymentLine as_parsed;
    as_parsed.reference = line->reference;
    as_parsed.payer_reference = line->payer_reference;
    as_parsed.description = line->description;
    const std::string words = join_words(billing::reference_words(as_parsed));
    MatchReport r{line_id, db::match_line_to_account(tx, *line, accounts->front(), words), accounts->front()};
    if (r.payment.empty())
      throw usage_error(fmt::format("payment line {} ({} p) names no earlier payment to refund and pays nothing; "
                                    "it stays unmatched",
                                    line_id, line->amount_pence));
    return r;
  });
}

std::vector<db::StoredLine> unmatched_payment_lines(pqxx::connection& conn) {
  db::require_current(conn);
  return db::in_read_transaction(conn, "cannot read the payment lines",
                                 [&](pqxx::read_transaction& tx) { return db::unmatched_lines(tx); });
}

std::vector<db::PaymentRow> list_payments(pqxx::connection& conn, const std::optional<std::string>& customer,
                                          const std::optional<billing::Month>& month) {
  db::require_current(conn);
  std::optional<std::pair<std::string, std::string>> range;
  if (month) {
    const auto r = billing::uk_month_range(*month);
    range = std::pair{format_iso_utc(r.start), format_iso_utc(r.end)};
  }
  return db::in_read_transaction(conn, "cannot read the payments", [&](pqxx::read_transaction& tx) {
    if (customer && !db::customer_exists(tx, *customer)) throw usage_error("no customer " + *customer);
    return db::list_payments(tx, customer, range);
  });
}

}  // namespace flows::jobs
