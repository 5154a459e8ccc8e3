#pragma once
// The protocol rules of one request/response exchange, without I/O: the frame a
// request data field goes out in, and whether a received frame is an acceptable
// answer to it (well formed, CRC right, not a NAK, answering the same object in
// the same format). Every transport (direct, simulated, mediator) applies the
// same check, so a fault means the same thing whatever carried it.
#include <cstddef>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "emop/bytes.hpp"
#include "emop/frame.hpp"

namespace flows::emop {

// The request frame a client sends: control 0x05, the public client's source
// address, destination 0 (the meter answers whatever address it is asked on).
Result<Bytes, FrameError> encode_request(ByteView request_data);

// How many bytes the whole frame needs, from its first two bytes (delimiter and
// length): a stream reader reads these two, then the rest. bad_delimiter or
// length_too_small when the prefix cannot start a frame.
Result<std::size_t, FrameError> frame_size_from_prefix(std::uint8_t first, std::uint8_t length);

enum class ResponseProblem {
  malformed,     // not a frame (FrameError in detail)
  crc_mismatch,  // the stream can no longer be trusted
  nak,           // the meter's considered refusal (code in `nak`)
  bad_data,      // the data field does not decode
  mismatched,    // answers another object or format than was asked
};

struct ResponseError {
  ResponseProblem problem;
  NakCode nak = NakCode::ok;
  std::string detail;  // the frame or data-field error, or the NAK's name
};

// The response's data field (a view into `response_frame`) when it answers
// `request_data`; otherwise what is wrong with it.
Result<ByteView, ResponseError> check_response(ByteView request_data, ByteView response_frame);

// A frame as hex for a log, with a prepay token's digits masked but the last four
// ("…3132333435**…" is never printed: each masked byte shows as "**").
std::string loggable_hex(ByteView frame);

}  // namespace flows::emop
