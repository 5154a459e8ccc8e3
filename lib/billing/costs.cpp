#include "billing/costs.hpp"

#include <stdexcept>

namespace flows::billing {

const char* to_string(CircuitType t) {
  switch (t) {
    case CircuitType::power: return "power";
    case CircuitType::heat: return "heat";
    case CircuitType::solar: return "solar";
  }
  return "power";
}

std::optional<CircuitType> parse_circuit_type(std::string_view text) {
  for (CircuitType t : {CircuitType::power, CircuitType::heat, CircuitType::solar})
    if (text == to_string(t)) return t;
  return std::nullopt;
}

CustomerUsage customer_usage(const std::vector<CircuitUsage>& circuits) {
  CustomerUsage u;
  for (const auto& c : circuits) {
    if (c.type == CircuitType::power) u.power_kwh += c.kwh;
    else if (c.type == CircuitType::heat) u.heat_kwh += c.kwh;
  }
  return u;
}

CostLines cost_lines(const Rates& rates, const CustomerUsage& usage, int days) {
  if (days < 0) throw std::invalid_argument("a negative number of days");
  return {rates.unit_rate * usage.power_kwh, rates.unit_rate * usage.heat_kwh, rates.standing_charge * Decimal(days)};
}

MonthlyCosts monthly_costs(const CustomerUsage& usage, const Rates& customer, const Rates& microgrid,
                           const Rates& benchmark, int days) {
  return {cost_lines(customer, usage, days), cost_lines(microgrid, usage, days), cost_lines(benchmark, usage, days)};
}

StatementLines statement_lines(const CostLines& exact) {
  StatementLines s;
  s.power = exact.power.round_half_away_to(2);
  s.heat = exact.heat.round_half_away_to(2);
  s.standing_charge = exact.standing_charge.round_half_away_to(2);
  s.total = s.power + s.heat + s.standing_charge;
  return s;
}

Decimal saving(const StatementLines& customer, const StatementLines& benchmark) {
  return benchmark.total - customer.total;
}

}  // namespace flows::billing
