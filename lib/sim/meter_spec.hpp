#pragma once
// What a simulated meter is: identity, address, clock, load and prepay settings.
// One spec per meter; a fleet file is a list of them (see fleet.hpp), and a saved
// meter state carries its spec so the meter can be rebuilt exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/emop_time.hpp"
#include "core/money.hpp"

namespace flows::sim {

enum class MeterKind {
  single_b1w,      // hardware "6Bw" -> B1.w
  single_ema1w,    // hardware "3Aw" -> EMA1.w
  twin_c1w,        // hardware "6Cw" -> C1.w, elements A and B
  three_phase_ax,  // empty hardware, configuration 0 -> P1.ax (whole current)
  three_phase_cx,  // empty hardware, configuration 1 -> P1.cx (CT operated)
};
std::string_view kind_name(MeterKind k);                       // "single_b1w", …
std::optional<MeterKind> kind_from_name(std::string_view name);
std::string_view kind_hardware_raw(MeterKind k);               // "6Bw", "3Aw", "6Cw", "" (three phase)
std::string kind_registry(MeterKind k);                        // "B1.w", "EMA1.w", "C1.w", "P1.ax", "P1.cx"
std::optional<MeterKind> kind_from_registry(std::string_view registry);
inline bool is_three_phase(MeterKind k) { return k == MeterKind::three_phase_ax || k == MeterKind::three_phase_cx; }
inline bool is_twin(MeterKind k) { return k == MeterKind::twin_c1w; }
std::string_view default_firmware(MeterKind k);                // "3_03_2" single phase, "0a1b" three phase

enum class LoadShape {
  daily,  // morning and evening peaks, seasonal and day-to-day variation, solar if flagged
  flat,   // exactly mean_power_w on element A at every second (tests); no solar, no element B
};
std::string_view shape_name(LoadShape s);
std::optional<LoadShape> shape_from_name(std::string_view name);

struct MeterSpec {
  std::string serial;                   // "EML2137580761"; at most 16 printable characters
  MeterKind kind = MeterKind::single_b1w;
  std::string host = "127.0.1.1";
  std::uint16_t port = 8080;
  std::string firmware;                 // shown form; empty = default_firmware(kind)
  bool dst = false;                     // daylight-savings correction: clock keeps UK local time
  bool prepay_enabled = true;
  Money initial_balance = Money::from_pounds(20);  // at installed_at
  std::uint8_t csq = 16;                // 0-31
  std::uint8_t network_operator = 1;    // 0-7 (high 3 bits of csq_net_op)
  std::int32_t clock_drift_seconds_per_day = 0;  // + runs fast
  std::int64_t clock_offset_seconds = 0;         // clock error at installed_at
  bool solar = false;
  std::uint64_t seed = 0;
  UtcTime installed_at = UtcTime{date::sys_days{date::year{2024} / 1 / 1}};
  std::int64_t mean_power_w = 400;      // element A over a year, before solar (B draws half)
  LoadShape profile = LoadShape::daily;
  // Tariff in force at installation (element B gets the same unit rate).
  Money unit_rate = Money::from_units(25000);        // £0.25 per kWh
  Money standing_charge = Money::from_units(50000);  // £0.50 per day
  Money emergency_credit = Money::from_pounds(15);
  Money ecredit_availability = Money::from_pounds(10);
  Money debt_recovery_rate = Money::from_units(30000);

  bool operator==(const MeterSpec&) const = default;
};

std::string firmware_of(const MeterSpec& s);  // firmware, or the kind's default

// Full mapping of every field (money as exact decimal strings, installed_at as
// "YYYY-MM-DDTHH:MM:SSZ"), plus `hardware` (registry string) for inventory readers.
YAML::Node spec_to_yaml(const MeterSpec& s);
// Missing keys take the defaults above (serial is required); `kind` may be given
// as `hardware` (registry string) instead, and when both are present they must
// agree. Unknown keys and bad values throw flows::Error(config) naming source:line.
MeterSpec spec_from_yaml(const YAML::Node& node, std::string_view source);

// "2024-01-01T00:00:00Z" <-> instant (the Z is optional when parsing).
std::string format_utc(UtcTime t);
std::optional<UtcTime> parse_utc(std::string_view text);

}  // namespace flows::sim
