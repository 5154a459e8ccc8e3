#pragma once
// The data field inside a frame. Its first byte names the record format:
//   0x01 default        object id (u24be), rw flag (0 read, 1 write), payload
//   0x02 event log      PROVISIONAL: object id (u24be), block index 0-9, records
//   0x03 profile log 1  u4le EMOP timestamp [, 80 bytes of records in a response]
//   0x04 profile log 2  as profile log 1
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "emop/bytes.hpp"

namespace flows::emop {

using ObjectId = std::uint32_t;  // 24 bits, big-endian on the wire

enum class RecordFormat : std::uint8_t {
  default_format = 0x01,
  event_log = 0x02,  // provisional value
  profile_log_1 = 0x03,
  profile_log_2 = 0x04,
};
std::string_view format_name(RecordFormat f);  // "default", "profile_log_1", …

inline constexpr std::size_t profile_log_block_size = 80;
inline constexpr std::uint8_t event_log_max_block = 9;

struct DataField {
  RecordFormat format = RecordFormat::default_format;
  std::optional<ObjectId> object_id;  // default, event log
  std::optional<bool> write;          // default
  std::optional<std::uint32_t> timestamp;  // profile logs (EMOP seconds)
  std::optional<std::uint8_t> block;       // event log
  ByteView payload;  // default: the value; logs: the record bytes (empty in a request)
};

enum class DataFieldError {
  empty,
  unknown_format,
  too_short,
  bad_rw_flag,
  bad_profile_size,   // a profile log response must carry exactly 80 bytes
  bad_event_block,    // block index above 9
};
std::string_view describe(DataFieldError e);

Result<DataField, DataFieldError> decode_data_field(ByteView data);

Bytes encode_read(ObjectId id);
Bytes encode_write(ObjectId id, ByteView payload);
Bytes encode_default(ObjectId id, bool write, ByteView payload);
// Whether a request data field writes (default format, write flag set).
bool is_write_request(ByteView request_data);
Bytes encode_profile_request(RecordFormat log, std::uint32_t timestamp);
Bytes encode_profile_response(RecordFormat log, std::uint32_t timestamp, ByteView records80);
Bytes encode_event_log_request(ObjectId id, std::uint8_t block);
Bytes encode_event_log_response(ObjectId id, std::uint8_t block, ByteView records);

// Writes a read request's data field into out[0..5); returns 5. For hot paths.
inline std::size_t encode_read_into(ObjectId id, std::uint8_t* out) {
  out[0] = static_cast<std::uint8_t>(RecordFormat::default_format);
  out[1] = static_cast<std::uint8_t>(id >> 16);
  out[2] = static_cast<std::uint8_t>(id >> 8);
  out[3] = static_cast<std::uint8_t>(id);
  out[4] = 0;
  return 5;
}

}  // namespace flows::emop
