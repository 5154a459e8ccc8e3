#pragma once
// A month's usage per circuit, added up from what the database holds per
// register and UK day.
//
// A register counts toward a circuit over its link's [start_time, end_time)
// clipped to the month (UK civil months, calendar.hpp), as
// flows.circuit_interval_hh counts it. link_reads says where each clipped link's
// kWh are read from: the UK days wholly inside it from the daily rollup, the
// part days at either end from the half hours. The database hands them over as
// kWh per (circuit, register, UK day) (db/billing_inputs.hpp); a circuit with
// several registers, or a register swapped mid-month, gives several rows per
// circuit and day: they are added up here.
#include <array>
#include <chrono>
#include <optional>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "billing/calendar.hpp"
#include "billing/costs.hpp"
#include "billing/decimal.hpp"

namespace flows::billing {

// Instants as the database holds them (microseconds).
using Instant = std::chrono::sys_time<std::chrono::microseconds>;

// A register's link to a circuit clipped to the month: [start, end).
struct CircuitLink {
  std::string circuit, register_id;
  Instant start, end;
};

struct UkDays {
  date::year_month_day first, end;  // [first, end), UK civil days
};

struct LinkReads {
  std::string circuit, register_id;
  std::optional<UkDays> whole_days;               // from the daily rollup
  std::vector<std::pair<Instant, Instant>> part;  // [start, end) from the half hours
};

// The UK days wholly inside the link, and the part days before the first and
// after the last of them (the whole link when no day is whole).
LinkReads link_reads(const CircuitLink& link);

struct CircuitMonth {
  std::string name;
  CircuitType type = CircuitType::power;
  Decimal kwh;
  int half_hours = 0;
  std::array<Decimal, 31> daily{};  // kWh per UK day of the month (index: day - 1)
  std::array<int, 31> daily_half_hours{};  // the half hours behind them: 0 where nothing was recorded
};

using CircuitMonths = std::map<std::string, CircuitMonth, std::less<>>;  // by circuit id

class MonthUsage {
 public:
  // A circuit in scope (linked in the month to a register of an ESCO's meter),
  // with nothing used yet. `type` as flows.circuit_type_enum spells it; any
  // other text counts as power.
  void add_circuit(const std::string& id, const std::string& name, std::string_view type);

  // kWh (and the half hours behind them) of one register on `circuit` on UK day
  // `day` (1-31) of the month. A circuit not added, or a day outside 1-31, is a
  // caller's bug: std::logic_error.
  void add(std::string_view circuit, int day, const Decimal& kwh, int half_hours);

  const CircuitMonths& circuits() const { return circuits_; }

 private:
  CircuitMonths circuits_;
  std::string last_id_;
  CircuitMonth* last_ = nullptr;  // rows of one link mostly come together
};

// A row of monthly_usage (and of the report).
struct CircuitUsageRow {
  std::string circuit_id, name, type;
  Decimal kwh;
  int half_hours = 0;
};

// One row per circuit, by circuit id. A circuit that used a negative amount
// means its half-hourly data is wrong: flows::Error (config) naming it, so
// that nothing is written.
std::vector<CircuitUsageRow> usage_rows(const CircuitMonths& circuits, const Month& month);

// The rows' kWh apart: consumption (power and heat circuits) and generation
// (solar circuits), never added together.
struct UsageTotals {
  Decimal consumption_kwh, generation_kwh;
};
UsageTotals usage_totals(const std::vector<CircuitUsageRow>& rows);

// The usage of a property's circuits (ids; those out of scope are ignored) and
// their kWh per UK day added up. `recorded`: whether any of them recorded a half
// hour on that day (a day without is "no data", not 0 kWh).
struct PropertyUsage {
  std::vector<CircuitUsage> circuits;
  std::array<Decimal, 31> daily{};
  std::array<bool, 31> recorded{};
};
PropertyUsage property_usage(const CircuitMonths& circuits, const std::vector<std::string>& circuit_ids);
// The same over UK days [first_day, last_day] of the month only (1-31): each
// circuit's kWh is the sum of those days (daily holds the days outside as 0).
PropertyUsage property_usage(const CircuitMonths& circuits, const std::vector<std::string>& circuit_ids,
                             int first_day, int last_day);

}  // namespace flows::billing
