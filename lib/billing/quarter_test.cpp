#include "billing/quarter.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;

using flows::billing::testing::D;

namespace {
const Esco alpha{"e1", "alpha", "london", "Alpha ESCO", ""};
// 0.2345 £/kWh, 0.6556 £/day (not through D: no doctest assertion outside a test)
const Rates bench{Decimal::from_parts(2345, 4), Decimal::from_parts(6556, 4)};
}  // namespace

TEST_CASE("billing quarter: a microgrid row from the defaults or carried over") {
  const auto fresh = microgrid_quarter(alpha, bench, std::nullopt, std::nullopt);
  CHECK(fresh.row.esco == "alpha");
  CHECK(fresh.row.customer.empty());
  CHECK(fresh.row.discount == 25);
  CHECK(fresh.row.rates == Rates{D("0.175875"), D("0.4917")});  // exact, not truncated
  CHECK(fresh.row.created);
  CHECK(!fresh.row.carried_over);
  CHECK(fresh.prepayment == PrepaymentSettings{15, 10, D("0.25")});

  const MicrogridCarryOver previous{30, {20, 5, D("0.5")}};
  const auto carried = microgrid_quarter(alpha, bench, previous, std::nullopt);
  CHECK(carried.row.carried_over);
  CHECK(carried.row.discount == 30);
  CHECK(carried.row.rates == Rates{D("0.16415"), D("0.45892")});  // 0.7 × the benchmark
  CHECK(carried.prepayment == previous.prepayment);
}

TEST_CASE("billing quarter: a row that exists is kept as it stands") {
  const ExistingTariff existing{10, {D("0.21105"), D("0.59004")}};
  const auto kept = microgrid_quarter(alpha, bench, MicrogridCarryOver{30, {}}, existing);
  CHECK(!kept.row.created);
  CHECK(kept.row.carried_over);
  CHECK(kept.row.discount == 10);
  CHECK(kept.row.rates == existing.rates);
  // What is carried over is still checked.
  CHECK_THROWS_AS(microgrid_quarter(alpha, bench, MicrogridCarryOver{30, {6000, 10, 1}}, existing), flows::Error);
  CHECK_THROWS_AS(microgrid_quarter(alpha, bench, MicrogridCarryOver{101, {}}, existing), flows::Error);
}

TEST_CASE("billing quarter: customer rows carry the discount over, rates truncated") {
  const auto fresh = customer_quarter(alpha, bench, {"c1", "a@x", std::nullopt, std::nullopt});
  CHECK(fresh.customer == "a@x");
  CHECK(fresh.discount == 25);
  CHECK(fresh.rates == Rates{D("0.17587"), D("0.4917")});  // 0.175875 truncated
  CHECK(fresh.created);
  CHECK(!fresh.carried_over);

  const auto carried = customer_quarter(alpha, bench, {"c1", "a@x", D("33.33"), std::nullopt});
  CHECK(carried.carried_over);
  CHECK(carried.discount == D("33.33"));
  CHECK(carried.rates == Rates{D("0.15634"), D("0.43708")});  // 0.6667 × 0.2345 = 0.15634115, × 0.6556 = 0.43708852

  // An existing row as meters and bills use it: 5 decimals.
  const auto kept = customer_quarter(alpha, bench, {"c1", "a@x", D("30"), ExistingTariff{20, {D("0.187601"), D("0.5")}}});
  CHECK(!kept.created);
  CHECK(kept.discount == 20);
  CHECK(kept.rates == Rates{D("0.1876"), D("0.5")});
}
