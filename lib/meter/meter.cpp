#include "meter/meter.hpp"

#include "emop/data_field.hpp"

namespace flows::meter {
using transport::FailureKind;
using transport::MeterError;
namespace {

MeterError bad_value(const std::string& what, const emop::RecordError& e) {
  return MeterError(FailureKind::protocol, what + ": " + e.message);
}

template <class T>
T must(emop::RecordResult<T> r, const std::string& what) {
  if (!r) throw bad_value(what, r.error());
  return std::move(r).value();
}

}  // namespace

Task<emop::Bytes> Meter::read(const emop::ObjectInfo& object) {
  auto response = co_await t_.exchange(emop::encode_read(object.id));
  auto field = emop::decode_data_field(response);
  if (!field) throw MeterError(FailureKind::protocol, std::string(emop::describe(field.error())));
  co_return emop::Bytes(field->payload.begin(), field->payload.end());
}

Task<emop::Bytes> Meter::read(std::string_view name) { co_return co_await read(objects_.at(name)); }

Task<void> Meter::write(const emop::ObjectInfo& object, emop::ByteView payload) {
  co_await t_.exchange(emop::encode_write(object.id, payload));
}

Task<void> Meter::write(std::string_view name, emop::ByteView payload) { co_await write(objects_.at(name), payload); }

template <class T>
Task<T> Meter::read_as(std::string_view name, emop::RecordResult<T> (*decode)(emop::ByteView)) {
  auto payload = co_await read(name);
  co_return must(decode(payload), std::string(name));
}

Task<Money> Meter::money(std::string_view name) { co_return co_await read_as<Money>(name, emop::decode_money_u4le); }

Task<std::string> Meter::serial() { co_return co_await read_as<std::string>("serial", emop::decode_ascii); }
Task<std::string> Meter::three_phase_serial() {
  co_return co_await read_as<std::string>("three_phase_serial", emop::decode_ascii);
}
Task<std::string> Meter::hardware_raw() {
  co_return co_await read_as<std::string>("hardware_version", emop::decode_hardware);
}

Task<emop::ThreePhaseConfig> Meter::three_phase_hardware_configuration() {
  co_return co_await read_as<emop::ThreePhaseConfig>("three_phase_hardware_configuration",
                                                     emop::decode_three_phase_config);
}

Task<std::string> Meter::hardware() {
  auto raw = co_await hardware_raw();
  if (!raw.empty()) co_return emop::hardware_registry(raw);
  co_return emop::hardware_registry_three_phase(co_await three_phase_hardware_configuration());
}

Task<std::string> Meter::firmware_version() {
  co_return co_await read_as<std::string>("firmware_version", emop::decode_firmware);
}
Task<emop::Signal> Meter::csq() { co_return co_await read_as<emop::Signal>("csq_net_op", emop::decode_signal); }
Task<emop::Voltage> Meter::instantaneous_voltage() {
  co_return co_await read_as<emop::Voltage>("instantaneous_voltage", emop::decode_voltage);
}

Task<std::array<emop::Voltage, 3>> Meter::three_phase_instantaneous_voltage() {
  std::array<emop::Voltage, 3> v{};
  v[0] = co_await read_as<emop::Voltage>("three_phase_instantaneous_voltage_l1", emop::decode_voltage);
  v[1] = co_await read_as<emop::Voltage>("three_phase_instantaneous_voltage_l2", emop::decode_voltage);
  v[2] = co_await read_as<emop::Voltage>("three_phase_instantaneous_voltage_l3", emop::decode_voltage);
  co_return v;
}

Task<std::int32_t> Meter::instantaneous_active_power() {
  co_return co_await read_as<std::int32_t>("instantaneous_active_power", emop::decode_s32le);
}
Task<std::int32_t> Meter::instantaneous_active_power(Element e) {
  co_return co_await read_as<std::int32_t>(
      e == Element::a ? "instantaneous_active_power_element_a" : "instantaneous_active_power_element_b",
      emop::decode_s32le);
}

Task<Money> Meter::prepay_balance() { co_return co_await read_as<Money>("prepay_balance", emop::decode_money_s4le); }
Task<std::uint16_t> Meter::prepay_transaction_count() {
  co_return co_await read_as<std::uint16_t>("monetary_info_transaction_count", emop::decode_u16le);
}
Task<emop::TransactionDetails> Meter::prepay_transaction_details() {
  co_return co_await read_as<emop::TransactionDetails>("monetary_info_transaction_details",
                                                       emop::decode_transaction_details);
}

Task<bool> Meter::flag(std::string_view name) { co_return co_await read_as<bool>(name, emop::decode_flag); }
Task<void> Meter::set_flag(std::string_view name, bool on) { co_await write(name, emop::encode_flag(on)); }

Task<std::string> Meter::backlight(emop::MeterPhases phases) {
  const auto b = co_await read("backlight");
  auto name = must(emop::decode_backlight(b, phases), "backlight");
  if (name != emop::backlight_shared_name) co_return name;
  // The shared value means normal_sp or always_off_3p by the meter's kind.
  const auto hw = co_await hardware();
  co_return must(emop::decode_backlight(b, emop::meter_phases(hw)), "backlight");
}
Task<void> Meter::set_backlight(std::string_view setting) {
  auto b = emop::encode_backlight(setting);
  if (!b) throw usage_error(b.error().message);
  co_await write("backlight", *b);
}
Task<std::string> Meter::load_switch() {
  co_return co_await read_as<std::string>("load_switch", emop::decode_load_switch);
}
Task<void> Meter::set_load_switch(std::string_view setting) {
  auto b = emop::encode_load_switch(setting);
  if (!b) throw usage_error(b.error().message);
  co_await write("load_switch", *b);
}

Task<emop::ClockRecord> Meter::clock() { co_return co_await read_as<emop::ClockRecord>("time", emop::decode_clock); }
Task<void> Meter::set_clock(MeterTime t) { co_await write("time", emop::encode_clock(emop::clock_record_for(t))); }

Task<void> Meter::send_token(std::string_view token) {
  auto b = emop::encode_token(token);
  if (!b) throw usage_error("token: " + b.error().message);
  co_await write("prepay_token_send", *b);
}

Task<emop::ElementRegisters> Meter::read_element(Element e) {
  co_return co_await read_as<emop::ElementRegisters>(e == Element::a ? "element_a" : "element_b",
                                                     emop::decode_element_registers);
}

Task<ThreePhaseTotals> Meter::three_phase_read() {
  const auto config = co_await three_phase_hardware_configuration();
  co_return co_await three_phase_read(emop::energy_unit(emop::hardware_registry_three_phase(config)));
}

Task<ThreePhaseTotals> Meter::three_phase_read(emop::EnergyUnit unit) {
  ThreePhaseTotals t;
  t.unit = unit;
  t.active_import = co_await read_as<std::uint32_t>("three_phase_total_active_import", emop::decode_u32le);
  t.active_export = co_await read_as<std::uint32_t>("three_phase_total_active_export", emop::decode_u32le);
  t.reactive_import = co_await read_as<std::uint32_t>("three_phase_total_reactive_import", emop::decode_u32le);
  t.reactive_export = co_await read_as<std::uint32_t>("three_phase_total_reactive_export", emop::decode_u32le);
  t.apparent_import = co_await read_as<std::uint32_t>("three_phase_total_apparent_import", emop::decode_u32le);
  t.apparent_export = co_await read_as<std::uint32_t>("three_phase_total_apparent_export", emop::decode_u32le);
  co_return t;
}

Task<Reads> Meter::read_all() {
  Reads r;
  r.hardware = co_await hardware();
  if (r.hardware == "P1.ax" || r.hardware == "P1.cx") {
    r.three_phase = co_await three_phase_read(emop::energy_unit(r.hardware));
  } else {
    r.a = co_await read_element(Element::a);
    if (r.hardware == "C1.w") r.b = co_await read_element(Element::b);
  }
  co_return r;
}

Task<emop::Bytes> Meter::time_switches(Element e) {
  auto b = co_await read(e == Element::a ? "tariff_time_switch_element_a_or_single" : "tariff_time_switch_element_b");
  if (b.size() != 80)
    throw MeterError(FailureKind::protocol, "time switch block: expected 80 bytes, got " + std::to_string(b.size()));
  co_return b;
}

Task<void> Meter::set_time_switches(Element e, emop::ByteView block80) {
  if (block80.size() != 80) throw usage_error("a time switch block is exactly 80 bytes");
  co_await write(e == Element::a ? "tariff_time_switch_element_a_or_single" : "tariff_time_switch_element_b", block80);
}

Task<Tariff> Meter::tariffs_active() {
  Tariff t;
  t.standing_charge = co_await money("tariff_active_standing_charge");
  t.unit_rate_a = co_await money("tariff_active_block_8_rate_1");
  t.unit_rate_b = co_await money("tariff_active_element_b_tou_rate_1");
  t.emergency_credit = co_await money("tariff_active_prepayment_emergency_credit");
  t.ecredit_availability = co_await money("tariff_active_prepayment_ecredit_availability");
  t.debt_recovery_rate = co_await money("tariff_active_prepayment_debt_recovery_rate");
  TariffState s;
  s.threshold_mask = co_await read_as<std::uint8_t>("tariff_active_threshold_mask", emop::decode_threshold_mask);
  s.threshold_values = co_await read_as<emop::ThresholdValues>("tariff_active_threshold_values", emop::decode_threshold_values);
  s.block_rate = co_await read_as<std::uint8_t>("tariff_active_block_rate", emop::decode_u8);
  s.element_b_tou_rate = co_await read_as<std::uint8_t>("tariff_active_element_b_tou_rate", emop::decode_u8);
  t.state = s;
  co_return t;
}

Task<Tariff> Meter::tariffs_future() {
  Tariff t;
  t.standing_charge = co_await money("tariff_future_standing_charge");
  t.unit_rate_a = co_await money("tariff_future_block_8_rate_1");
  t.unit_rate_b = co_await money("tariff_future_element_b_tou_rate_1");
  t.emergency_credit = co_await money("tariff_future_prepayment_emergency_credit");
  t.ecredit_availability = co_await money("tariff_future_prepayment_ecredit_availability");
  t.debt_recovery_rate = co_await money("tariff_future_prepayment_debt_recovery_rate");
  t.activation = co_await read_as<MeterTime>("tariff_future_activation_datetime", emop::decode_emop_timestamp);
  co_return t;
}

std::string partial_tariff_write(std::size_t done, std::size_t of, std::optional<MeterTime> armed) {
  const std::string s = "future tariff partly written (" + std::to_string(done) + " of " + std::to_string(of) +
                        " writes; the one cut off may or may not have reached the meter) and its new activation time not set";
  if (!armed) return s + ", so it will not activate: run tariffs_future_write again";
  return s + ": the tariff armed for " + format_iso(*armed) +
         " may now hold a mix of its old and the new values, and would activate so: run tariffs_future_write again before then";
}

// A write whose answer was lost may have landed: the meter's future tariff, read
// back, says what it holds. All of it the new tariff: done. Otherwise (or when it
// cannot be read) the failure, saying what the meter holds or may hold.
Task<TariffWriteResult> Meter::after_cut_write(const Tariff& t, const MeterError& cut, std::size_t done, std::size_t of,
                                               std::optional<MeterTime> armed) {
  const std::string why = std::string(cut.what()) + " — ";
  std::optional<Tariff> now;
  if (cut.delivered() && cut.kind() != FailureKind::nak) {
    try {
      now = co_await tariffs_future();
    } catch (const MeterError&) {
      // cannot tell: say what it may hold
    }
  }
  if (now && differences(t, *now).empty()) co_return TariffWriteResult{*now, {}};  // only the answer was lost
  if (!now) throw MeterError(cut.kind(), why + partial_tariff_write(done, of, armed), cut.nak());
  throw MeterError(cut.kind(), why + "future tariff partly written; the meter's future tariff now reads " + describe(*now) +
                                   (now->activation == t.activation ? ": the new activation over other values"
                                    : armed                        ? ": the tariff armed for " + format_iso(*armed) +
                                                                         " may hold a mix of its old and the new values"
                                                                   : ": its new activation time is not set, so it will not activate") +
                                   ": run tariffs_future_write again",
                   cut.nak());
}

Task<TariffWriteResult> Meter::write_future_tariff(const Tariff& t) {
  // Everything is checked and encoded before the first write.
  if (auto problems = validate(t); !problems.empty()) throw usage_error(problems.front());
  if (!t.activation) throw usage_error("a future tariff needs an activation time");
  auto activation = emop::encode_emop_timestamp(*t.activation);
  if (!activation) throw usage_error(activation.error().message);
  auto money_bytes = [](Money m) {
    auto b = emop::encode_money_u4le(m);
    if (!b) throw usage_error(b.error().message);
    return std::move(b).value();
  };
  // The public tool's order; the activation time goes last, so a half-written
  // future tariff never has a valid activation.
  const std::vector<std::pair<std::string_view, emop::Bytes>> writes = {
      {"tariff_future_threshold_mask", emop::Bytes{0}},
      {"tariff_future_threshold_values", emop::Bytes(14, 0)},
      {"tariff_future_tou_flag", emop::Bytes{0}},
      {"tariff_future_block_8_rate_1", money_bytes(t.unit_rate_a)},
      {"tariff_future_element_b_tou_rate_1", money_bytes(t.unit_rate_b)},
      {"tariff_future_prepayment_emergency_credit", money_bytes(t.emergency_credit)},
      {"tariff_future_prepayment_ecredit_availability", money_bytes(t.ecredit_availability)},
      {"tariff_future_prepayment_debt_recovery_rate", money_bytes(t.debt_recovery_rate)},
      {"tariff_future_gas", money_bytes(Money{})},
      {"tariff_future_standing_charge", money_bytes(t.standing_charge)},
      {"tariff_future_activation_datetime", *activation},
  };
  // The field tool's eleven writes and nothing more: no value is known to disarm
  // a pending future tariff safely on a real meter (see PROVISIONAL PROTOCOL
  // CHOICES), so safety comes from the order. Which tariff a cut-off write leaves
  // armed is read first, to say so exactly.
  const auto current = co_await read_as<MeterTime>("tariff_future_activation_datetime", emop::decode_emop_timestamp);
  const auto clock = co_await this->clock();
  const std::optional<MeterTime> armed = current > clock.time ? std::optional(current) : std::nullopt;
  std::size_t done = 0;
  std::optional<MeterError> cut;
  try {
    for (const auto& [name, bytes] : writes) {
      co_await write(objects_.at(name), bytes);
      ++done;
    }
  } catch (const MeterError& e) {
    cut = e;
  }
  if (cut) co_return co_await after_cut_write(t, *cut, done, writes.size(), armed);

  TariffWriteResult r;
  try {
    r.read_back = co_await tariffs_future();
  } catch (const MeterError& e) {
    throw MeterError(e.kind(), std::string(e.what()) + " — every write of the future tariff was acknowledged; reading it "
                     "back failed: check it with tariffs_future_read", e.nak());
  }
  r.mismatches = differences(t, r.read_back);
  co_return r;
}

Task<std::vector<emop::ProfileLog1Record>> Meter::profile_log_1(MeterTime from) {
  auto ts = flows::to_emop_seconds(from);
  if (!ts) throw usage_error("timestamp " + format_iso(from) + " is outside the meter clock's range, 2000-01-01T00:00:00 to 2136-02-07T06:28:15");
  auto response = co_await t_.exchange(emop::encode_profile_request(emop::RecordFormat::profile_log_1, *ts));
  auto field = emop::decode_data_field(response);
  if (!field) throw MeterError(FailureKind::protocol, std::string(emop::describe(field.error())));
  co_return must(emop::decode_profile_log_1(field->payload), "profile log 1");
}

Task<std::vector<emop::ProfileLog2Record>> Meter::profile_log_2(MeterTime from, bool twin) {
  auto ts = flows::to_emop_seconds(from);
  if (!ts) throw usage_error("timestamp " + format_iso(from) + " is outside the meter clock's range, 2000-01-01T00:00:00 to 2136-02-07T06:28:15");
  auto response = co_await t_.exchange(emop::encode_profile_request(emop::RecordFormat::profile_log_2, *ts));
  auto field = emop::decode_data_field(response);
  if (!field) throw MeterError(FailureKind::protocol, std::string(emop::describe(field.error())));
  co_return must(emop::decode_profile_log_2(field->payload, twin), "profile log 2");
}

Task<std::vector<emop::EventRecord>> Meter::event_log(std::uint8_t block) {
  if (block > emop::event_log_max_block) throw usage_error("event log block is 0-9");
  auto response = co_await t_.exchange(emop::encode_event_log_request(objects_.at("event_log").id, block));
  auto field = emop::decode_data_field(response);
  if (!field) throw MeterError(FailureKind::protocol, std::string(emop::describe(field.error())));
  co_return must(emop::decode_event_log(field->payload), "event log");
}

}  // namespace flows::meter
