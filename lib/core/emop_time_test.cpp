#include "core/emop_time.hpp"

#include <doctest/doctest.h>

using namespace flows;

TEST_CASE("EMOP seconds count from 2000-01-01 on the meter's clock") {
  CHECK(format_iso(from_emop_seconds(0)) == "2000-01-01T00:00:00");
  CHECK(format_iso(from_emop_seconds(31622400)) == "2001-01-01T00:00:00");
  CHECK(to_emop_seconds(*parse_iso("2001-01-01T00:00:00")) == 31622400u);
  CHECK_FALSE(to_emop_seconds(*parse_iso("1999-12-31T23:59:59")));
  CHECK(format_iso(from_emop_seconds(0xFFFFFFFF)) == "2136-02-07T06:28:15");
}

TEST_CASE("ISO parsing is strict") {
  CHECK(format_iso(*parse_iso("2023-08-06 21:00")) == "2023-08-06T21:00:00");
  CHECK(format_iso(*parse_iso("2024-02-29")) == "2024-02-29T00:00:00");
  for (auto bad : {"2023-02-29", "2023-13-01", "2023-08-06T24:00:00", "2023-08-06T21:00:00Z", "2023-8-6",
                   "yesterday", "", "2023-08-06T21:0"})
    CHECK_MESSAGE(!parse_iso(bad), bad);
}

TEST_CASE("a UK-local meter clock honours BST") {
  // Summer: local = UTC + 1.
  auto summer = *parse_iso("2023-08-06T21:00:01");
  CHECK(format_iso_utc(to_utc(summer, ClockKind::uk_local)) == "2023-08-06T20:00:01Z");
  CHECK(format_iso_utc(to_utc(summer, ClockKind::utc)) == "2023-08-06T21:00:01Z");
  // Winter: local = UTC.
  CHECK(format_iso_utc(to_utc(*parse_iso("2023-12-01T12:00:00"), ClockKind::uk_local)) == "2023-12-01T12:00:00Z");
  // From an instant back to the clock.
  auto instant = to_utc(*parse_iso("2024-03-31T01:30:00"), ClockKind::utc);  // after the 01:00 UTC change
  CHECK(format_iso(from_utc(instant, ClockKind::uk_local)) == "2024-03-31T02:30:00");
  // The repeated hour when BST ends (2024-10-27 01:00-02:00 local) is read as the BST one.
  CHECK(format_iso_utc(to_utc(*parse_iso("2024-10-27T01:30:00"), ClockKind::uk_local)) == "2024-10-27T00:30:00Z");
  // The skipped hour when BST starts (2024-03-31 01:00-02:00 local) maps forward.
  CHECK(format_iso_utc(to_utc(*parse_iso("2024-03-31T01:30:00"), ClockKind::uk_local)) == "2024-03-31T01:30:00Z");
}

TEST_CASE("dates are exactly YYYY-MM-DD, and format back") {
  using namespace date::literals;
  CHECK(flows::parse_date("2024-02-29") == 2024_y / 2 / 29);
  CHECK_FALSE(flows::parse_date("2023-02-29"));
  CHECK_FALSE(flows::parse_date("2024-2-29"));
  CHECK_FALSE(flows::parse_date("2024-02-29T00:00"));
  CHECK_FALSE(flows::parse_date(""));
  CHECK(flows::format_date(2024_y / 6 / 1) == "2024-06-01");
}
