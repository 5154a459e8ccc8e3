#include "jobs/ingest_range.hpp"

#include <chrono>
#include <cstdint>

#include "core/error.hpp"

namespace flows::jobs {

std::string format_range_end(UtcTime t) {
  const auto day = date::floor<date::days>(t);
  if (UtcTime{day} == t) return format_date(date::year_month_day{day});
  return format_iso_utc(t);
}

IngestRange ingest_range(date::sys_days from, date::sys_days to, UtcTime now) {
  const std::string asked = "--from " + format_range_end(from) + " --to " + format_range_end(to);
  if (to <= from) throw usage_error("--to " + format_range_end(to) + " must be after --from " + format_range_end(from));
  if (UtcTime{from} >= now)
    throw usage_error(asked + " starts in the future (now " + format_iso_utc(now) +
                      "); a meter has no half hours of it yet");
  if (UtcTime{to} <= now) return {from, to, ""};
  using half_hours = std::chrono::duration<std::int64_t, std::ratio<1800>>;
  const UtcTime ended = date::floor<half_hours>(now);  // the start of the half hour now is in
  if (ended <= UtcTime{from})
    throw usage_error(asked + ": no half hour of it has ended yet (now " + format_iso_utc(now) + ")");
  return {from, ended,
          "--to " + format_range_end(to) + " is in the future; reading up to " + format_iso_utc(ended) +
              ", the last half hour that has ended (now " + format_iso_utc(now) + ")"};
}

}  // namespace flows::jobs
