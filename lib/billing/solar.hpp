#pragma once
// Solar credits: an ESCO pays solar owners a credit per kW of declared net
// capacity per day, set as pence per year.
//
// Pence per day = pence per year / days in the credited month's year (365 or
// 366), kept as that exact quotient: 3650/yr is 10 p/day, and in 2024 3650/yr is
// 3650/366 = 9.97267759562…, which is not a finite decimal. The monthly credit
// is trunc(capacity kW × days in month × pence per year / days in year) whole
// pence, computed with the exact quotient (only the displayed pence per day is
// truncated). An installation's credit is shared among properties by ratios that
// sum to exactly 1; each share is trunc(credit × ratio) whole pence, so the shares
// may add up to a few pence less than the credit (those pence are not paid).
#include <cstdint>
#include <vector>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"

namespace flows::billing {

struct PencePerDay {
  Decimal pence_per_year;
  int days_in_year = 365;
  // pence_per_year / days_in_year truncated toward zero: 3650/366 → 9.972677595 at 9.
  Decimal truncated(int decimals) const { return pence_per_year.div_trunc(days_in_year, decimals); }
};

// Throws flows::Error (usage) when pence_per_year is negative.
PencePerDay pence_per_day(const Decimal& pence_per_year, int year);

struct SolarCredit {
  PencePerDay pence_per_day;
  int days = 0;                    // days in the month
  std::int64_t credit_pence = 0;   // whole pence, truncated
};

// Throws flows::Error (usage) when capacity or pence per year is negative.
SolarCredit monthly_solar_credit(const Decimal& capacity_kw, const Month& month, const Decimal& pence_per_year);

// trunc(base × ratio) whole pence; the ratio must be within 0-1 (usage error).
std::int64_t solar_share(std::int64_t base_pence, const Decimal& ratio);

// One share per ratio, in order. The ratios must each be within 0-1 and sum to
// exactly 1, else flows::Error (usage) saying what they sum to.
std::vector<std::int64_t> allocate_solar_credit(std::int64_t base_pence, const std::vector<Decimal>& ratios);

}  // namespace flows::billing
