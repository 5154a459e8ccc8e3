#include "emop/exchange.hpp"

#include "emop/data_field.hpp"

namespace flows::emop {

Result<Bytes, FrameError> encode_request(ByteView request_data) {
  FrameHeader h;
  h.control = default_request_control;
  return encode_frame(h, request_data);
}

Result<std::size_t, FrameError> frame_size_from_prefix(std::uint8_t first, std::uint8_t length) {
  if (first != frame_delimiter) return unexpected(FrameError::bad_delimiter);
  if (length < 12) return unexpected(FrameError::length_too_small);
  return frame_size_from_length(length);
}

Result<ByteView, ResponseError> check_response(ByteView request_data, ByteView response_frame) {
  auto f = decode_frame(response_frame);
  if (!f) return unexpected(ResponseError{ResponseProblem::malformed, NakCode::ok, std::string(describe(f.error()))});
  if (!f->crc_ok()) return unexpected(ResponseError{ResponseProblem::crc_mismatch, NakCode::ok, {}});
  if (control_is_nak(f->header.control)) {
    const auto code = control_nak_code(f->header.control);
    return unexpected(ResponseError{ResponseProblem::nak, code, std::string(nak_name(code))});
  }
  auto resp = decode_data_field(f->data);
  if (!resp) return unexpected(ResponseError{ResponseProblem::bad_data, NakCode::ok, std::string(describe(resp.error()))});
  auto req = decode_data_field(request_data);
  if (req && (req->format != resp->format || req->object_id != resp->object_id))
    return unexpected(ResponseError{ResponseProblem::mismatched, NakCode::ok, {}});
  return f->data;
}

std::string loggable_hex(ByteView frame) {
  constexpr ObjectId token_send = 0xFFC803;  // prepay_token_send
  constexpr std::size_t data_at = 11, payload_at = data_at + 5, shown = 4;
  auto f = decode_frame(frame);
  std::string hex = to_hex(frame);
  if (!f) return hex;
  const auto d = decode_data_field(f->data);
  if (!d || d->object_id != token_send || !d->write.value_or(false) || d->payload.size() <= shown) return hex;
  const std::size_t masked = d->payload.size() - shown;
  for (std::size_t i = 0; i < masked; ++i) hex.replace(2 * (payload_at + i), 2, "**");
  return hex;
}

}  // namespace flows::emop
