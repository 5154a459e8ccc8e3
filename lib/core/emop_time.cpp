#include "core/emop_time.hpp"

#include <date/tz.h>

#include <cstdio>
#include <limits>

namespace flows {
namespace {

const date::time_zone* london() {
  static const date::time_zone* zone = date::locate_zone("Europe/London");
  return zone;
}

bool parse_fixed(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

MeterTime from_emop_seconds(std::uint32_t s) { return emop_epoch + std::chrono::seconds{s}; }

std::optional<std::uint32_t> to_emop_seconds(MeterTime t) {
  auto d = (t - emop_epoch).count();
  if (d < 0 || d > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(d);
}

UtcTime to_utc(MeterTime t, ClockKind kind) {
  if (kind == ClockKind::utc) return UtcTime{t.time_since_epoch()};
  auto info = london()->get_info(t);
  switch (info.result) {
    case date::local_info::unique:
      return UtcTime{t.time_since_epoch()} - info.first.offset;
    case date::local_info::ambiguous:
      return UtcTime{t.time_since_epoch()} - info.first.offset;  // the earlier, BST
    case date::local_info::nonexistent:
    default:
      // Inside the spring gap: the reading means first.offset before the jump.
      return UtcTime{t.time_since_epoch()} - info.first.offset;
  }
}

MeterTime from_utc(UtcTime t, ClockKind kind) {
  if (kind == ClockKind::utc) return MeterTime{t.time_since_epoch()};
  return london()->to_local(t);
}

std::string format_iso(MeterTime t) { return date::format("%Y-%m-%dT%H:%M:%S", t); }

std::string format_iso_utc(UtcTime t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

std::optional<MeterTime> parse_iso(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!parse_fixed(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !parse_fixed(s, 5, 2, mo) ||
      s[7] != '-' || !parse_fixed(s, 8, 2, d))
    return std::nullopt;
  if (s.size() > 10) {
    if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
    if (s.size() != 16 && s.size() != 19) return std::nullopt;
    if (!parse_fixed(s, 11, 2, h) || s[13] != ':' || !parse_fixed(s, 14, 2, mi)) return std::nullopt;
    if (s.size() == 19 && (s[16] != ':' || !parse_fixed(s, 17, 2, sec))) return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return MeterTime{date::local_days{ymd}} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{sec};
}

std::optional<date::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;  // a bare date, no time of day
  auto t = parse_iso(text);
  if (!t) return std::nullopt;
  return date::year_month_day{date::floor<date::days>(*t)};
}

std::string format_date(date::year_month_day d) { return date::format("%F", d); }

}  // namespace flows
