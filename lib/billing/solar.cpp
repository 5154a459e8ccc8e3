#include "billing/solar.hpp"

#include "core/error.hpp"

namespace flows::billing {
namespace {

void check_ratio(const Decimal& ratio) {
  if (ratio.sign() < 0 || ratio > 1) throw usage_error("allocation ratio " + ratio.to_string() + " is outside 0-1");
}

}  // namespace

PencePerDay pence_per_day(const Decimal& pence_per_year, int year) {
  if (pence_per_year.sign() < 0)
    throw usage_error("solar credit of " + pence_per_year.to_string() + " pence per year is negative");
  return {pence_per_year, days_in_year(year)};
}

SolarCredit monthly_solar_credit(const Decimal& capacity_kw, const Month& month, const Decimal& pence_per_year) {
  if (capacity_kw.sign() < 0) throw usage_error("solar capacity " + capacity_kw.to_string() + " kW is negative");
  SolarCredit c;
  c.pence_per_day = pence_per_day(pence_per_year, month.year());
  c.days = month.days();
  // Multiply before dividing, so the only loss is the final truncation.
  const Decimal numerator = capacity_kw * Decimal(c.days) * pence_per_year;
  c.credit_pence = numerator.div_trunc(c.pence_per_day.days_in_year, 0).to_int64_trunc();
  return c;
}

std::int64_t solar_share(std::int64_t base_pence, const Decimal& ratio) {
  check_ratio(ratio);
  return (Decimal(base_pence) * ratio).to_int64_trunc();
}

std::vector<std::int64_t> allocate_solar_credit(std::int64_t base_pence, const std::vector<Decimal>& ratios) {
  if (ratios.empty()) throw usage_error("no allocation ratios: they must sum to 1");
  Decimal sum;
  for (const auto& r : ratios) {
    check_ratio(r);
    sum += r;
  }
  if (sum != 1) throw usage_error("allocation ratios sum to " + sum.to_string() + ", not 1");
  std::vector<std::int64_t> shares;
  shares.reserve(ratios.size());
  for (const auto& r : ratios) shares.push_back(solar_share(base_pence, r));
  return shares;
}

}  // namespace flows::billing
