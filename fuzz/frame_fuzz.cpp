// libFuzzer target: arbitrary bytes through the whole decoding side of the codec
// (frame, data field, every record decoder, inspection and its text rendering).
// Memory errors and UB are the sanitizers' job; the checks here are round-trip
// invariants, and a violated one traps so libFuzzer keeps the input as a crash.
//
// Bytes that are not a frame still go through the data-field and record checks,
// so those decoders are reached without the fuzzer first having to find a valid
// length byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "emop/bytes.hpp"
#include "emop/crc.hpp"
#include "emop/data_field.hpp"
#include "emop/frame.hpp"
#include "emop/inspect.hpp"
#include "emop/object_table.hpp"
#include "emop/records.hpp"

namespace {

using namespace flows;
using namespace flows::emop;

#define FUZZ_CHECK(cond)            \
  do {                              \
    if (!(cond)) __builtin_trap();  \
  } while (0)

bool same(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

Bytes must(Bytes b) { return b; }
Bytes must(RecordResult<Bytes> r) {
  FUZZ_CHECK(r.ok());
  return std::move(r).value();
}

// For records whose encoding is one-to-one: a successful decode re-encodes to
// exactly the bytes it came from. A failed decode says why.
template <class Decode, class Encode>
void round_trip(ByteView p, Decode&& decode, Encode&& encode) {
  auto v = decode(p);
  if (!v) {
    FUZZ_CHECK(!v.error().message.empty());
    return;
  }
  FUZZ_CHECK(same(must(encode(*v)), p));
}

// For decoders that drop information (empty slots, reserved bytes):
// decode(encode(decode(p))) == decode(p).
template <class Decode, class Encode>
void stable(ByteView p, Decode&& decode, Encode&& encode) {
  auto v = decode(p);
  if (!v) {
    FUZZ_CHECK(!v.error().message.empty());
    return;
  }
  const Bytes again = must(encode(*v));
  auto w = decode(again);
  FUZZ_CHECK(w.ok() && *w == *v);
}

void check_time(MeterTime t) {
  const std::string iso = format_iso(t);
  auto parsed = parse_iso(iso);
  FUZZ_CHECK(parsed && *parsed == t);
}

void check_money(Money m) {
  auto parsed = Money::parse(m.to_string());
  FUZZ_CHECK(parsed && *parsed == m);
}

void check_records(ByteView p) {
  round_trip(p, decode_clock, encode_clock);
  if (auto c = decode_clock(p)) check_time(c->time);

  round_trip(p, decode_emop_timestamp, encode_emop_timestamp);
  if (auto t = decode_emop_timestamp(p)) check_time(*t);

  if (auto s = decode_ascii(p)) {
    // The text is a prefix of the bytes and the rest is padding.
    FUZZ_CHECK(s->size() <= p.size());
    FUZZ_CHECK(same(encode_ascii(*s, s->size()), p.first(s->size())));
    for (auto b : p.subspan(s->size())) FUZZ_CHECK(b == ' ' || b == 0);
  }
  if (auto h = decode_hardware(p)) {
    FUZZ_CHECK(p.size() <= 4);
    FUZZ_CHECK(!hardware_registry(*h).empty());
  }
  round_trip(p, decode_three_phase_config, encode_three_phase_config);
  if (auto c = decode_three_phase_config(p)) FUZZ_CHECK(!hardware_registry_three_phase(*c).empty());
  round_trip(p, decode_firmware, encode_firmware);
  round_trip(p, decode_signal, encode_signal);
  round_trip(p, decode_voltage, encode_voltage);
  if (auto v = decode_voltage(p)) FUZZ_CHECK(!v->to_string().empty());
  round_trip(p, decode_flag, encode_flag);

  round_trip(p, decode_money_u4le, encode_money_u4le);
  if (auto m = decode_money_u4le(p)) check_money(*m);
  round_trip(p, decode_money_s4le, encode_money_s4le);
  if (auto m = decode_money_s4le(p)) check_money(*m);

  if (auto v = decode_u8(p)) FUZZ_CHECK(*v == p[0]);
  if (auto v = decode_u16le(p)) FUZZ_CHECK(*v == get_u16le(p, 0));
  if (auto v = decode_u32le(p)) FUZZ_CHECK(*v == get_u32le(p, 0));
  if (auto v = decode_s32le(p)) FUZZ_CHECK(*v == get_s32le(p, 0));
  if (auto v = decode_threshold_mask(p)) FUZZ_CHECK(*v == p[0]);
  round_trip(p, decode_threshold_values, encode_threshold_values);
  round_trip(p, decode_token, encode_token);
  round_trip(p, decode_transaction_details, encode_transaction_details);
  if (auto t = decode_transaction_details(p)) {
    check_time(t->payment_time);
    check_money(t->value);
  }
  round_trip(p, decode_element_registers, encode_element_registers);
  round_trip(p, [](ByteView b) { return decode_backlight(b); }, encode_backlight);
  round_trip(p, decode_load_switch, encode_load_switch);

  stable(p, decode_profile_log_1, encode_profile_log_1);
  stable(p, [](ByteView b) { return decode_profile_log_2(b, false); },
         [](const auto& r) { return encode_profile_log_2(r, false); });
  stable(p, [](ByteView b) { return decode_profile_log_2(b, true); },
         [](const auto& r) { return encode_profile_log_2(r, true); });
  stable(p, decode_event_log, encode_event_log);
  if (auto rs = decode_profile_log_1(p))
    for (auto& r : *rs) {
      check_time(r.timestamp);
      FUZZ_CHECK(ProfileStatus::decode(r.status.encode()[0], r.status.encode()[1]) == r.status);
      (void)r.status.names();
    }
  if (auto es = decode_event_log(p)) FUZZ_CHECK(es->size() <= events_per_block);

  // Every value type, as `emop frame decode --json` would show it; dump() throws
  // (and so crashes here) on text that is not valid UTF-8.
  for (int t = 0; t <= static_cast<int>(ValueType::event_log); ++t) {
    const auto type = static_cast<ValueType>(t);
    FUZZ_CHECK(!value_type_name(type).empty());
    auto j = value_json(type, p);
    if (j) (void)j->dump();
    else FUZZ_CHECK(!j.error().empty());
  }
}

void check_data_field(ByteView d) {
  auto field = decode_data_field(d);
  if (!field) {
    FUZZ_CHECK(!describe(field.error()).empty());
    return;
  }
  const DataField& f = *field;
  FUZZ_CHECK(f.payload.data() >= d.data() && f.payload.data() + f.payload.size() == d.data() + d.size());
  Bytes again;
  switch (f.format) {
    case RecordFormat::default_format:
      FUZZ_CHECK(f.object_id && f.write && *f.object_id <= 0xFFFFFF);
      again = encode_default(*f.object_id, *f.write, f.payload);
      if (!*f.write && f.payload.empty()) {
        FUZZ_CHECK(same(encode_read(*f.object_id), d));
        std::uint8_t into[5];
        FUZZ_CHECK(same(ByteView(into, encode_read_into(*f.object_id, into)), d));
      }
      if (*f.write) FUZZ_CHECK(same(encode_write(*f.object_id, f.payload), d));
      if (const ObjectInfo* info = ObjectTable::builtin().find(*f.object_id)) {
        FUZZ_CHECK(ObjectTable::builtin().find(info->name) == info);
        if (auto j = value_json(info->type, f.payload)) (void)j->dump();
      }
      break;
    case RecordFormat::event_log:
      FUZZ_CHECK(f.object_id && f.block && *f.block <= event_log_max_block);
      again = encode_event_log_response(*f.object_id, *f.block, f.payload);
      if (f.payload.empty()) FUZZ_CHECK(same(encode_event_log_request(*f.object_id, *f.block), d));
      break;
    case RecordFormat::profile_log_1:
    case RecordFormat::profile_log_2:
      FUZZ_CHECK(f.timestamp && (f.payload.empty() || f.payload.size() == profile_log_block_size));
      again = f.payload.empty() ? encode_profile_request(f.format, *f.timestamp)
                                : encode_profile_response(f.format, *f.timestamp, f.payload);
      break;
  }
  FUZZ_CHECK(same(again, d));
  FUZZ_CHECK(format_name(f.format) != "unknown");
  check_records(f.payload);
}

void check_inspection(ByteView in, const FrameView& f, InspectOptions opts) {
  auto inspected = inspect_frame(in, ObjectTable::builtin(), opts);
  FUZZ_CHECK(inspected.ok());
  FUZZ_CHECK(inspected->crc_ok == f.crc_ok());
  const auto& doc = inspected->document;
  FUZZ_CHECK(doc.at("length").get<int>() == f.length);
  FUZZ_CHECK(doc.at("crc_ok").get<bool>() == f.crc_ok());
  (void)doc.dump();
  FUZZ_CHECK(!render_text(*inspected).empty());
}

void check_frame(ByteView in) {
  auto decoded = decode_frame(in);
  if (!decoded) {
    const FrameError e = decoded.error();
    FUZZ_CHECK(!describe(e).empty());
    FUZZ_CHECK((e == FrameError::empty) == in.empty());
    if (!in.empty()) FUZZ_CHECK((e == FrameError::bad_delimiter) == (in[0] != frame_delimiter));
    auto inspected = inspect_frame(in, ObjectTable::builtin());
    FUZZ_CHECK(!inspected.ok() && inspected.error() == e);
    check_data_field(in);
    return;
  }
  const FrameView& f = *decoded;
  FUZZ_CHECK(f.length >= 12 && in.size() == frame_size_from_length(f.length));
  FUZZ_CHECK(f.data.size() == std::size_t{f.length} - 12 && f.data.size() <= max_data_size);
  FUZZ_CHECK(f.data.data() == in.data() + 11);
  FUZZ_CHECK(f.crc_computed == crc16_ccitt_false(in.subspan(1, 10 + f.data.size())));
  FUZZ_CHECK(f.crc == ((in[in.size() - 2] << 8) | in[in.size() - 1]));
  FUZZ_CHECK(f.sequence() == (in[10] & 1));
  if (control_is_nak(f.header.control)) FUZZ_CHECK(!nak_name(control_nak_code(f.header.control)).empty());
  else FUZZ_CHECK(control_nak_code(f.header.control) == NakCode::ok);

  // Re-encoding header + data gives the same bytes, CRC included when it was ok;
  // otherwise everything but the CRC, which becomes the computed one.
  std::array<std::uint8_t, max_frame_size> out{};
  auto n = encode_frame(f.header, f.data, out);
  FUZZ_CHECK(n.ok() && *n == in.size());
  const ByteView again(out.data(), *n);
  FUZZ_CHECK(same(again.first(*n - 2), in.first(in.size() - 2)));
  FUZZ_CHECK(((again[*n - 2] << 8) | again[*n - 1]) == f.crc_computed);
  if (f.crc_ok()) FUZZ_CHECK(same(again, in));
  auto owned = encode_frame(f.header, f.data);
  FUZZ_CHECK(owned.ok() && same(*owned, again));
  auto redecoded = decode_frame(again);
  FUZZ_CHECK(redecoded.ok() && redecoded->crc_ok() && redecoded->header.destination == f.header.destination &&
             redecoded->header.source == f.header.source && redecoded->header.control == f.header.control);

  check_inspection(in, f, {});
  check_inspection(in, f, {.profile_log_2_twin = true});
  check_data_field(f.data);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  FUZZ_CHECK(same(from_hex(to_hex(in)).value(), in));
  check_frame(in);
  return 0;
}
