#pragma once
// Meter time. A meter keeps a naive clock reading: UTC, or UK local time (GMT/BST)
// when its daylight-savings correction is on. EMOP seconds count from
// 2000-01-01T00:00:00 on that clock. Conversions to real instants go through
// Howard Hinnant's tz database (Europe/London) so BST is honoured.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace flows {

using MeterTime = date::local_seconds;   // a reading of the meter's clock
using UtcTime = date::sys_seconds;       // an instant

enum class ClockKind { utc, uk_local };

constexpr MeterTime emop_epoch = MeterTime{date::local_days{date::year{2000} / 1 / 1}};

// EMOP seconds ↔ meter clock reading (no zone involved).
MeterTime from_emop_seconds(std::uint32_t s);
// nullopt when the reading lies before 2000-01-01 or past the u32 range.
std::optional<std::uint32_t> to_emop_seconds(MeterTime t);

// Meter clock reading ↔ instant. For a UK-local clock, a reading in the hour that
// repeats when BST ends is taken as the earlier (BST) instant, and a reading in
// the hour skipped when BST starts is moved forward by the gap, as the meter would.
UtcTime to_utc(MeterTime t, ClockKind kind);
MeterTime from_utc(UtcTime t, ClockKind kind);

// "2023-08-06T21:00:01" (no zone suffix: it is a clock reading).
std::string format_iso(MeterTime t);
// "2023-08-06T21:00:01Z".
std::string format_iso_utc(UtcTime t);

// Accepts "YYYY-MM-DDTHH:MM[:SS]" or with a space instead of 'T', or a bare date
// "YYYY-MM-DD" (midnight). Returns nullopt on anything else, including impossible
// dates such as 2023-02-30 or a trailing zone designator.
std::optional<MeterTime> parse_iso(std::string_view text);

// A calendar date, exactly "YYYY-MM-DD" (nullopt for anything else, including
// impossible dates), and back.
std::optional<date::year_month_day> parse_date(std::string_view text);
std::string format_date(date::year_month_day d);  // "2024-06-01"

}  // namespace flows
