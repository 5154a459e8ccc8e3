#include "sim/fleet.hpp"

#include <array>
#include <limits>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "sim/load_profile.hpp"

namespace flows::sim {
namespace {

[[noreturn]] void fail(std::string_view source, const YAML::Mark& mark, const std::string& msg) {
  std::string where(source);
  if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1);
  throw config_error(where + ": " + msg);
}

// A draw in [lo, hi] for meter i, coordinate `what`.
std::int64_t draw(std::uint64_t seed, std::size_t i, std::uint64_t what, std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo + 1);
  return lo + static_cast<std::int64_t>(mix(seed, i, what) % span);
}

enum Draw : std::uint64_t {
  d_seed = 1, d_kind, d_dst, d_solar, d_csq, d_operator, d_drift_on, d_drift, d_offset_on, d_offset,
  d_firmware, d_power, d_rate, d_standing, d_days, d_second, d_left, d_prepay,
  d_serial = 100,  // + attempt
};

}  // namespace

std::vector<MeterSpec> load_fleet_yaml(std::string_view yaml, std::string_view source) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    fail(source, e.mark, e.msg);
  }
  if (!doc.IsMap() || !doc["meters"] || !doc["meters"].IsSequence())
    fail(source, doc.Mark(), "expected a mapping with a 'meters' list");
  std::vector<MeterSpec> out;
  std::map<std::string, int> serials;                         // serial -> line
  std::map<std::pair<std::string, std::uint16_t>, int> addresses;  // host:port -> line
  for (const YAML::Node& m : doc["meters"]) {
    MeterSpec s = spec_from_yaml(m, source);
    const int line = m.Mark().line + 1;
    if (auto [it, fresh] = serials.emplace(s.serial, line); !fresh)
      fail(source, m.Mark(), "serial " + s.serial + " is already used on line " + std::to_string(it->second));
    if (auto [it, fresh] = addresses.emplace(std::pair{s.host, s.port}, line); !fresh)
      fail(source, m.Mark(), "address " + s.host + ":" + std::to_string(s.port) + " is already used on line " +
                                 std::to_string(it->second));
    out.push_back(std::move(s));
  }
  return out;
}

std::string fleet_to_yaml(const std::vector<MeterSpec>& meters) {
  // Text that a YAML 1.1 reader could take for a number or a date is quoted
  // (firmware 3_03_2 would otherwise read as 3032), so other tools see strings.
  const std::set<std::string> quoted{"serial", "host", "firmware", "installed_at"};
  YAML::Emitter out;
  out << YAML::Comment("Simulated Emlite meters (emlite-sim fleet inventory)");
  out << YAML::BeginMap << YAML::Key << "meters" << YAML::Value << YAML::BeginSeq;
  for (const auto& m : meters) {
    out << YAML::BeginMap;
    for (const auto& kv : spec_to_yaml(m)) {
      const std::string key = kv.first.Scalar();
      out << YAML::Key << key << YAML::Value;
      if (quoted.count(key)) out << YAML::DoubleQuoted << kv.second.Scalar();
      else out << kv.second;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string loopback_address(std::size_t index) {
  const std::size_t third = 1 + index / 254;
  const std::size_t fourth = 1 + index % 254;
  if (third > 255) throw usage_error("no loopback address left for meter " + std::to_string(index + 1) +
                                     " (at most 64770 meters, 127.0.1.1 to 127.0.255.254)");
  return "127.0." + std::to_string(third) + "." + std::to_string(fourth);
}

std::vector<MeterSpec> generate_fleet(int n, std::uint64_t seed, const GenerateOptions& options) {
  if (n < 0) throw usage_error("the number of meters cannot be negative");
  if (options.addressing == GenerateOptions::Addressing::consecutive_ports &&
      std::int64_t{options.port} + n - 1 > 65535)
    throw usage_error("ports " + std::to_string(options.port) + " onwards cannot hold " + std::to_string(n) + " meters");
  constexpr std::array<std::string_view, 3> single_firmware{"3_03_2", "3_04_0", "3_05_1"};
  constexpr std::array<std::string_view, 2> three_phase_firmware{"0a1b", "0a1c"};

  std::vector<MeterSpec> out;
  out.reserve(static_cast<std::size_t>(n));
  std::set<std::string> serials;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
    MeterSpec s;
    for (std::uint64_t attempt = 0;; ++attempt) {
      s.serial = "EML" + std::to_string(draw(seed, i, d_serial + attempt, 1'000'000'000, 2'999'999'999));
      if (serials.insert(s.serial).second) break;
    }
    s.seed = mix(seed, i, d_seed);
    const std::int64_t k = draw(seed, i, d_kind, 0, 99);
    s.kind = k < 65   ? MeterKind::single_b1w
             : k < 75 ? MeterKind::single_ema1w
             : k < 87 ? MeterKind::twin_c1w
             : k < 94 ? MeterKind::three_phase_ax
                      : MeterKind::three_phase_cx;
    const bool three_phase = is_three_phase(s.kind);
    if (options.addressing == GenerateOptions::Addressing::loopback_per_meter) {
      s.host = loopback_address(i);
      s.port = options.port;
    } else {
      s.host = options.host;
      s.port = static_cast<std::uint16_t>(options.port + i);
    }
    s.firmware = three_phase ? three_phase_firmware[static_cast<std::size_t>(draw(seed, i, d_firmware, 0, 1))]
                             : single_firmware[static_cast<std::size_t>(draw(seed, i, d_firmware, 0, 2))];
    s.dst = draw(seed, i, d_dst, 0, 1) == 1;
    s.solar = !three_phase && draw(seed, i, d_solar, 0, 4) == 0;
    s.prepay_enabled = draw(seed, i, d_prepay, 0, 9) != 0;
    s.csq = static_cast<std::uint8_t>(draw(seed, i, d_csq, 5, 31));
    s.network_operator = static_cast<std::uint8_t>(draw(seed, i, d_operator, 1, 3));
    if (draw(seed, i, d_drift_on, 0, 9) < 3) {
      const std::int64_t d = draw(seed, i, d_drift, 1, 6);
      s.clock_drift_seconds_per_day = static_cast<std::int32_t>(d <= 3 ? d : 3 - d);  // ±1 … ±3
    }
    if (draw(seed, i, d_offset_on, 0, 9) < 3) s.clock_offset_seconds = draw(seed, i, d_offset, -120, 120);
    s.mean_power_w = three_phase ? draw(seed, i, d_power, 1500, 6000)
                     : is_twin(s.kind) ? draw(seed, i, d_power, 350, 900)
                                       : draw(seed, i, d_power, 250, 700);
    s.unit_rate = Money::from_units(draw(seed, i, d_rate, 200, 300) * 100);          // £0.200-£0.300 per kWh
    s.standing_charge = Money::from_units(draw(seed, i, d_standing, 40, 60) * 1000);  // £0.40-£0.60 per day
    const std::int64_t installed_for =
        draw(seed, i, d_days, 7, 90) * 86'400 + draw(seed, i, d_second, 0, 86'399);
    s.installed_at = options.reference - std::chrono::seconds{installed_for};
    // Start with exactly what the meter will be charged by the reference instant
    // (rounded up to a penny) plus £5-£60, so a fresh fleet is neither all in debt
    // nor all rich. The charge is the meter's own: its load model at its rates.
    std::int64_t spend = 0;
    if (s.prepay_enabled) {
      const Energy used = LoadModel(s).integrate(s.installed_at, options.reference);
      spend = (used.import_a + used.import_b) * s.unit_rate.units() / 3'600'000 +
              s.standing_charge.units() * installed_for / 86'400;
    }
    const std::int64_t left = draw(seed, i, d_left, 500, 6000) * 1000;  // whole pence
    const std::int64_t balance = std::min<std::int64_t>((spend + 999) / 1000 * 1000 + left,
                                                        std::numeric_limits<std::int32_t>::max() / 1000 * 1000);
    s.initial_balance = Money::from_units(balance);
    out.push_back(std::move(s));
  }
  return out;
}

std::string inventory_to_yaml(const std::vector<MeterSpec>& meters) {
  std::string out = "# Simulated Emlite meters: inventory (emlite-sim --fleet-out)\nmeters:\n";
  out.reserve(out.size() + meters.size() * 96);
  for (const auto& m : meters) {
    out += "  - {serial: \"" + m.serial + "\", host: \"" + m.host + "\", port: " + std::to_string(m.port) +
           ", kind: " + std::string(kind_name(m.kind)) + ", hardware: " + kind_registry(m.kind) +
           ", dst: " + (m.dst ? "true" : "false") + "}\n";
  }
  return out;
}

}  // namespace flows::sim
