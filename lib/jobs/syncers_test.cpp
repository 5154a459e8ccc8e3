// The sync's and the interval ingest's meter-talking halves over a simulated
// meter in process: what they read equals the simulated meter's own state.
#include "jobs/syncers.hpp"

#include <doctest/doctest.h>

#include "db/shadows.hpp"
#include "jobs/intervals.hpp"
#include "jobs/sim_bench.hpp"
#include "jobs/sync.hpp"
#include "jobs/sync_writes.hpp"

using namespace flows;
using jobs::test::SimBench;

namespace {
std::set<std::string> all_but_events() {
  std::set<std::string> s;
  for (const auto name : jobs::known_syncers) s.insert(std::string(name));
  s.erase("SyncerEventLog");
  return s;
}
}  // namespace

TEST_CASE("sync_meter over a simulated meter: the snapshot holds the meter's state") {
  auto spec = jobs::test::flat_meter();
  spec.clock_offset_seconds = 120;
  SimBench b(spec);
  jobs::SyncContext ctx;
  ctx.now = b.now;
  const auto s = run_blocking(jobs::sync_meter(b.meter, all_but_events(), ctx));
  CHECK(s.hardware == "B1.w");
  CHECK(s.csq == 21);
  CHECK(s.balance == b.sim.balance());
  REQUIRE(s.voltage);
  CHECK(s.voltage->decivolts == b.sim.voltage_decivolts());
  CHECK(!s.voltage_3p);
  CHECK(jobs::trim_serial(*s.serial) == "EML2137580761");
  REQUIRE(s.element_a);
  CHECK(s.element_a->import_active_wh == 15732);  // 437 W for 36 h
  CHECK(s.element_a->import_active_wh == b.sim.registers().import_a_wh);
  CHECK(!s.element_b);  // B only on a C1.w
  CHECK(s.clock_diff_seconds == 120);
  CHECK(s.prepay_enabled == true);
  CHECK(s.dst == false);
  CHECK(s.tariffs_active->unit_rate_a == *Money::parse("0.24567"));
  CHECK(s.tariffs_active->standing_charge == *Money::parse("0.61234"));
  CHECK(s.events.empty());
  // The serial check passes for the registry's serial and fails for another.
  jobs::check_serial(s, {"EML2137580761", {"10.0.0.1", 8080}, false, ""});
  CHECK_THROWS_AS(jobs::check_serial(s, {"EML0000000001", {"10.0.0.1", 8080}, false, ""}), Error);
}

TEST_CASE("sync_meter: only the syncers asked for; hardware from the registry is not asked again") {
  SimBench b;
  jobs::SyncContext ctx;
  ctx.hardware = "B1.w";
  ctx.now = b.now;
  const auto s = run_blocking(jobs::sync_meter(b.meter, {"SyncerCsq", "SyncerPrepayBalance"}, ctx));
  CHECK(s.csq == 21);
  CHECK(s.balance == b.sim.balance());
  CHECK(!s.voltage);
  CHECK(!s.hardware);
  CHECK(b.transport.requests() == 2);
  CHECK(jobs::shadow_record("m1", s, b.now).columns == (db::shadow_balance | db::shadow_csq));
}

TEST_CASE("sync_meter: events newer than the newest stored, oldest first") {
  SimBench b;
  const auto& events = b.sim.events();
  REQUIRE(!events.empty());
  jobs::SyncContext ctx;
  ctx.hardware = "B1.w";
  ctx.now = b.now;
  const auto all = run_blocking(jobs::sync_meter(b.meter, {"SyncerEventLog"}, ctx));
  REQUIRE(all.events.size() == events.size());
  CHECK(all.events.front() == events.front());
  CHECK(all.events.back() == events.back());
  ctx.last_event = events.back().timestamp;
  CHECK(run_blocking(jobs::sync_meter(b.meter, {"SyncerEventLog"}, ctx)).events.empty());
}

TEST_CASE("sync_meter: a three-phase meter's voltages and totals") {
  SimBench b(jobs::test::flat_meter(sim::MeterKind::three_phase_ax));
  jobs::SyncContext ctx;
  ctx.now = b.now;
  const auto s = run_blocking(jobs::sync_meter(b.meter, {"SyncerVoltage", "SyncerReads"}, ctx));
  REQUIRE(s.voltage_3p);
  CHECK(!s.voltage);
  REQUIRE(s.three_phase);
  CHECK(!s.element_a);
  CHECK(s.three_phase->unit == emop::EnergyUnit::wh);
  CHECK(s.three_phase->active_import == b.sim.registers().import_a_wh);
  CHECK(jobs::shadow_record("m1", s, b.now).columns == (db::shadow_voltage_3p | db::shadow_element_a));
}

TEST_CASE("sync_meter: a CT meter's totals are read in 0.1 Wh and stored as whole Wh") {
  SimBench b(jobs::test::flat_meter(sim::MeterKind::three_phase_cx));
  jobs::SyncContext ctx;
  ctx.now = b.now;
  const auto s = run_blocking(jobs::sync_meter(b.meter, {"SyncerHardware", "SyncerReads", "SyncerBacklight"}, ctx));
  REQUIRE(s.three_phase);
  CHECK(*s.hardware == "P1.cx");
  CHECK(s.three_phase->unit == emop::EnergyUnit::tenth_wh);
  const std::int64_t wh = b.sim.registers().import_a_wh;
  CHECK(wh > 1000);
  // The meter counts tenths: its raw register is ten times its Wh, to within the tenth.
  CHECK(s.three_phase->active_import / 10 == wh);
  CHECK(jobs::shadow_record("m1", s, b.now).shadow["import_a"] == wh);
  CHECK(*s.backlight == "30_seconds_turn_off_3p");
}

TEST_CASE("read_intervals over a simulated meter: every half hour, summing to the register's rise") {
  SimBench b;
  const UtcTime from = *sim::parse_utc("2024-03-02T00:00:00Z"), to = *sim::parse_utc("2024-03-02T06:00:00Z");
  const auto iv = run_blocking(jobs::read_intervals(b.meter, false, "B1.w", from, to));
  std::int64_t a_sum = 0;
  std::size_t a = 0, bs = 0;
  for (const auto& i : iv) {
    CHECK(i.start >= from);
    CHECK(i.start < to);
    if (i.element == 'A') {
      ++a;
      a_sum += i.tenth_wh;
    } else {
      ++bs;
      CHECK(i.tenth_wh == 0);  // a single-element meter's B register stays at 0
    }
  }
  CHECK(a == 12);
  CHECK(bs == 12);
  CHECK(a_sum == 437 * 6 * 10);  // 437 W for 6 h, in tenths of a Wh
  CHECK(iv.front().element == 'A');
  CHECK(iv.front().tenth_wh == (10706 - 10488) * 10);
}

TEST_CASE("read_intervals over a simulated CT meter: half hours in 0.1 Wh, the hardware read when not given") {
  SimBench b(jobs::test::flat_meter(sim::MeterKind::three_phase_cx));
  const UtcTime from = *sim::parse_utc("2024-03-02T00:00:00Z"), to = *sim::parse_utc("2024-03-02T06:00:00Z");
  const auto iv = run_blocking(jobs::read_intervals(b.meter, false, "", from, to));
  std::int64_t a_sum = 0;
  std::size_t a = 0;
  for (const auto& i : iv)
    if (i.element == 'A') {
      ++a;
      a_sum += i.tenth_wh;
      CHECK(i.tenth_wh == 2185);  // 437 W for half an hour: 218.5 Wh exactly
    }
  CHECK(a == 12);
  CHECK(a_sum == 437 * 6 * 10);
}

TEST_CASE("take_new_events: newer than the newest stored; a stored one ends the reading") {
  auto ev = [](const char* t, std::uint16_t type) {
    emop::EventRecord e;
    e.timestamp = *parse_iso(t);
    e.event_type = type;
    return e;
  };
  const std::vector<emop::EventRecord> block{ev("2024-03-02T10:00:00", 3), ev("2024-03-02T09:00:00", 2),
                                             ev("2024-03-02T08:00:00", 1)};
  std::vector<emop::EventRecord> out;
  CHECK(!jobs::take_new_events(block, std::nullopt, out));
  CHECK(out.size() == 3);
  out.clear();
  CHECK(jobs::take_new_events(block, *parse_iso("2024-03-02T09:00:00"), out));
  REQUIRE(out.size() == 1);
  CHECK(out[0].event_type == 3);
  out.clear();
  CHECK(jobs::take_new_events(block, *parse_iso("2024-03-02T11:00:00"), out));
  CHECK(out.empty());
}
