#pragma once
// Which meter clocks a clock push corrects, and whether a correction held: pure.
#include <cstdint>

#include "core/emop_time.hpp"

namespace flows::jobs {

// Seconds the meter's clock is ahead of the true time (negative: behind); the
// reading is UK local time on a meter with DST correction on (kind uk_local).
std::int64_t clock_drift(MeterTime reading, ClockKind kind, UtcTime now);

// Left alone when |drift| <= threshold; corrected otherwise.
bool needs_correction(std::int64_t drift, std::int64_t threshold);

// A correction held when |drift after| <= max(5 s, threshold / 2).
bool correction_held(std::int64_t drift_after, std::int64_t threshold);

}  // namespace flows::jobs
