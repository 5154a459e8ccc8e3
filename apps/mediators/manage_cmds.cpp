// mediators list/start/stop/restart/status/logs/env_show/env_set: gateways on this host.
#include "cli.hpp"

namespace flows::mediators_app {

void add_manage_commands(CLI::App&, Action&) {}

}  // namespace flows::mediators_app
