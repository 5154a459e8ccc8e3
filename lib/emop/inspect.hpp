#pragma once
// Frame inspection for people: a whole frame as JSON (the `emop frame decode`
// document) and as a readable dump. Pure functions over bytes.
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "emop/frame.hpp"
#include "emop/object_table.hpp"

namespace flows::emop {

struct InspectOptions {
  bool profile_log_2_twin = false;  // 80 bytes alone do not tell 22- from 34-byte records
};

// The typed value of a payload, as JSON: strings for text, numbers for csq and
// volts, decimal strings for money, ISO times for clocks and timestamps.
// An error when the payload does not fit the type.
Result<nlohmann::json, std::string> value_json(ValueType type, ByteView payload);

struct Inspection {
  nlohmann::json document;  // the keys documented for `emop frame decode --json`
  bool crc_ok = false;
  std::string data_error;   // non-empty when the data field could not be decoded
};

// Fails only when the bytes are not a frame at all (FrameError). A CRC mismatch or
// an undecodable data field still yields a document.
Result<Inspection, FrameError> inspect_frame(ByteView bytes, const ObjectTable& table, InspectOptions opts = {});

// Multi-line human dump of an inspection document.
std::string render_text(const Inspection& inspection);

}  // namespace flows::emop
