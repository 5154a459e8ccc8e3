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

#include "core/error.hpp"
#include "db/meters.hpp"
#include "db/session.hpp"

namespace flows::gateway {
namespace {

class DatabaseSource : public MeterSource {
 public:
  DatabaseSource(std::string conninfo, std::string esco) : db_(std::move(conninfo)), esco_(std::move(esco)) {}

  std::vector<transport::MeterTarget> load() override {
    return db_.read("loading the meters to serve", [&](pqxx::transaction_base& tx) {
      if (!esco_.empty()) db::require_esco(tx, esco_);
      db::MeterFilter f;
      if (!esco_.empty()) f.esco = esco_;
      f.active_only = true;  // passive meters are never contacted
      std::vector<transport::MeterTarget> out;
      for (const auto& m : db::load_meters(tx, f))
        if (!m.host.empty()) out.push_back({m.serial, {m.host, m.port}, m.dst, m.hardware});
      return out;
    });
  }

  std::optional<std::string> info_json(const std::string& serial) override {
    return db_.read("GetInfo", [&](pqxx::transaction_base& tx) -> std::optional<std::string> {
      auto row = db::meter_info(tx, serial);
      if (!row) return std::nullopt;
      nlohmann::ordered_json j;
      j["registry"] = nlohmann::ordered_json::parse(row->registry);
      j["shadow"] = row->shadow ? nlohmann::ordered_json::parse(*row->shadow) : nlohmann::ordered_json(nullptr);
      return j.dump();
    });
  }

  std::string meters_json(const std::string& esco) override {
    return db_.read("GetMeters", [&](pqxx::transaction_base& tx) { return db::meters_for_cli_json(tx, esco); });
  }

  std::string describe() const override { return esco_.empty() ? "the database" : "the database (ESCO " + esco_ + ")"; }

 private:
  db::Session db_;
  std::string esco_;
};

}  // namespace

std::unique_ptr<MeterSource> database_source(std::string conninfo, std::string esco) {
  return std::make_unique<DatabaseSource>(std::move(conninfo), std::move(esco));
}

}  // namespace flows::gateway
