#pragma once
// Meters as the jobs need them from flows.meter_registry: where they are and what
// is known of them. Parameterised queries only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Ordered by serial. Throws flows::Error(database) on failure.
std::vector<MeterRow> load_meters(pqxx::transaction_base& tx, const MeterFilter& filter);

// The meters' ids as a uuid[] parameter (sql_values.hpp).
std::string meter_id_array(const std::vector<MeterRow>& meters);

}  // namespace flows::db
