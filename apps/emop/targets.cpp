#include "targets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/run.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/files.hpp"
#include "db/connection.hpp"
#include "gateway/certs.hpp"
#include "jobs/meter_lookup.hpp"
#include "meter/inventory.hpp"

namespace flows::emop_app {

std::vector<std::string> collect_serials(const MeterSelection& sel, const std::string& positional) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  // WHERE names the source for an error ("--serials-file F line 3"). A serial with
  // a NUL byte, invalid UTF-8 or a control character is refused before any query
  // or connection (PostgreSQL would fail on the first two with a database error).
  auto add = [&](std::string s, const std::string& where = "") {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
    if (const std::string_view problem = text_problem(s, true); !problem.empty())
      throw usage_error("serial '" + cli::one_line(s) + "'" + (where.empty() ? "" : " (" + where + ")") + " " + std::string(problem));
    if (!s.empty() && seen.insert(s).second) out.push_back(s);
  };
  if (!positional.empty()) add(positional);
  if (!sel.serial_flag.empty()) add(sel.serial_flag);
  for (const auto& s : sel.serials_list) add(s);
  if (!sel.serials_file.empty()) {
    std::ifstream in(sel.serials_file);
    if (!in) throw usage_error("cannot read --serials-file " + sel.serials_file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      auto hash = line.find('#');
      if (hash != std::string::npos) line.erase(hash);
      add(line, "--serials-file " + sel.serials_file + " line " + std::to_string(n));
    }
  }
  return out;
}

net::TransportOptions transport_options(const GlobalOptions& options, Resources& res) {
  net::TransportOptions o;
  int timeout = options.timeout_seconds > 0 ? options.timeout_seconds : res.settings().timeout_seconds;
  o.timeout = std::chrono::seconds(timeout);
  o.attempts = options.attempts;
  o.pacing = std::chrono::milliseconds(options.pacing_ms);
  o.reuse_connection = !options.new_connection_per_request;
  // Logs go to stderr; data stays on stdout.
  if (options.verbose || options.log_level == "debug")
    o.log_exchange = [](const std::string& line) { std::cerr << "debug: " << line << "\n"; };
  if (options.verbose || options.log_level == "debug" || options.log_level == "info")
    o.log_retry = [](const std::string& line) { std::cerr << "info: " << line << "\n"; };
  const auto& s = res.settings();
  if (s.socks_host) {
    net::Socks5Proxy p;
    p.host = *s.socks_host;
    p.port = static_cast<std::uint16_t>(s.socks_port.value_or(1080));
    p.username = s.socks_username;
    p.password = s.socks_password;
    o.socks = p;
  }
  return o;
}

namespace {

// A PEM from a configured file, else from a deployed base64 variable; nullopt when neither.
std::optional<std::string> pem_from(const std::optional<std::string>& file, const char* variable) {
  if (file && !file->empty()) return read_text_file(*file);
  if (auto v = config::process_env()(variable)) return gateway::pem_from_base64_env(variable, *v);
  return std::nullopt;
}

std::optional<gateway::ClientTls> mediator_tls(const config::Settings& s) {
  auto cert = pem_from(s.mediator_client_cert, "MEDIATOR_CLIENT_CERT");
  auto key = pem_from(s.mediator_client_key, "MEDIATOR_CLIENT_KEY");
  auto ca = pem_from(s.mediator_ca_cert, "MEDIATOR_CA_CERT");
  if (!cert && !key && !ca) return std::nullopt;
  if (!cert || !key || !ca)
    throw config_error("a TLS gateway needs a client certificate, its key and the CA (mediator_client_cert, mediator_client_key, "
                       "mediator_ca_cert, or MEDIATOR_CLIENT_CERT, MEDIATOR_CLIENT_KEY, MEDIATOR_CA_CERT)");
  gateway::ClientTls t;
  t.cert_pem = *cert;
  t.key_pem = *key;
  t.ca_pem = *ca;
  return t;
}

}  // namespace

std::optional<gateway::ClientOptions> mediator_options(const GlobalOptions& options, Resources& res) {
  std::string address = options.mediator;
  if (address.empty() && res.settings().mediator) address = *res.settings().mediator;
  if (address.empty()) return std::nullopt;
  if (!transport::parse_endpoint(address, 50051))
    throw usage_error("--mediator '" + address + "' is not HOST:PORT");
  if (address.find(':') == std::string::npos) address += ":50051";
  gateway::ClientOptions o;
  o.address = address;
  o.tls = mediator_tls(res.settings());
  o.log_exchange = transport_options(options, res).log_exchange;
  // A call may wait for the gateway's retries of a slow meter: the deployed clients' 75 s, or more for long timeouts.
  const int timeout = options.timeout_seconds > 0 ? options.timeout_seconds : res.settings().timeout_seconds;
  o.deadline = std::max(std::chrono::milliseconds(75000), std::chrono::milliseconds(1000LL * timeout * (options.attempts + 1)));
  return o;
}

transport::TransportFactory transport_factory(const GlobalOptions& options, Resources& res, bool direct) {
  if (!direct)
    if (auto m = mediator_options(options, res)) return gateway::mediator_factory(*m);
  return net::direct_factory(transport_options(options, res));
}

jobs::BatchOptions batch_options(const GlobalOptions& options, Resources& res, bool direct) {
  jobs::BatchOptions b;
  b.concurrency = options.concurrency;
  b.transport = transport_factory(options, res, direct);
  return b;
}

namespace {

// No --host and no inventory, but a database: host and port from meter_registry
// (ip_address, emop_port or 8080). Passive meters are found too: naming one is
// the operator's choice.
jobs::Placement resolve_targets_from_database(Resources& res, const std::vector<std::string>& serials) {
  auto conn = db::connect(res.settings());
  return jobs::targets_from_database(*conn, serials);
}

}  // namespace

jobs::Placement resolve_targets(const MeterSelection& sel, Resources& res, const std::vector<std::string>& serials) {
  jobs::Placement out;
  if (!sel.host.empty()) {
    if (serials.size() > 1) throw usage_error("--host talks to one meter; give one serial or use an inventory");
    auto ep = transport::parse_endpoint(sel.host);
    if (!ep) throw usage_error("--host '" + sel.host + "' is not HOST[:PORT]");
    out.targets.push_back({serials.empty() ? sel.host : serials.front(), *ep, false, ""});
    return out;
  }
  std::string path = sel.inventory;
  if (path.empty() && res.settings().inventory) path = *res.settings().inventory;
  if (path.empty() && res.settings().database_url && !res.settings().database_url->empty())
    return resolve_targets_from_database(res, serials);
  // Through a gateway, a serial is all it needs: it knows where its meters are.
  if (path.empty() && mediator_options(res.global_options(), res)) {
    for (const auto& serial : serials) out.targets.push_back({serial, {}, false, ""});
    return out;
  }
  if (path.empty())
    throw config_error("no address for meter " + serials.front() +
                       ": give --host HOST[:PORT], an inventory (--inventory FILE, EMOP_INVENTORY) or a gateway (--mediator HOST:PORT)");
  auto inv = meter::Inventory::parse(read_text_file(path), path);
  for (const auto& serial : serials) {
    const auto* e = inv.find(serial);
    if (!e) out.fail(serial, ExitCode::config, "meter " + serial + " is not in the inventory " + path);
    else out.targets.push_back({serial, {e->host, e->port}, e->dst, e->hardware});
  }
  return out;
}

}  // namespace flows::emop_app
