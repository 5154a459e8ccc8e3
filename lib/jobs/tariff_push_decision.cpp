#include "jobs/tariff_push_decision.hpp"

#include <set>

namespace flows::jobs {

std::optional<PlannedTariff> plan_tariff(const db::NextCustomerTariff& row) {
  const auto unit_rate = Money::parse(row.unit_rate);
  const auto standing_charge = Money::parse(row.standing_charge);
  const auto day = parse_iso(row.period_start);
  if (!unit_rate || !standing_charge || !day) return std::nullopt;
  return PlannedTariff{row.meter, row.customer, row.period_start, *unit_rate, *standing_charge, *day};
}

bool future_holds(const meter::Tariff& future, const PlannedTariff& p) {
  return future.unit_rate_a == p.unit_rate && future.unit_rate_b == p.unit_rate &&
         future.standing_charge == p.standing_charge && future.activation == p.activation;
}

meter::Tariff wanted_tariff(const meter::Tariff& active, const PlannedTariff& p) {
  meter::Tariff want = active;
  want.unit_rate_a = want.unit_rate_b = p.unit_rate;
  want.standing_charge = p.standing_charge;
  want.activation = p.activation;
  want.state.reset();  // the active tariff's thresholds and indices are not written
  return want;
}

std::vector<PlannedTariff> only_differing(const std::vector<PlannedTariff>& plan,
                                          const std::vector<billing::TariffCheck>& checks,
                                          std::vector<PlannedTariff>& skipped) {
  std::set<std::string> matching;
  for (const auto& c : checks)
    if (c.state == billing::TariffCheckState::matching) matching.insert(c.meter_id);
  std::vector<PlannedTariff> out;
  for (const auto& p : plan) (matching.count(p.meter.id) ? skipped : out).push_back(p);
  return out;
}

}  // namespace flows::jobs
