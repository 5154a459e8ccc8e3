#include "billing/occupancy.hpp"

#include <algorithm>

#include "core/emop_time.hpp"

namespace flows::billing {

namespace {

int day_of(Day d) { return static_cast<int>(static_cast<unsigned>(d.day())); }

}  // namespace

DayRange occupied_days(const OccupancyDates& dates, const Month& month, int days_charged) {
  DayRange r{1, std::min(days_charged, month.days())};
  if (dates.move_in && *dates.move_in > month.first_day()) {
    if (*dates.move_in > month.last_day()) return {1, 0};
    r.first = day_of(*dates.move_in);
  }
  if (dates.move_out && *dates.move_out <= month.last_day()) {
    if (*dates.move_out <= month.first_day()) return {1, 0};
    r.last = std::min(r.last, day_of(*dates.move_out) - 1);
  }
  return r;
}

TimeRange occupied_range(const DayRange& days, const Month& month) {
  const Day first = month.first_day();
  const auto at = [&](int d) {
    return uk_day_start(Day{date::sys_days{first} + date::days{d - 1}});
  };
  return {at(days.first), at(days.last + 1)};
}

bool overlaps(const OccupancyDates& dates, Day from, std::optional<Day> to) {
  if (dates.move_out && *dates.move_out <= from) return false;
  if (to && dates.move_in && *dates.move_in >= *to) return false;
  return true;
}

std::optional<std::string> move_in_refusal(const std::vector<Occupier>& occupiers, const std::string& email, Day day) {
  for (const auto& o : occupiers) {
    if (o.email == email)
      return email + " already holds this account" +
             (o.dates.move_out ? " (until " + format_date(*o.dates.move_out) + "; a return is not recorded twice)"
                               : std::string());
    if (overlaps(o.dates, day, std::nullopt)) {
      if (!o.dates.move_out)
        return o.email + " still occupies it: move them out first (customers move-out " + o.email + " --date " +
               format_date(day) + ")";
      return o.email + " occupies it until " + format_date(*o.dates.move_out) + ", after " + format_date(day);
    }
  }
  return std::nullopt;
}

std::optional<std::string> move_out_refusal(const OccupancyDates& dates, Day day) {
  if (dates.move_out) return "has already moved out (on " + format_date(*dates.move_out) + ")";
  if (dates.move_in && day <= *dates.move_in)
    return "the move-out date " + format_date(day) + " must be after the move-in date " + format_date(*dates.move_in);
  return std::nullopt;
}

}  // namespace flows::billing
