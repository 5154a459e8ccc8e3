// emop status [--esco CODE] [--limit N] [--gateways FILE]: the one screen a
// supervisor wants, from the Flows database, and the gateways this host defines.
#include <iostream>

#include "cli.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "gateway/host_gateways.hpp"
#include "jobs/fleet_status.hpp"

namespace flows::emop_app {
namespace {

struct StatusArgs {
  std::string esco;
  std::size_t limit = 10;
  std::string gateways_file;
};

jobs::GatewayState state_of(const gateway::GatewayDefinition& d) {
  const auto h = gateway::definition_health(d);
  jobs::GatewayState g;
  g.name = d.name;
  g.esco = d.esco;
  g.listen = d.listen;
  g.reachable = h.reachable;
  g.meters_served = h.meters_served;
  g.calls_in_flight = h.calls_in_flight;
  g.error = h.reachable ? h.last_error : h.error;
  return g;
}

// The gateways of mediators.toml (of one ESCO when esco is given), each asked
// its health; a file that cannot be read is a note, not a failure of the screen.
void add_gateways(jobs::FleetStatus& s, const StatusArgs& a) {
  try {
    const auto path = gateway::definitions_path(a.gateways_file);
    for (const auto& d : gateway::host_definitions(path))
      if (a.esco.empty() || d.esco == a.esco) s.gateways.push_back(state_of(d));
    if (s.gateways.empty()) s.gateways_note = "none defined" + std::string(a.esco.empty() ? "" : " for " + a.esco) + " in " + path.string();
  } catch (const Error& e) {
    s.gateways_note = e.what();
  }
}

int run_status(const GlobalOptions& options, Resources& res, const StatusArgs& a) {
  auto conn = db::connect(res.settings().database_url.value_or(""));
  auto s = jobs::load_fleet_status(*conn, a.esco, a.limit);
  add_gateways(s, a);
  if (options.json) std::cout << jobs::status_json(s).dump(2) << "\n";
  else std::cout << jobs::status_text(s);
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app, Invocation& inv) {
  static StatusArgs args;
  auto* status = app.add_subcommand(
      "status",
      "one screen of the fleet from the database: schema version and pending migrations, the last sync per frequency "
      "(meters ok and failed), the unhealthy meters and why, tokens waiting to be pushed, the next tariff activations "
      "per ESCO, and the gateways this host defines with their health");
  status->add_option("--esco", args.esco, "only this ESCO (escos.code; an unknown code exits 2)");
  status->add_option("--limit", args.limit, "unhealthy meters shown (the count is of all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  status->add_option("--gateways", args.gateways_file,
                     "the gateway definitions (default: MEDIATORS_CONFIG, then mediators.toml beside config.toml)");
  status->callback([&inv] { inv.action = [&inv] { return run_status(inv.options, inv.resources, args); }; });
}

}  // namespace flows::emop_app
