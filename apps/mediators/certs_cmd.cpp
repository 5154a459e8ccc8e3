// mediators certs: the ESCO's certificate authority and the certificates it issues.
#include "cli.hpp"

namespace flows::mediators_app {

void add_certs_commands(CLI::App&, Action&) {}

}  // namespace flows::mediators_app
