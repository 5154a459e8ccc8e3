#pragma once
// A new quarter's tariff rows, decided from values: for an ESCO, its microgrid
// row carrying the previous period's discount and prepayment settings over
// (defaults when none), its rates from the benchmark in force at the start; for
// each of its live, prelive or onboarding occupiers, a customer row carrying
// their previous discount (default 25 %), rates truncated to 5 decimals. A row
// that exists for the start is kept as it stands, so a re-run changes nothing.
#include <optional>
#include <string>

#include "billing/decimal.hpp"
#include "billing/scope.hpp"
#include "billing/tariffs.hpp"

namespace flows::billing {

struct QuarterRow {
  std::string esco;           // code
  std::string customer;       // email; empty for the ESCO's microgrid row
  Decimal discount;
  Rates rates;
  bool carried_over = false;  // from an earlier period (else the defaults)
  bool created = false;       // false: a row for this start already existed, kept
};

// The latest microgrid row before the quarter's start.
struct MicrogridCarryOver {
  Decimal discount;
  PrepaymentSettings prepayment;
};

// A tariff row that exists at the quarter's start.
struct ExistingTariff {
  Decimal discount;
  Rates rates;
};

struct MicrogridQuarter {
  QuarterRow row;
  PrepaymentSettings prepayment;  // what a created row carries
};

// Validates what is carried over (flows::Error, usage) even when the row exists.
MicrogridQuarter microgrid_quarter(const Esco& esco, const Rates& benchmark,
                                   const std::optional<MicrogridCarryOver>& previous,
                                   const std::optional<ExistingTariff>& existing);

// A customer of the quarter: their latest discount before the start, and their
// row at the start when there is one.
struct QuarterCustomer {
  std::string id, email;
  std::optional<Decimal> previous_discount;
  std::optional<ExistingTariff> existing;  // rates as stored
};

// The existing row's rates as meters and bills use them (5 decimals).
QuarterRow customer_quarter(const Esco& esco, const Rates& benchmark, const QuarterCustomer& customer);

}  // namespace flows::billing
