#include "gateway/definitions.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <toml.hpp>

#include "config/config.hpp"
#include "core/error.hpp"
#include "gateway/certs.hpp"

namespace flows::gateway {
namespace {

std::string text_key(const toml::value& t, const std::string& where, const char* key) {
  if (!t.contains(key)) return "";
  const auto& v = t.at(key);
  if (!v.is_string()) throw config_error(where + "." + key + " must be a string");
  return v.as_string().str;
}

int int_key(const toml::value& t, const std::string& where, const char* key, int fallback, int lo, int hi) {
  if (!t.contains(key)) return fallback;
  const auto& v = t.at(key);
  if (!v.is_integer() || v.as_integer() < lo || v.as_integer() > hi)
    throw config_error(where + "." + key + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<int>(v.as_integer());
}

std::string relative_to(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

GatewayDefinition definition_of(const std::string& name, const toml::value& t, const std::string& path) {
  const std::string where = path + ": gateways." + name;
  if (!valid_client_id(name)) throw config_error(where + ": a gateway name is letters, digits, '_' and '-'");
  if (!t.is_table()) throw config_error(where + " must be a table");
  const auto base = std::filesystem::path(path).parent_path();
  GatewayDefinition d;
  d.name = name;
  d.esco = text_key(t, where, "esco");
  d.env = text_key(t, where, "env");
  d.inventory = relative_to(base, text_key(t, where, "inventory"));
  if (auto l = text_key(t, where, "listen"); !l.empty()) d.listen = l;
  d.tls_cert = relative_to(base, text_key(t, where, "tls_cert"));
  d.tls_key = relative_to(base, text_key(t, where, "tls_key"));
  d.client_ca = relative_to(base, text_key(t, where, "client_ca"));
  d.access = relative_to(base, text_key(t, where, "access"));
  d.client_cert = relative_to(base, text_key(t, where, "client_cert"));
  d.client_key = relative_to(base, text_key(t, where, "client_key"));
  d.pace_ms = int_key(t, where, "pace_ms", d.pace_ms, 0, 600000);
  d.grace_seconds = int_key(t, where, "grace_seconds", d.grace_seconds, 0, 3600);
  for (const auto& [key, v] : t.as_table()) {
    static const std::vector<std::string> known = {"esco", "env", "inventory", "listen", "tls_cert", "tls_key", "client_ca",
                                                   "access", "client_cert", "client_key", "pace_ms", "grace_seconds"};
    if (std::find(known.begin(), known.end(), key) == known.end()) throw config_error(where + ": unknown key '" + key + "'");
  }
  return d;
}

void add(std::vector<std::string>& args, const char* flag, const std::string& value) {
  if (value.empty()) return;
  args.push_back(flag);
  args.push_back(value);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<GatewayDefinition> parse_definitions(const std::string& text, const std::string& path) {
  config::check_toml_nesting(text, path);
  toml::value doc;
  try {
    std::istringstream in(text);
    doc = toml::parse(in, path);
  } catch (const std::exception& e) {
    std::string first = e.what();
    throw config_error(path + ": " + first.substr(0, first.find('\n')));
  }
  std::vector<GatewayDefinition> out;
  if (!doc.contains("gateways")) return out;
  if (!doc.at("gateways").is_table()) throw config_error(path + ": gateways must be a table of gateways");
  for (const auto& [name, t] : doc.at("gateways").as_table()) out.push_back(definition_of(name, t, path));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

const GatewayDefinition* find_definition(const std::vector<GatewayDefinition>& defs, const std::string& name) {
  for (const auto& d : defs)
    if (d.name == name) return &d;
  return nullptr;
}

std::vector<std::string> serve_arguments(const GatewayDefinition& d) {
  std::vector<std::string> a;
  add(a, "--name", d.name);
  add(a, "--listen", d.listen);
  add(a, "--inventory", d.inventory);
  add(a, "--esco", d.esco);
  add(a, "--env", d.env);
  add(a, "--tls-cert", d.tls_cert);
  add(a, "--tls-key", d.tls_key);
  add(a, "--client-ca", d.client_ca);
  add(a, "--access", d.access);
  add(a, "--pace", std::to_string(d.pace_ms));
  add(a, "--grace", std::to_string(d.grace_seconds));
  return a;
}

std::chrono::seconds restart_backoff(int crashes) {
  if (crashes <= 1) return std::chrono::seconds(1);
  if (crashes >= 7) return std::chrono::seconds(60);
  return std::chrono::seconds(std::min(60, 1 << (crashes - 1)));
}

std::string systemd_unit(const GatewayDefinition& d, const std::string& binary) {
  std::string exec = quoted(binary) + " serve";
  for (const auto& a : serve_arguments(d)) exec += " " + quoted(a);
  return "[Unit]\n"
         "Description=Flows mediator gateway " + d.name + (d.esco.empty() ? "" : " (ESCO " + d.esco + ")") + "\n"
         "After=network-online.target\n"
         "Wants=network-online.target\n\n"
         "[Service]\n"
         "ExecStart=" + exec + "\n"
         "ExecReload=/bin/kill -HUP $MAINPID\n"
         "KillSignal=SIGTERM\n"
         "TimeoutStopSec=" + std::to_string(d.grace_seconds + 5) + "\n"
         "Restart=on-failure\n"
         "RestartSec=1\n"
         "NoNewPrivileges=yes\n\n"
         "[Install]\n"
         "WantedBy=multi-user.target\n";
}

}  // namespace flows::gateway
