#pragma once
// A transport to a simulated meter in the same process: each request goes through
// the same frame encoding, the same answer (faults included) as emlite-sim puts on
// a socket, and the same response check as a direct connection — without a socket
// or a thread. Time is the caller's: a clock function gives the instant of each
// request, so tests move it as they like. One attempt per request (no retries): a
// test sees each injected fault as the failure a direct transport reports for it.
#include <functional>
#include <random>
#include <string>

#include "sim/faults.hpp"
#include "sim/sim_meter.hpp"
#include "transport/transport.hpp"

namespace flows::sim {

class InProcessTransport : public transport::Transport {
 public:
  InProcessTransport(SimMeter& meter, std::function<UtcTime()> clock, std::uint32_t address = 1);

  Task<emop::Bytes> exchange(emop::Bytes request) override;
  std::string describe() const override { return "simulated " + meter_.serial(); }

  // Faults for every following request (the meter's own, as --fault gives them)
  // and at rates (as --fault-rate), drawn from `seed`.
  void set_faults(Faults faults) { faults_ = faults; }
  void set_fault_rates(FaultRates rates, std::uint64_t seed = 1) {
    rates_ = rates;
    rng_.seed(seed);
  }
  // Requests that reached the meter (answered or not), and every frame sent.
  int requests() const { return requests_; }
  const std::vector<emop::Bytes>& sent() const { return sent_; }

 private:
  SimMeter& meter_;
  std::function<UtcTime()> clock_;
  std::uint32_t address_;
  Faults faults_;
  FaultRates rates_;
  std::mt19937_64 rng_{1};
  int requests_ = 0;
  std::vector<emop::Bytes> sent_;
};

// A factory over a fleet of simulated meters, found by serial: what jobs and batch
// runs take, so they run against simulated meters in unit tests. Targets whose
// serial is not in the fleet fail as unreachable. The meters must outlive it.
transport::TransportFactory in_process_factory(std::vector<SimMeter>& fleet, std::function<UtcTime()> clock,
                                               Faults faults = {});

}  // namespace flows::sim
