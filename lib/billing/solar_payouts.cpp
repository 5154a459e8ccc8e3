#include "billing/solar_payouts.hpp"

namespace flows::billing {

PayoutPlan plan_payouts(const std::vector<PropertyCredit>& credits) {
  PayoutPlan plan;
  for (const auto& c : credits) {
    if (c.paid_pence) {
      if (*c.paid_pence == c.credit_pence) ++plan.already_paid;
      else plan.changed.push_back(c);
    } else if (c.credit_pence > 0) {
      (c.supply_meter ? plan.to_apply : plan.no_meter).push_back(c);
    }
  }
  return plan;
}

UtcTime payout_time(const Month& m) {
  // Local midnight is never inside a UK clock change (those happen at 01:00 UTC).
  return uk_month_range(m).end + std::chrono::minutes(10);
}

}  // namespace flows::billing
