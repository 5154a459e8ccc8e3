#pragma once
// Where meters are: serial -> host:port (plus what is known of them), from an
// inventory YAML document. The simulator's fleet file is one:
//   meters:
//     - { serial: EML2137580761, host: 127.0.1.1, port: 8080, hardware: C1.w, dst: true }
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flows::meter {

struct InventoryEntry {
  std::string serial;
  std::string host;
  std::uint16_t port = 8080;
  std::string hardware;  // registry string when known
  bool dst = false;      // the meter keeps UK local time
};

class Inventory {
 public:
  // Throws flows::Error(config) naming source:line on a malformed document.
  static Inventory parse(std::string_view yaml, std::string_view source);
  const InventoryEntry* find(std::string_view serial) const;
  std::size_t size() const { return entries_.size(); }
  const std::map<std::string, InventoryEntry, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, InventoryEntry, std::less<>> entries_;
};

}  // namespace flows::meter
