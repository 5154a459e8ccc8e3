#include "emop/records.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace flows::emop;

namespace {
Bytes hex(const char* h) { return *from_hex(h); }
MeterTime t(const char* iso) { return *parse_iso(iso); }
}  // namespace

TEST_CASE("clock: the public example, weekday kept as read") {
  auto c = decode_clock(hex("17080615000100"));
  REQUIRE(c);
  CHECK(format_iso(c->time) == "2023-08-06T21:00:01");
  CHECK(c->weekday == 0);
  CHECK(to_hex(encode_clock(*c)) == "17080615000100");
  // A clock we write carries the true weekday (2024-01-01 was a Monday).
  CHECK(to_hex(encode_clock(clock_record_for(t("2024-01-01T00:00:00")))) == "18010100000000");
  CHECK(clock_record_for(t("2023-08-06T21:00:01")).weekday == 6);  // Sunday
  CHECK_FALSE(decode_clock(hex("17021e00000000")));  // 30 February
  CHECK_FALSE(decode_clock(hex("170806180000")));    // 6 bytes
  CHECK_FALSE(decode_clock(hex("17080618000000")));  // hour 24
}

TEST_CASE("EMOP timestamps") {
  CHECK(format_iso(*decode_emop_timestamp(hex("0085e201"))) == "2001-01-01T00:00:00");
  CHECK(to_hex(*encode_emop_timestamp(t("2001-01-01T00:00:00"))) == "0085e201");
  CHECK_FALSE(encode_emop_timestamp(t("1999-01-01T00:00:00")));
  CHECK_FALSE(decode_emop_timestamp(hex("0085e3")));
}

TEST_CASE("serial: ASCII, space padded") {
  CHECK(*decode_ascii(hex("454d4c32313337353830373631202020")) == "EML2137580761");
  CHECK(to_hex(encode_ascii("EML2137580761", 16)) == "454d4c32313337353830373631202020");
  CHECK(*decode_ascii(hex("41420000")) == "AB");
  CHECK_FALSE(decode_ascii(hex("41ff")));
}

TEST_CASE("hardware maps to the registry string") {
  CHECK(hardware_registry(*decode_hardware(hex("3643"))) == "C1.w");
  CHECK(hardware_registry(*decode_hardware(hex("36437700"))) == "C1.w");
  CHECK(hardware_registry(*decode_hardware(hex("36427720"))) == "B1.w");
  CHECK(hardware_registry(*decode_hardware(hex("33417700"))) == "EMA1.w");
  CHECK(hardware_registry(*decode_hardware(hex("39585800"))) == "SINGLE_PHASE_UNKNOWN");
  CHECK(decode_hardware(Bytes{})->empty());  // three phase answers nothing
  CHECK(hardware_registry_three_phase(*decode_three_phase_config(hex("00"))) == "P1.ax");
  CHECK(hardware_registry_three_phase(*decode_three_phase_config(hex("01"))) == "P1.cx");
  CHECK(*decode_three_phase_config(encode_three_phase_config(ThreePhaseConfig::ct_operated)) ==
        ThreePhaseConfig::ct_operated);
  CHECK_FALSE(decode_hardware(hex("3642772020")));
}

TEST_CASE("firmware: d_dd_d for single phase, hex for three phase") {
  CHECK(*decode_firmware(hex("33303332")) == "3_03_2");
  CHECK(*decode_firmware(hex("0a1b")) == "0a1b");
  CHECK(to_hex(*encode_firmware("3_03_2")) == "33303332");
  CHECK(to_hex(*encode_firmware("0a1b")) == "0a1b");
  CHECK_FALSE(decode_firmware(hex("333033")));
}

TEST_CASE("signal: low 5 bits are the CSQ") {
  CHECK(decode_signal(hex("30"))->csq == 16);
  CHECK(decode_signal(hex("4c"))->csq == 12);
  CHECK(decode_signal(hex("4c"))->network_operator == 2);
  CHECK(decode_signal(hex("29"))->csq == 9);
  CHECK(to_hex(encode_signal({2, 12})) == "4c");
}

TEST_CASE("voltage in 0.1 V") {
  CHECK(decode_voltage(hex("5209"))->to_string() == "238.6");
  CHECK(decode_voltage(hex("0000"))->to_string() == "0.0");
  CHECK(to_hex(encode_voltage({2386})) == "5209");
  CHECK_FALSE(decode_voltage(hex("52")));
}

TEST_CASE("flags") {
  CHECK(*decode_flag(hex("01")) == true);
  CHECK(*decode_flag(hex("00")) == false);
  CHECK_FALSE(decode_flag(hex("02")));
  CHECK(to_hex(encode_flag(true)) == "01");
}

TEST_CASE("money: u4le and s4le at £0.00001") {
  CHECK(decode_money_u4le(hex("d42a0100"))->to_string() == "0.76500");
  CHECK(to_hex(*encode_money_u4le(*Money::parse("0.0765"))) == "e21d0000");
  CHECK(decode_money_s4le(hex("80c60702"))->to_string() == "340.64000");
  auto debt = *Money::parse("-333.264");
  CHECK(decode_money_s4le(*encode_money_s4le(debt))->to_string() == "-333.26400");
  CHECK(to_hex(*encode_money_s4le(debt)) == "c07a03fe");
  CHECK_FALSE(encode_money_u4le(*Money::parse("-1")));
  CHECK_FALSE(encode_money_s4le(*Money::parse("30000")));  // over 2^31 units
  CHECK_FALSE(decode_money_s4le(hex("010203")));
}

TEST_CASE("threshold mask and values") {
  CHECK(*decode_threshold_mask(hex("81")) == 0x81);
  ThresholdValues v{1, 2, 3, 4, 5, 6, 0xFFFF};
  auto b = encode_threshold_values(v);
  CHECK(b.size() == 14);
  CHECK(*decode_threshold_values(b) == v);
  CHECK_FALSE(decode_threshold_values(hex("0000")));
}

TEST_CASE("token: exactly 20 digits") {
  CHECK(is_valid_token("12345678901234567890"));
  CHECK_FALSE(is_valid_token("1234567890123456789"));
  CHECK_FALSE(is_valid_token("123456789012345678901"));
  CHECK_FALSE(is_valid_token("1234567890123456789a"));
  CHECK(*decode_token(*encode_token("00000000000000000042")) == "00000000000000000042");
  CHECK_FALSE(encode_token("42"));
}

TEST_CASE("transaction count and details") {
  CHECK(*decode_u16le(hex("2a01")) == 298);
  TransactionDetails td{{1, 2, 3, 4, 5, 6, 7, 8}, t("2024-05-01T10:30:00"), *Money::parse("20")};
  auto b = encode_transaction_details(td);
  REQUIRE(b);
  CHECK(b->size() == 16);
  CHECK(*decode_transaction_details(*b) == td);
  CHECK(to_hex(ByteView(*b).subspan(12)) == "80841e00");  // 2,000,000 units
}

TEST_CASE("element registers (provisional): four u32le Wh") {
  ElementRegisters r{123456, 7, 8, 9};
  CHECK(*decode_element_registers(encode_element_registers(r)) == r);
  CHECK_FALSE(decode_element_registers(hex("00")));
}

TEST_CASE("backlight and load switch settings") {
  CHECK(*decode_backlight(*encode_backlight("always_on_sp")) == "always_on_sp");
  CHECK(*decode_load_switch(*encode_load_switch("never_button_required")) == "never_button_required");
  CHECK_FALSE(encode_backlight("disco"));
  CHECK_FALSE(decode_load_switch(hex("09")));
}

TEST_CASE("backlight: normal_sp and always_off_3p are one wire value, named by the meter's kind") {
  CHECK(*encode_backlight("normal_sp") == hex("00"));
  CHECK(*encode_backlight("always_off_3p") == hex("00"));
  CHECK(*encode_backlight("normal_sp_or_always_off_3p") == hex("00"));
  CHECK(*encode_backlight("always_on_sp") == hex("01"));
  CHECK(*encode_backlight("always_off_sp") == hex("02"));
  CHECK(*encode_backlight("30_seconds_turn_off_3p") == hex("03"));
  CHECK(*encode_backlight("always_on_3p") == hex("04"));
  CHECK(*decode_backlight(hex("00")) == "normal_sp_or_always_off_3p");
  CHECK(*decode_backlight(hex("00"), MeterPhases::single) == "normal_sp");
  CHECK(*decode_backlight(hex("00"), MeterPhases::three) == "always_off_3p");
  CHECK(*decode_backlight(hex("04"), MeterPhases::three) == "always_on_3p");
  CHECK(decode_backlight(hex("05")).error().message == "backlight: unknown setting 05");
  CHECK(meter_phases("P1.cx") == MeterPhases::three);
  CHECK(meter_phases("C1.w") == MeterPhases::single);
  CHECK(meter_phases("") == MeterPhases::unknown);
  const auto e = encode_backlight("disco").error().message;
  CHECK(e.find("always_off_3p") != std::string::npos);
}

TEST_CASE("energy units: P1.cx registers count 0.1 Wh, every other kind Wh") {
  CHECK(energy_unit("P1.cx") == EnergyUnit::tenth_wh);
  CHECK(energy_unit("P1.ax") == EnergyUnit::wh);
  CHECK(energy_unit("C1.w") == EnergyUnit::wh);
  CHECK(energy_unit("") == EnergyUnit::wh);
  // The meter: 614 725 on a CT meter is 61.4725 kWh, not 614 725 Wh.
  CHECK(to_tenth_wh(614725, EnergyUnit::tenth_wh) == 614725);
  CHECK(format_kwh(614725, EnergyUnit::tenth_wh) == "61.4725");
  CHECK(format_wh(614725, EnergyUnit::tenth_wh) == "61472.5");
  CHECK(floor_wh(614725) == 61472);
  CHECK(to_tenth_wh(614725, EnergyUnit::wh) == 6147250);
  CHECK(format_kwh(6147250, EnergyUnit::wh) == "614.725");
  CHECK(format_wh(6147250, EnergyUnit::wh) == "614725");
  CHECK(format_kwh(5, EnergyUnit::tenth_wh) == "0.0005");
  CHECK(format_wh(0, EnergyUnit::tenth_wh) == "0.0");
  CHECK(format_kwh(0, EnergyUnit::wh) == "0.000");
  CHECK(format_wh(-15, EnergyUnit::tenth_wh) == "-1.5");
  CHECK(floor_wh(-15) == -2);
  CHECK(floor_wh(-10) == -1);
}

TEST_CASE("profile status flags") {
  auto s = ProfileStatus::decode(0x01, 0x88);
  CHECK(s.reset);
  CHECK(s.valid);
  CHECK(s.comms_error);
  CHECK_FALSE(s.power_fail);
  CHECK(s.encode() == std::array<std::uint8_t, 2>{0x01, 0x88});
  auto all = ProfileStatus::decode(0x01, 0xF8);
  CHECK(all.names().size() == 6);
}

TEST_CASE("profile log 1: five 14-byte records in 80 bytes") {
  std::vector<ProfileLog1Record> rs;
  for (int i = 0; i < 5; ++i)
    rs.push_back({t("2024-03-31T00:00:00") + std::chrono::minutes(30 * i), ProfileStatus{false, true},
                  static_cast<std::uint32_t>(1000 + i * 250), static_cast<std::uint32_t>(50 + i)});
  auto b = encode_profile_log_1(rs);
  REQUIRE(b);
  CHECK(b->size() == 80);
  CHECK(*decode_profile_log_1(*b) == rs);
  rs.push_back(rs.back());
  CHECK_FALSE(encode_profile_log_1(rs));
  // Empty slots (zero timestamp) are skipped.
  CHECK(decode_profile_log_1(Bytes(80, 0))->empty());
}

TEST_CASE("profile log 2: 22-byte single and 34-byte twin records") {
  ProfileLog2Record r;
  r.timestamp = t("2024-10-27T01:30:00");
  r.status.valid = true;
  r.active_export_a_wh = 10;
  r.reactive_import_a = 11;
  r.reactive_export_a = 12;
  r.voltage_decivolts = 2401;
  std::vector<ProfileLog2Record> single{r, r, r};
  auto bs = encode_profile_log_2(single, false);
  REQUIRE(bs);
  CHECK(*decode_profile_log_2(*bs, false) == single);
  r.twin = true;
  r.active_export_b_wh = 20;
  r.reactive_import_b = 21;
  r.reactive_export_b = 22;
  std::vector<ProfileLog2Record> twin{r, r};
  auto bt = encode_profile_log_2(twin, true);
  REQUIRE(bt);
  CHECK(*decode_profile_log_2(*bt, true) == twin);
  CHECK_FALSE(encode_profile_log_2({r, r, r}, true));
}

TEST_CASE("event log (provisional): 8-byte records, ten per block") {
  std::vector<EventRecord> ev{{t("2024-01-02T03:04:05"), 33, 1}, {t("2024-01-02T03:05:00"), 34, 2}};
  auto b = encode_event_log(ev);
  REQUIRE(b);
  CHECK(b->size() == 16);
  CHECK(*decode_event_log(*b) == ev);
  CHECK_FALSE(decode_event_log(Bytes(7, 1)));
  CHECK_FALSE(encode_event_log(std::vector<EventRecord>(11, ev[0])));
}
