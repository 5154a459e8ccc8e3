#include "gateway/meter_source.hpp"

#include <mutex>

#include <nlohmann/json.hpp>

#include "core/files.hpp"
#include "meter/inventory.hpp"

namespace flows::gateway {
namespace {

class InventorySource : public MeterSource {
 public:
  explicit InventorySource(std::string path) : path_(std::move(path)) {}

  std::vector<transport::MeterTarget> load() override {
    auto inv = meter::Inventory::parse(read_text_file(path_), path_);
    std::vector<transport::MeterTarget> out;
    for (const auto& [serial, e] : inv.entries()) out.push_back({serial, {e.host, e.port}, e.dst, e.hardware});
    std::lock_guard g(mutex_);
    meters_ = out;
    return out;
  }

  std::optional<std::string> info_json(const std::string& serial) override {
    std::lock_guard g(mutex_);
    for (const auto& m : meters_) {
      if (m.serial != serial) continue;
      nlohmann::ordered_json j;
      j["registry"] = registry_of(m);
      j["shadow"] = nullptr;
      return j.dump();
    }
    return std::nullopt;
  }

  std::string meters_json(const std::string&) override {
    std::lock_guard g(mutex_);
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& m : meters_) {
      nlohmann::ordered_json r;
      r["id"] = nullptr;
      r["ip_address"] = m.endpoint.host;
      r["serial"] = m.serial;
      r["name"] = nullptr;
      r["single_meter_app"] = nullptr;
      r["esco"] = nullptr;
      r["csq"] = nullptr;
      r["health"] = nullptr;
      r["hardware"] = m.hardware.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.hardware);
      r["feeder"] = nullptr;
      rows.push_back(std::move(r));
    }
    return rows.dump();
  }

  std::string describe() const override { return "inventory " + path_; }

 private:
  static nlohmann::ordered_json registry_of(const transport::MeterTarget& m) {
    nlohmann::ordered_json r;
    r["serial"] = m.serial;
    r["ip_address"] = m.endpoint.host;
    r["emop_port"] = m.endpoint.port;
    r["hardware"] = m.hardware.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.hardware);
    r["dst"] = m.dst;
    return r;
  }

  std::string path_;
  std::mutex mutex_;
  std::vector<transport::MeterTarget> meters_;
};

}  // namespace

std::unique_ptr<MeterSource> inventory_source(std::string path) { return std::make_unique<InventorySource>(std::move(path)); }

}  // namespace flows::gateway
