#include "sim/topology.hpp"

#include <map>
#include <sstream>

#include "core/error.hpp"

namespace flows::sim {
namespace {

std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string install_day(const MeterSpec& s) {
  const auto day = date::floor<date::days>(s.installed_at);
  return date::format("%Y-%m-%dT00:00:00Z", date::sys_days{day});
}

}  // namespace

std::string topology_yaml(const std::vector<MeterSpec>& meters, const TopologyOptions& o) {
  std::map<std::string, std::string> hosts;
  for (const auto& m : meters) {
    if (auto [it, fresh] = hosts.emplace(m.host, m.serial); !fresh)
      throw usage_error("meters " + it->second + " and " + m.serial + " share the address " + m.host +
                        ": meter_registry.ip_address is unique, so a topology needs one address per meter "
                        "(generate the fleet without --base-port)");
  }
  const std::string site = o.esco + "-site", feeder = o.esco + "-feeder-1";
  std::ostringstream y;
  y << "# Topology of a simulated fleet (emlite-sim topology); import with `emop db import FILE`.\n";
  y << "escos:\n  - {code: " << q(o.esco) << ", name: " << q(o.esco_name) << ", region: " << q(o.region) << "}\n";
  y << "sites:\n  - {code: " << q(site) << ", name: " << q(o.esco_name + " site") << ", esco: " << q(o.esco) << "}\n";
  y << "feeders:\n  - {name: " << q(feeder) << ", esco: " << q(o.esco) << "}\n";
  if (meters.empty()) return y.str();
  auto plot = [&](std::size_t i) { return o.esco + " plot " + std::to_string(i + 1); };
  auto head = [&](const MeterSpec& m) { return o.esco + "-sh-" + m.serial; };
  y << "service_heads:\n";
  for (const auto& m : meters)
    y << "  - {name: " << q(head(m)) << ", feeder: " << q(feeder) << ", phase: " << (is_three_phase(m.kind) ? 3 : 1)
      << "}\n";
  y << "properties:\n";
  for (std::size_t i = 0; i < meters.size(); ++i)
    y << "  - {plot: " << q(plot(i)) << ", service_head: " << q(head(meters[i])) << "}\n";
  y << "meters:\n";
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    y << "  - {serial: " << q(m.serial) << ", ip_address: " << q(m.host) << ", emop_port: " << m.port
      << ", hardware: " << q(kind_registry(m.kind)) << ", mode: active, dst: " << (m.dst ? "true" : "false")
      << ", esco: " << q(o.esco) << ", site: " << q(site) << ", service_head: " << q(head(m))
      << ", name: " << q(plot(i)) << "}\n";
  }
  auto elements = [](const MeterSpec& m) {
    return is_twin(m.kind) ? std::vector<std::string>{"A", "B"} : std::vector<std::string>{"SINGLE"};
  };
  y << "registers:\n";
  for (const auto& m : meters)
    for (const auto& e : elements(m))
      y << "  - {meter: " << q(m.serial) << ", element: " << e << ", nature: power, start_time: " << q(install_day(m))
        << "}\n";
  y << "circuits:\n";
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    y << "  - name: " << q(plot(i) + " power") << "\n    type: power\n    registers:\n";
    for (const auto& e : elements(m)) y << "      - {meter: " << q(m.serial) << ", element: " << e << "}\n";
    if (m.solar) {
      y << "  - name: " << q(plot(i) + " solar") << "\n    type: solar\n    registers:\n";
      y << "      - {meter: " << q(m.serial) << ", element: " << elements(m).front() << ", nature: power}\n";
    }
  }
  return y.str();
}

}  // namespace flows::sim
