#include "gateway/access.hpp"

#include <sstream>

#include <toml.hpp>

#include "config/config.hpp"
#include "core/error.hpp"

namespace flows::gateway {

std::set<Method> methods_of(Role r) {
  switch (r) {
    case Role::internal:
      return {Method::send_raw_message, Method::read_element, Method::write_element, Method::get_info, Method::get_meters};
    case Role::partner: return {Method::read_element, Method::get_info, Method::get_meters};
    case Role::readonly: return {Method::get_info, Method::get_meters};
  }
  return {};
}

Caller local_caller() { return {"local", "internal"}; }

bool permitted(const AccessPolicy& policy, const Caller& caller, Method m) {
  if (auto o = policy.overrides.find(caller.client_id); o != policy.overrides.end()) return o->second.contains(m);
  auto role = role_from_name(caller.role);
  return role && methods_of(*role).contains(m);
}

AccessPolicy parse_access_file(const std::string& text, const std::string& path) {
  config::check_toml_nesting(text, path);
  toml::value doc;
  try {
    std::istringstream in(text);
    doc = toml::parse(in, path);
  } catch (const std::exception& e) {
    std::string first = e.what();
    first = first.substr(0, first.find('\n'));
    throw config_error("access file " + path + ": " + first);
  }
  AccessPolicy p;
  if (!doc.contains("clients")) return p;
  const auto& clients = doc.at("clients");
  if (!clients.is_table()) throw config_error("access file " + path + ": [clients] must be a table of client ids");
  for (const auto& [id, entry] : clients.as_table()) {
    if (!valid_client_id(id)) throw config_error("access file " + path + ": client id '" + id + "' is not [A-Za-z0-9_-]+");
    if (!entry.is_table() || !entry.contains("methods") || !entry.at("methods").is_array())
      throw config_error("access file " + path + ": clients." + id + " needs methods = [\"readElement\", …]");
    std::set<Method> methods;
    for (const auto& m : entry.at("methods").as_array()) {
      if (!m.is_string()) throw config_error("access file " + path + ": clients." + id + ".methods holds a non-string");
      auto method = method_from_name(m.as_string().str);
      if (!method)
        throw config_error("access file " + path + ": clients." + id + ": unknown method '" + m.as_string().str +
                           "' (sendRawMessage, readElement, writeElement, GetInfo, GetMeters)");
      methods.insert(*method);
    }
    p.overrides.emplace(id, std::move(methods));
  }
  return p;
}

}  // namespace flows::gateway
