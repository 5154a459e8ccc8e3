#include "jobs/statement_delivery.hpp"

#include <array>

#include "billing/scope.hpp"
#include "billing/statement.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/statement_deliveries.hpp"
#include "db/tariff_tables.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

DeliveryItem item_of(const db::StatementToDeliver& s) {
  DeliveryItem i;
  i.account_number = s.statement.at("account_number").get<std::int64_t>();
  i.customer_id = s.customer;
  i.name = s.statement.at("customer").at("name").is_string() ? s.statement.at("customer").at("name").get<std::string>()
                                                               : std::string();
  i.email = s.email;
  return i;
}

// Under the month's lock (taken first, so no other run sees the same state):
// the statements, validated whole before anything is sent.
std::vector<db::StatementToDeliver> load(pqxx::connection& conn, const DeliveryOptions& o) {
  if (!db::try_lock_deliveries(conn, o.month))
    throw Error(ExitCode::database,
                "another `flows-bill statements send` for " + o.month.to_string() + " is running; try again later");
  auto rows = db::in_read_transaction(conn, "cannot read the statements", [&](pqxx::read_transaction& tx) {
    billing::require_found(o.esco, db::load_escos(tx, o.esco));
    return db::statements_to_deliver(tx, o.month, o.esco, o.customer);
  });
  if (rows.empty())
    throw config_error("no statements for " + o.month.to_string() + (o.esco ? " of ESCO " + *o.esco : std::string()) +
                       (o.customer ? " for " + *o.customer : std::string()) + "; run `flows-bill run --month " +
                       o.month.to_string() + "` first");
  for (auto& r : rows) r.statement = billing::upgrade_statement(std::move(r.statement));
  for (const auto& r : rows)
    if (!billing::statement_adds_up(r.statement))
      throw Error(ExitCode::internal,
                  "the stored statement " + billing::statement_basename(r.statement) + " does not add up");
  return rows;
}

// Why the statement cannot go to this address; empty when it can.
std::string undeliverable(const std::string& email) {
  if (email.empty()) return "no email address";
  if (!mail::valid_address(email)) return "invalid email address \"" + email + "\"";
  return {};
}

}  // namespace

std::size_t DeliveryReport::count(const std::string& outcome) const {
  std::size_t n = 0;
  for (const auto& i : items) n += i.outcome == outcome;
  return n;
}

ExitCode delivery_status(const DeliveryReport& r) {
  return r.count("failed") + r.count("unknown") > 0 ? ExitCode::partial : ExitCode::ok;
}

std::string statement_subject(const nlohmann::json& s) {
  const auto m = billing::Month::parse(s.at("month").get<std::string>());
  if (!m) return "Your energy statement";
  return "Your energy statement for " + m->long_name();
}

mail::Message statement_message(const nlohmann::json& s, const mail::Address& from, const mail::Address& to,
                                std::string message_id, std::string date) {
  mail::Message m;
  m.from = from;
  m.to = to;
  m.subject = statement_subject(s);
  m.date = std::move(date);
  m.message_id = std::move(message_id);
  m.html = billing::statement_html(s);
  m.attachments.push_back(
      {billing::statement_basename(s) + ".csv", "text/csv; charset=utf-8", billing::statements_csv({s})});
  return m;
}

DeliveryReport deliver_statements(pqxx::connection& conn, const DeliveryOptions& o, mail::Transport& transport,
                                  const Clock& now) {
  const auto started = std::chrono::steady_clock::now();
  db::require_current(conn);
  const auto rows = load(conn, o);
  DeliveryReport report;
  report.month = o.month.to_string();
  const std::string domain = mail::domain_of(o.from.address);
  std::optional<std::string> session_failure;
  // The outcome of the last message, written with the next one's 'unknown'
  // row (one round trip a message); until then that message stays 'unknown'.
  std::optional<db::DeliveryOutcome> pending;
  for (const auto& r : rows) {
    DeliveryItem item = item_of(r);
    if (r.delivered && *r.delivered != "failed" && !o.resend) {
      item.outcome = "skipped";
      item.detail = "already " + *r.delivered + " (--resend to send again)";
      report.items.push_back(std::move(item));
      continue;
    }
    std::string why = undeliverable(r.email);
    if (why.empty() && session_failure) why = "not attempted: " + *session_failure;
    if (!why.empty()) {
      db::in_transaction(conn, "cannot record a delivery",
                         [&](pqxx::work& tx) { db::record_undeliverable(tx, r, o.month, why); });
      item.outcome = "failed";
      item.detail = why;
      report.items.push_back(std::move(item));
      continue;
    }
    // Committed (autocommit) before the message goes: a crash from here on leaves 'unknown'.
    const std::int64_t id = db::in_transaction<pqxx::nontransaction>(
        conn, "cannot record a delivery",
        [&](pqxx::nontransaction& tx) { return db::record_and_begin(tx, pending, r, o.month); });
    pending.reset();
    const std::string mid =
        mail::message_id(billing::statement_basename(r.statement) + ".d" + std::to_string(id), domain);
    const mail::Message m = statement_message(r.statement, o.from, {item.name, r.email}, mid, mail::rfc5322_date(now()));
    const mail::SendResult sent = transport.send(o.from.address, r.email, mail::render(m));
    if (sent.session_failed) session_failure = sent.detail;
    db::DeliveryOutcome out{id, mail::to_string(sent.outcome), sent.detail, std::nullopt};
    if (sent.outcome != mail::Outcome::failed) out.message_id = mid;  // unknown: to look for in the server's log
    pending = out;
    item.outcome = out.outcome;
    item.detail = sent.detail;
    item.message_id = out.message_id;
    report.items.push_back(std::move(item));
  }
  if (pending)
    db::in_transaction(conn, "cannot record a delivery", [&](pqxx::work& tx) { db::record_outcomes(tx, {*pending}); });
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace flows::jobs
