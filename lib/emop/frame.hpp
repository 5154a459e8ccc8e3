#pragma once
// EMOP frames: 7E | length | dest type, addr(3) | src type, addr(3) | control |
// data field | CRC (big-endian, CRC-16/CCITT-FALSE over length..data).
// Decoding is zero-copy: the view points into the caller's buffer.
#include <array>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "emop/bytes.hpp"

namespace flows::emop {

inline constexpr std::uint8_t frame_delimiter = 0x7E;
inline constexpr std::size_t frame_overhead = 13;     // delimiter + 12 counted bytes
inline constexpr std::size_t max_frame_size = 256;
inline constexpr std::size_t max_data_size = 243;
inline constexpr std::uint32_t default_source_address = 2207298;  // the public client's
inline constexpr std::uint8_t default_request_control = 0x05;

struct Address {
  std::uint8_t device_type = 0;
  std::uint32_t address = 0;  // 24 bits
  bool operator==(const Address&) const = default;
};

// Provisional NAK encoding (nothing public confirms it; decoder and simulator
// share these two functions): a response with control bit 7 set is a NAK and
// bits 4-6 carry the code; bit 0 is the sequence number in every response.
enum class NakCode : std::uint8_t {
  ok = 0,
  fcs_error = 1,
  format_error = 2,
  length_incorrect = 3,
  payload_too_large = 4,
  unknown_object = 5,
  security_not_granted = 6,
  address_incorrect = 7,
};
std::string_view nak_name(NakCode c);
inline bool control_is_nak(std::uint8_t control) { return (control & 0x80) != 0; }
inline NakCode control_nak_code(std::uint8_t control) {
  return control_is_nak(control) ? static_cast<NakCode>((control >> 4) & 0x07) : NakCode::ok;
}
inline std::uint8_t response_control(std::uint8_t sequence, NakCode nak) {
  std::uint8_t c = sequence & 1;
  if (nak != NakCode::ok) c = static_cast<std::uint8_t>(c | 0x80 | (static_cast<std::uint8_t>(nak) << 4));
  return c;
}

struct FrameHeader {
  Address destination;
  Address source{0, default_source_address};
  std::uint8_t control = default_request_control;
};

struct FrameView {
  FrameHeader header;
  std::uint8_t length = 0;
  ByteView data;
  std::uint16_t crc = 0;           // as received
  std::uint16_t crc_computed = 0;  // over the received bytes
  bool crc_ok() const { return crc == crc_computed; }
  std::uint8_t sequence() const { return header.control & 1; }
};

enum class FrameError {
  empty,
  bad_delimiter,
  truncated,        // fewer bytes than the length byte promises
  length_too_small, // length byte below the 12-byte minimum
  trailing_bytes,   // more bytes than the length byte promises
  data_too_long,    // encode: data field over 243 bytes
};
std::string_view describe(FrameError e);

// Validates delimiter, length and sizes; never reads past `bytes`. A CRC mismatch
// is not an error here: the view reports it so callers can still show the frame.
Result<FrameView, FrameError> decode_frame(ByteView bytes);

// How many bytes a complete frame starting at bytes[0] needs, once the length byte
// has arrived (for stream readers); nullopt until then.
inline std::size_t frame_size_from_length(std::uint8_t length) { return std::size_t{length} + 1; }

// Writes the frame into `out` (at least max_frame_size bytes); returns its size, or
// an error when the data field is too long.
Result<std::size_t, FrameError> encode_frame(const FrameHeader& h, ByteView data, std::span<std::uint8_t> out);
Result<Bytes, FrameError> encode_frame(const FrameHeader& h, ByteView data);

}  // namespace flows::emop
