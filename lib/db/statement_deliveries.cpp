#include "db/statement_deliveries.hpp"

#include "core/emop_time.hpp"

namespace flows::db {
namespace {

std::string first_day(const billing::Month& month) { return format_date(month.first_day()); }

}  // namespace

std::vector<StatementToDeliver> statements_to_deliver(pqxx::transaction_base& tx, const billing::Month& month,
                                                      const std::optional<std::string>& esco_code,
                                                      const std::optional<std::string>& customer_email) {
  std::vector<StatementToDeliver> out;
  for (const auto& r : tx.exec_params(
           "SELECT s.customer::text AS customer, s.esco::text AS esco, c.email AS email, "
           "       s.statement::text AS statement, d.delivered AS delivered "
           "FROM public.monthly_statements s "
           "JOIN flows.escos e ON e.id = s.esco "
           "JOIN public.customers c ON c.id = s.customer "
           "LEFT JOIN LATERAL ( "
           "  SELECT CASE WHEN bool_or(x.outcome = 'sent') THEN 'sent' "
           "              WHEN bool_or(x.outcome = 'unknown') THEN 'unknown' "
           "              WHEN bool_or(x.outcome = 'failed') THEN 'failed' END AS delivered "
           "  FROM public.statement_deliveries x WHERE x.customer = s.customer AND x.month = s.month) d ON true "
           "WHERE s.month = $1::date AND ($2 = '' OR e.code = $2) AND ($3 = '' OR c.email = $3) "
           "ORDER BY (s.statement->>'account_number')::bigint, s.customer",
           first_day(month), esco_code.value_or(""), customer_email.value_or(""))) {
    StatementToDeliver s;
    s.customer = r["customer"].as<std::string>();
    s.esco = r["esco"].as<std::string>();
    s.email = r["email"].as<std::string>();
    s.statement = nlohmann::json::parse(r["statement"].c_str());
    if (!r["delivered"].is_null()) s.delivered = r["delivered"].as<std::string>();
    out.push_back(std::move(s));
  }
  return out;
}

bool try_lock_deliveries(pqxx::connection& conn, const billing::Month& month) {
  pqxx::nontransaction tx(conn);
  return tx
      .exec_params1("SELECT pg_try_advisory_lock(hashtext('flows-bill statements send'), $1::int) AS locked",
                    month.year() * 100 + static_cast<int>(month.month()))["locked"]
      .as<bool>();
}

void record_undeliverable(pqxx::transaction_base& tx, const StatementToDeliver& s, const billing::Month& month,
                          const std::string& detail) {
  tx.exec_params0(
      "INSERT INTO public.statement_deliveries (customer, month, esco, email, outcome, detail) "
      "VALUES ($1::uuid, $2::date, $3::uuid, $4, 'failed', $5)",
      s.customer, first_day(month), s.esco, s.email, detail);
}

namespace {

std::string outcomes_json(const std::vector<DeliveryOutcome>& outcomes) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& o : outcomes)
    rows.push_back({{"id", o.id}, {"outcome", o.outcome}, {"detail", o.detail},
                    {"message_id", o.message_id ? nlohmann::json(*o.message_id) : nlohmann::json(nullptr)}});
  return rows.dump();
}

constexpr const char* update_outcomes =
    "UPDATE public.statement_deliveries d SET outcome = x.outcome, detail = NULLIF(x.detail, ''), "
    "message_id = x.message_id "
    "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, outcome text, detail text, message_id text) "
    "WHERE d.id = x.id";

}  // namespace

void record_outcomes(pqxx::transaction_base& tx, const std::vector<DeliveryOutcome>& outcomes) {
  if (outcomes.empty()) return;
  tx.exec_params0(update_outcomes, outcomes_json(outcomes));
}

std::int64_t record_and_begin(pqxx::transaction_base& tx, const std::optional<DeliveryOutcome>& previous,
                              const StatementToDeliver& next, const billing::Month& month) {
  // Scalar parameters, so the update is an index lookup by id (no id: nothing updated).
  const std::optional<std::int64_t> id = previous ? std::optional(previous->id) : std::nullopt;
  const std::optional<std::string> outcome = previous ? std::optional(previous->outcome) : std::nullopt;
  const std::optional<std::string> detail = previous ? std::optional(previous->detail) : std::nullopt;
  const std::optional<std::string> message_id = previous ? previous->message_id : std::nullopt;
  return tx
      .exec_params1("WITH done AS (UPDATE public.statement_deliveries SET outcome = $2, detail = NULLIF($3, ''), "
                    "message_id = $4 WHERE id = $1::bigint) "
                    "INSERT INTO public.statement_deliveries (customer, month, esco, email, outcome) "
                    "VALUES ($5::uuid, $6::date, $7::uuid, $8, 'unknown') RETURNING id",
                    id, outcome, detail, message_id, next.customer, first_day(month), next.esco, next.email)["id"]
      .as<std::int64_t>();
}

}  // namespace flows::db
