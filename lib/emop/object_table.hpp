#pragma once
// The EMOP object table: every known object by name and id, the type of its
// value, and whether its id is provisional (not confirmed by a public source).
// An operator holding vendor documents can correct or extend it without
// recompiling: apply_overrides() takes a YAML document (see man emop, OBJECTS).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "emop/data_field.hpp"

namespace flows::emop {

enum class ValueType {
  bytes,              // unknown layout: shown as hex
  clock,              // 7-byte clock record
  ascii,              // space/NUL padded text
  hardware,           // 4 ASCII bytes, mapped to the registry string
  firmware,           // 4 ASCII digits (d_dd_d) or 2 bytes (three phase)
  money_s4le,         // signed £0.00001
  money_u4le,         // unsigned £0.00001
  flag,               // 1 byte, 1 = on
  u8,
  u16le,
  csq,                // network operator (3 bits) + CSQ (5 bits)
  voltage,            // u16le, 0.1 V
  watts_s32le,
  wh_u32le,
  energy_block,       // four u32le Wh: import/export active, import/export reactive
  threshold_mask,
  threshold_values,   // seven u16le
  token,              // 20 ASCII digits
  transaction_details,
  time_switch,        // 80 bytes per element
  emop_timestamp,     // u32le EMOP seconds
  backlight,          // u8 setting (provisional values)
  load_switch,        // u8 setting (provisional values)
  hardware_config_3p, // u8: whole current / CT operated (provisional)
  event_log,          // event log records
};
std::string_view value_type_name(ValueType t);
std::optional<ValueType> value_type_from_name(std::string_view name);

struct ObjectInfo {
  std::string name;
  ObjectId id = 0;
  ValueType type = ValueType::bytes;
  bool provisional = false;
  std::string description;
};

// "96.1.0" for 0x600100.
std::string obis_of(ObjectId id);
// Parses "a.b.c" (each 0-255) into an id.
std::optional<ObjectId> parse_obis(std::string_view text);
// Parses 6 hex digits, with or without "0x".
std::optional<ObjectId> parse_object_hex(std::string_view text);
// Six lower-case hex digits.
std::string object_hex(ObjectId id);

class ObjectTable {
 public:
  ObjectTable() = default;
  explicit ObjectTable(std::vector<ObjectInfo> entries) : entries_(std::move(entries)) {}
  static const ObjectTable& builtin();

  const std::vector<ObjectInfo>& entries() const { return entries_; }
  const ObjectInfo* find(std::string_view name) const;
  const ObjectInfo* find(ObjectId id) const;
  // Reads NAME, a hex id or an OBIS triplet; an id not in the table resolves to
  // an anonymous entry of type bytes. nullopt when the text is none of these.
  std::optional<ObjectInfo> resolve(std::string_view text) const;
  // Like find(name) but throws flows::Error(internal) when the name is missing:
  // for objects the code itself relies on.
  const ObjectInfo& at(std::string_view name) const;

  // Applies a YAML document of the form
  //   objects:
  //     backlight: { id: "ffe001", type: backlight, provisional: false }
  // An existing name is updated (only the keys given); a new name is added and
  // needs id and type. Throws flows::Error(config) naming `source` and the line.
  void apply_overrides(std::string_view yaml, std::string_view source);

 private:
  std::vector<ObjectInfo> entries_;
};

}  // namespace flows::emop
