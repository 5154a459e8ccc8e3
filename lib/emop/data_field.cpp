#include "emop/data_field.hpp"

namespace flows::emop {

std::string_view format_name(RecordFormat f) {
  switch (f) {
    case RecordFormat::default_format: return "default";
    case RecordFormat::event_log: return "event_log";
    case RecordFormat::profile_log_1: return "profile_log_1";
    case RecordFormat::profile_log_2: return "profile_log_2";
  }
  return "unknown";
}

std::string_view describe(DataFieldError e) {
  switch (e) {
    case DataFieldError::empty: return "data field is empty";
    case DataFieldError::unknown_format: return "unknown record format byte";
    case DataFieldError::too_short: return "data field is too short for its record format";
    case DataFieldError::bad_rw_flag: return "read/write flag is neither 0x00 nor 0x01";
    case DataFieldError::bad_profile_size: return "profile log response does not carry exactly 80 bytes";
    case DataFieldError::bad_event_block: return "event log block index is above 9";
  }
  return "data field error";
}

Result<DataField, DataFieldError> decode_data_field(ByteView d) {
  if (d.empty()) return unexpected(DataFieldError::empty);
  DataField f;
  switch (d[0]) {
    case 0x01: {
      if (d.size() < 5) return unexpected(DataFieldError::too_short);
      if (d[4] > 1) return unexpected(DataFieldError::bad_rw_flag);
      f.format = RecordFormat::default_format;
      f.object_id = get_u24be(d, 1);
      f.write = d[4] == 1;
      f.payload = d.subspan(5);
      return f;
    }
    case 0x02: {
      if (d.size() < 5) return unexpected(DataFieldError::too_short);
      if (d[4] > event_log_max_block) return unexpected(DataFieldError::bad_event_block);
      f.format = RecordFormat::event_log;
      f.object_id = get_u24be(d, 1);
      f.block = d[4];
      f.payload = d.subspan(5);
      return f;
    }
    case 0x03:
    case 0x04: {
      if (d.size() < 5) return unexpected(DataFieldError::too_short);
      const std::size_t rest = d.size() - 5;
      if (rest != 0 && rest != profile_log_block_size) return unexpected(DataFieldError::bad_profile_size);
      f.format = static_cast<RecordFormat>(d[0]);
      f.timestamp = get_u32le(d, 1);
      f.payload = d.subspan(5);
      return f;
    }
    default:
      return unexpected(DataFieldError::unknown_format);
  }
}

Bytes encode_default(ObjectId id, bool write, ByteView payload) {
  Bytes out;
  out.reserve(5 + payload.size());
  out.push_back(static_cast<std::uint8_t>(RecordFormat::default_format));
  put_u24be(out, id);
  out.push_back(write ? 1 : 0);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes encode_read(ObjectId id) { return encode_default(id, false, {}); }
Bytes encode_write(ObjectId id, ByteView payload) { return encode_default(id, true, payload); }

Bytes encode_profile_request(RecordFormat log, std::uint32_t timestamp) {
  Bytes out{static_cast<std::uint8_t>(log)};
  put_u32le(out, timestamp);
  return out;
}

Bytes encode_profile_response(RecordFormat log, std::uint32_t timestamp, ByteView records80) {
  Bytes out = encode_profile_request(log, timestamp);
  out.insert(out.end(), records80.begin(), records80.end());
  out.resize(5 + profile_log_block_size, 0);  // short record sets are zero-padded
  return out;
}

Bytes encode_event_log_request(ObjectId id, std::uint8_t block) {
  Bytes out{static_cast<std::uint8_t>(RecordFormat::event_log)};
  put_u24be(out, id);
  out.push_back(block);
  return out;
}

Bytes encode_event_log_response(ObjectId id, std::uint8_t block, ByteView records) {
  Bytes out = encode_event_log_request(id, block);
  out.insert(out.end(), records.begin(), records.end());
  return out;
}

bool is_write_request(ByteView data) {
  const auto f = decode_data_field(data);
  return f && f->format == RecordFormat::default_format && f->write.value_or(false);
}

}  // namespace flows::emop
