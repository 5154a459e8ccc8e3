#include "emop/object_table.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>

#include "core/error.hpp"
#include "core/yaml_values.hpp"
#include "emop/bytes.hpp"

namespace flows::emop {
namespace {

struct TypeName {
  ValueType type;
  std::string_view name;
};
constexpr std::array<TypeName, 25> type_names{{
    {ValueType::bytes, "bytes"},
    {ValueType::clock, "clock"},
    {ValueType::ascii, "ascii"},
    {ValueType::hardware, "hardware"},
    {ValueType::firmware, "firmware"},
    {ValueType::money_s4le, "money_s4le"},
    {ValueType::money_u4le, "money_u4le"},
    {ValueType::flag, "flag"},
    {ValueType::u8, "u8"},
    {ValueType::u16le, "u16le"},
    {ValueType::csq, "csq"},
    {ValueType::voltage, "voltage"},
    {ValueType::watts_s32le, "watts_s32le"},
    {ValueType::wh_u32le, "wh_u32le"},
    {ValueType::energy_block, "energy_block"},
    {ValueType::threshold_mask, "threshold_mask"},
    {ValueType::threshold_values, "threshold_values"},
    {ValueType::token, "token"},
    {ValueType::transaction_details, "transaction_details"},
    {ValueType::time_switch, "time_switch"},
    {ValueType::emop_timestamp, "emop_timestamp"},
    {ValueType::backlight, "backlight"},
    {ValueType::load_switch, "load_switch"},
    {ValueType::hardware_config_3p, "hardware_config_3p"},
    {ValueType::event_log, "event_log"},
}};

using T = ValueType;
constexpr bool P = true;   // provisional
constexpr bool K = false;  // known from public sources

ObjectTable make_builtin();

}  // namespace

std::string_view value_type_name(ValueType t) {
  for (auto& tn : type_names)
    if (tn.type == t) return tn.name;
  return "bytes";
}

std::optional<ValueType> value_type_from_name(std::string_view name) {
  for (auto& tn : type_names)
    if (tn.name == name) return tn.type;
  return std::nullopt;
}

std::string obis_of(ObjectId id) {
  return std::to_string((id >> 16) & 0xFF) + "." + std::to_string((id >> 8) & 0xFF) + "." +
         std::to_string(id & 0xFF);
}

std::optional<ObjectId> parse_obis(std::string_view text) {
  ObjectId id = 0;
  for (int part = 0; part < 3; ++part) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p == text.data() || v > 255) return std::nullopt;
    id = (id << 8) | v;
    text.remove_prefix(static_cast<std::size_t>(p - text.data()));
    if (part < 2) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
  }
  if (!text.empty()) return std::nullopt;
  return id;
}

std::optional<ObjectId> parse_object_hex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  if (text.size() != 6) return std::nullopt;
  auto b = from_hex(text);
  if (!b || b->size() != 3) return std::nullopt;
  return get_u24be(*b, 0);
}

std::string object_hex(ObjectId id) {
  const std::uint8_t b[3] = {static_cast<std::uint8_t>(id >> 16), static_cast<std::uint8_t>(id >> 8),
                             static_cast<std::uint8_t>(id)};
  return to_hex(b);
}

const ObjectTable& ObjectTable::builtin() {
  static const ObjectTable table = make_builtin();
  return table;
}

const ObjectInfo* ObjectTable::find(std::string_view name) const {
  for (auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

const ObjectInfo* ObjectTable::find(ObjectId id) const {
  for (auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

const ObjectInfo& ObjectTable::at(std::string_view name) const {
  if (auto* e = find(name)) return *e;
  throw Error(ExitCode::internal, "object table has no object named " + std::string(name));
}

std::optional<ObjectInfo> ObjectTable::resolve(std::string_view text) const {
  if (auto* e = find(text)) return *e;
  std::optional<ObjectId> id = parse_object_hex(text);
  if (!id) id = parse_obis(text);
  if (!id) return std::nullopt;
  if (auto* e = find(*id)) return *e;
  return ObjectInfo{"", *id, ValueType::bytes, false, "not in the object table"};
}

void ObjectTable::apply_overrides(std::string_view yaml, std::string_view source) {
  auto fail = [&](const YAML::Mark& m, const std::string& msg) {
    std::string where(source);
    if (m.line >= 0) where += ":" + std::to_string(m.line + 1);
    throw config_error(where + ": " + msg);
  };
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    fail(e.mark, e.msg);
  }
  if (!doc.IsMap() || !doc["objects"] || !doc["objects"].IsMap())
    fail(doc.Mark(), "expected a mapping with an 'objects' mapping (name: {id, type, provisional})");

  std::vector<ObjectInfo> updated = entries_;  // all-or-nothing: validate before replacing
  for (const auto& item : doc["objects"]) {
    const std::string name = yaml_values::key(item.first, source, ExitCode::config);
    const YAML::Node spec = item.second;
    if (!spec.IsMap()) fail(spec.Mark(), "object '" + name + "' must be a mapping");
    ObjectInfo* target = nullptr;
    for (auto& e : updated)
      if (e.name == name) target = &e;
    ObjectInfo fresh{name, 0, ValueType::bytes, false, "added by " + std::string(source)};
    if (!target && (!spec["id"] || !spec["type"]))
      fail(spec.Mark(), "new object '" + name + "' needs both 'id' and 'type'");
    ObjectInfo& e = target ? *target : fresh;
    for (const auto& kv : spec) {
      const std::string key = yaml_values::key(kv.first, source, ExitCode::config);
      const YAML::Node v = kv.second;
      if (!v.IsScalar()) fail(v.Mark(), "'" + key + "' must be a scalar");
      const std::string s = v.Scalar();
      if (key == "id") {
        auto id = parse_object_hex(s);
        if (!id) id = parse_obis(s);
        if (!id) fail(v.Mark(), "id '" + s + "' is neither 6 hex digits nor an OBIS triplet a.b.c");
        e.id = *id;
      } else if (key == "type") {
        auto t = value_type_from_name(s);
        if (!t) fail(v.Mark(), "unknown value type '" + s + "' (see emop objects for the types)");
        e.type = *t;
      } else if (key == "provisional") {
        if (s != "true" && s != "false") fail(v.Mark(), "provisional must be true or false");
        e.provisional = s == "true";
      } else if (key == "description") {
        e.description = s;
      } else {
        fail(kv.first.Mark(), "unknown key '" + key + "' (expected id, type, provisional, description)");
      }
    }
    if (!target) updated.push_back(std::move(fresh));
  }
  for (std::size_t i = 0; i < updated.size(); ++i)
    for (std::size_t j = i + 1; j < updated.size(); ++j)
      if (updated[i].id == updated[j].id)
        fail(doc["objects"].Mark(), "objects '" + updated[i].name + "' and '" + updated[j].name +
                                        "' would share id " + object_hex(updated[i].id));
  entries_ = std::move(updated);
}

namespace {

ObjectTable make_builtin() {
  // Keyed by name: {name, id, type, provisional, description}.
  std::vector<ObjectInfo> v = {
      {"time", 0x800800, T::clock, K, "meter clock"},
      {"serial", 0x600100, T::ascii, K, "meter serial number"},
      {"hardware_version", 0x608000, T::hardware, K, "hardware kind; empty on three-phase meters"},
      {"firmware_version", 0x000201, T::firmware, K, "firmware version"},
      {"prepay_balance", 0xFFC802, T::money_s4le, K, "prepayment balance"},
      {"prepay_enabled_flag", 0xFFFF0D, T::flag, K, "prepayment mode on/off"},
      {"element_a", 0xFFFFFC, T::energy_block, P, "element A registers (import/export active/reactive Wh)"},
      {"element_b", 0xFFFFF8, T::energy_block, P, "element B registers (import/export active/reactive Wh)"},
      {"csq_net_op", 0xFFFD1D, T::csq, K, "signal quality and network operator"},
      {"prepay_token_send", 0xFFC803, T::token, K, "send a 20-digit top-up token (write)"},
      {"instantaneous_voltage", 0x0C0700, T::voltage, K, "instantaneous voltage"},
      {"instantaneous_current", 0x0B0700, T::bytes, P, "instantaneous current"},
      {"instantaneous_active_power", 0x010700, T::watts_s32le, P, "instantaneous active power (W)"},
      {"instantaneous_reactive_power", 0x030700, T::bytes, P, "instantaneous reactive power"},
      {"instantaneous_power_factor", 0x0D0700, T::bytes, P, "instantaneous power factor"},
      {"instantaneous_frequency", 0x0E0700, T::bytes, P, "instantaneous frequency"},
      {"average_voltage", 0x0C1800, T::bytes, P, "average voltage"},
      {"average_current", 0x0B1800, T::bytes, P, "average current"},
      {"average_frequency", 0x0E1800, T::bytes, P, "average frequency"},
      {"total_active_import_energy", 0x010800, T::wh_u32le, P, "total active import energy (Wh)"},
      {"total_active_export_energy", 0x020800, T::wh_u32le, P, "total active export energy (Wh)"},
      {"instantaneous_active_power_element_a", 0x150700, T::watts_s32le, P, "element A active power import (W)"},
      {"instantaneous_active_power_element_b", 0x290700, T::watts_s32le, P, "element B active power import (W)"},
      {"three_phase_serial", 0xD7FF10, T::ascii, K, "three-phase meter serial"},
      {"three_phase_initiate_read", 0xD70A0C, T::bytes, P, "three-phase initiate read"},
      {"three_phase_read", 0xD7060A, T::bytes, P, "three-phase read"},
      {"three_phase_instantaneous_voltage_l1", 0x200700, T::voltage, K, "three-phase voltage L1"},
      {"three_phase_instantaneous_voltage_l2", 0x340700, T::voltage, K, "three-phase voltage L2"},
      {"three_phase_instantaneous_voltage_l3", 0x480700, T::voltage, K, "three-phase voltage L3"},
      {"monetary_info_transaction_count", 0xFFC83E, T::u16le, K, "prepayment transaction count"},
      {"monetary_info_transaction_details", 0xFFC840, T::transaction_details, K, "last transaction details"},
      {"tariff_time_switch_element_a_or_single", 0x0D0000, T::time_switch, K, "time switch, element A or single"},
      {"tariff_time_switch_element_b", 0x0D00FF, T::time_switch, K, "time switch, element B"},
      {"tariff_active_tou_flag", 0xFFFF4E, T::u8, K, "active tariff TOU flag"},
      {"tariff_future_tou_flag", 0xFFFF4F, T::u8, K, "future tariff TOU flag"},
      {"tariff_active_standing_charge", 0xFFFF22, T::money_u4le, K, "active standing charge per day"},
      {"tariff_future_standing_charge", 0xFFFF23, T::money_u4le, K, "future standing charge per day"},
      {"tariff_active_threshold_mask", 0xFFFF20, T::threshold_mask, K, "active threshold mask"},
      {"tariff_future_threshold_mask", 0xFFFF21, T::threshold_mask, K, "future threshold mask"},
      {"tariff_active_threshold_values", 0xFFFF1E, T::threshold_values, K, "active threshold values"},
      {"tariff_future_threshold_values", 0xFFFF1F, T::threshold_values, K, "future threshold values"},
      {"tariff_active_gas", 0xFFC964, T::money_u4le, K, "active gas rate"},
      {"tariff_future_gas", 0xFFC965, T::money_u4le, K, "future gas rate"},
      {"tariff_active_tou_rate", 0xFFFF2B, T::u8, K, "active TOU rate index (0-7)"},
      {"tariff_active_block_rate", 0xFFFF2C, T::u8, K, "active block rate index (0-7)"},
      {"tariff_active_price_index_current", 0xFFFF2D, T::u8, K, "active price index"},
      {"tariff_active_price", 0xFFFF2E, T::money_u4le, K, "element A unit rate in force"},
      {"tariff_active_prepayment_emergency_credit", 0xFFC805, T::money_u4le, K, "active emergency credit"},
      {"tariff_future_prepayment_emergency_credit", 0xFFC808, T::money_u4le, K, "future emergency credit"},
      {"tariff_active_prepayment_ecredit_availability", 0xFFC806, T::money_u4le, K, "active e-credit availability"},
      {"tariff_future_prepayment_ecredit_availability", 0xFFC809, T::money_u4le, K, "future e-credit availability"},
      {"tariff_active_prepayment_debt_recovery_rate", 0xFFC807, T::money_u4le, K, "active debt recovery per day"},
      {"tariff_future_prepayment_debt_recovery_rate", 0xFFC80A, T::money_u4le, K, "future debt recovery per day"},
      {"tariff_active_block_8_rate_1", 0xFFF939, T::money_u4le, K, "active block 8 rate 1 (element A rate)"},
      {"tariff_future_block_8_rate_1", 0xFFF839, T::money_u4le, K, "future block 8 rate 1 (element A rate)"},
      {"tariff_active_element_b_tou_rate", 0xFFFF4B, T::u8, K, "active element B TOU rate index (0-3)"},
      {"tariff_active_element_b_price_index_current", 0xFFFF4C, T::u8, K, "active element B price index"},
      {"tariff_active_element_b_price", 0xFFFF4D, T::money_u4le, K, "element B unit rate in force"},
      {"tariff_future_activation_datetime", 0xFFFF24, T::emop_timestamp, K, "future tariff activation time"},
      // PROVISIONAL BLOCK: objects the public tools use whose ids are not public.
      // The ids below are placeholders in an unused range, chosen by this project;
      // correct them with an overrides file (emop --objects FILE) from vendor documents.
      {"backlight", 0xFFE001, T::backlight, P, "backlight setting"},
      {"load_switch", 0xFFE002, T::load_switch, P, "load switch setting"},
      {"daylight_savings_correction_flag", 0xFFE003, T::flag, P, "clock keeps UK local time (BST)"},
      {"prepay_no_debt_recovery_when_emergency_credit_flag", 0xFFE004, T::flag, P,
       "no debt recovery while in emergency credit"},
      {"prepay_no_standing_charge_when_power_fail_flag", 0xFFE005, T::flag, P,
       "no standing charge while the power has failed"},
      {"event_log", 0xFFE006, T::event_log, P, "event log (read with the event log record format)"},
      {"three_phase_hardware_configuration", 0xFFE007, T::hardware_config_3p, P,
       "three-phase whole current or CT operated"},
      {"three_phase_total_active_import", 0xFFE010, T::wh_u32le, P, "three-phase total active import (Wh)"},
      {"three_phase_total_active_export", 0xFFE011, T::wh_u32le, P, "three-phase total active export (Wh)"},
      {"three_phase_total_reactive_import", 0xFFE012, T::wh_u32le, P, "three-phase total reactive import"},
      {"three_phase_total_reactive_export", 0xFFE013, T::wh_u32le, P, "three-phase total reactive export"},
      {"three_phase_total_apparent_import", 0xFFE014, T::wh_u32le, P, "three-phase total apparent import"},
      {"three_phase_total_apparent_export", 0xFFE015, T::wh_u32le, P, "three-phase total apparent export"},
  };
  // Element B TOU rates 1-4, active and future.
  for (unsigned r = 1; r <= 4; ++r) {
    v.push_back({"tariff_active_element_b_tou_rate_" + std::to_string(r), 0xFFF700 + r, T::money_u4le, K,
                 "active element B TOU rate " + std::to_string(r)});
    v.push_back({"tariff_future_element_b_tou_rate_" + std::to_string(r), 0xFFF600 + r, T::money_u4le, K,
                 "future element B TOU rate " + std::to_string(r)});
  }
  return ObjectTable(std::move(v));
}

}  // namespace
}  // namespace flows::emop
