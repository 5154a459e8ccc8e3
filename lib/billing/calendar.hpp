#pragma once
// Billing months and days.
//
// Month boundaries: a billing month is a UK civil month (Europe/London): it runs
// from local midnight on the 1st to local midnight on the 1st of the next month,
// so in summer it starts at 23:00 UTC the day before. That is how customers are
// billed (their meters' days are UK days), and it is the convention of the
// database's flows.circuit_interval_monthly view, so usage computed here agrees
// with it. Timestamps themselves are UTC instants (half-hour starts); only the
// boundaries are local. UK offsets change on the hour, so no half hour straddles
// a boundary.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "core/emop_time.hpp"

namespace flows::billing {

int days_in_year(int year);                    // 365 or 366
int days_in_month(int year, unsigned month);   // month 1-12

class Month {
 public:
  // Exactly "YYYY-MM" with a month 01-12 and a year 0001-9999; rejects "2024-13",
  // "2024-1", "24-01", "2024-01-01", signs and spaces.
  static std::optional<Month> parse(std::string_view text);
  Month(int year, unsigned month);  // throws std::invalid_argument outside 1-9999 / 1-12

  int year() const { return static_cast<int>(ym_.year()); }
  unsigned month() const { return static_cast<unsigned>(ym_.month()); }
  int days() const { return days_in_month(year(), month()); }
  date::year_month_day first_day() const { return ym_ / 1; }
  date::year_month_day last_day() const { return ym_ / date::last; }
  Month next() const;
  std::string to_string() const;  // "2024-02"
  std::string long_name() const;  // "February 2024"

  friend bool operator==(const Month&, const Month&) = default;
  friend std::strong_ordering operator<=>(const Month& a, const Month& b) {
    if (auto c = a.year() <=> b.year(); c != 0) return c;
    return a.month() <=> b.month();
  }

 private:
  explicit Month(date::year_month ym) : ym_(ym) {}
  date::year_month ym_;
};

// The English name of a month 1-12 ("November"); std::out_of_range otherwise.
const char* month_name(unsigned month);

// A UK day as a customer reads it: "2024-06-21" → "21 June" (with the year,
// "21 June 2024"); text that is not YYYY-MM-DD is returned as it is.
std::string long_date(std::string_view yyyy_mm_dd, bool with_year = false);

// Days of `month` whose standing charge is due by `today`: from the 1st up to and
// including today (a meter takes a day's standing charge as the day begins). So
// 0 for a month that has not started, today's day of month for the month in
// progress, and the whole month for a month that is over.
int days_elapsed(const Month& month, date::year_month_day today);

// [start, end) of UTC instants.
struct TimeRange {
  UtcTime start;
  UtcTime end;
  bool contains(UtcTime t) const { return start <= t && t < end; }
};

// The UK civil month as UTC instants: 2024-07 is [2024-06-30T23:00Z, 2024-07-31T23:00Z).
TimeRange uk_month_range(const Month& month);

// Local midnight (Europe/London) at the start of UK civil day `day`, as a UTC instant.
UtcTime uk_day_start(date::year_month_day day);

// The UK civil date at an instant (what "today" means for a month in progress).
date::year_month_day uk_date(UtcTime instant);

}  // namespace flows::billing
