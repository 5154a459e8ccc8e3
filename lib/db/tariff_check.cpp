#include "db/tariff_check.hpp"

namespace flows::db {
namespace {

// The tariff JSON's fields, flattened for one column prefix (a_ active, f_ future).
std::string tariff_columns(const std::string& column, const std::string& prefix) {
  std::string out = "jsonb_typeof(s." + column + ") IS NOT DISTINCT FROM 'object' AS " + prefix + "synced";
  for (const char* key : {"unit_rate_element_a", "unit_rate_element_b", "standing_charge",
                          "prepayment_emergency_credit", "prepayment_ecredit_availability",
                          "prepayment_debt_recovery_rate", "activation_datetime"})
    out += ", s." + column + " ->> '" + key + "' AS " + prefix + key;
  return out;
}

const std::string& facts_query() {
  static const std::string q =
      "SELECT m.id::text AS meter_id, COALESCE(m.serial, '') AS serial, e.code AS esco, "
      "       (s.id IS NOT NULL) AS has_shadow, " +
      tariff_columns("tariffs_active", "a_") + ", " + tariff_columns("tariffs_future", "f_") +
      ",      occ.customer::text AS customer, "
      "       cur.period_start::text AS cur_period_start, trunc(cur.unit_rate, 5)::text AS cur_unit_rate, "
      "       trunc(cur.standing_charge, 5)::text AS cur_standing_charge, "
      "       nxt.period_start::text AS nxt_period_start, trunc(nxt.unit_rate, 5)::text AS nxt_unit_rate, "
      "       trunc(nxt.standing_charge, 5)::text AS nxt_standing_charge, "
      "       mg.period_start::text AS mg_period_start, mg.emergency_credit::text AS mg_emergency_credit, "
      "       mg.ecredit_button_threshold::text AS mg_ecredit_threshold, "
      "       mg.debt_recovery_rate::text AS mg_debt_recovery_rate "
      "FROM flows.meter_registry m "
      "JOIN public.properties p ON p.supply_meter = m.id "
      "JOIN flows.escos e ON e.id = COALESCE(p.esco, m.esco) "
      "LEFT JOIN flows.meter_shadows s ON s.id = m.id "
      "LEFT JOIN LATERAL ( "
      "  SELECT ca.customer FROM public.accounts a "
      "  JOIN public.customer_accounts ca ON ca.account = a.id AND ca.role = 'occupier' "
      "  JOIN public.customers c ON c.id = ca.customer AND c.status IN ('live', 'prelive', 'onboarding') "
      "  WHERE a.property = p.id AND a.type = 'supply' AND a.status <> 'closed' "
      "    AND (ca.move_in IS NULL OR ca.move_in <= $2::date) AND (ca.move_out IS NULL OR ca.move_out > $2::date) "
      "  ORDER BY ca.customer LIMIT 1) occ ON true "
      "LEFT JOIN LATERAL ( "
      "  SELECT ct.period_start, ct.unit_rate, ct.standing_charge FROM public.customer_tariffs ct "
      "  WHERE ct.customer = occ.customer AND ct.period_start <= $2::date "
      "  ORDER BY ct.period_start DESC LIMIT 1) cur ON true "
      "LEFT JOIN LATERAL ( "
      "  SELECT ct.period_start, ct.unit_rate, ct.standing_charge FROM public.customer_tariffs ct "
      "  WHERE ct.customer = occ.customer AND ct.period_start > $2::date "
      "  ORDER BY ct.period_start LIMIT 1) nxt ON true "
      "LEFT JOIN LATERAL ( "
      "  SELECT mt.period_start, mt.emergency_credit, mt.ecredit_button_threshold, mt.debt_recovery_rate "
      "  FROM public.microgrid_tariffs mt WHERE mt.esco = e.id AND mt.period_start <= $2::date "
      "  ORDER BY mt.period_start DESC LIMIT 1) mg ON true "
      "WHERE COALESCE(m.mode, 'active') = 'active' AND ($1::text IS NULL OR e.code = $1::text) "
      "ORDER BY serial, m.id";
  return q;
}

std::optional<std::string> text(const pqxx::row& r, const std::string& column) {
  if (r[column].is_null()) return std::nullopt;
  return r[column].as<std::string>();
}

std::optional<billing::ShadowTariff> shadow_tariff(const pqxx::row& r, const std::string& p) {
  if (!r[p + "synced"].as<bool>()) return std::nullopt;
  billing::ShadowTariff t;
  t.unit_rate_a = text(r, p + "unit_rate_element_a");
  t.unit_rate_b = text(r, p + "unit_rate_element_b");
  t.standing_charge = text(r, p + "standing_charge");
  t.emergency_credit = text(r, p + "prepayment_emergency_credit");
  t.ecredit_availability = text(r, p + "prepayment_ecredit_availability");
  t.debt_recovery_rate = text(r, p + "prepayment_debt_recovery_rate");
  t.activation = text(r, p + "activation_datetime");
  return t;
}

std::optional<billing::ExpectedRates> rates(const pqxx::row& r, const std::string& p) {
  if (r[p + "period_start"].is_null()) return std::nullopt;
  return billing::ExpectedRates{r[p + "period_start"].as<std::string>(), r[p + "unit_rate"].as<std::string>(),
                                r[p + "standing_charge"].as<std::string>()};
}

billing::MeterTariffFacts facts_of(const pqxx::row& r) {
  billing::MeterTariffFacts f;
  f.meter_id = r["meter_id"].as<std::string>();
  f.serial = r["serial"].as<std::string>();
  f.esco = r["esco"].as<std::string>();
  f.has_shadow = r["has_shadow"].as<bool>();
  f.active = shadow_tariff(r, "a_");
  f.future = shadow_tariff(r, "f_");
  f.customer = text(r, "customer");
  f.in_force = rates(r, "cur_");
  f.next = rates(r, "nxt_");
  if (!r["mg_period_start"].is_null())
    f.microgrid = billing::ExpectedPrepayment{r["mg_period_start"].as<std::string>(),
                                              r["mg_emergency_credit"].as<std::string>(),
                                              r["mg_ecredit_threshold"].as<std::string>(),
                                              r["mg_debt_recovery_rate"].as<std::string>()};
  return f;
}

}  // namespace

std::vector<billing::MeterTariffFacts> meter_tariff_facts(pqxx::transaction_base& tx,
                                                          const std::optional<std::string>& esco,
                                                          const std::string& as_of) {
  const auto rows = tx.exec_params(facts_query(), esco, as_of);
  std::vector<billing::MeterTariffFacts> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(facts_of(r));
  return out;
}

}  // namespace flows::db
