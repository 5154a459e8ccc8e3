#pragma once
// Solar credits paid out as topups (billing spec): a month's credit shares of a
// property are summed and paid once, as a topup on its supply meter, at 00:10
// UK time on the 1st of the following month. Pure: the caller loads the
// month's sums and what was paid already.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "billing/calendar.hpp"

namespace flows::billing {

struct PropertyCredit {
  std::string property;  // id
  std::string plot;
  std::string esco;      // id
  std::int64_t credit_pence = 0;            // the month's shares summed
  std::optional<std::string> supply_meter;  // id
  std::optional<std::int64_t> paid_pence;   // the payout already made, if any
};

struct PayoutPlan {
  std::vector<PropertyCredit> to_apply;    // a topup and a payout row each
  std::vector<PropertyCredit> no_meter;    // a credit, but no supply meter: reported
  std::vector<PropertyCredit> changed;     // paid, and the month's credit now differs: reported, never paid again
  std::size_t already_paid = 0;            // paid, same credit
};

// Properties with a credit above 0 and no payout are applied; paid ones are
// never paid again (a changed credit is reported with both figures).
PayoutPlan plan_payouts(const std::vector<PropertyCredit>& credits);

// 00:10 UK time on the 1st of the month after `m`.
UtcTime payout_time(const Month& m);

}  // namespace flows::billing
