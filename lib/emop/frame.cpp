#include "emop/frame.hpp"

#include "emop/crc.hpp"

namespace flows::emop {

std::string_view nak_name(NakCode c) {
  switch (c) {
    case NakCode::ok: return "ok";
    case NakCode::fcs_error: return "FCS (CRC) error";
    case NakCode::format_error: return "format error";
    case NakCode::length_incorrect: return "frame/object length incorrect";
    case NakCode::payload_too_large: return "maximum data payload exceeded";
    case NakCode::unknown_object: return "unknown object id";
    case NakCode::security_not_granted: return "security level not granted";
    case NakCode::address_incorrect: return "frame address incorrect";
  }
  return "unknown NAK code";
}

std::string_view describe(FrameError e) {
  switch (e) {
    case FrameError::empty: return "empty frame";
    case FrameError::bad_delimiter: return "frame does not start with the 0x7e delimiter";
    case FrameError::truncated: return "frame is truncated: fewer bytes than its length byte says";
    case FrameError::length_too_small: return "frame length byte is below the 12-byte minimum";
    case FrameError::trailing_bytes: return "frame has more bytes than its length byte says";
    case FrameError::data_too_long: return "data field is longer than 243 bytes";
  }
  return "frame error";
}

Result<FrameView, FrameError> decode_frame(ByteView b) {
  if (b.empty()) return unexpected(FrameError::empty);
  if (b[0] != frame_delimiter) return unexpected(FrameError::bad_delimiter);
  if (b.size() < 2) return unexpected(FrameError::truncated);
  const std::uint8_t length = b[1];
  if (length < 12) return unexpected(FrameError::length_too_small);
  const std::size_t total = frame_size_from_length(length);
  if (b.size() < total) return unexpected(FrameError::truncated);
  if (b.size() > total) return unexpected(FrameError::trailing_bytes);

  FrameView f;
  f.length = length;
  f.header.destination = {b[2], get_u24be(b, 3)};
  f.header.source = {b[6], get_u24be(b, 7)};
  f.header.control = b[10];
  const std::size_t data_size = std::size_t{length} - 12;
  f.data = b.subspan(11, data_size);
  f.crc = static_cast<std::uint16_t>((b[11 + data_size] << 8) | b[12 + data_size]);
  f.crc_computed = crc16_ccitt_false(b.subspan(1, 10 + data_size));
  return f;
}

Result<std::size_t, FrameError> encode_frame(const FrameHeader& h, ByteView data, std::span<std::uint8_t> out) {
  if (data.size() > max_data_size) return unexpected(FrameError::data_too_long);
  const std::size_t total = data.size() + frame_overhead;
  if (out.size() < total) return unexpected(FrameError::data_too_long);
  auto* p = out.data();
  p[0] = frame_delimiter;
  p[1] = static_cast<std::uint8_t>(data.size() + 12);
  p[2] = h.destination.device_type;
  p[3] = static_cast<std::uint8_t>(h.destination.address >> 16);
  p[4] = static_cast<std::uint8_t>(h.destination.address >> 8);
  p[5] = static_cast<std::uint8_t>(h.destination.address);
  p[6] = h.source.device_type;
  p[7] = static_cast<std::uint8_t>(h.source.address >> 16);
  p[8] = static_cast<std::uint8_t>(h.source.address >> 8);
  p[9] = static_cast<std::uint8_t>(h.source.address);
  p[10] = h.control;
  for (std::size_t i = 0; i < data.size(); ++i) p[11 + i] = data[i];
  const std::uint16_t crc = crc16_ccitt_false(ByteView(p + 1, 10 + data.size()));
  p[11 + data.size()] = static_cast<std::uint8_t>(crc >> 8);
  p[12 + data.size()] = static_cast<std::uint8_t>(crc);
  return total;
}

Result<Bytes, FrameError> encode_frame(const FrameHeader& h, ByteView data) {
  Bytes out(max_frame_size);
  auto n = encode_frame(h, data, out);
  if (!n) return unexpected(n.error());
  out.resize(*n);
  return out;
}

}  // namespace flows::emop
