#include "db/tariff_tables.hpp"

#include "core/emop_time.hpp"
#include "db/decimal_field.hpp"
#include "db/sql_values.hpp"

namespace flows::db {
namespace {

billing::Rates rates_of(const pqxx::row& r) {
  return {decimal_field(r["unit_rate"]), decimal_field(r["standing_charge"])};
}

std::vector<billing::RatesRow> rates_rows(const pqxx::result& res) {
  std::vector<billing::RatesRow> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back({r["key"].as<std::string>(), date_field(r["period_start"]), rates_of(r)});
  return out;
}

}  // namespace

std::vector<billing::Esco> load_escos(pqxx::transaction_base& tx, const std::optional<std::string>& code) {
  std::vector<billing::Esco> out;
  // app_url through to_jsonb: a deployed database need not have the column.
  for (const auto& r : tx.exec_params("SELECT id::text AS id, COALESCE(code, id::text) AS code, "
                                      "       COALESCE(region, '') AS region, "
                                      "       COALESCE(NULLIF(name, ''), code, id::text) AS name, "
                                      "       COALESCE(to_jsonb(e) ->> 'app_url', '') AS app_url "
                                      "FROM flows.escos e WHERE $1 = '' OR code = $1 ORDER BY code, id",
                                      code.value_or("")))
    out.push_back({r["id"].as<std::string>(), r["code"].as<std::string>(), r["region"].as<std::string>(),
                   r["name"].as<std::string>(), r["app_url"].as<std::string>()});
  return out;
}

std::set<std::string> region_codes(pqxx::transaction_base& tx) {
  std::set<std::string> out;
  for (const auto& r : tx.exec("SELECT code FROM flows.regions")) out.insert(r["code"].as<std::string>());
  return out;
}

std::vector<billing::RatesRow> benchmarks_until(pqxx::transaction_base& tx, date::year_month_day day) {
  return rates_rows(tx.exec_params(
      "SELECT region AS key, period_start::text AS period_start, unit_rate::text AS unit_rate, "
      "       standing_charge::text AS standing_charge "
      "FROM public.benchmark_tariffs WHERE period_start <= $1::date ORDER BY region, period_start",
      format_date(day)));
}

std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::transaction_base& tx,
                                                      const std::optional<std::string>& region) {
  std::vector<billing::BenchmarkTariff> out;
  for (const auto& r : tx.exec_params(
           "SELECT region, period_start::text AS period_start, unit_rate::text AS unit_rate, "
           "       standing_charge::text AS standing_charge FROM public.benchmark_tariffs "
           "WHERE $1 = '' OR region = $1 ORDER BY region, period_start",
           region.value_or("")))
    out.push_back({r["region"].as<std::string>(), date_field(r["period_start"]), rates_of(r)});
  return out;
}

std::optional<billing::Rates> benchmark_at(pqxx::transaction_base& tx, const std::string& region,
                                           date::year_month_day period_start) {
  const auto found = tx.exec_params(
      "SELECT unit_rate::text AS unit_rate, standing_charge::text AS standing_charge FROM public.benchmark_tariffs "
      "WHERE region = $1 AND period_start = $2::date",
      region, format_date(period_start));
  if (found.empty()) return std::nullopt;
  return rates_of(found[0]);
}

void insert_benchmark(pqxx::transaction_base& tx, const billing::BenchmarkTariff& t) {
  tx.exec_params("INSERT INTO public.benchmark_tariffs (region, period_start, unit_rate, standing_charge) "
                 "VALUES ($1, $2::date, $3::numeric, $4::numeric)",
                 t.region, format_date(t.period_start), t.rates.unit_rate.to_string(),
                 t.rates.standing_charge.to_string());
}

void update_benchmark(pqxx::transaction_base& tx, const billing::BenchmarkTariff& t) {
  tx.exec_params("UPDATE public.benchmark_tariffs SET unit_rate = $3::numeric, standing_charge = $4::numeric "
                 "WHERE region = $1 AND period_start = $2::date",
                 t.region, format_date(t.period_start), t.rates.unit_rate.to_string(),
                 t.rates.standing_charge.to_string());
}

std::vector<billing::RatesRow> microgrid_tariffs_until(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                       date::year_month_day day) {
  return rates_rows(tx.exec_params(
      "SELECT esco::text AS key, period_start::text AS period_start, unit_rate::text AS unit_rate, "
      "       standing_charge::text AS standing_charge "
      "FROM public.microgrid_tariffs WHERE period_start <= $1::date AND esco = ANY($2::uuid[]) "
      "ORDER BY esco, period_start",
      format_date(day), uuid_array(escos)));
}

std::vector<billing::RatesRow> customer_tariffs_until(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                      date::year_month_day day) {
  return rates_rows(tx.exec_params(
      "SELECT t.customer::text AS key, t.period_start::text AS period_start, t.unit_rate::text AS unit_rate, "
      "       t.standing_charge::text AS standing_charge "
      "FROM public.customer_tariffs t "
      "WHERE t.period_start <= $1::date AND t.customer IN ("
      "  SELECT ca.customer FROM public.customer_accounts ca "
      "  JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
      "  JOIN public.properties p ON p.id = a.property WHERE p.esco = ANY($2::uuid[])) "
      "ORDER BY t.customer, t.period_start",
      format_date(day), uuid_array(escos)));
}

std::vector<billing::SolarTariffRow> solar_tariffs_until(pqxx::transaction_base& tx,
                                                         const std::vector<std::string>& escos,
                                                         date::year_month_day day) {
  std::vector<billing::SolarTariffRow> out;
  for (const auto& r : tx.exec_params(
           "SELECT esco::text AS esco, period_start::text AS period_start, pence_per_year::text AS pence_per_year "
           "FROM public.solar_credit_tariffs WHERE period_start <= $1::date AND esco = ANY($2::uuid[]) "
           "ORDER BY esco, period_start",
           format_date(day), uuid_array(escos)))
    out.push_back({r["esco"].as<std::string>(), date_field(r["period_start"]), decimal_field(r["pence_per_year"])});
  return out;
}

void lock_quarters(pqxx::transaction_base& tx) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('flows-bill quarter'), 0)");
}

std::optional<billing::MicrogridCarryOver> microgrid_before(pqxx::transaction_base& tx, const std::string& esco,
                                                            date::year_month_day start) {
  const auto prev = tx.exec_params(
      "SELECT discount::text AS discount, emergency_credit::text AS emergency_credit, "
      "       ecredit_button_threshold::text AS ecredit_button_threshold, "
      "       debt_recovery_rate::text AS debt_recovery_rate "
      "FROM public.microgrid_tariffs WHERE esco = $1::uuid AND period_start < $2::date "
      "ORDER BY period_start DESC LIMIT 1",
      esco, format_date(start));
  if (prev.empty()) return std::nullopt;
  const auto& r = prev[0];
  return billing::MicrogridCarryOver{decimal_field(r["discount"]),
                                     {decimal_field(r["emergency_credit"]), decimal_field(r["ecredit_button_threshold"]),
                                      decimal_field(r["debt_recovery_rate"])}};
}

std::optional<billing::ExistingTariff> microgrid_at(pqxx::transaction_base& tx, const std::string& esco,
                                                    date::year_month_day start) {
  const auto kept = tx.exec_params(
      "SELECT discount::text AS discount, unit_rate::text AS unit_rate, standing_charge::text AS standing_charge "
      "FROM public.microgrid_tariffs WHERE esco = $1::uuid AND period_start = $2::date",
      esco, format_date(start));
  if (kept.empty()) return std::nullopt;
  return billing::ExistingTariff{decimal_field(kept[0]["discount"]), rates_of(kept[0])};
}

void insert_microgrid_tariff(pqxx::transaction_base& tx, const std::string& esco, date::year_month_day start,
                             const billing::MicrogridQuarter& q) {
  tx.exec_params(
      "INSERT INTO public.microgrid_tariffs (esco, period_start, discount, unit_rate, standing_charge, "
      "  emergency_credit, ecredit_button_threshold, debt_recovery_rate) "
      "VALUES ($1::uuid, $2::date, $3::numeric, $4::numeric, $5::numeric, $6::numeric, $7::numeric, $8::numeric)",
      esco, format_date(start), q.row.discount.to_string(), q.row.rates.unit_rate.to_string(),
      q.row.rates.standing_charge.to_string(), q.prepayment.emergency_credit.to_string(),
      q.prepayment.ecredit_threshold.to_string(), q.prepayment.debt_recovery_rate.to_string());
}

std::vector<billing::QuarterCustomer> quarter_customers(pqxx::transaction_base& tx, const std::string& esco,
                                                        date::year_month_day start) {
  std::vector<billing::QuarterCustomer> out;
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT ON (c.id) c.id::text AS id, c.email, prev.discount::text AS previous_discount, "
           "       cur.customer IS NOT NULL AS has_row, cur.discount::text AS discount, "
           "       cur.unit_rate::text AS unit_rate, cur.standing_charge::text AS standing_charge "
           "FROM public.customer_accounts ca "
           "JOIN public.customers c ON c.id = ca.customer "
           "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
           "JOIN public.properties p ON p.id = a.property "
           "LEFT JOIN LATERAL (SELECT t.discount FROM public.customer_tariffs t "
           "  WHERE t.customer = c.id AND t.period_start < $2::date ORDER BY t.period_start DESC LIMIT 1) prev ON true "
           "LEFT JOIN public.customer_tariffs cur ON cur.customer = c.id AND cur.period_start = $2::date "
           "WHERE ca.role = 'occupier' AND p.esco = $1::uuid AND c.status IN ('live', 'prelive', 'onboarding') "
           "  AND (ca.move_out IS NULL OR ca.move_out > $2::date) "
           "ORDER BY c.id",
           esco, format_date(start))) {
    billing::QuarterCustomer c;
    c.id = r["id"].as<std::string>();
    c.email = r["email"].as<std::string>();
    c.previous_discount = optional_decimal_field(r["previous_discount"]);
    if (r["has_row"].as<bool>()) c.existing = billing::ExistingTariff{decimal_field(r["discount"]), rates_of(r)};
    out.push_back(std::move(c));
  }
  return out;
}

void insert_customer_tariff(pqxx::transaction_base& tx, const std::string& customer, date::year_month_day start,
                            const billing::QuarterRow& row) {
  tx.exec_params(
      "INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge) "
      "VALUES ($1::uuid, $2::date, $3::numeric, $4::numeric, $5::numeric) "
      "ON CONFLICT (customer, period_start) DO NOTHING",
      customer, format_date(start), row.discount.to_string(), row.rates.unit_rate.to_string(),
      row.rates.standing_charge.to_string());
}

}  // namespace flows::db
