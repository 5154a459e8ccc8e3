#include "billing/calendar.hpp"

#include <doctest/doctest.h>

using namespace flows::billing;
using namespace date::literals;

namespace {
flows::UtcTime at(date::year_month_day d, int h, int m = 0) {
  return flows::UtcTime{date::sys_days{d}} + std::chrono::hours{h} + std::chrono::minutes{m};
}
}  // namespace

TEST_CASE("billing calendar knows leap years") {
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2023, 2) == 28);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(2024, 4) == 30);
  CHECK(days_in_month(2024, 12) == 31);
  CHECK(days_in_year(2024) == 366);
  CHECK(days_in_year(2023) == 365);
  CHECK(days_in_year(1900) == 365);
  CHECK(days_in_year(2000) == 366);
  CHECK(Month(2024, 2).days() == 29);
}

TEST_CASE("billing month parses YYYY-MM strictly") {
  CHECK(Month::parse("2024-02")->to_string() == "2024-02");
  CHECK(Month::parse("0001-01")->year() == 1);
  CHECK(Month::parse("9999-12")->month() == 12);
  for (auto bad : {"2024-13", "2024-00", "2024-1", "24-01", "2024-01-01", "2024/01", " 2024-01", "2024-01 ",
                   "+024-01", "0000-01", "2024-1a", "", "202401", "2024-+1"})
    CHECK_MESSAGE(!Month::parse(bad), bad);
}

TEST_CASE("billing months and days by name") {
  CHECK(Month(2026, 11).long_name() == "November 2026");
  CHECK(Month(2024, 1).long_name() == "January 2024");
  CHECK(std::string(month_name(12)) == "December");
  CHECK_THROWS(month_name(0));
  CHECK(long_date("2026-11-21") == "21 November");
  CHECK(long_date("2024-02-01", true) == "1 February 2024");
  for (auto odd : {"2024-02-30", "2024-13-01", "21 Nov", "2024-06-0x", ""}) CHECK(long_date(odd) == odd);
}

TEST_CASE("billing month steps and orders") {
  CHECK(Month(2024, 12).next() == Month(2025, 1));
  CHECK(Month(2024, 1) < Month(2024, 2));
  CHECK(Month(2023, 12) < Month(2024, 1));
  CHECK(Month(2024, 2).first_day() == 2024_y / 2 / 1);
  CHECK(Month(2024, 2).last_day() == 2024_y / 2 / 29);
  CHECK_THROWS(Month(2024, 13));
}

TEST_CASE("billing days elapsed count the 1st up to and including today") {
  const Month feb(2024, 2);
  CHECK(days_elapsed(feb, 2024_y / 2 / 10) == 10);
  CHECK(days_elapsed(feb, 2024_y / 2 / 1) == 1);
  CHECK(days_elapsed(feb, 2024_y / 2 / 29) == 29);
  CHECK(days_elapsed(feb, 2024_y / 1 / 31) == 0);  // not started
  CHECK(days_elapsed(feb, 2024_y / 3 / 1) == 29);  // over: the whole month
  CHECK(days_elapsed(feb, 2025_y / 6 / 1) == 29);
}

TEST_CASE("billing months are UK civil months") {
  auto jan = uk_month_range(Month(2024, 1));  // GMT throughout
  CHECK(jan.start == at(2024_y / 1 / 1, 0));
  CHECK(jan.end == at(2024_y / 2 / 1, 0));
  auto jul = uk_month_range(Month(2024, 7));  // BST: local midnight is 23:00 UTC the day before
  CHECK(jul.start == at(2024_y / 6 / 30, 23));
  CHECK(jul.end == at(2024_y / 7 / 31, 23));
  auto mar = uk_month_range(Month(2024, 3));  // BST starts on 31 March
  CHECK(mar.start == at(2024_y / 3 / 1, 0));
  CHECK(mar.end == at(2024_y / 3 / 31, 23));
  auto oct = uk_month_range(Month(2024, 10));  // BST ends on 27 October
  CHECK(oct.start == at(2024_y / 9 / 30, 23));
  CHECK(oct.end == at(2024_y / 11 / 1, 0));
  CHECK(jul.contains(at(2024_y / 6 / 30, 23)));
  CHECK(!jul.contains(at(2024_y / 7 / 31, 23)));
}

TEST_CASE("billing today is the UK date") {
  CHECK(uk_date(at(2024_y / 6 / 30, 23, 30)) == 2024_y / 7 / 1);
  CHECK(uk_date(at(2024_y / 1 / 31, 23, 30)) == 2024_y / 1 / 31);
}
