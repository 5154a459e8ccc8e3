// SimMeter: time, energy, charging, tariff activation, profile and event logs.
// The request handler is in sim_meter_objects.cpp, save/load in sim_meter_state.cpp.
#include "sim/sim_meter.hpp"

#include <algorithm>

#include "sim/sim_meter_objects.hpp"

namespace flows::sim {
namespace {

using std::chrono::seconds;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t ceil_half_hour(UtcTime t) {
  return -floor_div(-t.time_since_epoch().count(), half_hour_seconds);
}

constexpr std::int64_t ws_per_kwh = 3'600'000;
constexpr std::int64_t seconds_per_day = 86'400;

// The first instant at which a correct clock of `kind` reads `reading` or later.
// UK local readings are monotonic within the two hours before to_utc(reading) (the
// autumn repeat resolves to its earlier, BST, instant), so a binary search there
// also lands on the spring jump for a reading inside the skipped hour.
UtcTime first_instant_reading(MeterTime reading, ClockKind kind) {
  UtcTime hi = to_utc(reading, kind);
  if (kind == ClockKind::utc) return hi;
  UtcTime lo = hi - std::chrono::hours{2};
  if (from_utc(lo, kind) >= reading) return lo;
  while (hi - lo > seconds{1}) {  // invariant: lo below, hi at or after
    UtcTime mid = lo + (hi - lo) / 2;
    (from_utc(mid, kind) >= reading ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

SimMeter::SimMeter(MeterSpec spec, const emop::ObjectTable& table)
    : spec_(std::move(spec)), model_(spec_), now_(spec_.installed_at), drift_ref_(spec_.installed_at) {
  objects_ = std::make_shared<const ObjectIndex>(table);
  checkpoints_.push_back({now_, energy_});
  clock_offset_ = spec_.clock_offset_seconds;
  dst_ = spec_.dst;
  signal_ = {spec_.network_operator, spec_.csq};
  prepay_enabled_ = spec_.prepay_enabled;
  balance_ = spec_.initial_balance;
  backlight_ = is_three_phase(spec_.kind) ? 3 : 0;  // 30_seconds_turn_off_3p / normal_sp
  last_transaction_.payment_time = emop_epoch;  // no payment yet: a zero timestamp
  active_ = initial_tariff(spec_);
  future_ = active_;
  add_event(event_type::power_up);
}

// ------------------------------------------------------------------ clock

std::int64_t SimMeter::clock_error_seconds(UtcTime at) const {
  return clock_offset_ + floor_div(std::int64_t{spec_.clock_drift_seconds_per_day} * (at - drift_ref_).count(),
                                   seconds_per_day);
}

MeterTime SimMeter::meter_time(UtcTime at) const { return from_utc(at + seconds{clock_error_seconds(at)}, clock_kind()); }

void SimMeter::set_clock(MeterTime reading) {
  clock_offset_ = (to_utc(reading, clock_kind()) - now_).count();
  drift_ref_ = now_;
  add_event(event_type::clock_set);
}

// ------------------------------------------------------------------ time

void SimMeter::advance(UtcTime now) {
  if (now < now_) now = now_;
  for (;;) {
    const std::optional<UtcTime> due = armed_ ? activation_instant(now_, now) : std::nullopt;
    run_to(due ? *due : now, true);
    if (!due) return;
    activate_future();
  }
}

void SimMeter::run_to(UtcTime t, bool charging) {
  while (now_ < t) {
    const UtcTime midnight = date::floor<date::days>(now_) + date::days{1};
    const UtcTime stop = std::min(t, midnight);
    const Energy used = model_.integrate(now_, stop);
    if (charging) charge(used, (stop - now_).count());
    energy_ += used;
    now_ = stop;
    if (now_ == midnight) checkpoints_.push_back({now_, energy_});
  }
  // Keep one checkpoint at or before the oldest boundary still served.
  const UtcTime oldest = history_start();
  while (checkpoints_.size() >= 2 && checkpoints_[1].first <= oldest) checkpoints_.pop_front();
}

void SimMeter::charge(const Energy& used, std::int64_t secs) {
  if (!prepay_enabled_) return;
  // At most a day per call: W·s fit easily, but W·s × a u32 rate may not fit 64 bits.
  __extension__ typedef __int128 wide;
  const wide usage = wide{usage_carry_} + wide{used.import_a} * active_.unit_rate_a.units() +
                     wide{used.import_b} * active_.element_b_rate_1.units();
  const wide standing = wide{standing_carry_} + wide{secs} * active_.standing_charge.units();
  balance_ = balance_ - Money::from_units(static_cast<std::int64_t>(usage / ws_per_kwh + standing / seconds_per_day));
  usage_carry_ = static_cast<std::int64_t>(usage % ws_per_kwh);
  standing_carry_ = static_cast<std::int64_t>(standing % seconds_per_day);
}

// ------------------------------------------------------------------ tariffs

std::optional<std::uint32_t> SimMeter::armed_activation() const {
  if (!armed_) return std::nullopt;
  return activation_;
}

std::optional<UtcTime> SimMeter::activation_instant(UtcTime from, UtcTime to) const {
  if (to < from) return std::nullopt;
  const UtcTime target = first_instant_reading(from_emop_seconds(activation_), clock_kind());
  // The meter reads `target` once now + clock error reaches it; that sum never
  // decreases (drift is bounded well inside a day per day).
  auto reached = [&](UtcTime u) { return u + seconds{clock_error_seconds(u)} >= target; };
  if (reached(from)) return from;
  if (!reached(to)) return std::nullopt;
  UtcTime lo = from, hi = to;
  while (hi - lo > seconds{1}) {
    UtcTime mid = lo + (hi - lo) / 2;
    (reached(mid) ? hi : lo) = mid;
  }
  return hi;
}

void SimMeter::activate_future() {
  active_ = future_;
  armed_ = false;
  add_event(event_type::tariff_activated);
}

// ------------------------------------------------------------------ readings

Registers SimMeter::registers() const {
  return {static_cast<std::uint32_t>(energy_.import_a / 3600), static_cast<std::uint32_t>(energy_.export_a / 3600),
          static_cast<std::uint32_t>(energy_.import_b / 3600), static_cast<std::uint32_t>(energy_.export_b / 3600)};
}

std::uint32_t SimMeter::register_count(std::int64_t ws) const {
  return static_cast<std::uint32_t>(spec_.kind == MeterKind::three_phase_cx ? ws / 360 : ws / 3600);
}

Power SimMeter::power() const { return model_.power_at(now_); }

std::uint16_t SimMeter::voltage_decivolts(int phase) const { return model_.voltage_at(now_, phase); }

// ------------------------------------------------------------------ events

void SimMeter::add_event(std::uint16_t type) {
  if (events_.size() >= event_log_capacity) events_.erase(events_.begin());
  // A zero timestamp marks an empty slot, so a clock set before 2000 still stamps 2000.
  events_.push_back({std::max(meter_time(now_), emop_epoch + seconds{1}), type, 0});
}

std::vector<emop::EventRecord> SimMeter::event_block(std::uint8_t block) const {
  const std::size_t n = events_.size();
  const std::size_t newer = std::size_t{block} * emop::events_per_block;
  if (newer >= n) return {};
  const std::size_t end = n - newer;
  const std::size_t begin = end > emop::events_per_block ? end - emop::events_per_block : 0;
  return {events_.begin() + static_cast<std::ptrdiff_t>(begin), events_.begin() + static_cast<std::ptrdiff_t>(end)};
}

// ------------------------------------------------------------------ profile logs

UtcTime SimMeter::history_start() const {
  const std::int64_t installed = ceil_half_hour(spec_.installed_at);
  const std::int64_t window = ceil_half_hour(now_ - date::days{profile_retention_days});
  return half_hour_start(std::max(installed, window));
}

Energy SimMeter::energy_at(UtcTime t) const {
  auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), t,
                             [](UtcTime v, const auto& cp) { return v < cp.first; });
  if (it != checkpoints_.begin()) --it;
  return it->second + model_.integrate(it->first, t);
}

std::optional<std::int64_t> SimMeter::first_record(std::uint32_t from_emop_seconds_) const {
  const MeterTime wanted = from_emop_seconds(from_emop_seconds_);
  const ClockKind kind = clock_kind();
  // Stamps run monotonically except for the hour repeated in autumn, so the first
  // stamp at or after `wanted` lies within a few half hours of to_utc(wanted).
  std::int64_t hh = ceil_half_hour(to_utc(wanted, kind) - std::chrono::hours{2});
  hh = std::max(hh, half_hour_of(history_start()));
  const std::int64_t newest = half_hour_of(now_);
  for (; hh <= newest; ++hh)
    if (from_utc(half_hour_start(hh), kind) >= wanted) return hh;
  return std::nullopt;
}

std::vector<emop::ProfileLog1Record> SimMeter::profile_log_1(std::uint32_t from) const {
  std::vector<emop::ProfileLog1Record> out;
  auto first = first_record(from);
  if (!first) return out;
  const std::int64_t newest = half_hour_of(now_);
  emop::ProfileStatus valid;
  valid.valid = true;
  Energy e = energy_at(half_hour_start(*first));
  for (std::int64_t hh = *first; hh <= newest && out.size() < 5; ++hh) {
    if (hh != *first) e += model_.integrate(half_hour_start(hh - 1), half_hour_start(hh));
    out.push_back({from_utc(half_hour_start(hh), clock_kind()), valid, register_count(e.import_a),
                   register_count(e.import_b)});
  }
  return out;
}

std::vector<emop::ProfileLog2Record> SimMeter::profile_log_2(std::uint32_t from) const {
  std::vector<emop::ProfileLog2Record> out;
  auto first = first_record(from);
  if (!first) return out;
  const bool twin = is_twin(spec_.kind);
  const std::size_t count = twin ? 2 : 3;
  const std::int64_t newest = half_hour_of(now_);
  Energy e = energy_at(half_hour_start(*first));
  for (std::int64_t hh = *first; hh <= newest && out.size() < count; ++hh) {
    if (hh != *first) e += model_.integrate(half_hour_start(hh - 1), half_hour_start(hh));
    emop::ProfileLog2Record r;
    r.timestamp = from_utc(half_hour_start(hh), clock_kind());
    r.status.valid = true;
    const auto import_a = register_count(e.import_a);
    const auto export_a = register_count(e.export_a);
    r.active_export_a_wh = export_a;
    r.reactive_import_a = import_a / 5;
    r.reactive_export_a = export_a / 10;
    r.voltage_decivolts = model_.half_hour_voltage(hh - 1);  // the half hour just ended
    r.twin = twin;
    if (twin) {
      const auto import_b = register_count(e.import_b);
      const auto export_b = register_count(e.export_b);
      r.active_export_b_wh = export_b;
      r.reactive_import_b = import_b / 5;
      r.reactive_export_b = export_b / 10;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace flows::sim
