// mediators: the gateway that owns the path to an ESCO's meters (gRPC, the
// deployed wire interface), its certificates, and its management on a host.
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "cli/docs.hpp"
#include "cli/run.hpp"
#include "core/version.hpp"

using namespace flows;

namespace {

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "mediators";
  p.summary = "the gateway in front of an ESCO's meters: serve it, issue its certificates, manage it on a host";
  p.date = "2026-12-02";
  p.version = std::string(flows::version);
  p.description =
      "mediators serves the gRPC gateway that deployed clients (the Python emop, sync jobs, the customer "
      "app's back end) and this toolkit's emop use to reach an ESCO's meters.";
  p.extra_sections = {{"EXIT STATUS", cli::exit_status_roff()}};
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The gateway in front of an ESCO's meters (gRPC), its certificates and its management.", "mediators"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "mediators " + std::string(flows::version));
  mediators_app::Action action;
  cli::add_help_subcommand(app, action);
  mediators_app::add_serve_command(app, action);
  mediators_app::add_certs_commands(app, action);
  mediators_app::add_manage_commands(app, action);
  cli::add_docs_subcommand(app, man_page, action);
  return cli::run_tool(app, argc, argv, action);
}
