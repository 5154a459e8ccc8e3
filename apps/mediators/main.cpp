// mediators: the gateway that owns the path to an ESCO's meters (gRPC, the
// deployed wire interface), its certificates, and its management on a host.
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "cli/docs.hpp"
#include "cli/global_json.hpp"
#include "cli/run.hpp"
#include "core/error.hpp"
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
      "app's back end) and this toolkit's emop (\\fB\\-\\-mediator\\fR, MEDIATOR_SERVER) use to reach an ESCO's meters. "
      "It speaks the deployed wire unchanged: package simt_emlite.mediator.grpc, EmliteMediatorService "
      "(sendRawMessage, readElement, writeElement) and InfoService (GetInfo, GetMeters), with the deployed status "
      "codes and messages (INVALID_ARGUMENT \\(lqTarget meter serial not specified\\(rq, NOT_FOUND \\(lqMeter "
      "\\(aqSERIAL\\(aq not known\\(rq, RESOURCE_EXHAUSTED \\(lqMeter SERIAL is busy (timeout)\\(rq, INTERNAL "
      "\\(lqfailed to connect after retries\\(rq or \\(lqMeter communication failed\\(rq followed by \\(lq: timeout\\(rq, "
      "\\(lq: NAK N\\(rq, \\(lq: bad response\\(rq or \\(lq: closed mid\\-conversation\\(rq and, for a write that reached the "
      "meter unanswered, \\(lq; write outcome unknown\\(rq), beside grpc.health.v1 and flows.gateway.v1.GatewayStats.\n"
      ".PP\n"
      "\\fBserve\\fR takes its meters from \\fB\\-\\-inventory\\fR or from the configured database (meter_registry rows "
      "with an address, one ESCO's with \\fB\\-\\-esco\\fR, passive meters never), reloaded every \\fB\\-\\-refresh\\fR "
      "seconds and on SIGHUP. One conversation reaches a meter at a time; other calls wait up to \\fB\\-\\-busy\\-wait\\fR "
      "seconds. Requests are paced, timed out and retried per meter as emop does directly (a delivered write is never "
      "sent again). Calls are gRPC callbacks handed to one event loop: no thread per call. Each call is one log line "
      "on stderr (client, method, serial, object, outcome, ms); each write is audited when attempted and when it ends "
      "(done, failed, unknown). Without TLS material the gateway listens on loopback only; with it, every call needs "
      "a client certificate signed by the client CA (CN the client id, OU the role: internal, partner, readonly), and "
      "\\fB\\-\\-access\\fR overrides a client's methods. SIGTERM stops taking calls and lets those in flight finish "
      "within \\fB\\-\\-grace\\fR seconds.";
  p.extra_sections = {
      {"EXIT STATUS", cli::exit_status_roff() +
                          "\n.PP\n\\fBserve\\fR exits 0 after SIGTERM or SIGINT, 2 for a bad option (a non-loopback "
                          "\\fB\\-\\-listen\\fR without TLS, half the TLS material, an unknown ESCO), 3 when it cannot "
                          "listen or read its inventory, TLS material or configuration, 6 when the database fails."},
      {"CERTIFICATES",
       "The gateway speaks mTLS. \\fBmediators certs\\fR keeps the ESCO's certificate authority in a directory "
       "(\\fB\\-\\-dir\\fR; default \\fI$XDG_CONFIG_HOME/flows/mediators/pki\\fR, else "
       "\\fI~/.config/flows/mediators/pki\\fR, mode 0700): \\fIca.crt\\fR and \\fIca.key\\fR, server "
       "certificates \\fINAME.crt\\fR/\\fINAME.key\\fR, client certificates "
       "\\fIclients/ID.crt\\fR/\\fIclients/ID.key\\fR, and \\fIregistry.json\\fR, one entry per "
       "certificate issued. Keys are RSA (the CA's 4096 bits, as deployed), mode 0600, and every file is "
       "written whole.\n"
       ".PP\n"
       "A client certificate's CN is the client's id ([A\\-Za\\-z0\\-9_\\-]+) and its OU its role: "
       "\\fBinternal\\fR (every method), \\fBpartner\\fR (readElement, GetInfo, GetMeters) or "
       "\\fBreadonly\\fR (GetInfo, GetMeters). A server certificate always names "
       "\\fBcepro\\-mediators\\fR, the TLS name deployed clients verify, and localhost and 127.0.0.1, "
       "besides each \\fB\\-\\-san\\fR (an IP address becomes an IP SAN, anything else a DNS name).\n"
       ".PP\n"
       "Nothing secret is printed unless asked: \\fB\\-\\-env\\fR (and \\fBcerts env\\fR) print "
       "\\fBMEDIATOR_SERVER_CERT\\fR, \\fBMEDIATOR_SERVER_KEY\\fR or \\fBMEDIATOR_CLIENT_CERT\\fR, "
       "\\fBMEDIATOR_CLIENT_KEY\\fR, and \\fBMEDIATOR_CA_CERT\\fR, each the standard base64 of the PEM "
       "on one line, as deployed tools read them from the environment; those lines alone go to stdout, the "
       "summary to stderr.\n"
       ".PP\n"
       "Exit status 2: a CA already in the directory (\\fBcerts init\\fR), or a server name or client id "
       "already issued, each without \\fB\\-\\-force\\fR; a bad id, role, name or \\fB\\-\\-san\\fR; a "
       "file given to \\fBcerts info\\fR that is not a PEM certificate. Exit status 3: no CA in the directory "
       "to issue with, or an unreadable one."}};
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The gateway in front of an ESCO's meters (gRPC), its certificates and its management.", "mediators"};
  app.require_subcommand(1);
  app.fallthrough();  // --json is accepted after the command too
  app.set_version_flag("--version", "mediators " + std::string(flows::version));
  cli::add_global_json(app);
  mediators_app::Action action;
  // Grouped by kind in --help and the man page, in this order.
  cli::add_grouped(app, "Gateways", [&] { mediators_app::add_serve_command(app, action); });
  cli::add_grouped(app, "Certificates", [&] { mediators_app::add_certs_commands(app, action); });
  cli::add_grouped(app, "Gateways", [&] { mediators_app::add_manage_commands(app, action); });
  const char* management = "Environments and help";
  for (const char* name : {"env_show", "env_set"}) app.get_subcommand(name)->group(management);
  cli::add_grouped(app, management, [&] {
    cli::add_help_subcommand(app, action);
    cli::add_docs_subcommand(app, man_page, action);
  });
  const mediators_app::Action forwarded = [&app, &action]() -> int {
    if (!action) throw usage_error("which command? see mediators --help");
    cli::forward_global_json(app);
    return action();
  };
  return cli::run_tool(app, argc, argv, forwarded);
}
