#pragma once
// How profile log 1 records become half-hourly intervals, and which registers
// take them: pure, no meter, no database.
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/emop_time.hpp"
#include "db/intervals.hpp"
#include "emop/records.hpp"

namespace flows::jobs {

// One half hour of one meter element, as computed from its profile log.
struct Interval {
  char element;           // 'A' (a meter's A or SINGLE register) or 'B'
  UtcTime start;          // start of the half hour
  std::int64_t tenth_wh;  // consumption in the half hour, in 0.1 Wh
};

// The records of [from, to] (inclusive) gathered from successive answers of a
// meter's profile log 1, in real (UTC) order and strictly increasing.
class ProfileRecords {
 public:
  ProfileRecords(ClockKind kind, UtcTime from, UtcTime to) : kind_(kind), from_(from), to_(to), want_(from) {}

  // The meter-clock stamp to ask for next; nullopt when done.
  std::optional<MeterTime> next_request() const;
  // Takes one answer (records in real order). An empty answer ends it: nothing at
  // or after the time asked for yet. A UK-local stamp that does not move on from
  // the previous one in the answer is the second (GMT) pass of the hour that
  // repeats when BST ends.
  void add(const std::vector<emop::ProfileLog1Record>& answer);
  // At most this many requests: (to - from) / 30 min + 16.
  std::int64_t max_requests() const;

  const std::vector<std::pair<UtcTime, emop::ProfileLog1Record>>& records() const { return recs_; }

 private:
  ClockKind kind_;
  UtcTime from_, to_, want_;
  bool done_ = false;
  std::vector<std::pair<UtcTime, emop::ProfileLog1Record>> recs_;
};

// Each half hour starting at t < to is the difference of the cumulative import
// registers stamped t and t + 30 min, counted in `unit` (0.1 Wh on a CT meter).
// A half hour whose record at either end is missing, not marked valid, or whose
// register went backwards is left out.
std::vector<Interval> intervals_from_records(const std::vector<std::pair<UtcTime, emop::ProfileLog1Record>>& records,
                                             UtcTime to, emop::EnergyUnit unit = emop::EnergyUnit::wh);

// Whether a register takes an interval: its element (A: A or SINGLE; B: B) and
// its [start, end) holding the start of the half hour.
bool register_takes(const db::PowerRegister& r, const Interval& iv);

// intervals[i] are meters[i]'s: each goes to every register of its meter that
// takes it (one dropped when none does); sorted by (register, start).
db::IntervalRows match_intervals(const std::vector<db::PowerRegister>& registers, std::size_t meters,
                                 const std::vector<std::vector<Interval>>& intervals);

}  // namespace flows::jobs
