#pragma once
// What a tariff push sends to each meter and when a meter already holds it:
// pure, no meter, no database (push_tariffs.hpp has the whole job).
#include <optional>
#include <string>
#include <vector>

#include "billing/tariff_check.hpp"
#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "db/tariff_pushes.hpp"
#include "meter/tariff.hpp"

namespace flows::jobs {

struct PlannedTariff {
  db::MeterRow meter;
  std::string customer, period_start;
  Money unit_rate, standing_charge;
  MeterTime activation{};  // period_start 00:00 on the meter's clock
};

// The plan for one meter; nullopt when the rates are not exact amounts or the
// period start is not a date.
std::optional<PlannedTariff> plan_tariff(const db::NextCustomerTariff& row);

// Whether the meter's future tariff already holds the plan: unit rates A and B,
// standing charge and activation (the prepayment settings are not compared).
bool future_holds(const meter::Tariff& future, const PlannedTariff& plan);

// What is written: the meter's active tariff with both unit rates, the standing
// charge and the activation of the plan (prepayment settings kept).
meter::Tariff wanted_tariff(const meter::Tariff& active, const PlannedTariff& plan);

// --only-differing: the plans of meters the tariff check (billing/tariff_check.hpp,
// on the meters' shadows) does not find matching, differing or unknown, in plan
// order; a meter the check did not see counts as unknown. `skipped` gets the others.
std::vector<PlannedTariff> only_differing(const std::vector<PlannedTariff>& plan,
                                          const std::vector<billing::TariffCheck>& checks,
                                          std::vector<PlannedTariff>& skipped);

}  // namespace flows::jobs
