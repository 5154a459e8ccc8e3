#include "db/billing_results.hpp"

#include <tuple>

#include "core/emop_time.hpp"
#include "db/sql_values.hpp"
#include "db/staging.hpp"

namespace flows::db {
namespace {

std::string first_day(const billing::Month& month) { return format_date(month.first_day()); }

// NULL in a COPY row for an absent value.
const char* nullable(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

std::optional<std::string> text_of(const std::optional<billing::Decimal>& d) {
  return d ? std::optional(d->to_string()) : std::nullopt;
}

}  // namespace

void lock_month(pqxx::transaction_base& tx, const billing::Month& month) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('flows-bill month'), $1::int)",
                 month.year() * 100 + static_cast<int>(month.month()));
}

void replace_usage(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                   const billing::CircuitMonths& circuits) {
  const std::string staged = stage_rows(
      tx, "bill_usage_in", {{"circuit", "uuid"}, {"kwh", "numeric"}, {"half_hours", "integer"}},
      [&](pqxx::stream_to& copy) {
        for (const auto& [id, c] : circuits) copy << std::make_tuple(id, c.kwh.to_string(), c.half_hours);
      });
  tx.exec_params(
      "DELETE FROM public.monthly_usage WHERE month = $1::date AND circuit IN ("
      "  SELECT cr.circuit FROM flows.circuit_register cr "
      "  JOIN flows.meter_registers r ON r.register_id = cr.register "
      "  JOIN flows.meter_registry m ON m.id = r.meter_id WHERE m.esco = ANY($2::uuid[]))",
      first_day(month), uuid_array(escos));
  tx.exec_params(
      "INSERT INTO public.monthly_usage (circuit, month, kwh, half_hours) "
      "SELECT circuit, $1::date, kwh, half_hours FROM " + staged,
      first_day(month));
}

void replace_costs(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                   const std::vector<billing::CustomerBill>& billed) {
  const std::string staged = stage_rows(
      tx, "bill_costs_in",
      {{"customer", "uuid"}, {"account", "uuid"}, {"esco", "uuid"}, {"days", "int"}, {"power_kwh", "numeric"},
       {"heat_kwh", "numeric"}, {"unit_rate", "numeric"}, {"standing_charge_rate", "numeric"},
       {"power", "numeric"}, {"heat", "numeric"}, {"standing_charge", "numeric"},
       {"microgrid_power", "numeric"}, {"microgrid_heat", "numeric"},
       {"microgrid_standing_charge", "numeric"}, {"benchmark_power", "numeric"},
       {"benchmark_heat", "numeric"}, {"benchmark_standing_charge", "numeric"}},
      [&](pqxx::stream_to& copy) {
        for (const auto& b : billed) {
          const auto& k = b.costs;
          copy << std::make_tuple(
              b.occupancy->customer_id, b.occupancy->account_id, b.esco->id, b.days.count(), b.usage.power_kwh.to_string(),
              b.usage.heat_kwh.to_string(), b.rates.unit_rate.to_string(), b.rates.standing_charge.to_string(),
              k.customer.power.to_string(), k.customer.heat.to_string(), k.customer.standing_charge.to_string(),
              k.microgrid.power.to_string(), k.microgrid.heat.to_string(), k.microgrid.standing_charge.to_string(),
              k.benchmark.power.to_string(), k.benchmark.heat.to_string(), k.benchmark.standing_charge.to_string());
        }
      });
  tx.exec_params("DELETE FROM public.monthly_costs WHERE month = $1::date AND esco = ANY($2::uuid[])",
                 first_day(month), uuid_array(escos));
  // Totals are the sums of their lines, as billing::monthly_costs makes them.
  tx.exec_params(
      "INSERT INTO public.monthly_costs (customer, month, account, esco, days, power_kwh, heat_kwh, unit_rate, "
      "  standing_charge_rate, power, heat, standing_charge, total, microgrid_power, microgrid_heat, "
      "  microgrid_standing_charge, microgrid_total, benchmark_power, benchmark_heat, benchmark_standing_charge, "
      "  benchmark_total) "
      "SELECT customer, $1::date, account, esco, days, power_kwh, heat_kwh, unit_rate, standing_charge_rate, "
      "  power, heat, standing_charge, power + heat + standing_charge, "
      "  microgrid_power, microgrid_heat, microgrid_standing_charge, "
      "  microgrid_power + microgrid_heat + microgrid_standing_charge, "
      "  benchmark_power, benchmark_heat, benchmark_standing_charge, "
      "  benchmark_power + benchmark_heat + benchmark_standing_charge "
      "FROM " + staged,
      first_day(month));
}

void replace_solar_credits(pqxx::transaction_base& tx, const billing::Month& month,
                           const std::vector<std::string>& escos, const std::vector<billing::SolarCreditRow>& rows) {
  const std::string staged = stage_rows(
      tx, "bill_solar_in",
      {{"property", "uuid"}, {"installation", "uuid"}, {"esco", "uuid"}, {"capacity_kw", "numeric"},
       {"pence_per_year", "numeric"}, {"ratio", "numeric"}, {"credit_pence", "bigint"}, {"note", "text"}},
      [&](pqxx::stream_to& copy) {
        for (const auto& s : rows) {
          const auto capacity = text_of(s.capacity_kw), rate = text_of(s.pence_per_year);
          copy << std::make_tuple(s.property, nullable(s.installation), s.esco, nullable(capacity), nullable(rate),
                                  s.ratio.to_string(), s.credit_pence, s.note.empty() ? nullptr : s.note.c_str());
        }
      });
  tx.exec_params("DELETE FROM public.monthly_solar_credits WHERE month = $1::date AND esco = ANY($2::uuid[])",
                 first_day(month), uuid_array(escos));
  tx.exec_params(
      "INSERT INTO public.monthly_solar_credits (property, month, installation, esco, capacity_kw, days, "
      "  pence_per_year, ratio, credit_pence, note) "
      "SELECT property, $1::date, installation, esco, capacity_kw, $2::int, pence_per_year, ratio, credit_pence, "
      "  note FROM " + staged,
      first_day(month), month.days());
}

void replace_statements(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                        const std::vector<billing::CustomerBill>& billed) {
  const std::string staged = stage_rows(
      tx, "bill_statements_in",
      {{"customer", "uuid"}, {"esco", "uuid"}, {"total_pence", "bigint"}, {"statement", "jsonb"}},
      [&](pqxx::stream_to& copy) {
        for (const auto& b : billed)
          copy << std::make_tuple(b.occupancy->customer_id, b.esco->id, b.statement_total_pence, b.statement.dump());
      });
  tx.exec_params("DELETE FROM public.monthly_statements WHERE month = $1::date AND esco = ANY($2::uuid[])",
                 first_day(month), uuid_array(escos));
  tx.exec_params(
      "INSERT INTO public.monthly_statements (customer, month, esco, total_pence, statement) "
      "SELECT customer, $1::date, esco, total_pence, statement FROM " + staged,
      first_day(month));
}

std::vector<nlohmann::json> stored_statements(pqxx::transaction_base& tx, const billing::Month& month,
                                              const std::optional<std::string>& esco) {
  std::vector<nlohmann::json> out;
  for (const auto& r : tx.exec_params(
           "SELECT s.statement::text AS statement FROM public.monthly_statements s "
           "JOIN flows.escos e ON e.id = s.esco "
           "WHERE s.month = $1::date AND ($2 = '' OR e.code = $2) "
           "ORDER BY (s.statement->>'account_number')::bigint, s.customer",
           first_day(month), esco.value_or("")))
    out.push_back(nlohmann::json::parse(r["statement"].c_str()));
  return out;
}

}  // namespace flows::db
