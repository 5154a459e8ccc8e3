#pragma once
// Which half hours `emop sync intervals --from D --to D` may read, given the
// time now: pure. A meter has no record of a half hour that has not ended, so a
// range that starts in the future is refused, and one that ends in the future
// is clipped to the last half hour that has ended (with a warning to print).
#include <string>

#include <date/date.h>

#include "core/emop_time.hpp"

namespace flows::jobs {

struct IngestRange {
  date::sys_days from;  // first UTC day
  UtcTime to;           // end, not included: a UTC midnight, or the half hour now is in when clipped
  std::string warning;  // empty, or why `to` is earlier than asked ("--to 2026-12-03 is in the future; …")
};

// Throws a usage error when to <= from, when from is not before now, or when
// no half hour of the range has ended yet.
IngestRange ingest_range(date::sys_days from, date::sys_days to, UtcTime now);

// "2026-12-02" for a UTC midnight, else "2026-12-02T14:00:00Z".
std::string format_range_end(UtcTime t);

}  // namespace flows::jobs
