// SimMeter's request handler: which objects it has, how it reads and writes them.
#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "sim/sim_meter.hpp"
#include "sim/sim_meter_objects.hpp"
#include "sim/token.hpp"

namespace flows::sim {

using emop::Bytes;
using emop::ByteView;
using emop::NakCode;

namespace {

struct Named {
  std::string_view name;
  Obj obj;
};
constexpr std::array<Named, 51> plain_objects{{
    {"time", Obj::time},
    {"serial", Obj::serial},
    {"hardware_version", Obj::hardware_version},
    {"firmware_version", Obj::firmware_version},
    {"three_phase_serial", Obj::three_phase_serial},
    {"three_phase_hardware_configuration", Obj::three_phase_config},
    {"prepay_balance", Obj::prepay_balance},
    {"prepay_enabled_flag", Obj::prepay_enabled},
    {"prepay_token_send", Obj::token_send},
    {"monetary_info_transaction_count", Obj::transaction_count},
    {"monetary_info_transaction_details", Obj::transaction_details},
    {"prepay_no_debt_recovery_when_emergency_credit_flag", Obj::no_debt_recovery_flag},
    {"prepay_no_standing_charge_when_power_fail_flag", Obj::no_standing_charge_flag},
    {"daylight_savings_correction_flag", Obj::dst_flag},
    {"backlight", Obj::backlight},
    {"load_switch", Obj::load_switch},
    {"element_a", Obj::element_a},
    {"element_b", Obj::element_b},
    {"total_active_import_energy", Obj::total_import},
    {"total_active_export_energy", Obj::total_export},
    {"three_phase_total_active_import", Obj::tp_active_import},
    {"three_phase_total_active_export", Obj::tp_active_export},
    {"three_phase_total_reactive_import", Obj::tp_reactive_import},
    {"three_phase_total_reactive_export", Obj::tp_reactive_export},
    {"three_phase_total_apparent_import", Obj::tp_apparent_import},
    {"three_phase_total_apparent_export", Obj::tp_apparent_export},
    {"csq_net_op", Obj::csq},
    {"instantaneous_voltage", Obj::voltage},
    {"three_phase_instantaneous_voltage_l1", Obj::voltage_l1},
    {"three_phase_instantaneous_voltage_l2", Obj::voltage_l2},
    {"three_phase_instantaneous_voltage_l3", Obj::voltage_l3},
    {"instantaneous_active_power", Obj::power},
    {"instantaneous_active_power_element_a", Obj::power_a},
    {"instantaneous_active_power_element_b", Obj::power_b},
    {"tariff_time_switch_element_a_or_single", Obj::time_switch_a},
    {"tariff_time_switch_element_b", Obj::time_switch_b},
    {"tariff_active_tou_flag", Obj::tariff_tou_flag},
    {"tariff_active_threshold_mask", Obj::tariff_threshold_mask},
    {"tariff_active_threshold_values", Obj::tariff_threshold_values},
    {"tariff_active_tou_rate", Obj::tariff_index},
    {"tariff_active_block_rate", Obj::tariff_index},
    {"tariff_active_price_index_current", Obj::tariff_index},
    {"tariff_active_element_b_tou_rate", Obj::tariff_index},
    {"tariff_active_element_b_price_index_current", Obj::tariff_index},
    {"tariff_active_price", Obj::tariff_price_a},
    {"tariff_active_element_b_price", Obj::tariff_price_b},
    {"event_log", Obj::event_log},
    // the future set (bound with future = true: the name says so)
    {"tariff_future_tou_flag", Obj::tariff_tou_flag},
    {"tariff_future_threshold_mask", Obj::tariff_threshold_mask},
    {"tariff_future_threshold_values", Obj::tariff_threshold_values},
    {"tariff_future_activation_datetime", Obj::activation_datetime},
}};

struct MoneyName {
  std::string_view suffix;  // after tariff_active_ / tariff_future_
  Money TariffSet::*field;
};
constexpr std::array<MoneyName, 10> money_objects{{
    {"standing_charge", &TariffSet::standing_charge},
    {"gas", &TariffSet::gas},
    {"prepayment_emergency_credit", &TariffSet::emergency_credit},
    {"prepayment_ecredit_availability", &TariffSet::ecredit_availability},
    {"prepayment_debt_recovery_rate", &TariffSet::debt_recovery_rate},
    {"block_8_rate_1", &TariffSet::unit_rate_a},
    {"element_b_tou_rate_1", &TariffSet::element_b_rate_1},
    {"element_b_tou_rate_2", &TariffSet::element_b_rate_2},
    {"element_b_tou_rate_3", &TariffSet::element_b_rate_3},
    {"element_b_tou_rate_4", &TariffSet::element_b_rate_4},
}};

bool three_phase_only(Obj o) {
  switch (o) {
    case Obj::three_phase_serial: case Obj::three_phase_config:
    case Obj::tp_active_import: case Obj::tp_active_export: case Obj::tp_reactive_import:
    case Obj::tp_reactive_export: case Obj::tp_apparent_import: case Obj::tp_apparent_export:
    case Obj::voltage_l1: case Obj::voltage_l2: case Obj::voltage_l3:
      return true;
    default:
      return false;
  }
}

bool single_phase_only(Obj o) {
  return o == Obj::serial || o == Obj::element_a || o == Obj::element_b || o == Obj::power_a || o == Obj::power_b;
}

bool writable(const Binding& b) {
  switch (b.obj) {
    case Obj::time: case Obj::prepay_enabled: case Obj::token_send: case Obj::no_debt_recovery_flag:
    case Obj::no_standing_charge_flag: case Obj::dst_flag: case Obj::backlight: case Obj::load_switch:
    case Obj::time_switch_a: case Obj::time_switch_b: case Obj::activation_datetime:
      return true;
    case Obj::tariff_money: case Obj::tariff_tou_flag: case Obj::tariff_threshold_mask:
    case Obj::tariff_threshold_values:
      return b.future;
    default:
      return false;
  }
}

Bytes u8(std::uint8_t v) { return {v}; }
Bytes u16(std::uint16_t v) {
  Bytes out;
  emop::put_u16le(out, v);
  return out;
}
Bytes u32(std::uint32_t v) {
  Bytes out;
  emop::put_u32le(out, v);
  return out;
}
Bytes s32(std::int64_t v) {
  v = std::clamp<std::int64_t>(v, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max());
  return u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)));
}
Bytes money_u(Money m) {
  auto b = emop::encode_money_u4le(m);
  return b ? *b : u32(0);  // future/active amounts are validated on write
}

NakCode nak_for(emop::DataFieldError e) {
  switch (e) {
    case emop::DataFieldError::too_short:
    case emop::DataFieldError::bad_profile_size:
      return NakCode::length_incorrect;
    default:
      return NakCode::format_error;
  }
}

}  // namespace

ObjectIndex::ObjectIndex(const emop::ObjectTable& table) {
  auto bind = [&](std::string_view name, Binding b) {
    if (const emop::ObjectInfo* info = table.find(name)) {
      b.id = info->id;
      bindings_.push_back(b);
    }
  };
  for (const Named& n : plain_objects) bind(n.name, {0, n.obj, n.name.starts_with("tariff_future_"), nullptr});
  for (const MoneyName& m : money_objects) {
    bind("tariff_active_" + std::string(m.suffix), {0, Obj::tariff_money, false, m.field});
    bind("tariff_future_" + std::string(m.suffix), {0, Obj::tariff_money, true, m.field});
  }
  std::sort(bindings_.begin(), bindings_.end(), [](const Binding& a, const Binding& b) { return a.id < b.id; });
  if (const emop::ObjectInfo* info = table.find("event_log")) event_log_id_ = info->id;
}

const Binding* ObjectIndex::find(emop::ObjectId id) const {
  auto it = std::lower_bound(bindings_.begin(), bindings_.end(), id,
                             [](const Binding& b, emop::ObjectId v) { return b.id < v; });
  return it != bindings_.end() && it->id == id ? &*it : nullptr;
}

// Friend of SimMeter: reads and writes its state object by object.
class MeterObjects {
 public:
  static Reply handle(SimMeter& m, ByteView request, UtcTime now);

 private:
  static NakCode read(const SimMeter& m, const Binding& b, Bytes& out);
  static NakCode write(SimMeter& m, const Binding& b, ByteView p);
  static NakCode write_token(SimMeter& m, ByteView p);
};

Reply SimMeter::handle(ByteView request, UtcTime now) { return MeterObjects::handle(*this, request, now); }

Reply MeterObjects::handle(SimMeter& m, ByteView request, UtcTime now) {
  m.advance(now);
  auto df = emop::decode_data_field(request);
  if (!df) return {nak_for(df.error()), {}};
  const emop::DataField& f = *df;
  switch (f.format) {
    case emop::RecordFormat::profile_log_1:
    case emop::RecordFormat::profile_log_2: {
      if (!f.payload.empty()) return {NakCode::length_incorrect, emop::encode_profile_request(f.format, *f.timestamp)};
      Bytes records;
      if (f.format == emop::RecordFormat::profile_log_1)
        records = *emop::encode_profile_log_1(m.profile_log_1(*f.timestamp));
      else
        records = *emop::encode_profile_log_2(m.profile_log_2(*f.timestamp), is_twin(m.spec_.kind));
      return {NakCode::ok, emop::encode_profile_response(f.format, *f.timestamp, records)};
    }
    case emop::RecordFormat::event_log: {
      Bytes echo = emop::encode_event_log_request(*f.object_id, *f.block);
      if (m.objects_->event_log_id() == 0 || *f.object_id != m.objects_->event_log_id())
        return {NakCode::unknown_object, echo};
      if (!f.payload.empty()) return {NakCode::length_incorrect, echo};
      Bytes records = *emop::encode_event_log(m.event_block(*f.block));
      records.resize(emop::event_record_size * emop::events_per_block, 0);
      return {NakCode::ok, emop::encode_event_log_response(*f.object_id, *f.block, records)};
    }
    case emop::RecordFormat::default_format:
      break;
  }
  const emop::ObjectId id = *f.object_id;
  const bool is_write = *f.write;
  Bytes echo = emop::encode_default(id, is_write, {});
  const Binding* b = m.objects_->find(id);
  const bool three_phase = is_three_phase(m.spec_.kind);
  if (!b || (three_phase_only(b->obj) && !three_phase) || (single_phase_only(b->obj) && three_phase))
    return {NakCode::unknown_object, echo};
  if (is_write) {
    if (!writable(*b)) return {NakCode::security_not_granted, echo};
    const NakCode nak = write(m, *b, f.payload);
    if (nak != NakCode::ok) return {nak, echo};
    m.advance(m.now_);  // a write may make the future tariff due at once
    return {NakCode::ok, echo};
  }
  if (!f.payload.empty()) return {NakCode::length_incorrect, echo};
  Bytes value;
  const NakCode nak = read(m, *b, value);
  if (nak != NakCode::ok) return {nak, echo};
  return {NakCode::ok, emop::encode_default(id, false, value)};
}

NakCode MeterObjects::read(const SimMeter& m, const Binding& b, Bytes& out) {
  const Registers r = m.registers();
  const TariffSet& t = b.future ? m.future_ : m.active_;
  switch (b.obj) {
    case Obj::time: out = emop::encode_clock(emop::clock_record_for(m.meter_time())); break;
    case Obj::serial:
    case Obj::three_phase_serial: out = emop::encode_ascii(m.spec_.serial, 16); break;
    case Obj::hardware_version: out = emop::encode_ascii(kind_hardware_raw(m.spec_.kind), is_three_phase(m.spec_.kind) ? 0 : 4); break;
    case Obj::firmware_version: out = *emop::encode_firmware(firmware_of(m.spec_)); break;
    case Obj::three_phase_config:
      out = emop::encode_three_phase_config(m.spec_.kind == MeterKind::three_phase_cx ? emop::ThreePhaseConfig::ct_operated
                                                                                       : emop::ThreePhaseConfig::whole_current);
      break;
    case Obj::prepay_balance: out = s32(m.balance_.units()); break;
    case Obj::prepay_enabled: out = emop::encode_flag(m.prepay_enabled_); break;
    case Obj::token_send: return NakCode::security_not_granted;  // write-only
    case Obj::transaction_count: out = u16(m.transaction_count_); break;
    case Obj::transaction_details: out = *emop::encode_transaction_details(m.last_transaction_); break;
    case Obj::no_debt_recovery_flag: out = emop::encode_flag(m.no_debt_recovery_in_emergency_); break;
    case Obj::no_standing_charge_flag: out = emop::encode_flag(m.no_standing_charge_in_power_fail_); break;
    case Obj::dst_flag: out = emop::encode_flag(m.dst_); break;
    case Obj::backlight: out = u8(m.backlight_); break;
    case Obj::load_switch: out = u8(m.load_switch_); break;
    // Reactive energy is modelled as a fixed share of active: import/5, export/10.
    case Obj::element_a: out = emop::encode_element_registers({r.import_a_wh, r.export_a_wh, r.import_a_wh / 5, r.export_a_wh / 10}); break;
    case Obj::element_b: out = emop::encode_element_registers({r.import_b_wh, r.export_b_wh, r.import_b_wh / 5, r.export_b_wh / 10}); break;
    case Obj::total_import: out = u32(r.import_a_wh + r.import_b_wh); break;
    case Obj::total_export: out = u32(r.export_a_wh + r.export_b_wh); break;
    // Three-phase totals count in the meter's unit (0.1 Wh on P1.cx).
    case Obj::tp_active_import: out = u32(m.register_count(m.energy_.import_a)); break;
    case Obj::tp_active_export: out = u32(m.register_count(m.energy_.export_a)); break;
    case Obj::tp_reactive_import: out = u32(m.register_count(m.energy_.import_a) / 5); break;
    case Obj::tp_reactive_export: out = u32(m.register_count(m.energy_.export_a) / 10); break;
    // Apparent ≈ active × 1.02 (power factor about 0.98).
    case Obj::tp_apparent_import: out = u32(static_cast<std::uint32_t>(std::uint64_t{m.register_count(m.energy_.import_a)} * 51 / 50)); break;
    case Obj::tp_apparent_export: out = u32(static_cast<std::uint32_t>(std::uint64_t{m.register_count(m.energy_.export_a)} * 51 / 50)); break;
    case Obj::csq: out = emop::encode_signal(m.signal_); break;
    case Obj::voltage:
    case Obj::voltage_l1: out = u16(m.voltage_decivolts(0)); break;
    case Obj::voltage_l2: out = u16(m.voltage_decivolts(1)); break;
    case Obj::voltage_l3: out = u16(m.voltage_decivolts(2)); break;
    case Obj::power: {
      const Power p = m.power();
      out = s32(p.a + p.b);
      break;
    }
    case Obj::power_a: out = s32(m.power().a); break;
    case Obj::power_b: out = s32(m.power().b); break;
    case Obj::time_switch_a: out.assign(m.time_switch_a_.begin(), m.time_switch_a_.end()); break;
    case Obj::time_switch_b: out.assign(m.time_switch_b_.begin(), m.time_switch_b_.end()); break;
    case Obj::tariff_money: out = money_u(t.*b.money); break;
    case Obj::tariff_tou_flag: out = u8(t.tou_flag); break;
    case Obj::tariff_threshold_mask: out = u8(t.threshold_mask); break;
    case Obj::tariff_threshold_values: out = emop::encode_threshold_values(t.threshold_values); break;
    case Obj::tariff_index: out = u8(0); break;  // a single rate in force
    case Obj::tariff_price_a: out = money_u(m.active_.unit_rate_a); break;
    case Obj::tariff_price_b: out = money_u(m.active_.element_b_rate_1); break;
    case Obj::activation_datetime: out = u32(m.activation_); break;
    case Obj::event_log: return NakCode::format_error;  // read with the event log record format
  }
  return NakCode::ok;
}

NakCode MeterObjects::write(SimMeter& m, const Binding& b, ByteView p) {
  auto sized = [&](std::size_t n) { return p.size() == n; };
  auto flag = [&](bool& target) {
    if (!sized(1)) return NakCode::length_incorrect;
    auto v = emop::decode_flag(p);
    if (!v) return NakCode::format_error;
    target = *v;
    return NakCode::ok;
  };
  TariffSet& t = m.future_;
  switch (b.obj) {
    case Obj::time: {
      if (!sized(7)) return NakCode::length_incorrect;
      auto c = emop::decode_clock(p);
      if (!c) return NakCode::format_error;
      m.set_clock(c->time);
      return NakCode::ok;
    }
    case Obj::prepay_enabled: return flag(m.prepay_enabled_);
    case Obj::token_send: return write_token(m, p);
    case Obj::no_debt_recovery_flag: return flag(m.no_debt_recovery_in_emergency_);
    case Obj::no_standing_charge_flag: return flag(m.no_standing_charge_in_power_fail_);
    case Obj::dst_flag: return flag(m.dst_);
    case Obj::backlight:
      if (!sized(1)) return NakCode::length_incorrect;
      if (!emop::decode_backlight(p)) return NakCode::format_error;
      m.backlight_ = p[0];
      return NakCode::ok;
    case Obj::load_switch:
      if (!sized(1)) return NakCode::length_incorrect;
      if (!emop::decode_load_switch(p)) return NakCode::format_error;
      m.load_switch_ = p[0];
      return NakCode::ok;
    case Obj::time_switch_a:
    case Obj::time_switch_b: {
      if (!sized(80)) return NakCode::length_incorrect;
      auto& target = b.obj == Obj::time_switch_a ? m.time_switch_a_ : m.time_switch_b_;
      std::copy(p.begin(), p.end(), target.begin());
      return NakCode::ok;
    }
    case Obj::tariff_money: {
      if (!sized(4)) return NakCode::length_incorrect;
      t.*b.money = *emop::decode_money_u4le(p);
      return NakCode::ok;
    }
    case Obj::tariff_tou_flag:
      if (!sized(1)) return NakCode::length_incorrect;
      if (p[0] > 1) return NakCode::format_error;
      t.tou_flag = p[0];
      return NakCode::ok;
    case Obj::tariff_threshold_mask:
      if (!sized(1)) return NakCode::length_incorrect;
      t.threshold_mask = p[0];
      return NakCode::ok;
    case Obj::tariff_threshold_values:
      if (!sized(14)) return NakCode::length_incorrect;
      t.threshold_values = *emop::decode_threshold_values(p);
      return NakCode::ok;
    case Obj::activation_datetime:
      if (!sized(4)) return NakCode::length_incorrect;
      m.activation_ = emop::get_u32le(p, 0);
      m.armed_ = true;  // writing the activation time is what arms the future tariff
      return NakCode::ok;
    default:
      return NakCode::security_not_granted;
  }
}

NakCode MeterObjects::write_token(SimMeter& m, ByteView p) {
  if (p.size() != 20) return NakCode::length_incorrect;
  const std::string token(p.begin(), p.end());
  const std::optional<Money> credit = token_credit(token);
  if (!credit) return NakCode::format_error;
  if (m.tokens_.count(token)) return NakCode::security_not_granted;
  const Money after = m.balance_ + *credit;
  if (after.units() > std::numeric_limits<std::int32_t>::max()) return NakCode::format_error;
  m.balance_ = after;
  m.tokens_.insert(token);
  m.transaction_count_ = static_cast<std::uint16_t>(m.transaction_count_ + 1);
  m.last_transaction_ = {{}, std::max(m.meter_time(), emop_epoch + std::chrono::seconds{1}), *credit};
  m.add_event(event_type::token_accepted);
  return NakCode::ok;
}

}  // namespace flows::sim
