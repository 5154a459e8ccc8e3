#include "billing/calendar.hpp"

#include <array>
#include <stdexcept>

namespace flows::billing {

int days_in_year(int year) { return date::year{year}.is_leap() ? 366 : 365; }

int days_in_month(int year, unsigned month) {
  if (month < 1 || month > 12) throw std::invalid_argument("month must be 1-12");
  return static_cast<int>(static_cast<unsigned>((date::year{year} / date::month{month} / date::last).day()));
}

std::optional<Month> Month::parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  for (std::size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    if (i < 4) y = y * 10 + (text[i] - '0');
    else m = m * 10 + static_cast<unsigned>(text[i] - '0');
  }
  if (y < 1 || m < 1 || m > 12) return std::nullopt;
  return Month(date::year{y} / date::month{m});
}

Month::Month(int year, unsigned month) : ym_(date::year{year} / date::month{month}) {
  if (year < 1 || year > 9999 || month < 1 || month > 12) throw std::invalid_argument("no such month");
}

Month Month::next() const { return Month(ym_ + date::months{1}); }

std::string Month::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", year(), month());
  return buf;
}

std::string Month::long_name() const { return std::string(month_name(month())) + " " + std::to_string(year()); }

const char* month_name(unsigned month) {
  static constexpr std::array<const char*, 12> names{"January", "February", "March",     "April",   "May",      "June",
                                                     "July",    "August",   "September", "October", "November", "December"};
  if (month < 1 || month > 12) throw std::out_of_range("month must be 1-12");
  return names[month - 1];
}

std::string long_date(std::string_view d, bool with_year) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::string(d);
  const auto m = Month::parse(d.substr(0, 7));
  if (!m || d[8] < '0' || d[8] > '9' || d[9] < '0' || d[9] > '9') return std::string(d);
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (day < 1 || day > m->days()) return std::string(d);
  std::string out = std::to_string(day) + " " + month_name(m->month());
  if (with_year) out += " " + std::to_string(m->year());
  return out;
}

int days_elapsed(const Month& month, date::year_month_day today) {
  if (today < month.first_day()) return 0;
  if (today > month.last_day()) return month.days();
  return static_cast<int>(static_cast<unsigned>(today.day()));
}

TimeRange uk_month_range(const Month& month) {
  // Local midnight is never inside a UK clock change (those happen at 01:00 UTC).
  auto local_midnight = [](date::year_month_day d) { return MeterTime{date::local_days{d}}; };
  return {to_utc(local_midnight(month.first_day()), ClockKind::uk_local),
          to_utc(local_midnight(month.next().first_day()), ClockKind::uk_local)};
}

UtcTime uk_day_start(date::year_month_day day) {
  return to_utc(MeterTime{date::local_days{day}}, ClockKind::uk_local);
}

date::year_month_day uk_date(UtcTime instant) {
  return date::year_month_day{date::floor<date::days>(from_utc(instant, ClockKind::uk_local))};
}

}  // namespace flows::billing
