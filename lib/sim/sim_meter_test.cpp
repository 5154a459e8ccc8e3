#include "sim/sim_meter.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "emop/data_field.hpp"
#include "sim/token.hpp"

using namespace flows;
using namespace flows::sim;
using emop::NakCode;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const emop::ObjectTable& table() { return emop::ObjectTable::builtin(); }
emop::ObjectId id(const char* name) { return table().at(name).id; }
UtcTime utc(const char* iso) { return *parse_utc(iso); }
MeterTime local(const char* iso) { return *parse_iso(iso); }
std::uint32_t emop_seconds(const char* iso) { return *to_emop_seconds(local(iso)); }
Money pounds(const char* text) { return *Money::parse(text); }

MeterSpec flat_spec() {
  MeterSpec s;
  s.serial = "EML2137580761";
  s.profile = LoadShape::flat;
  s.mean_power_w = 437;
  s.unit_rate = pounds("0.24567");
  s.standing_charge = pounds("0.61234");
  s.initial_balance = pounds("20");
  s.installed_at = utc("2024-03-01T00:00:00Z");
  return s;
}

Reply read(SimMeter& m, const char* name, UtcTime now) { return m.handle(emop::encode_read(id(name)), now); }
Reply write(SimMeter& m, const char* name, emop::ByteView value, UtcTime now) {
  return m.handle(emop::encode_write(id(name), value), now);
}
// The value of a default-format reply (after format, id and rw flag).
emop::ByteView value(const Reply& r) { return emop::ByteView(r.data).subspan(5); }
emop::Bytes money_u4(const char* text) { return *emop::encode_money_u4le(pounds(text)); }
emop::Bytes u32(std::uint32_t v) {
  emop::Bytes b;
  emop::put_u32le(b, v);
  return b;
}
emop::Bytes text(std::string_view s) { return emop::Bytes(s.begin(), s.end()); }

}  // namespace

TEST_CASE("sim meter: identity of each kind") {
  MeterSpec s = flat_spec();
  SimMeter single(s, table());
  const UtcTime t = s.installed_at;
  CHECK(*emop::decode_ascii(value(read(single, "serial", t))) == "EML2137580761");
  CHECK(value(read(single, "serial", t)).size() == 16);
  CHECK(*emop::decode_hardware(value(read(single, "hardware_version", t))) == "6Bw");
  CHECK(*emop::decode_firmware(value(read(single, "firmware_version", t))) == "3_03_2");
  CHECK(read(single, "three_phase_serial", t).nak == NakCode::unknown_object);
  CHECK(read(single, "three_phase_hardware_configuration", t).nak == NakCode::unknown_object);

  s.kind = MeterKind::twin_c1w;
  SimMeter twin(s, table());
  CHECK(emop::hardware_registry(*emop::decode_hardware(value(read(twin, "hardware_version", t)))) == "C1.w");

  s.kind = MeterKind::three_phase_cx;
  SimMeter three(s, table());
  CHECK(value(read(three, "hardware_version", t)).empty());
  CHECK(*emop::decode_firmware(value(read(three, "firmware_version", t))) == "0a1b");
  CHECK(*emop::decode_three_phase_config(value(read(three, "three_phase_hardware_configuration", t))) ==
        emop::ThreePhaseConfig::ct_operated);
  CHECK(*emop::decode_ascii(value(read(three, "three_phase_serial", t))) == "EML2137580761");
  CHECK(read(three, "serial", t).nak == NakCode::unknown_object);
  CHECK(emop::decode_voltage(value(read(three, "three_phase_instantaneous_voltage_l3", t))));
}

TEST_CASE("sim meter: a read echoes the object id with rw 0 and carries the value") {
  SimMeter m(flat_spec(), table());
  const Reply r = read(m, "prepay_balance", m.now());
  CHECK(r.nak == NakCode::ok);
  CHECK(emop::to_hex(r.data) == "01ffc80200" "80841e00");  // 2 000 000 units = £20.00
  CHECK(*emop::decode_signal(value(read(m, "csq_net_op", m.now()))) == emop::Signal{1, 16});
  CHECK(*emop::decode_s32le(value(read(m, "instantaneous_active_power", m.now()))) == 437);
  const auto v = emop::decode_voltage(value(read(m, "instantaneous_voltage", m.now())));
  CHECK(v->decivolts > 2300);
  CHECK(v->decivolts < 2500);
}

TEST_CASE("sim meter: balance after exactly 24 h of a flat 437 W load") {
  // 437 W × 24 h = 10 488 Wh; × £0.24567/kWh = £2.57658696 → £2.57658 charged
  // (the 0.696 of a unit carries); standing charge £0.61234. 20 - 2.57658 - 0.61234.
  const MeterSpec s = flat_spec();
  SimMeter once(s, table());
  once.advance(s.installed_at + hours{24});
  CHECK(once.balance() == pounds("16.81108"));
  CHECK(once.registers().import_a_wh == 10488);
  CHECK(once.registers().export_a_wh == 0);

  SimMeter chunked(s, table());
  for (UtcTime t = s.installed_at; t < s.installed_at + hours{24}; t += seconds{997}) chunked.advance(t);
  chunked.advance(s.installed_at + hours{24});
  CHECK(chunked.balance() == once.balance());
  CHECK(chunked.energy() == once.energy());

  const Reply r = read(once, "total_active_import_energy", once.now());
  CHECK(emop::get_u32le(value(r), 0) == 10488);
  const auto regs = emop::decode_element_registers(value(read(once, "element_a", once.now())));
  CHECK(regs->import_active_wh == 10488);
}

TEST_CASE("sim meter: nothing is charged while prepay is disabled") {
  MeterSpec s = flat_spec();
  s.prepay_enabled = false;
  SimMeter m(s, table());
  m.advance(s.installed_at + hours{48});
  CHECK(m.balance() == pounds("20"));
  CHECK(m.registers().import_a_wh == 437 * 48);
  // The meter itself lets prepay be enabled with a low balance (the client refuses it).
  s.initial_balance = pounds("3");
  SimMeter poor(s, table());
  CHECK(write(poor, "prepay_enabled_flag", emop::encode_flag(true), s.installed_at).nak == NakCode::ok);
  CHECK(poor.prepay_enabled());
}

TEST_CASE("sim meter: a token credits exactly its amount once") {
  MeterSpec s = flat_spec();
  SimMeter m(s, table());
  const UtcTime t = s.installed_at + hours{5};
  m.advance(t);
  const Money before = m.balance();
  const std::string token = make_token(pounds("12.34"), 4711);

  CHECK(write(m, "prepay_token_send", text(token), t).nak == NakCode::ok);
  CHECK(m.balance() == before + pounds("12.34"));
  CHECK(m.tokens_accepted() == 1);
  CHECK(*emop::decode_u16le(value(read(m, "monetary_info_transaction_count", t))) == 1);
  const auto details = emop::decode_transaction_details(value(read(m, "monetary_info_transaction_details", t)));
  CHECK(details->value == pounds("12.34"));
  CHECK(format_iso(details->payment_time) == "2024-03-01T05:00:00");

  const Reply again = write(m, "prepay_token_send", text(token), t);
  CHECK(again.nak == NakCode::security_not_granted);
  CHECK(m.balance() == before + pounds("12.34"));
  CHECK(m.transaction_count() == 1);

  std::string forged = make_token(pounds("12.34"), 4712);
  forged[19] = '9';
  CHECK(write(m, "prepay_token_send", text(forged), t).nak == NakCode::format_error);
  CHECK(write(m, "prepay_token_send", text("1234"), t).nak == NakCode::length_incorrect);
  CHECK(read(m, "prepay_token_send", t).nak == NakCode::security_not_granted);
  CHECK(m.balance() == before + pounds("12.34"));

  const auto newest = m.event_block(0);
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].event_type == event_type::power_up);
  CHECK(newest[1].event_type == event_type::token_accepted);
}

TEST_CASE("sim meter: a future tariff on a DST meter activates at its local time across BST") {
  MeterSpec s = flat_spec();
  s.dst = true;
  s.mean_power_w = 1000;  // 1 kWh an hour: whole units, no carries
  s.unit_rate = pounds("0.20");
  s.standing_charge = pounds("0.24");
  s.installed_at = utc("2024-03-30T00:00:00Z");
  SimMeter m(s, table());
  const UtcTime t0 = s.installed_at + hours{1};
  CHECK(write(m, "tariff_future_block_8_rate_1", money_u4("0.30"), t0).nak == NakCode::ok);
  CHECK(write(m, "tariff_future_element_b_tou_rate_1", money_u4("0.30"), t0).nak == NakCode::ok);
  CHECK(write(m, "tariff_future_standing_charge", money_u4("0.24"), t0).nak == NakCode::ok);
  CHECK_FALSE(m.armed_activation());
  // 2024-04-01T00:00:00 on a BST clock is 2024-03-31T23:00:00Z.
  const std::uint32_t at = emop_seconds("2024-04-01T00:00:00");
  CHECK(write(m, "tariff_future_activation_datetime", u32(at), t0).nak == NakCode::ok);
  CHECK(m.armed_activation() == at);
  CHECK(emop::get_u32le(value(read(m, "tariff_future_activation_datetime", t0)), 0) == at);

  m.advance(utc("2024-03-31T22:00:00Z"));
  const Money at_22 = m.balance();
  const Reply before = read(m, "tariff_active_price", utc("2024-03-31T22:59:59Z"));
  CHECK(*emop::decode_money_u4le(value(before)) == pounds("0.20"));
  CHECK(m.armed_activation());
  const Reply after = read(m, "tariff_active_price", utc("2024-03-31T23:00:00Z"));
  CHECK(*emop::decode_money_u4le(value(after)) == pounds("0.30"));
  CHECK(*emop::decode_money_u4le(value(read(m, "tariff_active_element_b_price", m.now()))) == pounds("0.30"));
  CHECK_FALSE(m.armed_activation());
  CHECK(m.events().back().event_type == event_type::tariff_activated);
  CHECK(format_iso(m.events().back().timestamp) == "2024-04-01T00:00:00");
  // 22:00-23:00Z at £0.20, 23:00-00:00Z at £0.30, two hours of standing charge at £0.01.
  m.advance(utc("2024-04-01T00:00:00Z"));
  CHECK(m.balance() == at_22 - pounds("0.52"));
}

TEST_CASE("sim meter: a future tariff whose activation time was never written never activates") {
  MeterSpec s = flat_spec();
  SimMeter m(s, table());
  CHECK(write(m, "tariff_future_block_8_rate_1", money_u4("0.99"), s.installed_at).nak == NakCode::ok);
  m.advance(s.installed_at + date::days{400});
  CHECK(m.active_tariff().unit_rate_a == pounds("0.24567"));
  CHECK(m.future_tariff().unit_rate_a == pounds("0.99"));
  // An activation time already passed applies at once.
  CHECK(write(m, "tariff_future_activation_datetime", u32(emop_seconds("2024-01-01T00:00:00")), m.now()).nak ==
        NakCode::ok);
  CHECK(m.active_tariff().unit_rate_a == pounds("0.99"));
}

TEST_CASE("sim meter: profile log 1 holds consecutive half hours of the cumulative registers") {
  MeterSpec s = flat_spec();
  s.kind = MeterKind::twin_c1w;
  s.profile = LoadShape::daily;
  s.seed = 77;
  s.installed_at = utc("2024-01-01T00:00:00Z");
  SimMeter m(s, table());
  const UtcTime now = utc("2024-02-10T12:34:56Z");
  const Reply r = m.handle(emop::encode_profile_request(emop::RecordFormat::profile_log_1,
                                                        emop_seconds("2024-02-09T10:10:00")), now);
  REQUIRE(r.nak == NakCode::ok);
  REQUIRE(r.data.size() == 85);
  auto f = emop::decode_data_field(r.data);
  REQUIRE(f);
  CHECK(*f->timestamp == emop_seconds("2024-02-09T10:10:00"));
  const auto records = *emop::decode_profile_log_1(f->payload);
  REQUIRE(records.size() == 5);
  CHECK(format_iso(records[0].timestamp) == "2024-02-09T10:30:00");  // first at or after 10:10
  for (std::size_t i = 1; i < records.size(); ++i) {
    CHECK(records[i].timestamp - records[i - 1].timestamp == minutes{30});
    CHECK(records[i].import_a_wh > records[i - 1].import_a_wh);
    CHECK(records[i].import_b_wh > records[i - 1].import_b_wh);
    CHECK(records[i].status.valid);
  }
  // The records are what the registers read at those instants: the half-hourly
  // differences add up to the register growth from 10:30 to 12:30.
  SimMeter at_first(s, table()), at_last(s, table());
  at_first.advance(utc("2024-02-09T10:30:00Z"));
  at_last.advance(utc("2024-02-09T12:30:00Z"));
  CHECK(records.front().import_a_wh == at_first.registers().import_a_wh);
  CHECK(records.back().import_a_wh == at_last.registers().import_a_wh);
  CHECK(records.back().import_b_wh == at_last.registers().import_b_wh);
  std::uint32_t sum = 0;
  for (std::size_t i = 1; i < records.size(); ++i) sum += records[i].import_a_wh - records[i - 1].import_a_wh;
  CHECK(sum == at_last.registers().import_a_wh - at_first.registers().import_a_wh);

  // Twin meters answer two 34-byte records in profile log 2.
  const Reply r2 = m.handle(emop::encode_profile_request(emop::RecordFormat::profile_log_2,
                                                         emop_seconds("2024-02-09T10:30:00")), now);
  const auto log2 = *emop::decode_profile_log_2(emop::decode_data_field(r2.data)->payload, true);
  REQUIRE(log2.size() == 2);
  CHECK(log2[0].timestamp == records[0].timestamp);
  CHECK(log2[0].voltage_decivolts > 2300);

  // Nothing is recorded past the meter's present, or kept past the retention.
  const auto future = m.profile_log_1(emop_seconds("2024-02-10T12:30:01"));
  CHECK(future.empty());
  const auto latest = m.profile_log_1(emop_seconds("2024-02-10T11:45:00"));
  REQUIRE(latest.size() == 2);  // 12:00 and 12:30
  CHECK(m.profile_log_1(emop_seconds("2023-12-01T00:00:00")).front().timestamp == local("2024-01-01T00:00:00"));
  m.advance(utc("2024-06-01T00:00:00Z"));
  CHECK(m.profile_log_1(emop_seconds("2024-01-01T00:00:00")).front().timestamp ==
        local("2024-06-01T00:00:00") - date::days{profile_retention_days});
}

TEST_CASE("sim meter: DST meters stamp profile records in UK local time") {
  MeterSpec s = flat_spec();
  s.dst = true;
  s.installed_at = utc("2024-03-01T00:00:00Z");
  SimMeter m(s, table());
  m.advance(utc("2024-04-01T00:00:00Z"));
  auto stamps = [&](const char* from) {
    std::vector<std::string> out;
    for (const auto& r : m.profile_log_1(emop_seconds(from))) out.push_back(format_iso(r.timestamp).substr(11, 5));
    return out;
  };
  // Spring: 01:00 and 01:30 never happen on the clock.
  CHECK(stamps("2024-03-31T00:00:00") == std::vector<std::string>{"00:00", "00:30", "02:00", "02:30", "03:00"});
  CHECK(stamps("2024-03-31T01:15:00") == std::vector<std::string>{"02:00", "02:30", "03:00", "03:30", "04:00"});
  // Autumn: 01:00 and 01:30 happen twice, BST then GMT, and cumulative import keeps rising.
  m.advance(utc("2024-11-01T00:00:00Z"));
  CHECK(stamps("2024-10-27T00:30:00") == std::vector<std::string>{"00:30", "01:00", "01:30", "01:00", "01:30"});
  const auto autumn = m.profile_log_1(emop_seconds("2024-10-27T00:30:00"));
  for (std::size_t i = 1; i < autumn.size(); ++i)
    CHECK(autumn[i].import_a_wh - autumn[i - 1].import_a_wh >= 218);  // 218.5 Wh a half hour
  CHECK(autumn.back().import_a_wh - autumn.front().import_a_wh == 874);   // 4 × 218.5
}

TEST_CASE("sim meter: NAKs") {
  SimMeter m(flat_spec(), table());
  const UtcTime t = m.now();
  const Reply unknown = m.handle(emop::encode_read(0x123456), t);
  CHECK(unknown.nak == NakCode::unknown_object);
  CHECK(emop::to_hex(unknown.data) == "0112345600");
  CHECK(read(m, "instantaneous_frequency", t).nak == NakCode::unknown_object);  // not modelled
  CHECK(write(m, "serial", text("EML0000000001   "), t).nak == NakCode::security_not_granted);
  CHECK(*emop::decode_ascii(value(read(m, "serial", t))) == "EML2137580761");
  CHECK(write(m, "prepay_balance", u32(100000000), t).nak == NakCode::security_not_granted);
  CHECK(write(m, "tariff_active_standing_charge", money_u4("1"), t).nak == NakCode::security_not_granted);
  CHECK(write(m, "time", emop::Bytes{0x18, 0x01}, t).nak == NakCode::length_incorrect);
  CHECK(write(m, "time", *emop::from_hex("18021e00000000"), t).nak == NakCode::format_error);  // 30 February
  CHECK(write(m, "prepay_enabled_flag", emop::Bytes{2}, t).nak == NakCode::format_error);
  CHECK(write(m, "tariff_future_threshold_values", emop::Bytes(13, 0), t).nak == NakCode::length_incorrect);
  CHECK(m.handle(*emop::from_hex("01ffc80200" "00"), t).nak == NakCode::length_incorrect);  // read with a payload
  CHECK(m.handle(emop::Bytes{}, t).nak == NakCode::format_error);
  CHECK(m.handle(*emop::from_hex("01ffc8"), t).nak == NakCode::length_incorrect);
  CHECK(m.handle(*emop::from_hex("09ffc80200"), t).nak == NakCode::format_error);
  CHECK(m.handle(*emop::from_hex("01ffc80207"), t).nak == NakCode::format_error);  // rw flag 7
  CHECK(m.handle(emop::encode_event_log_request(0x123456, 0), t).nak == NakCode::unknown_object);
  CHECK(read(m, "event_log", t).nak == NakCode::format_error);  // the event log has its own record format
}

TEST_CASE("sim meter: writable settings read back") {
  SimMeter m(flat_spec(), table());
  const UtcTime t = m.now();
  CHECK(write(m, "backlight", *emop::encode_backlight("always_on_sp"), t).nak == NakCode::ok);
  CHECK(*emop::decode_backlight(value(read(m, "backlight", t))) == "always_on_sp");
  CHECK(write(m, "load_switch", emop::Bytes{9}, t).nak == NakCode::format_error);
  emop::Bytes ts(80, 0x5a);
  CHECK(write(m, "tariff_time_switch_element_b", ts, t).nak == NakCode::ok);
  const Reply back = read(m, "tariff_time_switch_element_b", t);
  CHECK(emop::Bytes(value(back).begin(), value(back).end()) == ts);
  CHECK(write(m, "prepay_no_standing_charge_when_power_fail_flag", emop::encode_flag(true), t).nak == NakCode::ok);
  CHECK(*emop::decode_flag(value(read(m, "prepay_no_standing_charge_when_power_fail_flag", t))));
  CHECK(write(m, "tariff_future_threshold_mask", emop::Bytes{0x81}, t).nak == NakCode::ok);
  CHECK(*emop::decode_u8(value(read(m, "tariff_future_threshold_mask", t))) == 0x81);
  CHECK(*emop::decode_u8(value(read(m, "tariff_active_threshold_mask", t))) == 0);
}

TEST_CASE("sim meter: clock write, read, drift and DST correction") {
  MeterSpec s = flat_spec();
  s.clock_offset_seconds = 5;
  s.clock_drift_seconds_per_day = 10;
  SimMeter m(s, table());
  CHECK(format_iso(m.meter_time(s.installed_at + date::days{1})) == "2024-03-02T00:00:15");

  const UtcTime t = utc("2024-05-05T09:00:00Z");
  const auto clock = emop::clock_record_for(local("2024-05-05T12:00:00"));
  CHECK(write(m, "time", emop::encode_clock(clock), t).nak == NakCode::ok);
  CHECK(*emop::decode_clock(value(read(m, "time", t))) == clock);
  CHECK(format_iso(emop::decode_clock(value(read(m, "time", t + seconds{100})))->time) == "2024-05-05T12:01:40");
  CHECK(m.events().back().event_type == event_type::clock_set);
  // Drift starts again from the write: 10 s a day.
  CHECK(format_iso(m.meter_time(t + date::days{2})) == "2024-05-07T12:00:20");

  // Turning DST correction on moves a summer reading an hour forward.
  SimMeter n(flat_spec(), table());
  const UtcTime summer = utc("2024-06-01T12:00:00Z");
  CHECK(format_iso(emop::decode_clock(value(read(n, "time", summer)))->time) == "2024-06-01T12:00:00");
  CHECK(write(n, "daylight_savings_correction_flag", emop::encode_flag(true), summer).nak == NakCode::ok);
  CHECK(format_iso(emop::decode_clock(value(read(n, "time", summer)))->time) == "2024-06-01T13:00:00");
}

TEST_CASE("sim meter: time never goes backwards") {
  SimMeter m(flat_spec(), table());
  const UtcTime later = utc("2024-03-02T00:00:00Z");
  m.advance(later);
  const auto regs = m.registers();
  (void)read(m, "prepay_balance", utc("2024-03-01T12:00:00Z"));
  CHECK(m.now() == later);
  CHECK(m.registers() == regs);
  m.advance(utc("2020-01-01T00:00:00Z"));
  CHECK(m.now() == later);
}

TEST_CASE("sim meter: event log blocks, newest first") {
  SimMeter m(flat_spec(), table());
  UtcTime t = m.now();
  for (int i = 0; i < 14; ++i) {
    t += hours{1};
    REQUIRE(write(m, "prepay_token_send", text(make_token(Money::from_pounds(1), static_cast<std::uint64_t>(i))), t).nak ==
            NakCode::ok);
  }
  const Reply b0 = m.handle(emop::encode_event_log_request(id("event_log"), 0), t);
  REQUIRE(b0.nak == NakCode::ok);
  auto f = emop::decode_data_field(b0.data);
  CHECK(f->block == 0);
  CHECK(f->payload.size() == 80);
  const auto newest = *emop::decode_event_log(f->payload);
  REQUIRE(newest.size() == 10);
  CHECK(format_iso(newest.back().timestamp) == "2024-03-01T14:00:00");
  CHECK(format_iso(newest.front().timestamp) == "2024-03-01T05:00:00");
  const auto older = *emop::decode_event_log(emop::decode_data_field(
      m.handle(emop::encode_event_log_request(id("event_log"), 1), t).data)->payload);
  REQUIRE(older.size() == 5);  // power up and the first four tokens
  CHECK(older.front().event_type == event_type::power_up);
  CHECK(m.event_block(2).empty());
}

TEST_CASE("sim meter: object ids come from the table in use") {
  emop::ObjectTable custom = table();
  custom.apply_overrides("objects:\n  backlight: { id: \"ffe0aa\" }\n", "override.yaml");
  SimMeter m(flat_spec(), custom);
  CHECK(m.handle(emop::encode_read(0xFFE0AA), m.now()).nak == NakCode::ok);
  CHECK(m.handle(emop::encode_read(0xFFE001), m.now()).nak == NakCode::unknown_object);
}

TEST_CASE("sim meter: save and load give identical answers") {
  MeterSpec s = flat_spec();
  s.kind = MeterKind::twin_c1w;
  s.profile = LoadShape::daily;
  s.solar = true;
  s.dst = true;
  s.seed = 2024;
  s.clock_drift_seconds_per_day = 3;
  s.installed_at = utc("2024-01-10T08:15:00Z");
  SimMeter a(s, table());
  UtcTime t = utc("2024-03-20T10:11:12Z");
  CHECK(write(a, "prepay_token_send", text(make_token(pounds("25"), 1)), t).nak == NakCode::ok);
  CHECK(write(a, "tariff_future_block_8_rate_1", money_u4("0.31"), t).nak == NakCode::ok);
  CHECK(write(a, "tariff_future_activation_datetime", u32(emop_seconds("2024-04-02T00:00:00")), t).nak == NakCode::ok);
  CHECK(write(a, "time", emop::encode_clock(emop::clock_record_for(local("2024-03-20T10:12:00"))), t).nak == NakCode::ok);
  t += seconds{4321};
  a.advance(t);

  YAML::Emitter out;
  out << a.save();
  SimMeter b = SimMeter::load(YAML::Load(out.c_str()), table());
  CHECK(b.balance() == a.balance());
  CHECK(b.energy() == a.energy());
  CHECK(b.events() == a.events());

  const std::vector<emop::Bytes> requests = {
      emop::encode_read(id("prepay_balance")),
      emop::encode_read(id("time")),
      emop::encode_read(id("element_a")),
      emop::encode_read(id("element_b")),
      emop::encode_read(id("instantaneous_active_power")),
      emop::encode_read(id("instantaneous_voltage")),
      emop::encode_read(id("tariff_active_price")),
      emop::encode_read(id("monetary_info_transaction_details")),
      emop::encode_profile_request(emop::RecordFormat::profile_log_1, emop_seconds("2024-03-19T00:00:00")),
      emop::encode_profile_request(emop::RecordFormat::profile_log_2, emop_seconds("2024-01-10T00:00:00")),
      emop::encode_event_log_request(id("event_log"), 0),
      emop::encode_write(id("prepay_token_send"), text(make_token(pounds("25"), 1))),  // refused on both
  };
  for (const UtcTime when : {t, t + hours{1}, utc("2024-04-01T22:59:59Z"), utc("2024-04-01T23:00:00Z"),
                             utc("2024-05-01T00:00:00Z")}) {
    for (const auto& req : requests) {
      const Reply ra = a.handle(req, when), rb = b.handle(req, when);
      CHECK(ra.nak == rb.nak);
      CHECK(emop::to_hex(ra.data) == emop::to_hex(rb.data));
    }
  }
  CHECK(a.active_tariff().unit_rate_a == pounds("0.31"));
  CHECK(b.balance() == a.balance());

  YAML::Node broken = a.save();
  broken["energy_ws"]["import_a"] = 1;
  CHECK_THROWS_AS(SimMeter::load(broken, table()), Error);
}
