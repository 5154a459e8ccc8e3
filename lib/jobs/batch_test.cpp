// run_batch over a transport factory: simulated meters in process, no sockets.
#include "jobs/batch.hpp"

#include <doctest/doctest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim/in_process_transport.hpp"

using namespace flows;

namespace {

std::vector<sim::SimMeter> fleet_of(int n) {
  std::vector<sim::SimMeter> fleet;
  for (int i = 0; i < n; ++i) {
    sim::MeterSpec s;
    s.serial = "EML00000000" + std::to_string(10 + i);
    s.csq = static_cast<std::uint8_t>(10 + i);
    s.installed_at = *sim::parse_utc("2024-03-01T00:00:00Z");
    fleet.emplace_back(s, emop::ObjectTable::builtin());
  }
  return fleet;
}

jobs::MeterJob read_csq = [](meter::Meter& m, const jobs::MeterTarget&) -> Task<jobs::CommandResult> {
  auto s = co_await m.csq();
  co_return jobs::CommandResult{s.csq, "csq=" + std::to_string(s.csq)};
};

}  // namespace

TEST_CASE("run_batch: one outcome per target, in order, through the factory given") {
  auto fleet = fleet_of(3);
  const UtcTime now = *sim::parse_utc("2024-03-02T00:00:00Z");
  jobs::BatchOptions o;
  o.concurrency = 2;
  o.transport = sim::in_process_factory(fleet, [now] { return now; });
  std::vector<jobs::MeterTarget> targets{{"EML0000000012", {}, false, ""},
                                         {"EML0000000010", {}, false, ""},
                                         {"EML0000000099", {}, false, ""}};
  auto out = jobs::run_batch(targets, emop::ObjectTable::builtin(), o, read_csq);
  REQUIRE(out.size() == 3);
  CHECK(out[0].serial == "EML0000000012");
  CHECK(out[0].ok);
  CHECK(out[0].result.text == "csq=12");
  CHECK(out[1].result.value == 10);
  CHECK(!out[2].ok);
  CHECK(out[2].code == ExitCode::unreachable);
  CHECK(out[2].error == "no simulated meter EML0000000099");
  CHECK(jobs::batch_status(out) == ExitCode::partial);
}

TEST_CASE("run_batch: all failing alike gives that status; a NAK is 5") {
  auto fleet = fleet_of(2);
  const UtcTime now = *sim::parse_utc("2024-03-02T00:00:00Z");
  sim::Faults nak;
  nak.nak = emop::NakCode::format_error;
  jobs::BatchOptions o;
  o.transport = sim::in_process_factory(fleet, [now] { return now; }, nak);
  std::vector<jobs::MeterTarget> targets{{"EML0000000010", {}, false, ""}, {"EML0000000011", {}, false, ""}};
  auto out = jobs::run_batch(targets, emop::ObjectTable::builtin(), o, read_csq);
  CHECK(!out[0].ok);
  CHECK(out[0].code == ExitCode::protocol);
  CHECK(out[0].error.find("answered NAK 2") != std::string::npos);
  CHECK(jobs::batch_status(out) == ExitCode::protocol);
}

TEST_CASE("run_batch: a factory that cannot open a transport fails that meter, and the batch goes on") {
  auto fleet = fleet_of(2);
  const UtcTime now = *sim::parse_utc("2024-03-02T00:00:00Z");
  auto simulated = sim::in_process_factory(fleet, [now] { return now; });
  jobs::BatchOptions o;
  o.concurrency = 1;
  o.transport = [&](boost::asio::any_io_executor ex,
                    const jobs::MeterTarget& t) -> std::unique_ptr<transport::Transport> {
    if (t.serial == "EML0000000010") throw transport::MeterError(transport::FailureKind::unreachable, "no route");
    return simulated(ex, t);
  };
  std::vector<jobs::MeterTarget> targets{{"EML0000000010", {}, false, ""}, {"EML0000000011", {}, false, ""}};
  auto out = jobs::run_batch(targets, emop::ObjectTable::builtin(), o, read_csq);
  CHECK(!out[0].ok);
  CHECK(out[0].code == ExitCode::unreachable);
  CHECK(out[0].error == "no route");
  CHECK(out[1].ok);
  CHECK(out[1].result.text == "csq=11");
  CHECK(jobs::batch_status(out) == ExitCode::partial);
  o.transport = nullptr;
  CHECK_THROWS_AS(jobs::run_batch(targets, emop::ObjectTable::builtin(), o, read_csq), std::logic_error);
}

TEST_CASE("in_order puts a batch's outcomes and its unplaced meters back in the order named") {
  using namespace flows;
  jobs::Placement placed;
  placed.fail("EMLB", ExitCode::config, "meter EMLB is not in the inventory fleet.yaml");
  jobs::MeterOutcome a, c;
  a.serial = "EMLA";
  a.ok = true;
  c.serial = "EMLC";
  c.code = ExitCode::unreachable;
  c.error = "no answer";
  const auto all = jobs::in_order({"EMLA", "EMLB", "EMLC"}, {c, a}, placed.unplaced);
  REQUIRE(all.size() == 3);
  CHECK(all[0].serial == "EMLA");
  CHECK(all[0].ok);
  CHECK(all[1].serial == "EMLB");
  CHECK_FALSE(all[1].ok);
  CHECK(all[1].code == ExitCode::config);
  CHECK(all[1].error == "meter EMLB is not in the inventory fleet.yaml");
  CHECK(all[2].serial == "EMLC");
  CHECK(jobs::batch_status(all) == ExitCode::partial);
  CHECK(jobs::batch_status(placed.unplaced) == ExitCode::config);  // all failing alike: that status
}

TEST_CASE("fit_concurrency: never more than the descriptors free allow, never under 1") {
  CHECK(jobs::fit_concurrency(1024, 1024, 10) == 982);       // Debian's default soft limit
  CHECK(jobs::fit_concurrency(1024, 524288, 10) == 1024);    // the hard limit raised to
  CHECK(jobs::fit_concurrency(50, 512, 10) == 50);           // as requested when it fits
  CHECK(jobs::fit_concurrency(1024, 40, 20) == 1);           // no room: one at a time, not none
  CHECK(jobs::fit_concurrency(0, 1024, 10) == 1);
  CHECK(jobs::fit_concurrency(1024, 200, 10, 0) == 190);
}

namespace {
struct Recorder : jobs::BatchObserver {
  std::size_t total = 0, ticks = 0;
  std::vector<std::string> finished_serials;
  void started(std::size_t meters) override { total = meters; }
  void finished(const jobs::MeterOutcome& o) override { finished_serials.push_back(o.serial + (o.ok ? "" : " failed")); }
  void tick() override { ++ticks; }
};
}  // namespace

TEST_CASE("run_batch tells its observer the size, each outcome as it ends, and ticks while it waits") {
  auto fleet = fleet_of(2);
  const UtcTime now = *sim::parse_utc("2024-03-02T00:00:00Z");
  // A meter that takes 120 ms to answer.
  jobs::MeterJob slow_csq = [](meter::Meter& m, const jobs::MeterTarget& t) -> Task<jobs::CommandResult> {
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(120));
    co_await wait.async_wait(boost::asio::use_awaitable);
    co_return co_await read_csq(m, t);
  };
  Recorder seen;
  jobs::BatchOptions o;
  o.concurrency = 1;  // one after the other: 2 × 120 ms, ticks every 20 ms
  o.transport = sim::in_process_factory(fleet, [now] { return now; });
  o.observer = &seen;
  o.tick_every = std::chrono::milliseconds(20);
  std::vector<jobs::MeterTarget> targets{{"EML0000000011", {}, false, ""},
                                         {"EML0000000099", {}, false, ""},
                                         {"EML0000000010", {}, false, ""}};
  auto out = jobs::run_batch(targets, emop::ObjectTable::builtin(), o, slow_csq);
  CHECK(seen.total == 3);
  CHECK(seen.finished_serials == std::vector<std::string>{"EML0000000011", "EML0000000099 failed", "EML0000000010"});
  CHECK(seen.ticks >= 5);

  // The ticker stops with the last meter: a batch does not wait out a pending tick.
  Recorder again;
  o.observer = &again;
  o.tick_every = std::chrono::seconds(30);
  const auto t0 = std::chrono::steady_clock::now();
  jobs::run_batch(targets, emop::ObjectTable::builtin(), o, slow_csq);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
  CHECK(again.ticks == 0);
  CHECK(again.finished_serials.size() == 3);
}
