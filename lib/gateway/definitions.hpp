#pragma once
// The gateways a host runs, as `mediators start|stop|list…` know them: one table
// per gateway in mediators.toml (beside config.toml):
//
//   [gateways.wlce]
//   esco = "wlce"                 # meters from the database of `env`'s database_url
//   env = "prod"
//   listen = "127.0.0.1:50051"
//   # inventory = "fleet.yaml"    # or meters from an inventory
//   # tls_cert = "…"  tls_key = "…"  client_ca = "…"   # mTLS (then any --listen)
//   # client_cert = "…"  client_key = "…"              # what `mediators list` asks its health with
//   pace_ms = 100
//   grace_seconds = 30
//
// Relative paths are relative to the file. Pure: parsing, the serve command line
// a definition means, the restart backoff, the systemd unit.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace flows::gateway {

struct GatewayDefinition {
  std::string name;
  std::string esco, env, inventory;
  std::string listen = "127.0.0.1:50051";
  std::string tls_cert, tls_key, client_ca, access;
  std::string client_cert, client_key;
  int pace_ms = 100;
  int grace_seconds = 30;
};

// Throws flows::Error(config) naming the file and the key that is wrong. Ordered by name.
std::vector<GatewayDefinition> parse_definitions(const std::string& text, const std::string& path);
const GatewayDefinition* find_definition(const std::vector<GatewayDefinition>& defs, const std::string& name);

// The arguments of `mediators serve` for the definition (after "serve").
std::vector<std::string> serve_arguments(const GatewayDefinition& d);

// How long a supervisor waits before restarting a gateway that crashed
// `crashes` times in a row: 1 s, 2 s, 4 s … at most 60 s.
std::chrono::seconds restart_backoff(int crashes);

// A systemd service unit running `BINARY serve …` for the definition, restarted on failure.
std::string systemd_unit(const GatewayDefinition& d, const std::string& binary);

}  // namespace flows::gateway
