#pragma once
// Faults the simulator injects, per meter or at a rate across the fleet.
//   latency:MS   answer MS milliseconds late
//   refuse       not listening: connections are refused
//   silent       accept and read requests, never answer
//   reset        send half a response, then reset the connection
//   bad_crc      answer with a wrong CRC
//   garbage      answer with bytes that are not a frame
//   nak:CODE     refuse every request with NAK CODE (1-7), as a meter does: the
//                request is not applied (a write changes nothing) and the
//                answer echoes the request header without a value
//   busy         (default on every meter) a second concurrent connection is refused
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "emop/frame.hpp"

namespace flows::sim {

struct Faults {
  std::chrono::milliseconds latency{0};
  bool refuse = false;
  bool silent = false;
  bool reset = false;
  bool bad_crc = false;
  bool garbage = false;
  std::optional<emop::NakCode> nak;
  bool one_connection_at_a_time = true;
  bool any_response_fault() const { return silent || reset || bad_crc || garbage || nak.has_value(); }
};

// Applies "KIND[:ARG]" to `f`; throws flows::Error(usage) on an unknown kind or bad ARG.
void apply_fault(Faults& f, std::string_view spec);

// Per-request chances (0-1) of each response fault, drawn from a seeded generator.
struct FaultRates {
  double silent = 0, reset = 0, bad_crc = 0, garbage = 0, nak = 0, refuse = 0;
  bool any() const { return silent > 0 || reset > 0 || bad_crc > 0 || garbage > 0 || nak > 0 || refuse > 0; }
};
// "KIND=P"; throws flows::Error(usage).
void apply_fault_rate(FaultRates& r, std::string_view spec);

// The faults for one request: the meter's own plus any drawn at the given rates.
Faults draw(const Faults& meter, const FaultRates& rates, std::mt19937_64& rng);

}  // namespace flows::sim
