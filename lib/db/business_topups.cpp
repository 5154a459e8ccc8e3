#include "db/business_topups.hpp"

#include "core/emop_time.hpp"
#include "db/sql_values.hpp"

namespace flows::db {
namespace {

// The occupier rows of supply accounts held on $1 (a date): ca, a, p and m
// (the supply meter, when there is one).
constexpr const char* occupied_on =
    "public.customer_accounts ca "
    "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
    "JOIN public.properties p ON p.id = a.property "
    "LEFT JOIN flows.meter_registry m ON m.id = p.supply_meter "
    "WHERE ca.role = 'occupier' AND (ca.move_in IS NULL OR ca.move_in <= $1::date) "
    "  AND (ca.move_out IS NULL OR ca.move_out > $1::date)";

std::optional<MeterRef> meter_ref(const pqxx::row& r) {
  if (r["meter_id"].is_null()) return std::nullopt;
  return MeterRef{r["meter_id"].as<std::string>(), r["serial"].as<std::string>()};
}

std::string month_text(const billing::Month& m) { return format_date(m.first_day()); }

}  // namespace

CustomerMeter customer_supply_meter(pqxx::transaction_base& tx, const std::string& email, date::year_month_day today) {
  CustomerMeter out;
  const auto c = tx.exec_params("SELECT id FROM public.customers WHERE lower(email) = lower($1)", email);
  if (c.empty()) return out;
  out.customer_found = true;
  const auto r = tx.exec_params(
      std::string("SELECT m.id::text AS meter_id, m.serial FROM ") + occupied_on +
          " AND ca.customer = $2::uuid AND m.id IS NOT NULL ORDER BY ca.move_in DESC NULLS LAST LIMIT 1",
      format_date(today), c[0]["id"].as<std::string>());
  if (!r.empty()) out.meter = meter_ref(r[0]);
  return out;
}

std::optional<MeterRef> meter_by_serial(pqxx::transaction_base& tx, const std::string& serial) {
  const auto r = tx.exec_params("SELECT id::text AS meter_id, serial FROM flows.meter_registry WHERE serial = $1", serial);
  if (r.empty()) return std::nullopt;
  return meter_ref(r[0]);
}

std::string insert_topup(pqxx::transaction_base& tx, const NewTopup& t) {
  const auto r = tx.exec_params(
      "INSERT INTO public.topups (meter, amount_pence, status, source, notes) "
      "VALUES ($1::uuid, $2, $3::public.topup_status_enum, $4::public.topup_source_enum, $5) RETURNING id::text AS id",
      t.meter, t.amount_pence, t.status, t.source, t.notes);
  return r[0]["id"].as<std::string>();
}

std::vector<TopupRow> list_topups(pqxx::transaction_base& tx, const std::optional<std::string>& email,
                                  const std::optional<std::string>& status, date::year_month_day today) {
  const auto rows = tx.exec_params(
      std::string("WITH occ AS (SELECT DISTINCT ON (p.supply_meter) p.supply_meter AS meter, "
                  "  (SELECT c.email FROM public.customers c WHERE c.id = ca.customer) AS email FROM ") +
          occupied_on + " AND p.supply_meter IS NOT NULL "
          "  ORDER BY p.supply_meter, ca.move_in DESC NULLS LAST) "
          "SELECT t.id::text AS id, m.serial, occ.email, t.amount_pence, t.status::text AS status, "
          "       COALESCE(t.source::text, '') AS source, COALESCE(t.notes, '') AS notes, "
          "       t.token IS NOT NULL AS has_token, "
          "       to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at "
          "FROM public.topups t JOIN flows.meter_registry m ON m.id = t.meter LEFT JOIN occ ON occ.meter = t.meter "
          "WHERE ($2::text = '' OR lower(occ.email) = lower($2)) "
          "  AND ($3::text = '' OR t.status::text = $3) "
          "ORDER BY t.created_at, t.id",
      format_date(today), email.value_or(""), status.value_or(""));
  std::vector<TopupRow> out;
  for (const auto& r : rows)
    out.push_back({r["id"].as<std::string>(), r["serial"].as<std::string>(), text_or_null(r["email"]),
                   r["amount_pence"].as<std::int64_t>(), r["status"].as<std::string>(), r["source"].as<std::string>(),
                   r["notes"].as<std::string>(), r["has_token"].as<bool>(), r["created_at"].as<std::string>()});
  return out;
}

void lock_from_payments(pqxx::transaction_base& tx) {
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('flows-bill topups from-payments'))");
}

std::vector<UnlinkedPayment> unlinked_payments(pqxx::transaction_base& tx) {
  const auto rows = tx.exec(
      "SELECT pay.id::text AS payment, a.account_number, pay.amount_pence, m.id::text AS meter_id, m.serial "
      "FROM public.payments pay JOIN public.accounts a ON a.id = pay.account "
      "JOIN public.properties p ON p.id = a.property "
      "LEFT JOIN flows.meter_registry m ON m.id = p.supply_meter "
      "WHERE pay.status = 'succeeded' "
      "  AND NOT EXISTS (SELECT 1 FROM public.topups_payments tp WHERE tp.payment_id = pay.id) "
      "ORDER BY pay.created_at, pay.id");
  std::vector<UnlinkedPayment> out;
  for (const auto& r : rows)
    out.push_back({r["payment"].as<std::string>(), r["account_number"].as<std::int64_t>(),
                   r["amount_pence"].as<std::int64_t>(), meter_ref(r)});
  return out;
}

std::size_t topups_from_payments(pqxx::transaction_base& tx, const std::vector<std::string>& payments) {
  if (payments.empty()) return 0;
  // The CTE s is evaluated once (it is referenced twice and volatile), so each
  // payment's new topup id is the same in both inserts.
  const auto r = tx.exec_params(
      "WITH s AS MATERIALIZED ("
      "  SELECT pay.id AS payment, gen_random_uuid() AS topup, p.supply_meter AS meter, pay.amount_pence "
      "  FROM public.payments pay JOIN public.accounts a ON a.id = pay.account "
      "  JOIN public.properties p ON p.id = a.property "
      "  WHERE pay.id = ANY($1::uuid[]) AND p.supply_meter IS NOT NULL), "
      "t AS (INSERT INTO public.topups (id, meter, amount_pence, status, source, notes) "
      "      SELECT topup, meter, amount_pence, 'wait_token_fetch', 'payment', 'payment ' || payment FROM s) "
      "INSERT INTO public.topups_payments (payment_id, topup_id) SELECT payment, topup FROM s",
      uuid_array(payments));
  return static_cast<std::size_t>(r.affected_rows());
}

bool try_lock_token_fetch(pqxx::transaction_base& tx) {
  return tx.exec("SELECT pg_try_advisory_lock(hashtext('flows-bill topups tokens')) AS ok")[0]["ok"].as<bool>();
}

std::vector<TokenWanted> topups_wanting_tokens(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  const auto rows = tx.exec_params(
      "SELECT t.id::text AS topup, m.serial, t.amount_pence FROM public.topups t "
      "JOIN flows.meter_registry m ON m.id = t.meter LEFT JOIN flows.escos e ON e.id = m.esco "
      "WHERE t.status = 'wait_token_fetch' AND t.amount_pence > 0 AND ($1::text = '' OR e.code = $1) "
      "ORDER BY t.created_at, t.id",
      esco.value_or(""));
  std::vector<TokenWanted> out;
  for (const auto& r : rows)
    out.push_back({r["topup"].as<std::string>(), r["serial"].as<std::string>(), r["amount_pence"].as<std::int64_t>()});
  return out;
}

bool store_token(pqxx::transaction_base& tx, const std::string& topup, const std::string& token) {
  const auto r = tx.exec_params(
      "UPDATE public.topups SET token = $2, status = 'wait_token_push', acquired_at = statement_timestamp() "
      "WHERE id = $1::uuid AND status = 'wait_token_fetch'",
      topup, token);
  return r.affected_rows() == 1;
}

bool fail_token_fetch(pqxx::transaction_base& tx, const std::string& topup, const std::string& reason) {
  const auto r = tx.exec_params(
      "UPDATE public.topups SET status = 'failed_token_fetch', "
      "  notes = concat_ws('; ', NULLIF(notes, ''), 'token fetch failed: ' || $2) "
      "WHERE id = $1::uuid AND status = 'wait_token_fetch'",
      topup, reason);
  return r.affected_rows() == 1;
}

std::vector<billing::Month> months_with_credits(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  const auto rows = tx.exec_params(
      "SELECT DISTINCT to_char(c.month, 'YYYY-MM') AS month FROM public.monthly_solar_credits c "
      "JOIN flows.escos e ON e.id = c.esco WHERE ($1::text = '' OR e.code = $1) ORDER BY 1",
      esco.value_or(""));
  std::vector<billing::Month> out;
  for (const auto& r : rows) {
    auto m = billing::Month::parse(r["month"].as<std::string>());
    if (!m) throw pqxx::failure("not a month in monthly_solar_credits: " + r["month"].as<std::string>());
    out.push_back(*m);
  }
  return out;
}

std::vector<billing::PropertyCredit> month_credits(pqxx::transaction_base& tx, const billing::Month& month,
                                                   const std::optional<std::string>& esco) {
  const auto rows = tx.exec_params(
      "SELECT p.id::text AS property, COALESCE(p.plot, '') AS plot, c.esco::text AS esco, "
      "       sum(c.credit_pence) AS credit_pence, p.supply_meter::text AS meter, sp.credit_pence AS paid "
      "FROM public.monthly_solar_credits c JOIN public.properties p ON p.id = c.property "
      "JOIN flows.escos e ON e.id = c.esco "
      "LEFT JOIN public.solar_credit_payouts sp ON sp.property = c.property AND sp.month = c.month "
      "WHERE c.month = $1::date AND ($2::text = '' OR e.code = $2) "
      "GROUP BY p.id, p.plot, c.esco, p.supply_meter, sp.credit_pence ORDER BY p.plot, p.id",
      month_text(month), esco.value_or(""));
  std::vector<billing::PropertyCredit> out;
  for (const auto& r : rows) {
    billing::PropertyCredit c;
    c.property = r["property"].as<std::string>();
    c.plot = r["plot"].as<std::string>();
    c.esco = r["esco"].as<std::string>();
    c.credit_pence = r["credit_pence"].as<std::int64_t>();
    c.supply_meter = text_or_null(r["meter"]);
    if (!r["paid"].is_null()) c.paid_pence = r["paid"].as<std::int64_t>();
    out.push_back(std::move(c));
  }
  return out;
}

void lock_payouts(pqxx::transaction_base& tx, const billing::Month& month) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('flows-bill solar payouts'), $1::int)",
                 month.year() * 100 + static_cast<int>(month.month()));
}

bool apply_payout(pqxx::transaction_base& tx, const billing::PropertyCredit& c, const billing::Month& month,
                  UtcTime scheduled_at) {
  const auto paid = tx.exec_params(
      "SELECT 1 FROM public.solar_credit_payouts WHERE property = $1::uuid AND month = $2::date",
      c.property, month_text(month));
  if (!paid.empty()) return false;
  const auto topup = tx.exec_params(
      "INSERT INTO public.topups (meter, amount_pence, status, source, notes) "
      "VALUES ($1::uuid, $2, 'wait_token_fetch', 'solar_credit', $3) RETURNING id::text AS id",
      *c.supply_meter, c.credit_pence, "solar credit " + month.to_string());
  tx.exec_params(
      "INSERT INTO public.solar_credit_payouts (property, month, esco, credit_pence, scheduled_at, topup) "
      "VALUES ($1::uuid, $2::date, $3::uuid, $4, $5::timestamptz, $6::uuid)",
      c.property, month_text(month), c.esco, c.credit_pence, format_iso_utc(scheduled_at),
      topup[0]["id"].as<std::string>());
  return true;
}

}  // namespace flows::db
