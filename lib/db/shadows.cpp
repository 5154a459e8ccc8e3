#include "db/shadows.hpp"

namespace flows::db {
namespace {

const char* const shadow_record =
    "jsonb_to_recordset($1::jsonb) AS t(id uuid, balance numeric, csq integer, voltage numeric, "
    "v1 real, v2 real, v3 real, import_a bigint, export_a bigint, import_b bigint, export_b bigint, "
    "backlight text, load_switch text, clock_diff integer, clock_at timestamptz, "
    "tariffs_active jsonb, tariffs_future jsonb)";

}  // namespace

std::string shadow_update_sql(unsigned mask) {
  std::string set = "health = 'healthy', health_details = NULL";
  auto add = [&](unsigned bit, const char* cols) {
    if (mask & bit) set += std::string(", ") + cols;
  };
  add(shadow_balance, "balance = t.balance");
  add(shadow_csq, "csq = t.csq");
  add(shadow_voltage, "voltage = t.voltage");
  add(shadow_voltage_3p, "\"3p_voltage_l1\" = t.v1, \"3p_voltage_l2\" = t.v2, \"3p_voltage_l3\" = t.v3");
  add(shadow_element_a, "import_a = t.import_a, export_a = t.export_a");
  add(shadow_element_b, "import_b = t.import_b, export_b = t.export_b");
  add(shadow_backlight, "backlight = t.backlight");
  add(shadow_load_switch, "load_switch = t.load_switch");
  add(shadow_clock, "clock_time_diff_seconds = t.clock_diff, clock_time_diff_synced_at = t.clock_at");
  add(shadow_tariffs_active, "tariffs_active = t.tariffs_active");
  add(shadow_tariffs_future, "tariffs_future = t.tariffs_future");
  return "UPDATE flows.meter_shadows s SET " + set + " FROM " + shadow_record + " WHERE s.id = t.id";
}

void update_shadows(pqxx::transaction_base& tx, unsigned columns, const nlohmann::json& records) {
  tx.exec_params(shadow_update_sql(columns), records.dump());
}

void mark_unhealthy(pqxx::transaction_base& tx, const nlohmann::json& records) {
  tx.exec_params(
      "UPDATE flows.meter_shadows s SET health = 'unhealthy', health_details = t.details "
      "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, details text) WHERE s.id = t.id",
      records.dump());
}

}  // namespace flows::db
