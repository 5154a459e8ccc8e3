#include "db/tariff_pushes.hpp"

#include "db/sql_values.hpp"

namespace flows::db {

std::vector<NextCustomerTariff> next_customer_tariffs(pqxx::transaction_base& tx, const std::string& esco) {
  const auto rows = tx.exec_params(
      "SELECT DISTINCT ON (m.id) m.id::text AS meter_id, COALESCE(m.serial, '') AS serial, "
      "       COALESCE(host(m.ip_address), '') AS host, "
      "       COALESCE(m.emop_port, 8080) AS port, COALESCE(m.daylight_savings_correction_enabled, false) AS dst, "
      "       COALESCE(m.hardware, '') AS hardware, ca.customer::text AS customer, "
      "       ct.period_start::text AS period_start, "
      "       trunc(ct.unit_rate, 5)::text AS unit_rate, trunc(ct.standing_charge, 5)::text AS standing_charge "
      "FROM flows.meter_registry m "
      "JOIN flows.escos e ON e.code = $1 "
      "JOIN public.properties p ON p.supply_meter = m.id "
      "JOIN public.accounts a ON a.property = p.id AND a.type = 'supply' AND a.status <> 'closed' "
      "JOIN public.customer_accounts ca ON ca.account = a.id AND ca.role = 'occupier' "
      "JOIN public.customers c ON c.id = ca.customer AND c.status IN ('live', 'prelive', 'onboarding') "
      "JOIN public.customer_tariffs ct ON ct.customer = ca.customer "
      "  AND ct.period_start > (now() AT TIME ZONE 'Europe/London')::date "
      "WHERE (m.esco = e.id OR p.esco = e.id) AND COALESCE(m.mode, 'active') = 'active' "
      "ORDER BY m.id, ct.period_start, ca.customer",
      esco);
  std::vector<NextCustomerTariff> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    NextCustomerTariff t;
    t.meter = meter_of(r, "meter_id");
    t.customer = r["customer"].as<std::string>();
    t.period_start = r["period_start"].as<std::string>();
    t.unit_rate = r["unit_rate"].as<std::string>();
    t.standing_charge = r["standing_charge"].as<std::string>();
    out.push_back(std::move(t));
  }
  return out;
}

void record_tariff_push(pqxx::transaction_base& tx, const TariffPushRecord& r) {
  tx.exec_params(
      "INSERT INTO public.meter_tariff_pushes (meter_id, customer, period_start, unit_rate, standing_charge, "
      "  activation, outcome, mismatches, read_back, error) "
      "VALUES ($1::uuid, $2::uuid, $3::date, $4::numeric, $5::numeric, $6::timestamp, $7, $8::text[], $9::jsonb, $10)",
      r.meter_id, r.customer, r.period_start, r.unit_rate, r.standing_charge, r.activation, r.outcome,
      text_array(r.mismatches), r.read_back, r.error);
}

}  // namespace flows::db
