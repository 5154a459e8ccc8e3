#include "jobs/profile_intervals.hpp"

#include <algorithm>

namespace flows::jobs {

using namespace std::chrono_literals;

std::optional<MeterTime> ProfileRecords::next_request() const {
  if (done_ || want_ > to_) return std::nullopt;
  return from_utc(want_, kind_);
}

std::int64_t ProfileRecords::max_requests() const { return (to_ - from_) / 30min + 16; }

void ProfileRecords::add(const std::vector<emop::ProfileLog1Record>& answer) {
  if (answer.empty()) {
    done_ = true;
    return;
  }
  std::optional<UtcTime> prev;
  bool progressed = false;
  for (const auto& r : answer) {
    UtcTime u = to_utc(r.timestamp, kind_);
    if (prev && u <= *prev && kind_ == ClockKind::uk_local) u = UtcTime{r.timestamp.time_since_epoch()};
    prev = u;
    if (u < from_ || (!recs_.empty() && u <= recs_.back().first)) continue;
    if (u > to_) {
      done_ = true;
      return;
    }
    recs_.emplace_back(u, r);
    progressed = true;
  }
  if (!recs_.empty() && recs_.back().first >= to_) {
    done_ = true;
    return;
  }
  want_ = progressed ? recs_.back().first + 30min : want_ + 30min;
}

std::vector<Interval> intervals_from_records(const std::vector<std::pair<UtcTime, emop::ProfileLog1Record>>& recs,
                                             UtcTime to, emop::EnergyUnit unit) {
  std::vector<Interval> out;
  for (std::size_t k = 0; k + 1 < recs.size(); ++k) {
    const auto& [t0, r0] = recs[k];
    const auto& [t1, r1] = recs[k + 1];
    if (t1 - t0 != 30min || t0 >= to || !r0.status.valid || !r1.status.valid) continue;  // a gap
    const std::int64_t a = std::int64_t(r1.import_a_wh) - std::int64_t(r0.import_a_wh);
    const std::int64_t b = std::int64_t(r1.import_b_wh) - std::int64_t(r0.import_b_wh);
    if (a >= 0) out.push_back({'A', t0, emop::to_tenth_wh(a, unit)});  // a register going backwards is a gap too
    if (b >= 0) out.push_back({'B', t0, emop::to_tenth_wh(b, unit)});
  }
  return out;
}

bool register_takes(const db::PowerRegister& r, const Interval& iv) {
  const bool element = iv.element == 'A' ? (r.element == "A" || r.element == "SINGLE") : (iv.element == 'B' && r.element == "B");
  if (!element) return false;
  const std::int64_t t = std::int64_t(iv.start.time_since_epoch().count()) * 1'000'000;
  return (!r.start || *r.start <= t) && (!r.end || *r.end > t);
}

db::IntervalRows match_intervals(const std::vector<db::PowerRegister>& registers, std::size_t meters,
                                 const std::vector<std::vector<Interval>>& intervals) {
  db::IntervalRows out;
  std::vector<std::vector<std::uint32_t>> of_meter(meters);  // indices into registers
  for (std::size_t g = 0; g < registers.size(); ++g) {
    of_meter.at(registers[g].meter).push_back(static_cast<std::uint32_t>(g));
    out.register_ids.push_back(registers[g].id);
  }
  for (std::size_t i = 0; i < meters && i < intervals.size(); ++i)
    for (const auto& iv : intervals[i])
      for (const auto g : of_meter[i])
        if (register_takes(registers[g], iv)) out.rows.push_back({g, iv.tenth_wh, iv.start});
  std::sort(out.rows.begin(), out.rows.end(), [](const auto& x, const auto& y) {
    return x.reg != y.reg ? x.reg < y.reg : x.start < y.start;
  });
  return out;
}

}  // namespace flows::jobs
