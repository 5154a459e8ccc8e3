#pragma once
// Typed records: the values inside payloads, decoded from and encoded to bytes.
// Every decoder checks the size it is given and returns a RecordError rather
// than reading past the end.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "emop/bytes.hpp"

namespace flows::emop {

struct RecordError {
  std::string message;
};
template <class T>
using RecordResult = Result<T, RecordError>;

// --- clock: year-2000, month, day, hour, minute, second, weekday (0 = Monday).
// Meters do not always keep the weekday consistent with the date (the public
// example has 0 for a Sunday), so it is carried as read, not derived.
struct ClockRecord {
  MeterTime time{};
  std::uint8_t weekday = 0;
  bool operator==(const ClockRecord&) const = default;
};
ClockRecord clock_record_for(MeterTime t);  // weekday computed from the date
RecordResult<ClockRecord> decode_clock(ByteView b);
Bytes encode_clock(const ClockRecord& c);

// --- EMOP timestamps (u32le seconds since 2000-01-01 on the meter's clock)
RecordResult<MeterTime> decode_emop_timestamp(ByteView b);
RecordResult<Bytes> encode_emop_timestamp(MeterTime t);

// --- ASCII text (serials), space/NUL padded
RecordResult<std::string> decode_ascii(ByteView b);
Bytes encode_ascii(std::string_view s, std::size_t width);  // pads with spaces

// --- hardware: 4 ASCII bytes; the registry string the Flows database stores
RecordResult<std::string> decode_hardware(ByteView b);  // raw, trimmed ("6Bw"; "" = three phase)
enum class ThreePhaseConfig { whole_current, ct_operated };
std::string hardware_registry(std::string_view raw);                         // single phase mapping
std::string hardware_registry_three_phase(ThreePhaseConfig config);          // P1.ax / P1.cx
RecordResult<ThreePhaseConfig> decode_three_phase_config(ByteView b);        // provisional: 0 ax, 1 cx
Bytes encode_three_phase_config(ThreePhaseConfig c);

// --- energy registers. CT-operated three-phase meters (P1.cx) count their
// energy registers (totals and profile logs) in 0.1 Wh; every other kind in Wh.
// The field tool divides by 10 000 on P1.cx and by 1 000 elsewhere to show kWh.
enum class EnergyUnit { wh, tenth_wh };
EnergyUnit energy_unit(std::string_view hardware_registry);  // P1.cx -> tenth_wh
// A raw register count in tenths of a Wh, exactly.
constexpr std::int64_t to_tenth_wh(std::int64_t raw, EnergyUnit u) { return u == EnergyUnit::wh ? raw * 10 : raw; }
// Whole Wh, rounded down (the shadow and register columns hold whole Wh).
constexpr std::int64_t floor_wh(std::int64_t tenths) { return tenths >= 0 ? tenths / 10 : -((-tenths + 9) / 10); }
// Exact text: Wh ("61472" on a Wh meter, "61472.5" on a 0.1 Wh meter) and kWh
// ("61.472" / "61.4725", the field tool's scaling).
std::string format_wh(std::int64_t tenths, EnergyUnit u);
std::string format_kwh(std::int64_t tenths, EnergyUnit u);

// --- firmware: "3032" -> "3_03_2" (single phase); 2 bytes -> hex (three phase)
RecordResult<std::string> decode_firmware(ByteView b);
RecordResult<Bytes> encode_firmware(std::string_view shown);  // inverse of decode

// --- signal
struct Signal {
  std::uint8_t network_operator = 0;  // high 3 bits
  std::uint8_t csq = 0;               // low 5 bits, 0-31
  bool operator==(const Signal&) const = default;
};
RecordResult<Signal> decode_signal(ByteView b);
Bytes encode_signal(Signal s);

// --- voltage: u16le in 0.1 V
struct Voltage {
  std::uint16_t decivolts = 0;
  std::string to_string() const;  // "238.6"
  bool operator==(const Voltage&) const = default;
};
RecordResult<Voltage> decode_voltage(ByteView b);
Bytes encode_voltage(Voltage v);

// --- flags: one byte, 1 = on, 0 = off
RecordResult<bool> decode_flag(ByteView b);
Bytes encode_flag(bool on);

// --- money at £0.00001: u4le (rates, charges) and s4le (balance)
RecordResult<Money> decode_money_u4le(ByteView b);
RecordResult<Money> decode_money_s4le(ByteView b);
RecordResult<Bytes> encode_money_u4le(Money m);  // error when negative or too large
RecordResult<Bytes> encode_money_s4le(Money m);  // error when out of 32-bit range

// --- small integers
RecordResult<std::uint8_t> decode_u8(ByteView b);
RecordResult<std::uint16_t> decode_u16le(ByteView b);
RecordResult<std::uint32_t> decode_u32le(ByteView b);
RecordResult<std::int32_t> decode_s32le(ByteView b);

// --- threshold mask (bit 0 = rate 1 … bit 7 = rate 8) and seven u16le values
RecordResult<std::uint8_t> decode_threshold_mask(ByteView b);
using ThresholdValues = std::array<std::uint16_t, 7>;
RecordResult<ThresholdValues> decode_threshold_values(ByteView b);
Bytes encode_threshold_values(const ThresholdValues& v);

// --- prepay token: exactly 20 ASCII digits
bool is_valid_token(std::string_view token);
RecordResult<std::string> decode_token(ByteView b);
RecordResult<Bytes> encode_token(std::string_view token);

// --- transaction details: 8 undecoded bytes, u4le payment time, s4le value
struct TransactionDetails {
  std::array<std::uint8_t, 8> undecoded{};
  MeterTime payment_time{};
  Money value;
  bool operator==(const TransactionDetails&) const = default;
};
RecordResult<TransactionDetails> decode_transaction_details(ByteView b);
RecordResult<Bytes> encode_transaction_details(const TransactionDetails& t);

// --- element registers (provisional layout): four u32le Wh
struct ElementRegisters {
  std::uint32_t import_active_wh = 0;
  std::uint32_t export_active_wh = 0;
  std::uint32_t import_reactive_wh = 0;
  std::uint32_t export_reactive_wh = 0;
  bool operator==(const ElementRegisters&) const = default;
};
RecordResult<ElementRegisters> decode_element_registers(ByteView b);
Bytes encode_element_registers(const ElementRegisters& r);

// --- backlight and load switch settings (provisional byte values). On the wire
// single phase `normal_sp` and three phase `always_off_3p` are one value (0), as the
// field tool has it (`normal_sp_or_always_off_3p`): which one a meter means depends
// on its kind, so decoding takes the kind when it is known.
inline constexpr std::array<std::string_view, 6> backlight_settings{
    "normal_sp", "always_on_sp", "always_off_sp", "30_seconds_turn_off_3p", "always_on_3p", "always_off_3p"};
inline constexpr std::string_view backlight_shared_name = "normal_sp_or_always_off_3p";
enum class MeterPhases { unknown, single, three };
MeterPhases meter_phases(std::string_view hardware_registry);  // "" -> unknown
inline constexpr std::array<std::string_view, 4> load_switch_settings{
    "normal_button_always", "no_button_prepay_mode", "no_button_credit_mode", "never_button_required"};
RecordResult<std::string> decode_backlight(ByteView b, MeterPhases phases = MeterPhases::unknown);
RecordResult<Bytes> encode_backlight(std::string_view setting);  // also takes backlight_shared_name
RecordResult<std::string> decode_load_switch(ByteView b);
RecordResult<Bytes> encode_load_switch(std::string_view setting);

// --- profile log status: byte 0 bit 0 reset; byte 1 bits 7..3 valid, power fail,
// minor time error, major time error, comms error.
struct ProfileStatus {
  bool reset = false;
  bool valid = false;
  bool power_fail = false;
  bool minor_time_error = false;
  bool major_time_error = false;
  bool comms_error = false;
  static ProfileStatus decode(std::uint8_t b0, std::uint8_t b1);
  std::array<std::uint8_t, 2> encode() const;
  std::vector<std::string_view> names() const;  // set flags, for display
  bool operator==(const ProfileStatus&) const = default;
};

// --- profile log 1: 14-byte records (5 per 80-byte block)
struct ProfileLog1Record {
  MeterTime timestamp{};  // start of the half hour
  ProfileStatus status;
  std::uint32_t import_a_wh = 0;
  std::uint32_t import_b_wh = 0;
  bool operator==(const ProfileLog1Record&) const = default;
};
inline constexpr std::size_t profile_log_1_record_size = 14;
// Records with a zero timestamp are empty slots and are skipped.
RecordResult<std::vector<ProfileLog1Record>> decode_profile_log_1(ByteView block80);
RecordResult<Bytes> encode_profile_log_1(const std::vector<ProfileLog1Record>& records);  // ≤ 5 records

// --- profile log 2: 22-byte (single element) or 34-byte (twin element) records.
// Voltage is a u32le in 0.1 V (provisional: the spec gives the record size only).
struct ProfileLog2Record {
  MeterTime timestamp{};
  ProfileStatus status;
  std::uint32_t active_export_a_wh = 0;
  std::uint32_t reactive_import_a = 0;
  std::uint32_t reactive_export_a = 0;
  std::uint32_t voltage_decivolts = 0;
  bool twin = false;
  std::uint32_t active_export_b_wh = 0;
  std::uint32_t reactive_import_b = 0;
  std::uint32_t reactive_export_b = 0;
  bool operator==(const ProfileLog2Record&) const = default;
};
inline constexpr std::size_t profile_log_2_single_size = 22;
inline constexpr std::size_t profile_log_2_twin_size = 34;
RecordResult<std::vector<ProfileLog2Record>> decode_profile_log_2(ByteView block80, bool twin);
RecordResult<Bytes> encode_profile_log_2(const std::vector<ProfileLog2Record>& records, bool twin);

// --- event log (provisional): 8-byte records, u32le timestamp, u16le event type,
// u8 event set, u8 reserved; ten per block; a zero timestamp is an empty slot.
struct EventRecord {
  MeterTime timestamp{};
  std::uint16_t event_type = 0;
  std::uint8_t event_set = 0;
  bool operator==(const EventRecord&) const = default;
};
inline constexpr std::size_t event_record_size = 8;
inline constexpr std::size_t events_per_block = 10;
RecordResult<std::vector<EventRecord>> decode_event_log(ByteView block);
RecordResult<Bytes> encode_event_log(const std::vector<EventRecord>& events);  // ≤ 10

}  // namespace flows::emop
