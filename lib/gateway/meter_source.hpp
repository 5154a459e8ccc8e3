#pragma once
// Where a gateway's meters come from, and what it says of them through the
// InfoService: an inventory YAML (as emop takes it; the simulator's fleet file)
// or the Flows database (meter_registry rows with an address, passive meters
// never). Calls block: the server makes them off its event loop.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/target.hpp"

namespace flows::gateway {

class MeterSource {
 public:
  virtual ~MeterSource() = default;
  // The meters to serve now. Throws flows::Error (config, database) when it cannot say.
  virtual std::vector<transport::MeterTarget> load() = 0;
  // GetInfo's JSON text {"registry": {…}, "shadow": {…}}; nullopt for an unknown serial.
  virtual std::optional<std::string> info_json(const std::string& serial) = 0;
  // GetMeters' JSON array text (an empty esco: all).
  virtual std::string meters_json(const std::string& esco) = 0;
  // "inventory fleet.yaml", "database (esco demo)".
  virtual std::string describe() const = 0;
};

// The inventory file, read again on every load(). Its meters are the registry:
// GetInfo gives {"registry": {"serial", "ip_address", "emop_port", "hardware",
// "dst"}, "shadow": null}; GetMeters the same keys as the database's rows, null
// where an inventory cannot know (id, name, esco, csq, health, feeder).
std::unique_ptr<MeterSource> inventory_source(std::string path);

}  // namespace flows::gateway

namespace flows::gateway {

// The Flows database at `conninfo`: meter_registry rows with an address (one
// ESCO's when esco is not empty; an unknown ESCO is a usage error), passive
// meters never; GetInfo and GetMeters from the same database. One connection,
// opened again after a failure.
std::unique_ptr<MeterSource> database_source(std::string conninfo, std::string esco);

}  // namespace flows::gateway
