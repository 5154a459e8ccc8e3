#pragma once
// For the jobs' unit tests: one simulated meter, a clock the test moves, and the
// Meter API over the in-process transport (no sockets, no database).
#include "meter/meter.hpp"
#include "sim/in_process_transport.hpp"
#include "sim/sim_meter.hpp"
#include "transport/blocking.hpp"

namespace flows::jobs::test {

inline sim::MeterSpec flat_meter(sim::MeterKind kind = sim::MeterKind::single_b1w) {
  sim::MeterSpec s;
  s.serial = "EML2137580761";
  s.kind = kind;
  s.profile = sim::LoadShape::flat;
  s.mean_power_w = 437;
  s.unit_rate = *Money::parse("0.24567");
  s.standing_charge = *Money::parse("0.61234");
  s.initial_balance = Money::from_pounds(20);
  s.csq = 21;
  s.installed_at = *sim::parse_utc("2024-03-01T00:00:00Z");
  return s;
}

struct SimBench {
  // The clock captures this and the Meter refers to the transport member: never copied or moved.
  SimBench(const SimBench&) = delete;
  SimBench& operator=(const SimBench&) = delete;
  explicit SimBench(sim::MeterSpec spec = flat_meter())
      : sim(std::move(spec), emop::ObjectTable::builtin()),
        now(*sim::parse_utc("2024-03-02T12:00:00Z")),
        transport(sim, [this] { return now; }),
        meter(transport, emop::ObjectTable::builtin()) {}
  sim::SimMeter sim;
  UtcTime now;
  sim::InProcessTransport transport;
  meter::Meter meter;
};

}  // namespace flows::jobs::test
