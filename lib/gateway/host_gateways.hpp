#pragma once
// The gateways this host defines (mediators.toml, gateway/definitions.hpp) and
// what each running one says of itself: what `mediators list` and `emop status`
// show.
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/client.hpp"
#include "gateway/definitions.hpp"

namespace flows::gateway {

// The definitions file: `explicit_file` when given, else MEDIATORS_CONFIG, else
// mediators.toml beside config.toml. Error(config) when there is no
// configuration directory to look in.
std::filesystem::path definitions_path(const std::string& explicit_file);

// The definitions in `path`, none when the file does not exist. Error(config)
// naming the key for a file that is wrong.
std::vector<GatewayDefinition> host_definitions(const std::filesystem::path& path);

// Its health (grpc.health.v1 and GatewayStats) within 3 s, asked at its listen
// address (0.0.0.0 as 127.0.0.1), with its own client certificate when it has
// TLS. Never throws: what went wrong is in `error`.
GatewayHealth definition_health(const GatewayDefinition& d);

}  // namespace flows::gateway
