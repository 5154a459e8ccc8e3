// What a sync writes, decided from snapshots: hand-built values, no database.
#include "jobs/sync_writes.hpp"

#include <doctest/doctest.h>

#include "db/shadows.hpp"
#include "sim/meter_spec.hpp"

using namespace flows;
using nlohmann::json;

namespace {
UtcTime utc(const char* iso) { return *sim::parse_utc(iso); }
db::MeterRow meter_row(const char* id, const char* serial, bool dst = false) {
  db::MeterRow m;
  m.id = id;
  m.serial = serial;
  m.host = "10.0.0.1";
  m.dst = dst;
  return m;
}
}  // namespace

TEST_CASE("shadow record: exactly the columns the snapshot carries") {
  jobs::MeterSnapshot s;
  s.balance = *Money::parse("12.5");
  s.csq = 17;
  s.voltage = emop::Voltage{2386};
  const auto r = jobs::shadow_record("m1", s, utc("2024-03-02T12:00:00Z"));
  CHECK(r.columns == (db::shadow_balance | db::shadow_csq | db::shadow_voltage));
  CHECK(r.shadow == json{{"id", "m1"}, {"balance", "12.50000"}, {"csq", 17}, {"voltage", "238.6"}});
  CHECK(r.registry.is_null());
}

TEST_CASE("shadow record: a three-phase meter's totals are element A; the clock is stamped") {
  jobs::MeterSnapshot s;
  s.three_phase = meter::ThreePhaseTotals{};
  s.three_phase->active_import = 1234;
  s.three_phase->active_export = 56;
  s.voltage_3p = std::array<emop::Voltage, 3>{emop::Voltage{2301}, emop::Voltage{2312}, emop::Voltage{2323}};
  s.clock_diff_seconds = -42;
  const auto r = jobs::shadow_record("m3", s, utc("2024-03-02T12:00:00Z"));
  CHECK(r.columns == (db::shadow_element_a | db::shadow_voltage_3p | db::shadow_clock));
  CHECK(r.shadow["import_a"] == 1234);
  CHECK(r.shadow["export_a"] == 56);
  CHECK(r.shadow["v2"] == "231.2");
  CHECK(r.shadow["clock_diff"] == -42);
  CHECK(r.shadow["clock_at"] == format_iso_utc(utc("2024-03-02T12:00:00Z")));
  CHECK(!r.shadow.contains("import_b"));
}

TEST_CASE("shadow record: a CT meter's totals count 0.1 Wh; the columns take whole Wh, rounded down") {
  jobs::MeterSnapshot s;
  s.three_phase = meter::ThreePhaseTotals{};
  s.three_phase->unit = emop::EnergyUnit::tenth_wh;
  s.three_phase->active_import = 614725;  // 61 472.5 Wh
  s.three_phase->active_export = 19;      // 1.9 Wh
  const auto r = jobs::shadow_record("m4", s, utc("2024-03-02T12:00:00Z"));
  CHECK(r.columns == db::shadow_element_a);
  CHECK(r.shadow["import_a"] == 61472);
  CHECK(r.shadow["export_a"] == 1);
}

TEST_CASE("shadow record: element registers win over three-phase totals; B separately") {
  jobs::MeterSnapshot s;
  s.element_a = emop::ElementRegisters{100, 2, 0, 0};
  s.element_b = emop::ElementRegisters{300, 4, 0, 0};
  s.three_phase = meter::ThreePhaseTotals{};
  s.three_phase->active_import = 999;
  const auto r = jobs::shadow_record("m2", s, utc("2024-03-02T12:00:00Z"));
  CHECK(r.columns == (db::shadow_element_a | db::shadow_element_b));
  CHECK(r.shadow["import_a"] == 100);
  CHECK(r.shadow["import_b"] == 300);
  CHECK(r.shadow["export_b"] == 4);
}

TEST_CASE("registry facts: only what was read; the serial without padding") {
  jobs::MeterSnapshot s;
  s.serial = std::string("EML1234567890 \0\0", 16);
  s.dst = false;
  s.firmware = "3.1.4";
  const auto r = jobs::shadow_record("m1", s, utc("2024-03-02T12:00:00Z"));
  CHECK(r.columns == 0u);
  CHECK(r.registry == json{{"id", "m1"}, {"serial", "EML1234567890"}, {"dst", false}, {"firmware", "3.1.4"}});
  CHECK(jobs::trim_serial("  EML1\t\r\n") == "EML1");
}

TEST_CASE("events: stamped in UTC, a DST meter's local time converted") {
  jobs::MeterSnapshot s;
  s.events.push_back(emop::EventRecord{});
  s.events[0].timestamp = *parse_iso("2024-06-01T13:00:00");
  s.events[0].event_type = 25;
  s.events[0].event_set = 1;
  const auto bst = jobs::event_records("m1", s, true);
  REQUIRE(bst.size() == 1);
  CHECK(bst[0]["ts"] == format_iso_utc(utc("2024-06-01T12:00:00Z")));
  CHECK(bst[0]["event_type"] == 25);
  CHECK(bst[0]["event_set"] == 1);
  CHECK(jobs::event_records("m1", s, false)[0]["ts"] == format_iso_utc(utc("2024-06-01T13:00:00Z")));
}

TEST_CASE("sync writes: one group per column set, failures only marked unhealthy") {
  const std::vector<db::MeterRow> meters{meter_row("m1", "EML1"), meter_row("m2", "EML2"), meter_row("m3", "EML3", true)};
  jobs::MeterSnapshot a, c;
  a.csq = 10;
  c.csq = 12;
  c.dst = false;  // the meter says its DST correction is off: its events are UTC
  c.events.push_back(emop::EventRecord{});
  c.events[0].timestamp = *parse_iso("2024-06-01T13:00:00");
  const std::vector<std::optional<jobs::MeterSnapshot>> snaps{a, std::nullopt, c};
  const std::vector<UtcTime> at(3, utc("2024-06-01T14:00:00Z"));
  const std::vector<std::optional<jobs::SyncFailure>> failures{
      std::nullopt, jobs::SyncFailure{"EML2", ExitCode::unreachable, "connection refused"}, std::nullopt};
  const auto w = jobs::sync_writes(meters, snaps, at, failures);
  REQUIRE(w.shadow_groups.size() == 1);
  CHECK(w.shadow_groups.at(db::shadow_csq) == json::array({{{"id", "m1"}, {"csq", 10}}, {{"id", "m3"}, {"csq", 12}}}));
  CHECK(w.unhealthy == json::array({{{"id", "m2"}, {"details", "connection refused"}}}));
  REQUIRE(w.failures.size() == 1);
  CHECK(w.failures[0].serial == "EML2");
  CHECK(w.registry == json::array({{{"id", "m3"}, {"dst", false}}}));
  REQUIRE(w.events.size() == 1);
  CHECK(w.events[0]["ts"] == format_iso_utc(utc("2024-06-01T13:00:00Z")));
}

TEST_CASE("a run's counts per ESCO: the failed meters by serial, meters without an ESCO under \"\"") {
  auto a1 = meter_row("m1", "EML1"), a2 = meter_row("m2", "EML2"), b1 = meter_row("m3", "EML3"), n1 = meter_row("m4", "EML4");
  a1.esco = a2.esco = "alpha";
  b1.esco = "beta";
  const auto c = jobs::sync_counts_by_esco({a1, a2, b1, n1}, {{"EML2", ExitCode::unreachable, "timed out"}});
  CHECK(c.size() == 3);
  CHECK(c.at("alpha") == db::SyncCounts{2, 1, 1});
  CHECK(c.at("beta") == db::SyncCounts{1, 1, 0});
  CHECK(c.at("") == db::SyncCounts{1, 1, 0});
  CHECK(jobs::sync_counts_by_esco({}, {}).empty());
}
