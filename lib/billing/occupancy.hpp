#pragma once
// Dated occupancy: who holds a supply account on which UK days, and what a
// move-in or a move-out may do. No I/O.
//
// An occupier holds the account over the UK civil days [move_in, move_out):
// the move-out date is the first day they no longer occupy it, so the next
// occupier moving in that day takes over without a day billed twice or not at
// all. A missing move_in means "since before the records", a missing move_out
// "still there".
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "billing/calendar.hpp"

namespace flows::billing {

using Day = date::year_month_day;

struct OccupancyDates {
  std::optional<Day> move_in, move_out;
};

// The days of a month an occupancy is billed for: [first, last], 1-based, of
// the month's first `days_charged` days (days_elapsed for the month in
// progress). Empty (count 0) when they do not meet.
struct DayRange {
  int first = 1, last = 0;
  int count() const { return last >= first ? last - first + 1 : 0; }
  bool contains(int day) const { return first <= day && day <= last; }
};
DayRange occupied_days(const OccupancyDates& dates, const Month& month, int days_charged);

// The UTC instants of those days: [UK midnight of the first, UK midnight after
// the last). Only meaningful when the range is not empty.
TimeRange occupied_range(const DayRange& days, const Month& month);

// Whether an occupancy reaches into the UK days [from, to).
bool overlaps(const OccupancyDates& dates, Day from, std::optional<Day> to);

// An account's occupier, for the move decisions.
struct Occupier {
  std::string email;
  OccupancyDates dates;
};

// Why `email` may not move into an account on `day` given its occupiers (with
// this role), or nothing: someone still occupies it on or after that day (the
// earlier occupier must move out first, on that day at the latest), or the
// customer already holds the account.
std::optional<std::string> move_in_refusal(const std::vector<Occupier>& occupiers, const std::string& email, Day day);

// Why the occupancy may not end on `day`, or nothing: it has already ended, or
// the day is not after its move-in.
std::optional<std::string> move_out_refusal(const OccupancyDates& dates, Day day);

}  // namespace flows::billing
