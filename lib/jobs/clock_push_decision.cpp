#include "jobs/clock_push_decision.hpp"

#include <algorithm>
#include <cstdlib>

namespace flows::jobs {

std::int64_t clock_drift(MeterTime reading, ClockKind kind, UtcTime now) { return (to_utc(reading, kind) - now).count(); }

bool needs_correction(std::int64_t drift, std::int64_t threshold) { return std::abs(drift) > threshold; }

bool correction_held(std::int64_t drift_after, std::int64_t threshold) {
  return std::abs(drift_after) <= std::max<std::int64_t>(5, threshold / 2);
}

}  // namespace flows::jobs
