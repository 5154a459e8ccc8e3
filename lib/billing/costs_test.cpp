#include "billing/costs.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

using namespace flows::billing;
using namespace date::literals;

using flows::billing::testing::D;

namespace {
}  // namespace

TEST_CASE("billing costs of a customer with power and heat circuits") {
  const auto usage = customer_usage({{"P1", CircuitType::power, D("120.5")},
                                     {"P2", CircuitType::power, D("10")},
                                     {"H1", CircuitType::heat, D("200.25")},
                                     {"S1", CircuitType::solar, D("300")}});  // generation: not billed
  CHECK(usage.power_kwh == D("130.5"));
  CHECK(usage.heat_kwh == D("200.25"));

  const Rates bench{D("0.2345"), D("0.6556")};
  const auto c = monthly_costs(usage, customer_rates(bench, 25), microgrid_rates(bench, 25), bench,
                               Month(2024, 2).days());

  CHECK(c.customer.power == D("22.951035"));          // 0.17587 × 130.5
  CHECK(c.customer.heat == D("35.2179675"));          // 0.17587 × 200.25
  CHECK(c.customer.standing_charge == D("14.2593"));  // 0.4917 × 29
  CHECK(c.customer.total() == D("72.4283025"));
  CHECK(c.microgrid.power == D("22.9516875"));  // 0.175875 × 130.5
  CHECK(c.microgrid.heat == D("35.21896875"));
  CHECK(c.microgrid.standing_charge == D("14.2593"));
  CHECK(c.benchmark.power == D("30.60225"));
  CHECK(c.benchmark.heat == D("46.958625"));
  CHECK(c.benchmark.standing_charge == D("19.0124"));  // 0.6556 × 29

  const auto cs = statement_lines(c.customer);
  CHECK(cs.power == D("22.95"));
  CHECK(cs.heat == D("35.22"));
  CHECK(cs.standing_charge == D("14.26"));
  CHECK(cs.total == D("72.43"));
  const auto bs = statement_lines(c.benchmark);
  CHECK(bs.power == D("30.60"));
  CHECK(bs.heat == D("46.96"));
  CHECK(bs.standing_charge == D("19.01"));
  CHECK(bs.total == D("96.57"));
  CHECK(saving(cs, bs) == D("24.14"));
  CHECK(bs.total.to_string(2) == "96.57");
}

TEST_CASE("billing standing charge for the month in progress is for the days elapsed") {
  const Rates r{D("0.17587"), D("0.4917")};
  const int days = days_elapsed(Month(2024, 2), 2024_y / 2 / 10);
  const auto c = cost_lines(r, {D("12"), 0}, days);
  CHECK(c.standing_charge == D("4.917"));
  CHECK(c.power == D("2.11044"));
  CHECK(c.heat == 0);
  CHECK(cost_lines(r, {}, 0).total() == 0);
  CHECK_THROWS(cost_lines(r, {}, -1));
}

TEST_CASE("billing statements add up to the penny by construction") {
  // Three half-pennies: each line rounds up to 1p, and the total is their sum (3p),
  // not the exact total rounded (1.5p → 2p).
  const CostLines exact{D("0.005"), D("0.005"), D("0.005")};
  const auto s = statement_lines(exact);
  CHECK(s.power == D("0.01"));
  CHECK(s.total == D("0.03"));
  CHECK(s.total == s.power + s.heat + s.standing_charge);
  // Negative lines (a correction) round away from zero as well.
  const auto n = statement_lines({D("-0.005"), D("1.004"), D("2.0049")});
  CHECK(n.power == D("-0.01"));
  CHECK(n.heat == D("1"));
  CHECK(n.standing_charge == D("2"));
  CHECK(n.total == D("2.99"));
}
