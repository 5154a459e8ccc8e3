#pragma once
// The deterministic load of a simulated meter: power as a pure function of the
// seed and the instant, and its exact integral in watt-seconds. Integer maths only,
// so a meter's registers at a given instant are the same on every machine and do
// not depend on how often the simulator advanced in between.
//
// Model (shape = daily). Time is cut into UTC half hours. For each half hour the
// load of element A is
//   mean × daily_shape(local half hour) × season(day) × day_factor × half_hour_factor
// (the shape has a morning and an evening peak and follows UK local time, as
// people do; winter draws more than summer; the factors are drawn from the seed).
// A solar meter subtracts a generation bell centred on 13:00 local, scaled by
// season and a daily cloud factor; a negative net is export. Element B (twin
// meters) is an independent load of half the mean. Within the half hour the power
// changes each minute by a noise that cancels in pairs of minutes and never flips
// the sign, so a whole half hour integrates to exactly net × 1800 W·s and the
// minute-by-minute instantaneous power still varies.
//
// Shape = flat: element A draws exactly mean_power_w at every second; nothing else.
#include <cstdint>

#include "core/emop_time.hpp"
#include "sim/meter_spec.hpp"

namespace flows::sim {

// Cumulative or incremental energy in watt-seconds (3600 W·s = 1 Wh).
struct Energy {
  std::int64_t import_a = 0;
  std::int64_t export_a = 0;
  std::int64_t import_b = 0;
  std::int64_t export_b = 0;
  Energy& operator+=(const Energy& o) {
    import_a += o.import_a;
    export_a += o.export_a;
    import_b += o.import_b;
    export_b += o.export_b;
    return *this;
  }
  friend Energy operator+(Energy a, const Energy& b) { return a += b; }
  bool operator==(const Energy&) const = default;
};

// Net power per element in W: positive imports, negative exports.
struct Power {
  std::int64_t a = 0;
  std::int64_t b = 0;
  bool operator==(const Power&) const = default;
};

inline constexpr std::int64_t half_hour_seconds = 1800;

// Half-hour index of an instant (floor) and the instant a half hour starts.
std::int64_t half_hour_of(UtcTime t);
UtcTime half_hour_start(std::int64_t hh);

class LoadModel {
 public:
  LoadModel(std::uint64_t seed, std::int64_t mean_power_w, LoadShape shape, bool solar, bool twin);
  explicit LoadModel(const MeterSpec& s);

  // Mean net power over the half hour `hh` (exact: the half hour's energy / 1800).
  Power half_hour(std::int64_t hh) const;
  // Power during the second starting at t (constant within each UTC minute).
  Power power_at(UtcTime t) const;
  // Exact energy drawn in [from, to); zero when to <= from.
  Energy integrate(UtcTime from, UtcTime to) const;

  // Supply voltage in 0.1 V around 240 V: per half hour (profile log 2) and at an
  // instant (the half-hour value with a small per-minute wobble). Phase 0-2.
  std::uint16_t half_hour_voltage(std::int64_t hh, int phase = 0) const;
  std::uint16_t voltage_at(UtcTime t, int phase = 0) const;

 private:
  std::int64_t load(std::int64_t hh, std::uint64_t salt, std::int64_t mean) const;
  std::int64_t generation(std::int64_t hh) const;
  std::int64_t minute_power(std::int64_t net, std::int64_t hh, std::int64_t minute, std::uint64_t salt) const;

  std::uint64_t seed_;
  std::int64_t mean_;
  LoadShape shape_;
  bool solar_;
  bool twin_;
};

// splitmix64 over the seed and two coordinates: the simulator's only randomness.
std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

}  // namespace flows::sim
