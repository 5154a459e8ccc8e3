#pragma once
// Monthly usage per circuit from half-hourly register readings.
//
// A register counts toward a circuit over its link's [start_time, end_time) (open
// when end_time is null), exactly as the database's flows.circuit_interval_hh
// view counts it; a half hour belongs to a month when its start timestamp lies in
// the month's range (see calendar.hpp: UK civil months). A register linked to two
// circuits counts on both, and overlapping links of one register to one circuit
// count twice — again as the view does; preventing that is the data's job.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"
#include "core/emop_time.hpp"

namespace flows::billing {

struct HalfHourReading {
  std::string register_id;
  UtcTime timestamp;  // start of the half hour
  Decimal kwh;
};

struct CircuitRegister {
  std::string circuit;
  std::string register_id;
  UtcTime start_time;
  std::optional<UtcTime> end_time;  // exclusive; nullopt = still linked
  bool covers(UtcTime t) const { return start_time <= t && (!end_time || t < *end_time); }
};

// kWh per circuit inside `month` (e.g. uk_month_range(m)). Every circuit named by a
// link is in the result, with 0 when nothing of it falls in the month.
std::map<std::string, Decimal> usage_by_circuit(const std::vector<HalfHourReading>& readings,
                                                const std::vector<CircuitRegister>& links, TimeRange month);

}  // namespace flows::billing
