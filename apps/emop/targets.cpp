#include "targets.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "core/error.hpp"
#include "core/files.hpp"
#include "db/connection.hpp"
#include "db/meters.hpp"
#include "db/transaction.hpp"
#include "jobs/meter_targets.hpp"
#include "meter/inventory.hpp"

namespace flows::emop_app {

std::vector<std::string> collect_serials(const State& st, const std::string& positional) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
    if (!s.empty() && seen.insert(s).second) out.push_back(s);
  };
  if (!positional.empty()) add(positional);
  if (!st.serial_flag.empty()) add(st.serial_flag);
  for (const auto& s : st.serials_list) add(s);
  if (!st.serials_file.empty()) {
    std::ifstream in(st.serials_file);
    if (!in) throw usage_error("cannot read --serials-file " + st.serials_file);
    std::string line;
    while (std::getline(in, line)) {
      auto hash = line.find('#');
      if (hash != std::string::npos) line.erase(hash);
      add(line);
    }
  }
  return out;
}

net::TransportOptions transport_options(State& st) {
  net::TransportOptions o;
  int timeout = st.timeout_seconds > 0 ? st.timeout_seconds : st.settings().timeout_seconds;
  o.timeout = std::chrono::seconds(timeout);
  o.attempts = st.attempts;
  o.pacing = std::chrono::milliseconds(st.pacing_ms);
  o.reuse_connection = !st.new_connection_per_request;
  // Logs go to stderr; data stays on stdout.
  if (st.verbose || st.log_level == "debug")
    o.log_exchange = [](const std::string& line) { std::cerr << "emop: debug: " << line << "\n"; };
  if (st.verbose || st.log_level == "debug" || st.log_level == "info")
    o.log_retry = [](const std::string& line) { std::cerr << "emop: info: " << line << "\n"; };
  const auto& s = st.settings();
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

transport::TransportFactory transport_factory(State& st) { return net::direct_factory(transport_options(st)); }

namespace {

// No --host and no inventory, but a database: host and port from meter_registry
// (ip_address, emop_port or 8080). Passive meters are found too: naming one is
// the operator's choice.
std::vector<jobs::MeterTarget> resolve_targets_from_database(State& st, const std::vector<std::string>& serials) {
  auto conn = db::connect(*st.settings().database_url);
  const auto rows = db::in_read_transaction(*conn, "looking meters up in the database", [&](pqxx::read_transaction& tx) {
    db::MeterFilter f;
    f.serials = serials;
    f.active_only = false;
    return db::load_meters(tx, f);
  });
  const jobs::TargetSplit split = jobs::meter_targets(rows);
  std::vector<jobs::MeterTarget> out;
  for (const auto& serial : serials) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const db::MeterRow& r) { return r.serial == serial; });
    if (it == rows.end()) throw config_error("meter " + serial + " is not in the database (meter_registry)");
    auto t = std::find_if(split.targets.begin(), split.targets.end(),
                          [&](const jobs::MeterTarget& x) { return x.serial == serial; });
    if (t == split.targets.end())
      throw config_error("meter " + serial + " has no ip_address in the database (meter_registry)");
    out.push_back(*t);
  }
  return out;
}

}  // namespace

std::vector<jobs::MeterTarget> resolve_targets(State& st, const std::vector<std::string>& serials) {
  std::vector<jobs::MeterTarget> out;
  if (!st.host.empty()) {
    if (serials.size() > 1) throw usage_error("--host talks to one meter; give one serial or use an inventory");
    auto ep = transport::parse_endpoint(st.host);
    if (!ep) throw usage_error("--host '" + st.host + "' is not HOST[:PORT]");
    out.push_back({serials.empty() ? st.host : serials.front(), *ep, false, ""});
    return out;
  }
  std::string path = st.inventory;
  if (path.empty() && st.settings().inventory) path = *st.settings().inventory;
  if (path.empty() && st.settings().database_url && !st.settings().database_url->empty())
    return resolve_targets_from_database(st, serials);
  if (path.empty())
    throw config_error("no address for meter " + serials.front() +
                       ": give --host HOST[:PORT] or an inventory (--inventory FILE, EMOP_INVENTORY)");
  auto inv = meter::Inventory::parse(read_text_file(path), path);
  for (const auto& serial : serials) {
    const auto* e = inv.find(serial);
    if (!e) throw config_error("meter " + serial + " is not in the inventory " + path);
    out.push_back({serial, {e->host, e->port}, e->dst, e->hardware});
  }
  return out;
}

}  // namespace flows::emop_app
