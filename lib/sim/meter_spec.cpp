#include "sim/meter_spec.hpp"

#include <array>
#include <charconv>
#include <limits>

#include "core/error.hpp"
#include "core/yaml_values.hpp"
#include "emop/records.hpp"

namespace flows::sim {
namespace {

struct KindInfo {
  MeterKind kind;
  std::string_view name;
  std::string_view hardware;
  std::string_view registry;
};
constexpr std::array<KindInfo, 5> kinds{{
    {MeterKind::single_b1w, "single_b1w", "6Bw", "B1.w"},
    {MeterKind::single_ema1w, "single_ema1w", "3Aw", "EMA1.w"},
    {MeterKind::twin_c1w, "twin_c1w", "6Cw", "C1.w"},
    {MeterKind::three_phase_ax, "three_phase_ax", "", "P1.ax"},
    {MeterKind::three_phase_cx, "three_phase_cx", "", "P1.cx"},
}};

const KindInfo& info(MeterKind k) {
  for (auto& i : kinds)
    if (i.kind == k) return i;
  return kinds[0];
}

[[noreturn]] void fail(std::string_view source, const YAML::Node& n, const std::string& msg) {
  std::string where(source);
  if (n.Mark().line >= 0) where += ":" + std::to_string(n.Mark().line + 1);
  throw config_error(where + ": " + msg);
}

std::string scalar(std::string_view source, const YAML::Node& n, std::string_view key) {
  if (!n.IsScalar()) fail(source, n, "'" + std::string(key) + "' must be a scalar");
  return n.Scalar();
}

template <class Int>
Int integer(std::string_view source, const YAML::Node& n, std::string_view key, Int lo, Int hi) {
  const std::string s = scalar(source, n, key);
  long long v = 0;
  unsigned long long uv = 0;
  bool ok = false;
  if constexpr (std::is_same_v<Int, std::uint64_t>) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), uv);
    ok = ec == std::errc{} && p == s.data() + s.size() && uv >= lo && uv <= hi;
    if (ok) return static_cast<Int>(uv);
  } else {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    ok = ec == std::errc{} && p == s.data() + s.size() && v >= static_cast<long long>(lo) &&
         v <= static_cast<long long>(hi);
    if (ok) return static_cast<Int>(v);
  }
  fail(source, n, "'" + std::string(key) + "' must be an integer from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + ", got '" + s + "'");
}

bool boolean(std::string_view source, const YAML::Node& n, std::string_view key) {
  const std::string s = scalar(source, n, key);
  if (s == "true" || s == "on" || s == "yes") return true;
  if (s == "false" || s == "off" || s == "no") return false;
  fail(source, n, "'" + std::string(key) + "' must be true or false, got '" + s + "'");
}

Money money(std::string_view source, const YAML::Node& n, std::string_view key, bool allow_negative) {
  const std::string s = scalar(source, n, key);
  auto m = Money::parse(s);
  if (!m) fail(source, n, "'" + std::string(key) + "' must be an amount in pounds with at most 5 decimals, got '" + s + "'");
  if (!allow_negative && *m < Money{}) fail(source, n, "'" + std::string(key) + "' must not be negative");
  if (m->units() > std::numeric_limits<std::int32_t>::max() || m->units() < std::numeric_limits<std::int32_t>::min())
    fail(source, n, "'" + std::string(key) + "' does not fit a meter register (at most 21474.83647)");
  return *m;
}

bool printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

std::string_view kind_name(MeterKind k) { return info(k).name; }
std::string_view kind_hardware_raw(MeterKind k) { return info(k).hardware; }
std::string kind_registry(MeterKind k) { return std::string(info(k).registry); }

std::optional<MeterKind> kind_from_name(std::string_view name) {
  for (auto& i : kinds)
    if (i.name == name) return i.kind;
  return std::nullopt;
}

std::optional<MeterKind> kind_from_registry(std::string_view registry) {
  for (auto& i : kinds)
    if (i.registry == registry) return i.kind;
  return std::nullopt;
}

std::string_view default_firmware(MeterKind k) { return is_three_phase(k) ? "0a1b" : "3_03_2"; }

std::string_view shape_name(LoadShape s) { return s == LoadShape::flat ? "flat" : "daily"; }

std::optional<LoadShape> shape_from_name(std::string_view name) {
  if (name == "daily") return LoadShape::daily;
  if (name == "flat") return LoadShape::flat;
  return std::nullopt;
}

std::string firmware_of(const MeterSpec& s) { return s.firmware.empty() ? std::string(default_firmware(s.kind)) : s.firmware; }

std::string format_utc(UtcTime t) { return format_iso_utc(t); }

std::optional<UtcTime> parse_utc(std::string_view text) {
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  auto t = parse_iso(text);
  if (!t) return std::nullopt;
  return UtcTime{t->time_since_epoch()};
}

YAML::Node spec_to_yaml(const MeterSpec& s) {
  YAML::Node n;
  n["serial"] = s.serial;
  n["kind"] = std::string(kind_name(s.kind));
  n["hardware"] = kind_registry(s.kind);
  n["host"] = s.host;
  n["port"] = s.port;
  n["firmware"] = firmware_of(s);
  n["dst"] = s.dst;
  n["prepay_enabled"] = s.prepay_enabled;
  n["initial_balance"] = s.initial_balance.to_string();
  n["csq"] = static_cast<int>(s.csq);
  n["network_operator"] = static_cast<int>(s.network_operator);
  n["clock_drift_seconds_per_day"] = s.clock_drift_seconds_per_day;
  n["clock_offset_seconds"] = s.clock_offset_seconds;
  n["solar"] = s.solar;
  n["seed"] = s.seed;
  n["installed_at"] = format_utc(s.installed_at);
  n["mean_power_w"] = s.mean_power_w;
  n["profile"] = std::string(shape_name(s.profile));
  n["unit_rate"] = s.unit_rate.to_string();
  n["standing_charge"] = s.standing_charge.to_string();
  n["emergency_credit"] = s.emergency_credit.to_string();
  n["ecredit_availability"] = s.ecredit_availability.to_string();
  n["debt_recovery_rate"] = s.debt_recovery_rate.to_string();
  return n;
}

MeterSpec spec_from_yaml(const YAML::Node& node, std::string_view source) {
  if (!node.IsMap()) fail(source, node, "a meter must be a mapping (serial: …, host: …, …)");
  MeterSpec s;
  std::optional<MeterKind> kind, hardware_kind;
  bool have_serial = false;
  for (const auto& kv : node) {
    const std::string key = yaml_values::key(kv.first, source, ExitCode::config);
    const YAML::Node v = kv.second;
    if (key == "serial") {
      s.serial = scalar(source, v, key);
      if (s.serial.empty() || s.serial.size() > 16 || !printable(s.serial))
        fail(source, v, "serial must be 1-16 printable characters without spaces, got '" + s.serial + "'");
      have_serial = true;
    } else if (key == "kind") {
      kind = kind_from_name(scalar(source, v, key));
      if (!kind)
        fail(source, v, "unknown kind '" + v.Scalar() +
                            "' (one of single_b1w, single_ema1w, twin_c1w, three_phase_ax, three_phase_cx)");
    } else if (key == "hardware") {
      hardware_kind = kind_from_registry(scalar(source, v, key));
      if (!hardware_kind)
        fail(source, v, "unknown hardware '" + v.Scalar() + "' (one of B1.w, EMA1.w, C1.w, P1.ax, P1.cx)");
    } else if (key == "host") {
      s.host = scalar(source, v, key);
      if (s.host.empty()) fail(source, v, "host must not be empty");
    } else if (key == "port") {
      s.port = integer<std::uint16_t>(source, v, key, 1, 65535);
    } else if (key == "firmware") {
      s.firmware = scalar(source, v, key);
    } else if (key == "dst") {
      s.dst = boolean(source, v, key);
    } else if (key == "prepay_enabled") {
      s.prepay_enabled = boolean(source, v, key);
    } else if (key == "initial_balance") {
      s.initial_balance = money(source, v, key, true);
    } else if (key == "csq") {
      s.csq = integer<std::uint8_t>(source, v, key, 0, 31);
    } else if (key == "network_operator") {
      s.network_operator = integer<std::uint8_t>(source, v, key, 0, 7);
    } else if (key == "clock_drift_seconds_per_day") {
      s.clock_drift_seconds_per_day = integer<std::int32_t>(source, v, key, -3600, 3600);
    } else if (key == "clock_offset_seconds") {
      s.clock_offset_seconds = integer<std::int64_t>(source, v, key, -31'622'400, 31'622'400);
    } else if (key == "solar") {
      s.solar = boolean(source, v, key);
    } else if (key == "seed") {
      s.seed = integer<std::uint64_t>(source, v, key, 0, std::numeric_limits<std::uint64_t>::max());
    } else if (key == "installed_at") {
      auto t = parse_utc(scalar(source, v, key));
      if (!t) fail(source, v, "installed_at must look like 2024-01-01T00:00:00Z, got '" + v.Scalar() + "'");
      if (*t < UtcTime{date::sys_days{date::year{2001} / 1 / 1}})
        fail(source, v, "installed_at must not be before 2001 (the meter clock starts in 2000)");
      s.installed_at = *t;
    } else if (key == "mean_power_w") {
      s.mean_power_w = integer<std::int64_t>(source, v, key, 0, 1'000'000);
    } else if (key == "profile") {
      auto p = shape_from_name(scalar(source, v, key));
      if (!p) fail(source, v, "profile must be daily or flat, got '" + v.Scalar() + "'");
      s.profile = *p;
    } else if (key == "unit_rate") {
      s.unit_rate = money(source, v, key, false);
    } else if (key == "standing_charge") {
      s.standing_charge = money(source, v, key, false);
    } else if (key == "emergency_credit") {
      s.emergency_credit = money(source, v, key, false);
    } else if (key == "ecredit_availability") {
      s.ecredit_availability = money(source, v, key, false);
    } else if (key == "debt_recovery_rate") {
      s.debt_recovery_rate = money(source, v, key, false);
    } else {
      fail(source, kv.first, "unknown key '" + key + "'");
    }
  }
  if (!have_serial) fail(source, node, "a meter needs a serial");
  if (kind && hardware_kind && *kind != *hardware_kind)
    fail(source, node, "kind " + std::string(kind_name(*kind)) + " does not match hardware " + kind_registry(*hardware_kind));
  if (kind) s.kind = *kind;
  else if (hardware_kind) s.kind = *hardware_kind;
  if (!s.firmware.empty()) {
    auto fw = emop::encode_firmware(s.firmware);
    const std::size_t want = is_three_phase(s.kind) ? 2 : 4;
    if (!fw || fw->size() != want)
      fail(source, node["firmware"],
           is_three_phase(s.kind) ? "three-phase firmware is 4 hex digits, e.g. 0a1b"
                                  : "single-phase firmware looks like 3_03_2");
  }
  return s;
}

}  // namespace flows::sim
