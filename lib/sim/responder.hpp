#pragma once
// What a simulated meter puts on the line for one request frame, faults included:
// the one answer both the socket server and the in-process transport give, so a
// fault means the same bytes whichever carried it. Pure: no I/O; the caller
// passes the instant, the faults drawn for this request and the generator that
// garbage is drawn from.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/emop_time.hpp"
#include "emop/bytes.hpp"
#include "sim/faults.hpp"
#include "sim/sim_meter.hpp"

namespace flows::sim {

struct Answer {
  enum class Send {
    frame,      // send `bytes`, keep the connection
    nothing,    // silent: the request is ignored
    half_then_reset,  // send the first half of `bytes`, then reset the connection
  };
  Send send = Send::frame;
  emop::Bytes bytes;
  emop::NakCode nak = emop::NakCode::ok;  // what the frame says (before corruption)
  std::vector<std::string> faults;        // the injected faults, for the log
};

// `request_frame` as read from the line (it may fail to decode: answered NAK
// format_error, or fcs_error on a CRC mismatch). `address` is the meter's own.
Answer answer(SimMeter& meter, std::uint32_t address, emop::ByteView request_frame, UtcTime now, const Faults& faults,
              std::mt19937_64& rng);

}  // namespace flows::sim
