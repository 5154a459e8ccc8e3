#pragma once
// `emop status`: the one screen a supervisor wants of the fleet, read from the
// Flows database in one read-only transaction: the schema version (and pending
// migrations), the last sync per frequency, the unhealthy meters and why, the
// tokens waiting to be pushed, the future tariff activations per ESCO; and the
// gateways the host defines (filled in by the caller, which may reach them).
//
// Load (load_fleet_status) -> decide (sync_overdue) -> render (status_text,
// status_json: pure, over the values only).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "db/fleet_status.hpp"
#include "db/sync_runs.hpp"

namespace flows::jobs {

struct SchemaState {
  int current_version = 0, latest_version = 0;
  std::vector<std::string> pending;  // "0013 sync_runs"
  bool up_to_date = false;           // nothing pending, nothing the tool disagrees with
};

// A gateway the host defines (mediators.toml), with what it says of itself.
struct GatewayState {
  std::string name, esco, listen;
  bool reachable = false;
  std::uint32_t meters_served = 0, calls_in_flight = 0;
  std::string error;  // why not reachable, or its last error ("" when none)
};

struct FleetStatus {
  std::string esco;  // the --esco given ("" for all)
  SchemaState schema;
  bool fleet_read = false;  // false: the schema is not the tool's, so only it was read
  std::int64_t now = 0;     // the database's clock, seconds since 1970
  std::vector<db::SyncRunRow> syncs;
  db::UnhealthyMeters unhealthy;
  db::WaitingTokens tokens;
  std::vector<db::TariffActivationRow> tariffs;
  std::vector<GatewayState> gateways;
  std::string gateways_note;  // why there are none, or how they were found
};

// Throws flows::Error(usage) for an unknown esco, Error(database) on failure.
// On a database whose schema is not this tool's (migrations pending, a deployed
// one not adopted) only the schema is read.
FleetStatus load_fleet_status(pqxx::connection& conn, const std::string& esco, std::size_t unhealthy_limit);

// Whether a frequency's last sync, finished at `finished`, is older than two of
// its periods at `now` (both seconds since 1970): hourly 2 h, 12hourly 24 h, daily 48 h.
bool sync_overdue(const std::string& frequency, std::int64_t finished, std::int64_t now);

// "£12.50", "-£0.05".
std::string pounds(std::int64_t pence);

// The screen, as lines of text (each section headed, one item a line).
std::string status_text(const FleetStatus& s);
// One object: schema, esco, syncs (all three frequencies, null fields when never
// run), unhealthy {count, meters}, tokens_waiting, tariff_activations, gateways.
nlohmann::ordered_json status_json(const FleetStatus& s);

}  // namespace flows::jobs
