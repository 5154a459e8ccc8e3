#pragma once
// Meters as the jobs and emop need them from flows.meter_registry: where they
// are, what is known of them, and what a sync learns of them. Parameterised
// queries only; columns read by name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace flows::db {

struct MeterRow {
  std::string id;        // meter_registry.id (uuid text)
  std::string serial;
  std::string host;      // host(ip_address); empty when the meter has no address
  std::uint16_t port = 8080;  // emop_port, or 8080
  std::string hardware;  // registry string, may be empty
  bool dst = false;
  std::string esco;      // escos.code, may be empty
  std::string mode;      // active | passive
};

struct MeterFilter {
  std::optional<std::string> esco;      // escos.code
  std::vector<std::string> serials;     // empty: all
  bool active_only = true;              // passive meters are never talked to
};

// A meter's id, serial, address (host, port), dst and hardware from a row with
// those columns (the id under `id_column`); esco and mode are left empty.
MeterRow meter_of(const pqxx::row& r, const char* id_column = "id");

// Ordered by serial. Throws flows::Error(database) on failure.
std::vector<MeterRow> load_meters(pqxx::transaction_base& tx, const MeterFilter& filter);

// The meters' ids as a uuid[] parameter (sql_values.hpp).
std::string meter_id_array(const std::vector<MeterRow>& meters);

// Whether flows.escos has this code.
bool esco_exists(pqxx::transaction_base& tx, const std::string& code);

// The codes in flows.escos the role can see, in order.
std::vector<std::string> esco_codes(pqxx::transaction_base& tx);

// Every meter's serial, passive meters too, in order (for shell completion).
std::vector<std::string> meter_serials(pqxx::transaction_base& tx);

// "unknown ESCO 'alhpa' (no such code in flows.escos; did you mean alpha?)": the
// nearest known code when it is near enough to be a typo. Pure.
std::string unknown_esco_message(const std::string& code, const std::vector<std::string>& known);

// Refuses a code that is not in flows.escos: a usage error (unknown_esco_message).
void require_esco(pqxx::transaction_base& tx, const std::string& code);

// One line of `emop list`.
struct MeterListRow {
  std::string esco, serial, name;   // "" when not set
  std::optional<int> signal;        // meter_shadows.csq
  std::optional<std::string> health;
  std::string hardware;             // "" when not set
  std::string feeders;              // feeder names, comma separated, sorted
  std::optional<std::string> reason;     // meter_shadows.health_details while unhealthy
  std::optional<std::string> last_seen;  // meter_shadows.last_healthy_at, UTC ISO
};

// Every meter (of one ESCO when esco is not empty; whose shadow's health is
// `health` when that is not empty), by ESCO (none first), serial. Read through
// flows.get_meters_for_cli where a deployed database has it (as the deployed
// emop list does: a meter without a shadow row is not listed there), with the
// reason and last seen from flows.meter_shadows.
std::vector<MeterListRow> list_meters(pqxx::transaction_base& tx, const std::string& esco,
                                      const std::string& health = "");

// What `emop info` shows of one meter: its rows as JSON texts.
struct MeterInfoRow {
  std::string registry;               // row_to_json(meter_registry row)
  std::optional<std::string> shadow;  // row_to_json(meter_shadows row), when there is one
  std::optional<std::string> esco, site, service_head, feeder;  // escos.code, sites_new.code, names
  std::optional<std::string> esco_name, site_name;
  // JSON array of the meter's registers: register_id, element, nature, status,
  // start_time, end_time, circuits (the names of those it counts toward now)
  std::string registers;
};

std::optional<MeterInfoRow> meter_info(pqxx::transaction_base& tx, const std::string& serial);

// The gateway's GetMeters answer: the rows of flows.get_meters_for_cli(esco, NULL)
// as a JSON array text (where a database lacks the function, the same columns
// from the tables: id, ip_address, serial, name, single_meter_app, esco, csq,
// health, hardware, feeder; one row per meter and feeder). Empty esco: all.
std::string meters_for_cli_json(pqxx::transaction_base& tx, const std::string& esco);

// The meter's name ("" when it has none); nullopt when no meter has the serial.
std::optional<std::string> meter_name(pqxx::transaction_base& tx, const std::string& serial);

// What a sync read of the registry facts: records {id, hardware?, firmware?,
// serial?, prepay_enabled?, dst?}; a missing one keeps the stored value. Only
// rows that change are updated (one UPDATE).
void update_registry_facts(pqxx::transaction_base& tx, const nlohmann::json& records);

}  // namespace flows::db
