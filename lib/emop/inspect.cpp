#include "emop/inspect.hpp"

#include <sstream>

#include "emop/data_field.hpp"
#include "emop/records.hpp"

namespace flows::emop {
namespace {

using json = nlohmann::json;

template <class T, class F>
Result<json, std::string> map(const RecordResult<T>& r, F&& f) {
  if (!r) return unexpected(r.error().message);
  return json(f(r.value()));
}

json address_json(const Address& a) {
  const std::uint8_t t[1] = {a.device_type};
  return json{{"device_type", to_hex(t)}, {"address", object_hex(a.address)}};
}

json status_json(const ProfileStatus& s) {
  json names = json::array();
  for (auto n : s.names()) names.push_back(std::string(n));
  return names;
}

}  // namespace

Result<json, std::string> value_json(ValueType type, ByteView p) {
  switch (type) {
    case ValueType::bytes:
    case ValueType::time_switch:
      return json(to_hex(p));
    case ValueType::clock:
      return map(decode_clock(p), [](const ClockRecord& c) { return format_iso(c.time); });
    case ValueType::emop_timestamp:
      return map(decode_emop_timestamp(p), [](MeterTime t) { return format_iso(t); });
    case ValueType::ascii:
      return map(decode_ascii(p), [](const std::string& s) { return s; });
    case ValueType::hardware:
      return map(decode_hardware(p), [](const std::string& s) { return s; });
    case ValueType::firmware:
      return map(decode_firmware(p), [](const std::string& s) { return s; });
    case ValueType::token:
      return map(decode_token(p), [](const std::string& s) { return s; });
    case ValueType::money_s4le:
      return map(decode_money_s4le(p), [](Money m) { return m.to_string(); });
    case ValueType::money_u4le:
      return map(decode_money_u4le(p), [](Money m) { return m.to_string(); });
    case ValueType::flag:
      return map(decode_flag(p), [](bool b) { return b; });
    case ValueType::u8:
    case ValueType::threshold_mask:
      return map(decode_u8(p), [](std::uint8_t v) { return v; });
    case ValueType::u16le:
      return map(decode_u16le(p), [](std::uint16_t v) { return v; });
    case ValueType::csq:
      return map(decode_signal(p), [](Signal s) { return s.csq; });
    case ValueType::voltage:
      // A JSON number in volts; parsed from the exact decimal text so it prints as such.
      return map(decode_voltage(p), [](Voltage v) { return json::parse(v.to_string()); });
    case ValueType::watts_s32le:
      return map(decode_s32le(p), [](std::int32_t v) { return v; });
    case ValueType::wh_u32le:
      return map(decode_u32le(p), [](std::uint32_t v) { return v; });
    case ValueType::energy_block:
      return map(decode_element_registers(p), [](const ElementRegisters& r) {
        return json{{"import_active_wh", r.import_active_wh}, {"export_active_wh", r.export_active_wh},
                    {"import_reactive_wh", r.import_reactive_wh}, {"export_reactive_wh", r.export_reactive_wh}};
      });
    case ValueType::threshold_values:
      return map(decode_threshold_values(p), [](const ThresholdValues& v) { return json(v); });
    case ValueType::transaction_details:
      return map(decode_transaction_details(p), [](const TransactionDetails& t) {
        return json{{"undecoded", to_hex(t.undecoded)}, {"payment_time", format_iso(t.payment_time)},
                    {"value", t.value.to_string()}};
      });
    case ValueType::backlight:
      return map(decode_backlight(p), [](const std::string& s) { return s; });
    case ValueType::load_switch:
      return map(decode_load_switch(p), [](const std::string& s) { return s; });
    case ValueType::hardware_config_3p:
      return map(decode_three_phase_config(p),
                 [](ThreePhaseConfig c) { return hardware_registry_three_phase(c); });
    case ValueType::event_log:
      return map(decode_event_log(p), [](const std::vector<EventRecord>& events) {
        json a = json::array();
        for (auto& e : events)
          a.push_back({{"timestamp", format_iso(e.timestamp)}, {"event_type", e.event_type}, {"event_set", e.event_set}});
        return a;
      });
  }
  return json(to_hex(p));
}

namespace {

// Length, addresses, control and what the control byte says: sequence, and ACK or
// NAK (provisional: bit 7, code in bits 4-6; the NAK's code and name, null for an ACK).
void put_header(const FrameView& f, json& d) {
  d["length"] = f.length;
  d["destination"] = address_json(f.header.destination);
  d["source"] = address_json(f.header.source);
  d["control"] = f.header.control;
  d["sequence"] = f.sequence();
  const bool nak = control_is_nak(f.header.control);
  d["ack"] = !nak;
  d["nak"] = nak ? json{{"code", int(control_nak_code(f.header.control))},
                        {"name", std::string(nak_name(control_nak_code(f.header.control)))}}
                 : json(nullptr);
}

json profile_log_1_json(ByteView payload) {
  json records = json::array();
  if (auto rs = decode_profile_log_1(payload))
    for (auto& r : *rs)
      records.push_back({{"timestamp", format_iso(r.timestamp)}, {"status", status_json(r.status)},
                         {"import_a_wh", r.import_a_wh}, {"import_b_wh", r.import_b_wh}});
  return records;
}

json profile_log_2_json(ByteView payload, bool twin) {
  json records = json::array();
  if (auto rs = decode_profile_log_2(payload, twin))
    for (auto& r : *rs) {
      json j{{"timestamp", format_iso(r.timestamp)}, {"status", status_json(r.status)},
             {"active_export_a_wh", r.active_export_a_wh}, {"reactive_import_a", r.reactive_import_a},
             {"reactive_export_a", r.reactive_export_a}, {"voltage_decivolts", r.voltage_decivolts}};
      if (r.twin) {
        j["active_export_b_wh"] = r.active_export_b_wh;
        j["reactive_import_b"] = r.reactive_import_b;
        j["reactive_export_b"] = r.reactive_export_b;
      }
      records.push_back(j);
    }
  return records;
}

// The typed value of a decoded data field (null when it has none); a value that
// does not decode leaves a message in `error`.
json value_of(const DataField& df, const ObjectInfo* info, InspectOptions opts, std::string& error) {
  switch (df.format) {
    case RecordFormat::default_format: {
      if (!info || df.payload.empty()) return nullptr;
      auto v = value_json(info->type, df.payload);
      if (v) return *v;
      error = info->name + ": " + v.error();
      return nullptr;
    }
    case RecordFormat::event_log: {
      json v{{"block", *df.block}};
      if (df.payload.empty()) return v;
      auto events = value_json(ValueType::event_log, df.payload);
      if (events) v["events"] = *events;
      else error = events.error();
      return v;
    }
    case RecordFormat::profile_log_1:
    case RecordFormat::profile_log_2: {
      json v{{"timestamp", format_iso(from_emop_seconds(*df.timestamp))}};
      if (!df.payload.empty())
        v["records"] = df.format == RecordFormat::profile_log_1 ? profile_log_1_json(df.payload)
                                                                : profile_log_2_json(df.payload, opts.profile_log_2_twin);
      return v;
    }
  }
  return nullptr;
}

void put_data_field(const DataField& df, const ObjectTable& table, InspectOptions opts, Inspection& out) {
  json& d = out.document;
  d["format"] = std::string(format_name(df.format));
  d["payload"] = to_hex(df.payload);
  const ObjectInfo* info = nullptr;
  if (df.object_id) {
    d["object_id"] = object_hex(*df.object_id);
    info = table.find(*df.object_id);
    if (info) d["object"] = info->name;
  }
  if (df.write) d["rw"] = *df.write ? "write" : "read";
  d["value"] = value_of(df, info, opts, out.data_error);
}

}  // namespace

Result<Inspection, FrameError> inspect_frame(ByteView bytes, const ObjectTable& table, InspectOptions opts) {
  auto decoded = decode_frame(bytes);
  if (!decoded) return unexpected(decoded.error());
  const FrameView& f = *decoded;

  Inspection out;
  out.crc_ok = f.crc_ok();
  json& d = out.document;
  put_header(f, d);
  d["format"] = nullptr;
  d["object_id"] = nullptr;
  d["object"] = nullptr;
  d["rw"] = nullptr;
  d["payload"] = to_hex(f.data);
  d["value"] = nullptr;
  auto field = decode_data_field(f.data);
  if (field) put_data_field(*field, table, opts, out);
  else out.data_error = std::string(describe(field.error()));
  const std::uint8_t crc[2] = {static_cast<std::uint8_t>(f.crc >> 8), static_cast<std::uint8_t>(f.crc)};
  d["crc"] = to_hex(crc);
  d["crc_ok"] = f.crc_ok();
  return out;
}

std::string render_text(const Inspection& in) {
  const json& d = in.document;
  auto str = [](const json& j) { return j.is_null() ? std::string("-") : j.is_string() ? j.get<std::string>() : j.dump(); };
  std::ostringstream o;
  o << "length       " << d["length"].get<int>() << "\n";
  o << "destination  type " << str(d["destination"]["device_type"]) << " address " << str(d["destination"]["address"]) << "\n";
  o << "source       type " << str(d["source"]["device_type"]) << " address " << str(d["source"]["address"]) << "\n";
  const auto control = d["control"].get<std::uint8_t>();
  o << "control      0x" << to_hex(std::span<const std::uint8_t>(&control, 1)) << " (sequence " << d["sequence"].get<int>();
  if (control_is_nak(control)) o << ", NAK " << int(control_nak_code(control)) << ": " << nak_name(control_nak_code(control));
  o << ")\n";
  o << "format       " << str(d["format"]) << "\n";
  if (!d["object_id"].is_null())
    o << "object       " << str(d["object_id"]) << " " << (d["object"].is_null() ? "(unknown)" : str(d["object"])) << "\n";
  if (!d["rw"].is_null()) o << "rw           " << str(d["rw"]) << "\n";
  o << "payload      " << (d["payload"].get<std::string>().empty() ? "(empty)" : str(d["payload"])) << "\n";
  if (!d["value"].is_null()) o << "value        " << str(d["value"]) << "\n";
  if (!in.data_error.empty()) o << "data error   " << in.data_error << "\n";
  o << "crc          " << str(d["crc"]) << (in.crc_ok ? " (ok)" : " (MISMATCH)") << "\n";
  return o.str();
}

}  // namespace flows::emop
