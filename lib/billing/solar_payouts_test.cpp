#include "billing/solar_payouts.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace flows::billing;
using namespace date::literals;

TEST_CASE("solar payouts: what is applied, reported, kept") {
  const std::vector<PropertyCredit> credits{
      {"p1", "P1", "e", 598, "m1", std::nullopt},  // applied
      {"p2", "P2", "e", 0, "m2", std::nullopt},    // nothing to pay
      {"p3", "P3", "e", 300, std::nullopt, std::nullopt},  // no supply meter
      {"p4", "P4", "e", 598, "m4", 598},           // paid already
      {"p5", "P5", "e", 610, "m5", 598},           // paid, and the month changed since
  };
  const auto plan = plan_payouts(credits);
  REQUIRE(plan.to_apply.size() == 1);
  CHECK(plan.to_apply[0].property == "p1");
  REQUIRE(plan.no_meter.size() == 1);
  CHECK(plan.no_meter[0].property == "p3");
  REQUIRE(plan.changed.size() == 1);
  CHECK(plan.changed[0].credit_pence - *plan.changed[0].paid_pence == 12);
  CHECK(plan.already_paid == 1);
}

TEST_CASE("solar payouts: 00:10 UK time on the 1st of the next month") {
  // June 2024 → 2024-07-01 00:10 BST = 2024-06-30T23:10Z
  CHECK(payout_time(Month(2024, 6)) == date::sys_days{2024_y / 6 / 30} + std::chrono::hours(23) + std::chrono::minutes(10));
  // December 2024 → 2025-01-01 00:10 GMT
  CHECK(payout_time(Month(2024, 12)) == date::sys_days{2025_y / 1 / 1} + std::chrono::minutes(10));
}
