#include "sim/load_profile.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace flows::sim {
namespace {

// Relative load per local half hour (00:00, 00:30, …), any scale: a quiet night,
// a breakfast peak, a flat day and a larger evening peak.
constexpr std::array<std::int64_t, 48> daily_shape{
    450, 420, 400, 390, 380, 380, 380, 390, 400, 420, 450, 500,     // 00:00-05:30
    650, 900, 1300, 1600, 1500, 1200, 950, 850, 800, 800, 820, 850,  // 06:00-11:30
    950, 950, 850, 800, 780, 800, 900, 1050, 1250, 1550, 1900, 2100, // 12:00-17:30
    2200, 2100, 1900, 1700, 1500, 1350, 1200, 1050, 900, 750, 600, 500};  // 18:00-23:30

constexpr std::int64_t shape_sum() {
  std::int64_t s = 0;
  for (auto v : daily_shape) s += v;
  return s;
}

enum Salt : std::uint64_t {
  salt_load_a = 1,
  salt_load_b = 2,
  salt_cloud = 3,
  salt_noise_a = 10,
  salt_noise_b = 11,
  salt_voltage = 20,  // + phase
  salt_voltage_minute = 30,
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days from `centre` on a 365-day circle: 0 … 182.
std::int64_t season_distance(std::int64_t day_of_year, std::int64_t centre) {
  std::int64_t d = std::abs(day_of_year - centre);
  return std::min(d, 365 - d);
}

struct LocalHalfHour {
  std::int64_t index;        // 0-47 within the local day
  std::int64_t day;          // local day number (days since 1970-01-01)
  std::int64_t day_of_year;  // 0-365
};

LocalHalfHour local_half_hour(std::int64_t hh) {
  const MeterTime local = from_utc(half_hour_start(hh), ClockKind::uk_local);
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const auto jan1 = date::local_days{ymd.year() / 1 / 1};
  return {(local - day).count() / half_hour_seconds, day.time_since_epoch().count(), (day - jan1).count()};
}

}  // namespace

std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL);
  for (int i = 0; i < 2; ++i) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
  }
  return z;
}

std::int64_t half_hour_of(UtcTime t) { return floor_div(t.time_since_epoch().count(), half_hour_seconds); }
UtcTime half_hour_start(std::int64_t hh) { return UtcTime{std::chrono::seconds{hh * half_hour_seconds}}; }

LoadModel::LoadModel(std::uint64_t seed, std::int64_t mean_power_w, LoadShape shape, bool solar, bool twin)
    : seed_(seed), mean_(mean_power_w), shape_(shape), solar_(solar), twin_(twin) {}

LoadModel::LoadModel(const MeterSpec& s) : LoadModel(s.seed, s.mean_power_w, s.profile, s.solar, is_twin(s.kind)) {}

std::int64_t LoadModel::load(std::int64_t hh, std::uint64_t salt, std::int64_t mean) const {
  const LocalHalfHour l = local_half_hour(hh);
  // Winter draws more: 1250‰ in mid-January, 750‰ in mid-July.
  const std::int64_t season = 1250 - 500 * season_distance(l.day_of_year, 14) / 182;
  const std::uint64_t s = mix(seed_, salt);
  const std::int64_t day_factor = 850 + static_cast<std::int64_t>(mix(s, static_cast<std::uint64_t>(l.day), 1) % 301);
  const std::int64_t hh_factor = 750 + static_cast<std::int64_t>(mix(s, static_cast<std::uint64_t>(hh), 2) % 501);
  std::int64_t p = mean * daily_shape[static_cast<std::size_t>(l.index)] * 48 / shape_sum();
  p = p * season / 1000;
  p = p * day_factor / 1000;
  return p * hh_factor / 1000;
}

std::int64_t LoadModel::generation(std::int64_t hh) const {
  const LocalHalfHour l = local_half_hour(hh);
  // A bell centred on 13:00 local (half hour 26), zero before 06:30 and after 19:30.
  const std::int64_t tent = std::max<std::int64_t>(0, 1000 - std::abs(l.index - 26) * 1000 / 13);
  const std::int64_t bell = tent * tent / 1000;
  const std::int64_t season = 1000 - 750 * season_distance(l.day_of_year, 172) / 182;
  const std::int64_t cloud =
      200 + static_cast<std::int64_t>(mix(mix(seed_, salt_cloud), static_cast<std::uint64_t>(l.day)) % 801);
  const std::int64_t peak = 4 * mean_;
  return peak * bell / 1000 * season / 1000 * cloud / 1000;
}

Power LoadModel::half_hour(std::int64_t hh) const {
  if (shape_ == LoadShape::flat) return {mean_, 0};
  Power p;
  p.a = load(hh, salt_load_a, mean_);
  if (solar_) p.a -= generation(hh);
  if (twin_) p.b = load(hh, salt_load_b, mean_ / 2);
  return p;
}

std::int64_t LoadModel::minute_power(std::int64_t net, std::int64_t hh, std::int64_t minute, std::uint64_t salt) const {
  if (shape_ == LoadShape::flat || net == 0) return net;
  // Minutes 2k and 2k+1 get +n and -n: the half hour's total is unchanged, and
  // |n| <= |net|/5 keeps import minutes importing and export minutes exporting.
  const std::int64_t r =
      static_cast<std::int64_t>(mix(mix(seed_, salt), static_cast<std::uint64_t>(hh), static_cast<std::uint64_t>(minute / 2)) % 2001) -
      1000;
  const std::int64_t n = std::abs(net) * r / 5000;
  return minute % 2 == 0 ? net + n : net - n;
}

Power LoadModel::power_at(UtcTime t) const {
  const std::int64_t hh = half_hour_of(t);
  const std::int64_t minute = (t - half_hour_start(hh)).count() / 60;
  const Power p = half_hour(hh);
  return {minute_power(p.a, hh, minute, salt_noise_a), minute_power(p.b, hh, minute, salt_noise_b)};
}

Energy LoadModel::integrate(UtcTime from, UtcTime to) const {
  Energy e;
  if (to <= from) return e;
  auto add = [&](std::int64_t a, std::int64_t b, std::int64_t seconds) {
    (a >= 0 ? e.import_a : e.export_a) += std::abs(a) * seconds;
    (b >= 0 ? e.import_b : e.export_b) += std::abs(b) * seconds;
  };
  for (std::int64_t hh = half_hour_of(from); half_hour_start(hh) < to; ++hh) {
    const UtcTime start = half_hour_start(hh);
    const UtcTime end = start + std::chrono::seconds{half_hour_seconds};
    const UtcTime a = std::max(from, start);
    const UtcTime b = std::min(to, end);
    const Power p = half_hour(hh);
    if (a == start && b == end) {
      add(p.a, p.b, half_hour_seconds);  // the minute noise cancels over a whole half hour
      continue;
    }
    for (std::int64_t m = (a - start).count() / 60; m < 30; ++m) {
      const UtcTime ms = start + std::chrono::minutes{m};
      const UtcTime me = ms + std::chrono::minutes{1};
      if (ms >= b) break;
      const std::int64_t seconds = (std::min(me, b) - std::max(ms, a)).count();
      add(minute_power(p.a, hh, m, salt_noise_a), minute_power(p.b, hh, m, salt_noise_b), seconds);
    }
  }
  return e;
}

std::uint16_t LoadModel::half_hour_voltage(std::int64_t hh, int phase) const {
  const std::uint64_t s = mix(seed_, salt_voltage + static_cast<std::uint64_t>(phase));
  return static_cast<std::uint16_t>(2400 + static_cast<std::int64_t>(mix(s, static_cast<std::uint64_t>(hh)) % 121) - 60);
}

std::uint16_t LoadModel::voltage_at(UtcTime t, int phase) const {
  const std::int64_t minute = floor_div(t.time_since_epoch().count(), 60);
  const std::uint64_t s = mix(seed_, salt_voltage_minute + static_cast<std::uint64_t>(phase));
  const std::int64_t wobble = static_cast<std::int64_t>(mix(s, static_cast<std::uint64_t>(minute)) % 11) - 5;
  return static_cast<std::uint16_t>(half_hour_voltage(half_hour_of(t), phase) + wobble);
}

}  // namespace flows::sim
