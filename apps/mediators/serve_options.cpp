#include "serve_options.hpp"

#include "core/error.hpp"
#include "core/files.hpp"
#include "gateway/access.hpp"
#include "gateway/certs.hpp"

namespace flows::mediators_app {

void add_serve_options(CLI::App& cmd, ServeArgs& a) {
  cmd.add_option("--listen", a.listen, "HOST:PORT to listen on; without TLS only a loopback address is accepted")
      ->capture_default_str();
  cmd.add_option("--inventory", a.inventory, "YAML inventory of the meters to serve (emop's; emlite-sim's fleet file is one)");
  cmd.add_option("--esco", a.esco, "serve only this ESCO's meters (escos.code), from the database");
  cmd.add_option("--env", a.env_name, "configuration environment whose database lists the meters (default FLOWS_ENV, then the current one)");
  cmd.add_option("--tls-cert", a.tls_cert, "server certificate (PEM); with --tls-key and --client-ca, or MEDIATOR_SERVER_CERT (base64)");
  cmd.add_option("--tls-key", a.tls_key, "server private key (PEM), or MEDIATOR_SERVER_KEY (base64)");
  cmd.add_option("--client-ca", a.client_ca, "CA that signs client certificates (PEM), or MEDIATOR_CA_CERT (base64)");
  cmd.add_option("--access", a.access_file, "TOML file of per-client method overrides ([clients.ID] methods = [...])");
  cmd.add_option("--name", a.name, "the gateway's name, reported by its stats call");
  cmd.add_option("--pace", a.pace_ms, "least milliseconds between two requests to one meter (the deployed gateway waits 2000)")
      ->capture_default_str();
  cmd.add_option("--busy-wait", a.busy_wait_s, "seconds a call waits for a busy meter before RESOURCE_EXHAUSTED")->capture_default_str();
  cmd.add_option("--timeout", a.timeout_s, "seconds to wait for a meter's connection or answer")->capture_default_str();
  cmd.add_option("--attempts", a.attempts, "tries per request in all, the first included (a delivered write is never re-sent)")
      ->capture_default_str();
  cmd.add_option("--refresh", a.refresh_s, "seconds between reloads of the meters")->capture_default_str();
  cmd.add_option("--grace", a.grace_s, "seconds calls in flight get to finish on SIGTERM")->capture_default_str();
  cmd.add_option("--idle-close", a.idle_close_s,
                 "seconds a meter's connection stays open unused (0: closed as soon as no call waits)")->capture_default_str();
  cmd.add_option("--port-file", a.port_file, "write the port listened on to this file once serving (for --listen HOST:0)");
}

namespace {

void check_range(const char* flag, int v, int lo, int hi) {
  if (v < lo || v > hi)
    throw usage_error(std::string(flag) + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) + " to " +
                      std::to_string(hi) + ")");
}

std::string host_of(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) throw usage_error("--listen '" + listen + "' is not HOST:PORT");
  return listen.substr(0, colon);
}

// The deployed servers' base64 variables: all three, or none.
std::optional<gateway::TlsMaterial> tls_from_environment(const config::Getenv& getenv) {
  const auto cert = getenv("MEDIATOR_SERVER_CERT"), key = getenv("MEDIATOR_SERVER_KEY"), ca = getenv("MEDIATOR_CA_CERT");
  if (!cert && !key) return std::nullopt;
  if (!cert || !key || !ca)
    throw config_error("TLS from the environment needs all three of MEDIATOR_SERVER_CERT, MEDIATOR_SERVER_KEY and MEDIATOR_CA_CERT");
  return gateway::TlsMaterial{gateway::pem_from_base64_env("MEDIATOR_SERVER_CERT", *cert),
                              gateway::pem_from_base64_env("MEDIATOR_SERVER_KEY", *key),
                              gateway::pem_from_base64_env("MEDIATOR_CA_CERT", *ca)};
}

// Where the meters come from: --inventory, else the configured database.
std::function<std::unique_ptr<gateway::MeterSource>()> meter_source_for(const ServeArgs& a, const config::Getenv& getenv) {
  if (!a.inventory.empty()) {
    if (!a.esco.empty()) throw usage_error("--esco selects meters from the database; an --inventory lists its own");
    return [path = a.inventory] { return gateway::inventory_source(path); };
  }
  config::LoadOptions load;
  if (!a.env_name.empty()) load.env_name = a.env_name;
  load.getenv = getenv;
  const auto settings = config::load(load);
  if (!settings.database_url || settings.database_url->empty())
    throw config_error("no meters to serve: give --inventory FILE, or a database (database_url in the " + settings.env_name +
                       " environment, or FLOWS_DATABASE_URL)");
  return [url = *settings.database_url, esco = a.esco] { return gateway::database_source(url, esco); };
}

// The configured database's URL when the meters come from it (the audit goes there too).
std::optional<std::string> audit_database(const ServeArgs& a, const config::Getenv& getenv) {
  if (!a.inventory.empty()) return std::nullopt;
  config::LoadOptions load;
  if (!a.env_name.empty()) load.env_name = a.env_name;
  load.getenv = getenv;
  return config::load(load).database_url;
}

// The TLS material from the three files, or from the deployed base64 variables;
// nullopt when neither is given. Half of it is an error.
std::optional<gateway::TlsMaterial> tls_material(const ServeArgs& a, const config::Getenv& getenv) {
  const int files = !a.tls_cert.empty() + !a.tls_key.empty() + !a.client_ca.empty();
  if (files == 3) return gateway::TlsMaterial{read_text_file(a.tls_cert), read_text_file(a.tls_key), read_text_file(a.client_ca)};
  if (files > 0) throw usage_error("TLS needs all three of --tls-cert, --tls-key and --client-ca");
  return tls_from_environment(getenv);
}

}  // namespace

ServePlan plan_serve(const ServeArgs& a, const config::Getenv& getenv) {
  check_range("--pace", a.pace_ms, 0, 600000);
  check_range("--busy-wait", a.busy_wait_s, 1, 3600);
  check_range("--timeout", a.timeout_s, 1, 600);
  check_range("--attempts", a.attempts, 1, 20);
  check_range("--refresh", a.refresh_s, 1, 86400);
  check_range("--grace", a.grace_s, 0, 3600);
  check_range("--idle-close", a.idle_close_s, 0, 3600);
  ServePlan p;
  p.host = host_of(a.listen);
  p.server.listen = a.listen;
  p.server.tls = tls_material(a, getenv);
  if (!p.server.tls && !gateway::is_loopback_listen(a.listen))
    throw usage_error("--listen " + a.listen + " is not a loopback address: without TLS (--tls-cert, --tls-key, --client-ca) the gateway listens on loopback only");
  if (!a.access_file.empty()) p.server.access = gateway::parse_access_file(read_text_file(a.access_file), a.access_file);
  p.server.name = a.name;
  p.server.esco = a.esco;
  p.transport.timeout = std::chrono::seconds(a.timeout_s);
  p.transport.attempts = a.attempts;
  p.transport.pacing = std::chrono::milliseconds(a.pace_ms);
  p.engine.busy_wait = std::chrono::seconds(a.busy_wait_s);
  p.engine.idle_close = std::chrono::seconds(a.idle_close_s);
  p.refresh = std::chrono::seconds(a.refresh_s);
  p.grace = std::chrono::seconds(a.grace_s);
  p.make_source = meter_source_for(a, getenv);
  p.make_auditor = [db = audit_database(a, getenv), name = a.name](std::function<void(const std::string&)> log) {
    return db ? gateway::database_auditor(*db, name) : gateway::log_auditor(std::move(log));
  };
  return p;
}

}  // namespace flows::mediators_app
