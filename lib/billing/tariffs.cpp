#include "billing/tariffs.hpp"

#include "core/error.hpp"
#include "core/rate_limits.hpp"

namespace flows::billing {
namespace {

void check_range(const std::string& what, const Decimal& v, const Decimal& max, const std::string& unit) {
  if (v.sign() < 0 || v > max)
    throw usage_error(what + " " + v.to_string() + " is outside 0-" + max.to_string() + " " + unit);
}

void check_money(const std::string& what, const Decimal& v, const Decimal& max, const std::string& unit) {
  check_range(what, v, max, unit);
  if (v.decimals() > 5) throw usage_error(what + " " + v.to_string() + " has more than 5 decimals");
}

Rates discounted(const Rates& benchmark, const Decimal& discount_percent) {
  validate_rates(benchmark);
  validate_discount(discount_percent);
  const Decimal factor = (Decimal(100) - discount_percent).shifted(-2);  // 1 − d/100, exact
  return {benchmark.unit_rate * factor, benchmark.standing_charge * factor};
}

}  // namespace

void validate_rates(const Rates& r) {
  check_money("benchmark unit rate", r.unit_rate, 100, "£/kWh");
  check_money("benchmark standing charge", r.standing_charge, 100, "£/day");
}

void validate_plausible(const Rates& r, bool allow_unusual) {
  if (allow_unusual) return;
  auto check = [](const std::string& what, const Decimal& v, std::int64_t max_units, const std::string& unit) {
    const Decimal max = Decimal::from_parts(max_units, 5);
    if (v > max)
      throw usage_error(what + " " + v.to_string() + " " + unit + " is over the plausible " + max.to_string_min(0) +
                        " " + unit + " (pence typed as pounds? --allow-unusual-rate accepts it)");
  };
  check("unit rate", r.unit_rate, rate_limits::max_unit_rate_units, "£/kWh");
  check("standing charge", r.standing_charge, rate_limits::max_standing_charge_units, "£/day");
}

void validate_discount(const Decimal& percent) { check_range("discount", percent, 100, "%"); }

void validate_prepayment(const PrepaymentSettings& p) {
  check_money("emergency credit", p.emergency_credit, 5000, "£");
  check_money("e-credit threshold", p.ecredit_threshold, 5000, "£");
  check_money("debt recovery rate", p.debt_recovery_rate, 500, "£/day");
}

void validate(const BenchmarkTariff& t) { validate_rates(t.rates); }

void validate(const MicrogridTariff& t) {
  validate_discount(t.discount);
  validate_prepayment(t.prepayment);
}

void validate(const CustomerTariff& t) { validate_discount(t.discount); }

Rates customer_rates(const Rates& benchmark, const Decimal& discount_percent) {
  Rates r = discounted(benchmark, discount_percent);
  return {r.unit_rate.truncate_to(5), r.standing_charge.truncate_to(5)};
}

Rates microgrid_rates(const Rates& benchmark, const Decimal& discount_percent) {
  return discounted(benchmark, discount_percent);
}

std::map<std::string, Rates> rates_in_force(const std::vector<RatesRow>& rows, date::year_month_day day) {
  std::map<std::string, Rates> out;
  for (const auto& [key, row] : tariffs_in_force(rows, &RatesRow::key, day)) out.emplace(key, row.rates);
  return out;
}

Rates as_on_meter(const Rates& r) { return {r.unit_rate.truncate_to(5), r.standing_charge.truncate_to(5)}; }

}  // namespace flows::billing
