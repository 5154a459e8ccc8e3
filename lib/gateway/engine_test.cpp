// The gateway engine on one event loop: one conversation per meter, a busy
// meter's callers wait and then are told so, unknown serials refused, failures
// as the wire states them. A scripted transport stands in for the meter.
#include "gateway/engine.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

using namespace flows;
using namespace flows::gateway;
namespace asio = boost::asio;

namespace {

struct Meter {
  int active = 0, most_active = 0, exchanges = 0;
  std::chrono::milliseconds takes{20};
  std::optional<transport::MeterError> fails;
};

// Answers each read with its object id and a byte, after `takes`.
class ScriptedTransport : public transport::Transport {
 public:
  ScriptedTransport(asio::any_io_executor ex, Meter& m) : ex_(ex), m_(m) {}
  Task<emop::Bytes> exchange(emop::Bytes request) override {
    ++m_.active;
    m_.most_active = std::max(m_.most_active, m_.active);
    asio::steady_timer t(ex_, m_.takes);
    co_await t.async_wait(asio::use_awaitable);
    --m_.active;
    ++m_.exchanges;
    if (m_.fails) throw *m_.fails;
    request.push_back(0x2a);
    co_return request;
  }
  std::string describe() const override { return "scripted"; }

 private:
  asio::any_io_executor ex_;
  Meter& m_;
};

struct Rig {
  asio::io_context io;
  std::map<std::string, Meter> meters;
  Engine engine{io.get_executor(),
                [this](asio::any_io_executor ex, const transport::MeterTarget& t) {
                  return std::make_unique<ScriptedTransport>(ex, meters[t.serial]);
                },
                EngineOptions{std::chrono::milliseconds(200), std::chrono::milliseconds(1000)}};
  std::vector<CallResult> results;

  void serve(std::vector<std::string> serials) {
    std::vector<transport::MeterTarget> t;
    for (auto& s : serials) t.push_back({s, {"127.0.0.1", 8080}, false, ""});
    engine.set_meters(t);
  }
  void call(const std::string& serial) {
    asio::co_spawn(io, [this, serial]() -> Task<void> {
      results.push_back(co_await engine.call(serial, *emop::from_hex("0160010000")));
    }, asio::detached);
  }
};

}  // namespace

TEST_CASE("engine: calls to one meter never overlap; calls to different meters do") {
  Rig r;
  r.serve({"A", "B"});
  for (int i = 0; i < 4; ++i) r.call("A");
  for (int i = 0; i < 4; ++i) r.call("B");
  r.io.run();
  REQUIRE(r.results.size() == 8);
  for (const auto& res : r.results) {
    CHECK(res.status.code == Code::ok);
    CHECK(res.response == *emop::from_hex("01600100002a"));
  }
  CHECK(r.meters["A"].most_active == 1);
  CHECK(r.meters["A"].exchanges == 4);
  CHECK(r.meters["B"].most_active == 1);
  const auto s = r.engine.stats();
  CHECK(s.calls_total == 8);
  CHECK(s.calls_failed == 0);
  CHECK(s.meters_served == 2);
  CHECK(s.calls_in_flight == 0);
}

TEST_CASE("engine: a caller that waits longer than busy_wait is told the meter is busy; the others go on") {
  Rig r;
  r.serve({"A"});
  r.meters["A"].takes = std::chrono::milliseconds(150);
  for (int i = 0; i < 3; ++i) r.call("A");  // 0 runs 0-150, 1 runs 150-300, 2 would start at 300 > 200
  r.io.run();
  REQUIRE(r.results.size() == 3);
  int ok = 0, busy = 0;
  for (const auto& res : r.results) {
    if (res.status.code == Code::ok) ++ok;
    if (res.status == meter_busy("A")) ++busy;
  }
  CHECK(ok == 2);
  CHECK(busy == 1);
  CHECK(r.meters["A"].exchanges == 2);
}

TEST_CASE("engine: no serial, an unknown serial, and a meter failure as the wire states them") {
  Rig r;
  r.serve({"A"});
  r.meters["A"].fails = transport::MeterError(transport::FailureKind::nak, "A answered NAK 5", emop::NakCode(5));
  r.call("");
  r.call("Z");
  r.call("A");
  r.io.run();
  REQUIRE(r.results.size() == 3);
  CHECK(r.results[0].status == no_serial());
  CHECK(r.results[1].status == unknown_meter("Z"));
  CHECK(r.results[2].status == WireStatus{Code::internal, "Meter communication failed: NAK 5"});
  CHECK(r.results[2].detail == "A answered NAK 5");
  CHECK(r.engine.stats().last_error == "A: Meter communication failed: NAK 5");
}

TEST_CASE("engine: a refresh drops a meter no longer listed and adds new ones") {
  Rig r;
  r.serve({"A"});
  CHECK(r.engine.serves("A"));
  r.serve({"B"});
  CHECK_FALSE(r.engine.serves("A"));
  r.call("A");
  r.call("B");
  r.io.run();
  CHECK(r.results[0].status == unknown_meter("A"));
  CHECK(r.results[1].status.code == Code::ok);
}
