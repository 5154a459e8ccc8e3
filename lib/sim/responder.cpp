#include "sim/responder.hpp"

#include "emop/data_field.hpp"

namespace flows::sim {

namespace {

// What a meter's NAK carries: the request's header echoed without its payload
// (format, id and rw flag; format and timestamp; format, id and block), or
// nothing when the data field does not decode — as SimMeter::handle answers.
emop::Bytes nak_echo(emop::ByteView request_data) {
  auto f = emop::decode_data_field(request_data);
  if (!f) return {};
  switch (f->format) {
    case emop::RecordFormat::profile_log_1:
    case emop::RecordFormat::profile_log_2:
      return emop::encode_profile_request(f->format, *f->timestamp);
    case emop::RecordFormat::event_log:
      return emop::encode_event_log_request(*f->object_id, *f->block);
    case emop::RecordFormat::default_format:
      break;
  }
  return emop::encode_default(*f->object_id, *f->write, {});
}

// The meter's own answer: its reply to a well-formed request, a NAK otherwise.
emop::Bytes meter_frame(SimMeter& meter, std::uint32_t address, emop::ByteView request_frame, UtcTime now,
                        std::optional<emop::NakCode> injected_nak, emop::NakCode& nak) {
  auto frame = emop::decode_frame(request_frame);
  Reply reply;
  std::uint8_t sequence = 0;
  emop::Address client{};
  if (!frame) {
    reply.nak = emop::NakCode::format_error;
  } else {
    sequence = frame->header.control & 1;
    client = frame->header.source;
    if (!frame->crc_ok()) {
      reply.nak = emop::NakCode::fcs_error;
    } else if (injected_nak) {
      // An injected NAK is a refusal like any other: the request is not applied
      // (a write changes nothing) and the answer carries no value.
      meter.advance(now);
      reply = Reply{*injected_nak, nak_echo(frame->data)};
    } else {
      reply = meter.handle(frame->data, now);
    }
  }
  nak = reply.nak;
  // As in a real meter's captured answer: destination device type c0, source
  // device type 00. Which addresses a meter puts there is not public; the
  // requester's goes back as the destination and the meter's own as the source.
  emop::FrameHeader h{{0xc0, client.address}, {0x00, address}, emop::response_control(sequence, reply.nak)};
  auto response = emop::encode_frame(h, reply.data);
  return response ? std::move(*response) : emop::Bytes{};
}

void fill_with_garbage(emop::Bytes& out, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  out.assign(out.size() > 4 ? out.size() : 8, 0);
  for (auto& b : out) b = static_cast<std::uint8_t>(byte(rng));
  out[0] = 0x55;  // never the delimiter
}

}  // namespace

Answer answer(SimMeter& meter, std::uint32_t address, emop::ByteView request_frame, UtcTime now, const Faults& faults,
              std::mt19937_64& rng) {
  Answer a;
  if (faults.silent) {
    a.send = Answer::Send::nothing;
    a.faults.push_back("silent (request ignored)");
    return a;
  }
  a.bytes = meter_frame(meter, address, request_frame, now, faults.nak, a.nak);
  if (faults.garbage) {
    fill_with_garbage(a.bytes, rng);
    a.faults.push_back("garbage answer");
  } else if (faults.bad_crc && !a.bytes.empty()) {
    a.bytes.back() ^= 0xFF;
    a.faults.push_back("bad CRC");
  }
  if (faults.reset) {
    a.send = Answer::Send::half_then_reset;
    a.faults.push_back("reset mid-frame");
  }
  return a;
}

}  // namespace flows::sim
