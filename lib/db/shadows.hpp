#pragma once
// flows.meter_shadows: each meter's latest state and its health, as a sync
// writes them. Meters that read the same set of columns are written by one
// UPDATE … FROM jsonb_to_recordset($1) whose SET list names exactly those
// columns (the AFTER UPDATE OF triggers fire on a column named in SET, changed
// or not), so the fan-out triggers fire per row and only for what was read.
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace flows::db {

// Shadow column groups a record may carry (bits of a column mask), and the keys
// of the record that fill them.
enum ShadowColumn : unsigned {
  shadow_balance = 1u << 0,         // balance (numeric text)
  shadow_csq = 1u << 1,             // csq
  shadow_voltage = 1u << 2,         // voltage (numeric text)
  shadow_voltage_3p = 1u << 3,      // v1, v2, v3 -> "3p_voltage_l1".."3p_voltage_l3"
  shadow_element_a = 1u << 4,       // import_a, export_a
  shadow_element_b = 1u << 5,       // import_b, export_b
  shadow_backlight = 1u << 6,       // backlight
  shadow_load_switch = 1u << 7,     // load_switch
  shadow_clock = 1u << 8,           // clock_diff, clock_at -> clock_time_diff_seconds, …_synced_at
  shadow_tariffs_active = 1u << 9,  // tariffs_active (JSON)
  shadow_tariffs_future = 1u << 10, // tariffs_future (JSON)
};

// The UPDATE for one column mask: health = healthy, no details, and the columns
// of the mask from the records.
std::string shadow_update_sql(unsigned columns);

// Records {id, <keys of the mask's columns>} of meters read well: one UPDATE.
void update_shadows(pqxx::transaction_base& tx, unsigned columns, const nlohmann::json& records);

// Records {id, details} of meters that failed: health = unhealthy with the
// reason, nothing else touched. One UPDATE.
void mark_unhealthy(pqxx::transaction_base& tx, const nlohmann::json& records);

}  // namespace flows::db
