#include "meter/inventory.hpp"

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"

namespace flows::meter {

Inventory Inventory::parse(std::string_view yaml, std::string_view source) {
  auto fail = [&](const YAML::Mark& m, const std::string& msg) -> void {
    std::string where(source);
    if (m.line >= 0) where += ":" + std::to_string(m.line + 1);
    throw config_error(where + ": " + msg);
  };
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    fail(e.mark, e.msg);
  }
  if (!doc.IsMap() || !doc["meters"] || !doc["meters"].IsSequence())
    fail(doc.Mark(), "expected a 'meters' list of {serial, host, port}");
  Inventory inv;
  for (const auto& m : doc["meters"]) {
    if (!m.IsMap()) fail(m.Mark(), "each meter must be a mapping");
    InventoryEntry e;
    try {
      if (!m["serial"] || !m["host"]) fail(m.Mark(), "a meter needs serial and host");
      e.serial = m["serial"].as<std::string>();
      e.host = m["host"].as<std::string>();
      if (m["port"]) {
        int p = m["port"].as<int>();
        if (p < 1 || p > 65535) fail(m["port"].Mark(), "port must be 1-65535");
        e.port = static_cast<std::uint16_t>(p);
      }
      if (m["hardware"]) e.hardware = m["hardware"].as<std::string>();
      if (m["dst"]) e.dst = m["dst"].as<bool>();
    } catch (const YAML::BadConversion& ex) {
      fail(ex.mark, "bad value: " + ex.msg);
    }
    if (e.serial.empty()) fail(m.Mark(), "empty serial");
    if (!inv.entries_.emplace(e.serial, e).second) fail(m.Mark(), "serial " + e.serial + " listed twice");
  }
  return inv;
}

const InventoryEntry* Inventory::find(std::string_view serial) const {
  auto it = entries_.find(serial);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace flows::meter
