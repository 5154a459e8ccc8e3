#pragma once
// `flows-bill solar-credits apply`: the stored solar credits of each month whose
// payout time (00:10 UK time on the 1st of the next month) has passed, paid out
// once per property as a topup on its supply meter. Each property is one
// transaction (topup and payout row together), so a crash leaves every property
// either fully applied or not at all, and a re-run applies only what is missing.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/solar_payouts.hpp"

namespace flows::jobs {

struct PayoutMonth {
  billing::Month month;
  UtcTime scheduled_at;
  billing::PayoutPlan plan;  // to_apply: applied (or would be, when dry)
};

struct PayoutOptions {
  std::optional<billing::Month> month;  // none: every month with credits that is due
  std::optional<std::string> esco;
  bool dry_run = false;
  UtcTime now;
};

// flows::Error(usage) for a month whose payout time has not come or an
// unknown ESCO; (config) for a month given without stored credits.
std::vector<PayoutMonth> apply_solar_credits(pqxx::connection& conn, const PayoutOptions& o);

}  // namespace flows::jobs
