#pragma once
// Benchmark, microgrid and customer tariffs, the rates computed from them, and
// which row is in force for a month.
//
// Rates: a benchmark's are £ with at most 5 decimals (£/kWh, £/day). A customer's
// are (1 − d/100) × benchmark truncated toward zero to 5 decimals, since they are
// programmed into the meter (0.2345 at 25 % → 0.175875 → 0.17587). A microgrid's
// are (1 − d/100) × benchmark exactly, not rounded (0.175875).
#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <date/date.h>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"

namespace flows::billing {

struct Rates {
  Decimal unit_rate;        // £/kWh
  Decimal standing_charge;  // £/day
  friend bool operator==(const Rates&, const Rates&) = default;
};

// What an ESCO's meters carry besides rates. Defaults are those of a new quarter
// with nothing to carry over.
struct PrepaymentSettings {
  Decimal emergency_credit = 15;                               // £, 0-5000
  Decimal ecredit_threshold = 10;                              // £, 0-5000 (e-credit button)
  Decimal debt_recovery_rate = Decimal::from_parts(25, 2);     // £/day, 0-500
  friend bool operator==(const PrepaymentSettings&, const PrepaymentSettings&) = default;
};

inline const Decimal default_discount = 25;  // %

struct BenchmarkTariff {
  std::string region;
  date::year_month_day period_start;
  Rates rates;
};

struct MicrogridTariff {
  std::string esco;
  date::year_month_day period_start;
  Decimal discount = default_discount;  // %, against the benchmark in force at period_start
  PrepaymentSettings prepayment;
};

struct CustomerTariff {
  std::string customer;
  date::year_month_day period_start;
  Decimal discount = default_discount;  // %
};

// (1 − d/100) × benchmark, truncated to 5 decimals. Validates both (usage_error).
Rates customer_rates(const Rates& benchmark, const Decimal& discount_percent);
// (1 − d/100) × benchmark, exact. Validates both (usage_error).
Rates microgrid_rates(const Rates& benchmark, const Decimal& discount_percent);

// Each throws flows::Error (usage) naming the value and its valid range, e.g.
// "discount 120 is outside 0-100 %".
void validate_rates(const Rates& r);  // a benchmark's: 0-100, at most 5 decimals each
void validate_discount(const Decimal& percent);    // 0-100
// A rate as entered (benchmark add, a benchmark document, quote tariff): within
// the plausible bounds of core/rate_limits.hpp (unit rate 0-1 £/kWh, standing
// charge 0-2 £/day) unless `allow_unusual` (--allow-unusual-rate). Throws
// flows::Error (usage) naming the value and the bound.
void validate_plausible(const Rates& r, bool allow_unusual);
void validate_prepayment(const PrepaymentSettings& p);
void validate(const BenchmarkTariff& t);
void validate(const MicrogridTariff& t);
void validate(const CustomerTariff& t);

// The row in force on `day`: the latest period_start on or before it; nullptr when
// every row starts later (or there are none). Two candidate rows with the same
// period_start are a caller's bug (the database keys them uniquely): logic_error.
template <class Row>
const Row* tariff_in_force(const std::vector<Row>& rows, date::year_month_day day) {
  const Row* best = nullptr;
  for (const Row& r : rows) {
    if (r.period_start > day) continue;
    if (best && r.period_start == best->period_start)
      throw std::logic_error("two tariff rows start on the same day");
    if (!best || r.period_start > best->period_start) best = &r;
  }
  return best;
}

// For a month: the row in force on its first day.
template <class Row>
const Row* tariff_in_force(const std::vector<Row>& rows, const Month& month) {
  return tariff_in_force(rows, month.first_day());
}

// Rows of several tariffs at once (every region's benchmark, every ESCO's
// microgrid tariff, every customer's tariff): for each key (`key` names the
// member), the row in force on `day`. Keys whose rows all start later are absent.
template <class Row, class Key>
std::map<Key, Row> tariffs_in_force(const std::vector<Row>& rows, Key Row::*key, date::year_month_day day) {
  std::map<Key, std::vector<Row>> by_key;
  for (const Row& r : rows) by_key[r.*key].push_back(r);
  std::map<Key, Row> out;
  for (const auto& [k, group] : by_key)
    if (const Row* r = tariff_in_force(group, day)) out.emplace(k, *r);
  return out;
}

// Rates as a tariff table row holds them: a region's benchmark, an ESCO's
// microgrid rates or a customer's rates from a period start.
struct RatesRow {
  std::string key;  // region, ESCO id or customer id
  date::year_month_day period_start;
  Rates rates;
};

// The rates in force on `day`, by key.
std::map<std::string, Rates> rates_in_force(const std::vector<RatesRow>& rows, date::year_month_day day);

// Rates as the meter carries them and bills use them: truncated to 5 decimals
// (a customer_tariffs row may hold more).
Rates as_on_meter(const Rates& r);

}  // namespace flows::billing
