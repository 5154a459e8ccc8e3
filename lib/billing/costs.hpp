#pragma once
// Monthly cost per customer, at the customer's, the microgrid's and the benchmark
// tariff.
//
// Rounding: cost lines are computed exactly (rate × kWh, rate × days — a microgrid
// rate has up to 9 decimals, kWh as many as the readings carry) and should be
// stored exactly (PostgreSQL numeric holds them). Statements show pounds and
// pence: each line is rounded to the penny, half away from zero (£1.005 → £1.01),
// and the statement's total is defined as the sum of the rounded lines, so a
// statement always adds up to the penny. The total may then differ from the
// exact total rounded (by at most 1.5p with three lines); the exact one stays in
// CostLines::total() for anyone who needs it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/decimal.hpp"
#include "billing/tariffs.hpp"

namespace flows::billing {

enum class CircuitType { power, heat, solar };

// As flows.circuit_type_enum spells them: "power", "heat", "solar".
const char* to_string(CircuitType t);
std::optional<CircuitType> parse_circuit_type(std::string_view text);

struct CircuitUsage {
  std::string circuit;
  CircuitType type;
  Decimal kwh;
};

// A property's consumption split by what is billed. Solar circuits measure
// generation and are not billed (solar owners get credits instead: solar.hpp).
struct CustomerUsage {
  Decimal power_kwh;
  Decimal heat_kwh;
};
CustomerUsage customer_usage(const std::vector<CircuitUsage>& circuits);

// Exact amounts in £.
struct CostLines {
  Decimal power;            // unit rate × power kWh
  Decimal heat;             // unit rate × heat kWh
  Decimal standing_charge;  // standing charge × days
  Decimal total() const { return power + heat + standing_charge; }
};

// `days`: days in the month, or days_elapsed() for the month in progress (>= 0).
CostLines cost_lines(const Rates& rates, const CustomerUsage& usage, int days);

struct MonthlyCosts {
  CostLines customer;
  CostLines microgrid;
  CostLines benchmark;
};
MonthlyCosts monthly_costs(const CustomerUsage& usage, const Rates& customer, const Rates& microgrid,
                           const Rates& benchmark, int days);

// Pounds with exactly 2 decimals, each line rounded half away from zero;
// total == power + heat + standing_charge, exactly.
struct StatementLines {
  Decimal power;
  Decimal heat;
  Decimal standing_charge;
  Decimal total;
};
StatementLines statement_lines(const CostLines& exact);

// What the customer saved against the benchmark, in the statement's pence:
// benchmark.total − customer.total of the rounded lines (so it adds up too).
Decimal saving(const StatementLines& customer, const StatementLines& benchmark);

}  // namespace flows::billing
