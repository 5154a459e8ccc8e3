#include "gateway/host_gateways.hpp"

#include <cstdlib>

#include "core/error.hpp"
#include "core/files.hpp"

namespace flows::gateway {

std::filesystem::path definitions_path(const std::string& explicit_file) {
  if (!explicit_file.empty()) return explicit_file;
  if (const char* m = std::getenv("MEDIATORS_CONFIG"); m && *m) return m;
  auto dir = config_dir();
  if (!dir) throw config_error("no configuration directory: set XDG_CONFIG_HOME or HOME, or give --gateways FILE");
  return *dir / "mediators.toml";
}

std::vector<GatewayDefinition> host_definitions(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return {};
  return parse_definitions(read_text_file(path), path.string());
}

GatewayHealth definition_health(const GatewayDefinition& d) {
  ClientOptions o;
  o.address = d.listen;
  if (o.address.starts_with("0.0.0.0:")) o.address = "127.0.0.1:" + o.address.substr(8);
  o.deadline = std::chrono::seconds(3);
  if (!d.tls_cert.empty()) {
    if (d.client_cert.empty() || d.client_key.empty()) {
      GatewayHealth h;
      h.error = "TLS: give the definition client_cert and client_key to ask its health";
      return h;
    }
    try {
      o.tls = ClientTls{read_text_file(d.client_cert), read_text_file(d.client_key), read_text_file(d.client_ca)};
    } catch (const Error& e) {
      GatewayHealth h;
      h.error = e.what();
      return h;
    }
  }
  return fetch_health(o);
}

}  // namespace flows::gateway
