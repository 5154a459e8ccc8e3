// mediators serve: the gateway itself.
#include "cli.hpp"

namespace flows::mediators_app {

void add_serve_command(CLI::App&, Action&) {}

}  // namespace flows::mediators_app
