#include "emop/records.hpp"

#include <algorithm>
#include <limits>

namespace flows::emop {
namespace {

RecordError size_error(std::string_view what, std::size_t want, std::size_t got) {
  return {std::string(what) + ": expected " + std::to_string(want) + " bytes, got " + std::to_string(got)};
}

std::string trim_padding(ByteView b) {
  std::size_t n = b.size();
  while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == 0)) --n;
  return std::string(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------- clock
RecordResult<ClockRecord> decode_clock(ByteView b) {
  if (b.size() != 7) return unexpected(size_error("clock", 7, b.size()));
  date::year_month_day ymd{date::year{2000 + b[0]}, date::month{b[1]}, date::day{b[2]}};
  if (!ymd.ok() || b[3] > 23 || b[4] > 59 || b[5] > 59 || b[6] > 6)
    return unexpected(RecordError{"clock: not a valid date and time: " + to_hex(b)});
  return ClockRecord{MeterTime{date::local_days{ymd}} + std::chrono::hours{b[3]} + std::chrono::minutes{b[4]} +
                         std::chrono::seconds{b[5]},
                     b[6]};
}

ClockRecord clock_record_for(MeterTime t) {
  auto day = date::floor<date::days>(t);
  // date's weekday counts from Sunday = 0; the meter counts from Monday = 0.
  return {t, static_cast<std::uint8_t>((date::weekday{day}.c_encoding() + 6) % 7)};
}

Bytes encode_clock(const ClockRecord& c) {
  auto day = date::floor<date::days>(c.time);
  date::year_month_day ymd{day};
  date::hh_mm_ss hms{c.time - day};
  return {static_cast<std::uint8_t>(int(ymd.year()) - 2000), static_cast<std::uint8_t>(unsigned(ymd.month())),
          static_cast<std::uint8_t>(unsigned(ymd.day())),    static_cast<std::uint8_t>(hms.hours().count()),
          static_cast<std::uint8_t>(hms.minutes().count()),  static_cast<std::uint8_t>(hms.seconds().count()),
          c.weekday};
}

// ---------------------------------------------------------------- EMOP timestamps
RecordResult<MeterTime> decode_emop_timestamp(ByteView b) {
  if (b.size() != 4) return unexpected(size_error("timestamp", 4, b.size()));
  return from_emop_seconds(get_u32le(b, 0));
}

RecordResult<Bytes> encode_emop_timestamp(MeterTime t) {
  auto s = to_emop_seconds(t);
  if (!s) return unexpected(RecordError{"timestamp " + format_iso(t) + " is outside the EMOP range"});
  Bytes out;
  put_u32le(out, *s);
  return out;
}

// ---------------------------------------------------------------- ASCII
RecordResult<std::string> decode_ascii(ByteView b) {
  std::string s = trim_padding(b);
  if (!printable(s)) return unexpected(RecordError{"text is not printable ASCII: " + to_hex(b)});
  return s;
}

Bytes encode_ascii(std::string_view s, std::size_t width) {
  Bytes out(s.begin(), s.end());
  if (out.size() < width) out.resize(width, ' ');
  return out;
}

// ---------------------------------------------------------------- hardware
RecordResult<std::string> decode_hardware(ByteView b) {
  if (b.size() > 4) return unexpected(RecordError{"hardware: expected at most 4 bytes, got " + std::to_string(b.size())});
  return decode_ascii(b);
}

std::string hardware_registry(std::string_view raw) {
  if (raw == "6C" || raw == "6Cw") return "C1.w";
  if (raw == "6Bw") return "B1.w";
  if (raw == "3Aw") return "EMA1.w";
  return "SINGLE_PHASE_UNKNOWN";
}

std::string hardware_registry_three_phase(ThreePhaseConfig config) {
  return config == ThreePhaseConfig::ct_operated ? "P1.cx" : "P1.ax";
}

RecordResult<ThreePhaseConfig> decode_three_phase_config(ByteView b) {
  if (b.size() != 1) return unexpected(size_error("three-phase hardware configuration", 1, b.size()));
  if (b[0] > 1) return unexpected(RecordError{"three-phase hardware configuration: unknown value " + to_hex(b)});
  return b[0] == 1 ? ThreePhaseConfig::ct_operated : ThreePhaseConfig::whole_current;
}

Bytes encode_three_phase_config(ThreePhaseConfig c) {
  return {static_cast<std::uint8_t>(c == ThreePhaseConfig::ct_operated ? 1 : 0)};
}

// ---------------------------------------------------------------- firmware
RecordResult<std::string> decode_firmware(ByteView b) {
  if (b.size() == 2) return to_hex(b);
  if (b.size() != 4) return unexpected(RecordError{"firmware: expected 4 or 2 bytes, got " + std::to_string(b.size())});
  std::string s(b.begin(), b.end());
  if (!printable(s)) return unexpected(RecordError{"firmware is not ASCII: " + to_hex(b)});
  return s.substr(0, 1) + "_" + s.substr(1, 2) + "_" + s.substr(3, 1);
}

RecordResult<Bytes> encode_firmware(std::string_view shown) {
  if (shown.size() == 6 && shown[1] == '_' && shown[4] == '_') {
    std::string raw{shown[0], shown[2], shown[3], shown[5]};
    return Bytes(raw.begin(), raw.end());
  }
  if (shown.size() == 4)
    if (auto b = from_hex(shown)) return *b;
  return unexpected(RecordError{"firmware must look like 3_03_2 or 4 hex digits"});
}

// ---------------------------------------------------------------- signal, voltage, flag
RecordResult<Signal> decode_signal(ByteView b) {
  if (b.size() != 1) return unexpected(size_error("csq", 1, b.size()));
  return Signal{static_cast<std::uint8_t>(b[0] >> 5), static_cast<std::uint8_t>(b[0] & 0x1F)};
}

Bytes encode_signal(Signal s) { return {static_cast<std::uint8_t>((s.network_operator << 5) | (s.csq & 0x1F))}; }

std::string Voltage::to_string() const {
  return std::to_string(decivolts / 10) + "." + std::to_string(decivolts % 10);
}

RecordResult<Voltage> decode_voltage(ByteView b) {
  if (b.size() != 2) return unexpected(size_error("voltage", 2, b.size()));
  return Voltage{get_u16le(b, 0)};
}

Bytes encode_voltage(Voltage v) {
  Bytes out;
  put_u16le(out, v.decivolts);
  return out;
}

RecordResult<bool> decode_flag(ByteView b) {
  if (b.size() != 1) return unexpected(size_error("flag", 1, b.size()));
  if (b[0] > 1) return unexpected(RecordError{"flag: expected 00 or 01, got " + to_hex(b)});
  return b[0] == 1;
}

Bytes encode_flag(bool on) { return {static_cast<std::uint8_t>(on ? 1 : 0)}; }

// ---------------------------------------------------------------- money
RecordResult<Money> decode_money_u4le(ByteView b) {
  if (b.size() != 4) return unexpected(size_error("money", 4, b.size()));
  return Money::from_units(get_u32le(b, 0));
}

RecordResult<Money> decode_money_s4le(ByteView b) {
  if (b.size() != 4) return unexpected(size_error("money", 4, b.size()));
  return Money::from_units(get_s32le(b, 0));
}

RecordResult<Bytes> encode_money_u4le(Money m) {
  if (m.units() < 0 || m.units() > std::numeric_limits<std::uint32_t>::max())
    return unexpected(RecordError{"amount " + m.to_string() + " does not fit an unsigned meter value"});
  Bytes out;
  put_u32le(out, static_cast<std::uint32_t>(m.units()));
  return out;
}

RecordResult<Bytes> encode_money_s4le(Money m) {
  if (m.units() < std::numeric_limits<std::int32_t>::min() || m.units() > std::numeric_limits<std::int32_t>::max())
    return unexpected(RecordError{"amount " + m.to_string() + " does not fit a signed meter value"});
  Bytes out;
  put_u32le(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(m.units())));
  return out;
}

// ---------------------------------------------------------------- integers
RecordResult<std::uint8_t> decode_u8(ByteView b) {
  if (b.size() != 1) return unexpected(size_error("u8", 1, b.size()));
  return b[0];
}
RecordResult<std::uint16_t> decode_u16le(ByteView b) {
  if (b.size() != 2) return unexpected(size_error("u16le", 2, b.size()));
  return get_u16le(b, 0);
}
RecordResult<std::uint32_t> decode_u32le(ByteView b) {
  if (b.size() != 4) return unexpected(size_error("u32le", 4, b.size()));
  return get_u32le(b, 0);
}
RecordResult<std::int32_t> decode_s32le(ByteView b) {
  if (b.size() != 4) return unexpected(size_error("s32le", 4, b.size()));
  return get_s32le(b, 0);
}

// ---------------------------------------------------------------- thresholds
RecordResult<std::uint8_t> decode_threshold_mask(ByteView b) { return decode_u8(b); }

RecordResult<ThresholdValues> decode_threshold_values(ByteView b) {
  if (b.size() != 14) return unexpected(size_error("threshold values", 14, b.size()));
  ThresholdValues v{};
  for (std::size_t i = 0; i < 7; ++i) v[i] = get_u16le(b, 2 * i);
  return v;
}

Bytes encode_threshold_values(const ThresholdValues& v) {
  Bytes out;
  for (auto x : v) put_u16le(out, x);
  return out;
}

// ---------------------------------------------------------------- token
bool is_valid_token(std::string_view token) {
  if (token.size() != 20) return false;
  for (char c : token)
    if (c < '0' || c > '9') return false;
  return true;
}

RecordResult<std::string> decode_token(ByteView b) {
  std::string s(b.begin(), b.end());
  if (!is_valid_token(s)) return unexpected(RecordError{"token: expected 20 ASCII digits, got " + to_hex(b)});
  return s;
}

RecordResult<Bytes> encode_token(std::string_view token) {
  if (!is_valid_token(token)) return unexpected(RecordError{"a token is exactly 20 digits"});
  return Bytes(token.begin(), token.end());
}

// ---------------------------------------------------------------- transaction details
RecordResult<TransactionDetails> decode_transaction_details(ByteView b) {
  if (b.size() != 16) return unexpected(size_error("transaction details", 16, b.size()));
  TransactionDetails t;
  for (std::size_t i = 0; i < 8; ++i) t.undecoded[i] = b[i];
  t.payment_time = from_emop_seconds(get_u32le(b, 8));
  t.value = Money::from_units(get_s32le(b, 12));
  return t;
}

RecordResult<Bytes> encode_transaction_details(const TransactionDetails& t) {
  Bytes out(t.undecoded.begin(), t.undecoded.end());
  auto ts = encode_emop_timestamp(t.payment_time);
  if (!ts) return unexpected(ts.error());
  out.insert(out.end(), ts->begin(), ts->end());
  auto v = encode_money_s4le(t.value);
  if (!v) return unexpected(v.error());
  out.insert(out.end(), v->begin(), v->end());
  return out;
}

// ---------------------------------------------------------------- element registers
RecordResult<ElementRegisters> decode_element_registers(ByteView b) {
  if (b.size() != 16) return unexpected(size_error("element registers", 16, b.size()));
  return ElementRegisters{get_u32le(b, 0), get_u32le(b, 4), get_u32le(b, 8), get_u32le(b, 12)};
}

Bytes encode_element_registers(const ElementRegisters& r) {
  Bytes out;
  put_u32le(out, r.import_active_wh);
  put_u32le(out, r.export_active_wh);
  put_u32le(out, r.import_reactive_wh);
  put_u32le(out, r.export_reactive_wh);
  return out;
}

// ---------------------------------------------------------------- energy
EnergyUnit energy_unit(std::string_view hardware) { return hardware == "P1.cx" ? EnergyUnit::tenth_wh : EnergyUnit::wh; }

namespace {
// `value` units of 10^-decimals as exact text: (12345, 3) -> "12.345".
std::string fixed_point(std::int64_t value, int decimals) {
  const bool negative = value < 0;
  std::uint64_t v = negative ? std::uint64_t(-(value + 1)) + 1 : std::uint64_t(value);
  std::string digits = std::to_string(v);
  if (decimals > 0) {
    if (digits.size() <= std::size_t(decimals)) digits.insert(0, std::size_t(decimals) + 1 - digits.size(), '0');
    digits.insert(digits.size() - std::size_t(decimals), 1, '.');
  }
  return negative ? "-" + digits : digits;
}
}  // namespace

std::string format_wh(std::int64_t tenths, EnergyUnit u) {
  return u == EnergyUnit::wh ? fixed_point(floor_wh(tenths), 0) : fixed_point(tenths, 1);
}
std::string format_kwh(std::int64_t tenths, EnergyUnit u) {
  return u == EnergyUnit::wh ? fixed_point(floor_wh(tenths), 3) : fixed_point(tenths, 4);
}

// ---------------------------------------------------------------- settings
namespace {
template <std::size_t N>
RecordResult<std::string> decode_setting(ByteView b, const std::array<std::string_view, N>& names, std::string_view what) {
  if (b.size() != 1) return unexpected(size_error(what, 1, b.size()));
  if (b[0] >= N) return unexpected(RecordError{std::string(what) + ": unknown setting " + to_hex(b)});
  return std::string(names[b[0]]);
}
template <std::size_t N>
RecordResult<Bytes> encode_setting(std::string_view s, const std::array<std::string_view, N>& names, std::string_view what) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return Bytes{static_cast<std::uint8_t>(i)};
  std::string all;
  for (auto n : names) all += (all.empty() ? "" : ", ") + std::string(n);
  return unexpected(RecordError{"unknown " + std::string(what) + " setting '" + std::string(s) + "' (one of: " + all + ")"});
}
}  // namespace

MeterPhases meter_phases(std::string_view hardware) {
  if (hardware.empty()) return MeterPhases::unknown;
  return hardware == "P1.ax" || hardware == "P1.cx" ? MeterPhases::three : MeterPhases::single;
}

namespace {
// Wire values: the shared one first, then one per remaining name.
constexpr std::array<std::string_view, 5> backlight_wire{backlight_shared_name, "always_on_sp", "always_off_sp",
                                                          "30_seconds_turn_off_3p", "always_on_3p"};
}  // namespace

RecordResult<std::string> decode_backlight(ByteView b, MeterPhases phases) {
  auto name = decode_setting(b, backlight_wire, "backlight");
  if (!name || *name != backlight_shared_name) return name;
  if (phases == MeterPhases::single) return std::string("normal_sp");
  if (phases == MeterPhases::three) return std::string("always_off_3p");
  return name;
}
RecordResult<Bytes> encode_backlight(std::string_view s) {
  if (s == "normal_sp" || s == "always_off_3p" || s == backlight_shared_name) return Bytes{0};
  if (std::find(backlight_wire.begin(), backlight_wire.end(), s) != backlight_wire.end())
    return encode_setting(s, backlight_wire, "backlight");
  return encode_setting(s, backlight_settings, "backlight");  // the error, naming every setting
}
RecordResult<std::string> decode_load_switch(ByteView b) { return decode_setting(b, load_switch_settings, "load switch"); }
RecordResult<Bytes> encode_load_switch(std::string_view s) { return encode_setting(s, load_switch_settings, "load switch"); }

// ---------------------------------------------------------------- profile status
ProfileStatus ProfileStatus::decode(std::uint8_t b0, std::uint8_t b1) {
  return {(b0 & 0x01) != 0, (b1 & 0x80) != 0, (b1 & 0x40) != 0,
          (b1 & 0x20) != 0, (b1 & 0x10) != 0, (b1 & 0x08) != 0};
}

std::array<std::uint8_t, 2> ProfileStatus::encode() const {
  std::uint8_t b1 = static_cast<std::uint8_t>((valid ? 0x80 : 0) | (power_fail ? 0x40 : 0) |
                                              (minor_time_error ? 0x20 : 0) | (major_time_error ? 0x10 : 0) |
                                              (comms_error ? 0x08 : 0));
  return {static_cast<std::uint8_t>(reset ? 1 : 0), b1};
}

std::vector<std::string_view> ProfileStatus::names() const {
  std::vector<std::string_view> out;
  if (reset) out.push_back("reset");
  if (valid) out.push_back("valid");
  if (power_fail) out.push_back("power_fail");
  if (minor_time_error) out.push_back("minor_time_error");
  if (major_time_error) out.push_back("major_time_error");
  if (comms_error) out.push_back("comms_error");
  return out;
}

// ---------------------------------------------------------------- profile log 1
RecordResult<std::vector<ProfileLog1Record>> decode_profile_log_1(ByteView b) {
  if (b.size() != 80) return unexpected(size_error("profile log 1", 80, b.size()));
  std::vector<ProfileLog1Record> out;
  for (std::size_t at = 0; at + profile_log_1_record_size <= b.size(); at += profile_log_1_record_size) {
    std::uint32_t ts = get_u32le(b, at);
    if (ts == 0) continue;
    out.push_back({from_emop_seconds(ts), ProfileStatus::decode(b[at + 4], b[at + 5]), get_u32le(b, at + 6),
                   get_u32le(b, at + 10)});
  }
  return out;
}

RecordResult<Bytes> encode_profile_log_1(const std::vector<ProfileLog1Record>& records) {
  if (records.size() > 80 / profile_log_1_record_size)
    return unexpected(RecordError{"profile log 1: at most 5 records per block"});
  Bytes out;
  for (auto& r : records) {
    auto ts = encode_emop_timestamp(r.timestamp);
    if (!ts) return unexpected(ts.error());
    out.insert(out.end(), ts->begin(), ts->end());
    auto st = r.status.encode();
    out.insert(out.end(), st.begin(), st.end());
    put_u32le(out, r.import_a_wh);
    put_u32le(out, r.import_b_wh);
  }
  out.resize(80, 0);
  return out;
}

// ---------------------------------------------------------------- profile log 2
RecordResult<std::vector<ProfileLog2Record>> decode_profile_log_2(ByteView b, bool twin) {
  if (b.size() != 80) return unexpected(size_error("profile log 2", 80, b.size()));
  const std::size_t size = twin ? profile_log_2_twin_size : profile_log_2_single_size;
  std::vector<ProfileLog2Record> out;
  for (std::size_t at = 0; at + size <= b.size(); at += size) {
    std::uint32_t ts = get_u32le(b, at);
    if (ts == 0) continue;
    ProfileLog2Record r;
    r.timestamp = from_emop_seconds(ts);
    r.status = ProfileStatus::decode(b[at + 4], b[at + 5]);
    r.active_export_a_wh = get_u32le(b, at + 6);
    r.reactive_import_a = get_u32le(b, at + 10);
    r.reactive_export_a = get_u32le(b, at + 14);
    r.voltage_decivolts = get_u32le(b, at + 18);
    r.twin = twin;
    if (twin) {
      r.active_export_b_wh = get_u32le(b, at + 22);
      r.reactive_import_b = get_u32le(b, at + 26);
      r.reactive_export_b = get_u32le(b, at + 30);
    }
    out.push_back(r);
  }
  return out;
}

RecordResult<Bytes> encode_profile_log_2(const std::vector<ProfileLog2Record>& records, bool twin) {
  const std::size_t size = twin ? profile_log_2_twin_size : profile_log_2_single_size;
  if (records.size() > 80 / size)
    return unexpected(RecordError{"profile log 2: too many records for one block"});
  Bytes out;
  for (auto& r : records) {
    auto ts = encode_emop_timestamp(r.timestamp);
    if (!ts) return unexpected(ts.error());
    out.insert(out.end(), ts->begin(), ts->end());
    auto st = r.status.encode();
    out.insert(out.end(), st.begin(), st.end());
    put_u32le(out, r.active_export_a_wh);
    put_u32le(out, r.reactive_import_a);
    put_u32le(out, r.reactive_export_a);
    put_u32le(out, r.voltage_decivolts);
    if (twin) {
      put_u32le(out, r.active_export_b_wh);
      put_u32le(out, r.reactive_import_b);
      put_u32le(out, r.reactive_export_b);
    }
  }
  out.resize(80, 0);
  return out;
}

// ---------------------------------------------------------------- event log
RecordResult<std::vector<EventRecord>> decode_event_log(ByteView b) {
  if (b.size() % event_record_size != 0 || b.size() > event_record_size * events_per_block)
    return unexpected(RecordError{"event log: " + std::to_string(b.size()) + " bytes is not a whole number of 8-byte records (at most 10)"});
  std::vector<EventRecord> out;
  for (std::size_t at = 0; at < b.size(); at += event_record_size) {
    std::uint32_t ts = get_u32le(b, at);
    if (ts == 0) continue;
    out.push_back({from_emop_seconds(ts), get_u16le(b, at + 4), b[at + 6]});
  }
  return out;
}

RecordResult<Bytes> encode_event_log(const std::vector<EventRecord>& events) {
  if (events.size() > events_per_block) return unexpected(RecordError{"event log: at most 10 events per block"});
  Bytes out;
  for (auto& e : events) {
    auto ts = encode_emop_timestamp(e.timestamp);
    if (!ts) return unexpected(ts.error());
    out.insert(out.end(), ts->begin(), ts->end());
    put_u16le(out, e.event_type);
    out.push_back(e.event_set);
    out.push_back(0);
  }
  return out;
}

}  // namespace flows::emop
