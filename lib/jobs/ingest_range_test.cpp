// Which half hours `emop sync intervals` may read, against a fixed now.
#include "jobs/ingest_range.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "sim/meter_spec.hpp"

using namespace flows;
using namespace date::literals;

namespace {
const UtcTime now = *sim::parse_utc("2026-12-02T14:17:09Z");
std::string refusal(date::sys_days from, date::sys_days to, UtcTime at = now) {
  try {
    jobs::ingest_range(from, to, at);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a range wholly in the past is read as asked") {
  const auto r = jobs::ingest_range(date::sys_days{2026_y / 12 / 1}, date::sys_days{2026_y / 12 / 2}, now);
  CHECK(r.from == date::sys_days{2026_y / 12 / 1});
  CHECK(r.to == UtcTime{date::sys_days{2026_y / 12 / 2}});
  CHECK(r.warning.empty());
  CHECK(jobs::format_range_end(r.to) == "2026-12-02");
}

TEST_CASE("a range ending in the future is clipped to the last half hour that has ended") {
  const auto r = jobs::ingest_range(date::sys_days{2026_y / 12 / 1}, date::sys_days{2026_y / 12 / 3}, now);
  CHECK(r.from == date::sys_days{2026_y / 12 / 1});
  CHECK(r.to == *sim::parse_utc("2026-12-02T14:00:00Z"));
  CHECK(jobs::format_range_end(r.to) == "2026-12-02T14:00:00Z");
  CHECK(r.warning ==
        "--to 2026-12-03 is in the future; reading up to 2026-12-02T14:00:00Z, the last half hour that has ended "
        "(now 2026-12-02T14:17:09Z)");
  // Today from midnight: 28 half hours have ended by 14:17.
  const auto today = jobs::ingest_range(date::sys_days{2026_y / 12 / 2}, date::sys_days{2026_y / 12 / 3}, now);
  CHECK((today.to - UtcTime{today.from}).count() == 28 * 1800);
  // Exactly on a half hour, that half hour has not ended.
  const auto on = jobs::ingest_range(date::sys_days{2026_y / 12 / 2}, date::sys_days{2026_y / 12 / 3},
                                     *sim::parse_utc("2026-12-02T14:30:00Z"));
  CHECK(on.to == *sim::parse_utc("2026-12-02T14:30:00Z"));
}

TEST_CASE("a range that starts in the future, or has no ended half hour, is a usage error") {
  CHECK(refusal(date::sys_days{2026_y / 12 / 3}, date::sys_days{2026_y / 12 / 4}) ==
        "--from 2026-12-03 --to 2026-12-04 starts in the future (now 2026-12-02T14:17:09Z); a meter has no half hours "
        "of it yet");
  CHECK(refusal(date::sys_days{2026_y / 12 / 2}, date::sys_days{2026_y / 12 / 3}, *sim::parse_utc("2026-12-02T00:00:00Z")) ==
        "--from 2026-12-02 --to 2026-12-03 starts in the future (now 2026-12-02T00:00:00Z); a meter has no half hours "
        "of it yet");
  CHECK(refusal(date::sys_days{2026_y / 12 / 2}, date::sys_days{2026_y / 12 / 3}, *sim::parse_utc("2026-12-02T00:29:59Z")) ==
        "--from 2026-12-02 --to 2026-12-03: no half hour of it has ended yet (now 2026-12-02T00:29:59Z)");
  CHECK(refusal(date::sys_days{2026_y / 12 / 2}, date::sys_days{2026_y / 12 / 2}) ==
        "--to 2026-12-02 must be after --from 2026-12-02");
}
