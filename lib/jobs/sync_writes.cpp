#include "jobs/sync_writes.hpp"

#include <set>

#include <boost/algorithm/string/trim.hpp>

#include "db/shadows.hpp"
#include "jobs/sync.hpp"

namespace flows::jobs {

using nlohmann::json;

std::string trim_serial(std::string s) {
  return boost::algorithm::trim_copy_if(s, [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n'; });
}

namespace {

void add_energy(ShadowRecord& r, const MeterSnapshot& s) {
  json& j = r.shadow;
  if (s.element_a) {
    r.columns |= db::shadow_element_a;
    j["import_a"] = s.element_a->import_active_wh;
    j["export_a"] = s.element_a->export_active_wh;
  } else if (s.three_phase) {
    // A three-phase meter's totals are its one (element A) register; the columns
    // hold whole Wh, so a CT meter's 0.1 Wh digit is dropped (rounded down).
    r.columns |= db::shadow_element_a;
    const auto& t = *s.three_phase;
    j["import_a"] = emop::floor_wh(t.tenths(t.active_import));
    j["export_a"] = emop::floor_wh(t.tenths(t.active_export));
  }
  if (s.element_b) {
    r.columns |= db::shadow_element_b;
    j["import_b"] = s.element_b->import_active_wh;
    j["export_b"] = s.element_b->export_active_wh;
  }
}

json registry_record(const std::string& id, const MeterSnapshot& s) {
  if (!(s.hardware || s.firmware || s.serial || s.prepay_enabled || s.dst)) return nullptr;
  json g{{"id", id}};
  if (s.hardware) g["hardware"] = *s.hardware;
  if (s.firmware) g["firmware"] = *s.firmware;
  if (s.serial) g["serial"] = trim_serial(*s.serial);
  if (s.prepay_enabled) g["prepay_enabled"] = *s.prepay_enabled;
  if (s.dst) g["dst"] = *s.dst;
  return g;
}

}  // namespace

ShadowRecord shadow_record(const std::string& id, const MeterSnapshot& s, UtcTime synced_at) {
  ShadowRecord r;
  json& j = r.shadow;
  j["id"] = id;
  if (s.balance) { r.columns |= db::shadow_balance; j["balance"] = s.balance->to_string(); }
  if (s.csq) { r.columns |= db::shadow_csq; j["csq"] = *s.csq; }
  if (s.voltage) { r.columns |= db::shadow_voltage; j["voltage"] = s.voltage->to_string(); }
  if (s.voltage_3p) {
    r.columns |= db::shadow_voltage_3p;
    j["v1"] = (*s.voltage_3p)[0].to_string();
    j["v2"] = (*s.voltage_3p)[1].to_string();
    j["v3"] = (*s.voltage_3p)[2].to_string();
  }
  add_energy(r, s);
  if (s.backlight) { r.columns |= db::shadow_backlight; j["backlight"] = *s.backlight; }
  if (s.load_switch) { r.columns |= db::shadow_load_switch; j["load_switch"] = *s.load_switch; }
  if (s.clock_diff_seconds) {
    r.columns |= db::shadow_clock;
    j["clock_diff"] = *s.clock_diff_seconds;
    j["clock_at"] = format_iso_utc(synced_at);
  }
  if (s.tariffs_active) {
    r.columns |= db::shadow_tariffs_active;
    j["tariffs_active"] = meter::tariff_json(*s.tariffs_active);
  }
  if (s.tariffs_future) {
    r.columns |= db::shadow_tariffs_future;
    j["tariffs_future"] = meter::tariff_json(*s.tariffs_future);
  }
  r.registry = registry_record(id, s);
  return r;
}

json event_records(const std::string& id, const MeterSnapshot& s, bool dst) {
  json out = json::array();
  for (const auto& e : s.events)
    out.push_back({{"id", id},
                   {"ts", format_iso_utc(to_utc(e.timestamp, dst ? ClockKind::uk_local : ClockKind::utc))},
                   {"event_type", e.event_type},
                   {"event_set", e.event_set}});
  return out;
}

SyncWrites sync_writes(const std::vector<db::MeterRow>& meters, const std::vector<std::optional<MeterSnapshot>>& snapshots,
                       const std::vector<UtcTime>& synced_at, const std::vector<std::optional<SyncFailure>>& failures) {
  SyncWrites w;
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    if (failures[i]) {
      w.unhealthy.push_back({{"id", m.id}, {"details", failures[i]->error}});
      w.failures.push_back(*failures[i]);
      continue;
    }
    if (!snapshots[i]) continue;  // not reached (cannot happen: every target has an outcome)
    const MeterSnapshot& s = *snapshots[i];
    ShadowRecord rec = shadow_record(m.id, s, synced_at[i]);
    auto& g = w.shadow_groups[rec.columns];
    if (g.is_null()) g = json::array();
    g.push_back(std::move(rec.shadow));
    if (!rec.registry.is_null()) w.registry.push_back(std::move(rec.registry));
    for (auto& e : event_records(m.id, s, s.dst.value_or(m.dst))) w.events.push_back(std::move(e));
  }
  return w;
}

std::map<std::string, db::SyncCounts> sync_counts_by_esco(const std::vector<db::MeterRow>& meters,
                                                          const std::vector<SyncFailure>& failures) {
  std::set<std::string> failed;
  for (const auto& f : failures) failed.insert(f.serial);
  std::map<std::string, db::SyncCounts> out;
  for (const auto& m : meters) {
    auto& c = out[m.esco];
    ++c.meters;
    ++(failed.count(m.serial) ? c.failed : c.ok);
  }
  return out;
}

}  // namespace flows::jobs
