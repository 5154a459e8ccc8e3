// Which clocks a clock push corrects, with hand-computed values.
#include "jobs/clock_push_decision.hpp"

#include <doctest/doctest.h>

#include "sim/meter_spec.hpp"

using namespace flows;

TEST_CASE("clock drift: meter ahead positive; a DST meter's reading is UK local time") {
  const UtcTime now = *sim::parse_utc("2024-06-01T12:00:00Z");
  CHECK(jobs::clock_drift(*parse_iso("2024-06-01T12:01:30"), ClockKind::utc, now) == 90);
  CHECK(jobs::clock_drift(*parse_iso("2024-06-01T11:59:00"), ClockKind::utc, now) == -60);
  // 13:00 BST is 12:00 UTC.
  CHECK(jobs::clock_drift(*parse_iso("2024-06-01T13:00:10"), ClockKind::uk_local, now) == 10);
  // In winter UK local time is UTC.
  CHECK(jobs::clock_drift(*parse_iso("2024-01-15T12:00:10"), ClockKind::uk_local, *sim::parse_utc("2024-01-15T12:00:00Z")) ==
        10);
}

TEST_CASE("clock push: corrected only over the threshold, either way") {
  CHECK(!jobs::needs_correction(60, 60));
  CHECK(!jobs::needs_correction(-60, 60));
  CHECK(jobs::needs_correction(61, 60));
  CHECK(jobs::needs_correction(-61, 60));
  CHECK(!jobs::needs_correction(0, 0));
  CHECK(jobs::needs_correction(1, 0));
}

TEST_CASE("clock push: a correction held within max(5 s, threshold / 2)") {
  CHECK(jobs::correction_held(5, 0));
  CHECK(!jobs::correction_held(6, 0));
  CHECK(jobs::correction_held(-5, 9));   // 9 / 2 = 4 < 5
  CHECK(jobs::correction_held(30, 60));
  CHECK(!jobs::correction_held(31, 60));
  CHECK(!jobs::correction_held(-31, 60));
}

TEST_CASE("clock written in summer: UK local time to a DST meter; UTC (the field tool's way) is an hour slow") {
  const UtcTime now = *sim::parse_utc("2025-07-15T12:00:00Z");
  const MeterTime local = from_utc(now, ClockKind::uk_local);
  CHECK(format_iso(local) == "2025-07-15T13:00:00");
  CHECK(format_iso(from_utc(now, ClockKind::utc)) == "2025-07-15T12:00:00");
  CHECK(jobs::clock_drift(local, ClockKind::uk_local, now) == 0);
  CHECK(jobs::clock_drift(from_utc(now, ClockKind::utc), ClockKind::uk_local, now) == -3600);
  CHECK(jobs::needs_correction(-3600, 60));
}
