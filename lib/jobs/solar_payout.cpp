#include "jobs/solar_payout.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "db/business_topups.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "jobs/known_esco.hpp"

namespace flows::jobs {
namespace {

std::vector<billing::Month> months_to_apply(pqxx::transaction_base& tx, const PayoutOptions& o) {
  require_known_esco(tx, o.esco);
  const auto stored = db::months_with_credits(tx, o.esco);
  if (o.month) {
    if (billing::payout_time(*o.month) > o.now)
      throw usage_error("the solar credits of " + o.month->to_string() + " are paid out from " +
                        format_iso_utc(billing::payout_time(*o.month)) + ", not yet");
    if (std::find(stored.begin(), stored.end(), *o.month) == stored.end())
      throw config_error("no solar credits stored for " + o.month->to_string() + "; run `flows-bill run --month " +
                         o.month->to_string() + "` first");
    return {*o.month};
  }
  std::vector<billing::Month> due;
  for (const auto& m : stored)
    if (billing::payout_time(m) <= o.now) due.push_back(m);
  return due;
}

// One property's topup and payout row in a transaction of their own; false
// when another run paid it meanwhile.
bool apply_one(pqxx::connection& conn, const billing::PropertyCredit& c, const PayoutMonth& m) {
  return db::in_transaction(conn, "cannot pay out the solar credit of " + c.plot + " for " + m.month.to_string(),
                            [&](pqxx::work& tx) {
                              db::lock_payouts(tx, m.month);
                              return db::apply_payout(tx, c, m.month, m.scheduled_at);
                            });
}

}  // namespace

std::vector<PayoutMonth> apply_solar_credits(pqxx::connection& conn, const PayoutOptions& o) {
  db::require_current(conn);
  std::vector<PayoutMonth> out;
  db::in_read_transaction(conn, "cannot read the solar credits", [&](pqxx::read_transaction& tx) {
    for (const auto& m : months_to_apply(tx, o))
      out.push_back({m, billing::payout_time(m), billing::plan_payouts(db::month_credits(tx, m, o.esco))});
  });
  if (o.dry_run) return out;
  for (auto& m : out) {
    std::vector<billing::PropertyCredit> applied;
    for (const auto& c : m.plan.to_apply)
      if (apply_one(conn, c, m)) applied.push_back(c);
      else ++m.plan.already_paid;
    m.plan.to_apply = std::move(applied);
  }
  return out;
}

}  // namespace flows::jobs
