// The shadow UPDATE names exactly the columns of its mask (no database needed).
#include "db/shadows.hpp"

#include <doctest/doctest.h>

using namespace flows;

TEST_CASE("shadow_update_sql: health always; then the mask's columns in a fixed order") {
  const std::string tail =
      " FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, balance numeric, csq integer, voltage numeric, "
      "v1 real, v2 real, v3 real, import_a bigint, export_a bigint, import_b bigint, export_b bigint, "
      "backlight text, load_switch text, clock_diff integer, clock_at timestamptz, "
      "tariffs_active jsonb, tariffs_future jsonb) WHERE s.id = t.id";
  CHECK(db::shadow_update_sql(0) == "UPDATE flows.meter_shadows s SET health = 'healthy', health_details = NULL" + tail);
  CHECK(db::shadow_update_sql(db::shadow_csq | db::shadow_balance) ==
        "UPDATE flows.meter_shadows s SET health = 'healthy', health_details = NULL, balance = t.balance, csq = t.csq" +
            tail);
  CHECK(db::shadow_update_sql(db::shadow_voltage_3p | db::shadow_clock) ==
        "UPDATE flows.meter_shadows s SET health = 'healthy', health_details = NULL, \"3p_voltage_l1\" = t.v1, "
        "\"3p_voltage_l2\" = t.v2, \"3p_voltage_l3\" = t.v3, clock_time_diff_seconds = t.clock_diff, "
        "clock_time_diff_synced_at = t.clock_at" +
            tail);
}
