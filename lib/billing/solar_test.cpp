#include "billing/solar.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;

using flows::billing::testing::D;
using flows::billing::testing::usage_message;

namespace {
}  // namespace

TEST_CASE("billing solar pence per day divide by the days of that year") {
  CHECK(pence_per_day(3650, 2023).truncated(9) == 10);
  CHECK(pence_per_day(3650, 2024).days_in_year == 366);
  CHECK(pence_per_day(3650, 2024).truncated(9) == D("9.972677595"));
  CHECK(pence_per_day(3660, 2024).truncated(9) == 10);
  CHECK(usage_message([] { pence_per_day(-1, 2024); }) == "solar credit of -1 pence per year is negative");
}

TEST_CASE("billing solar monthly credit is truncated whole pence") {
  auto c = monthly_solar_credit(D("4.0"), Month(2023, 6), 3650);
  CHECK(c.days == 30);
  CHECK(c.credit_pence == 1200);  // 4.0 kW × 30 days × 10 p
  CHECK(monthly_solar_credit(D("4.0"), Month(2024, 6), 3660).credit_pence == 1200);  // leap year: 3660/366
  // 4 × 31 × 3650 / 366 = 1236.61…: truncated, and from the exact quotient.
  CHECK(monthly_solar_credit(4, Month(2024, 1), 3650).credit_pence == 1236);
  // 3.5 × 29 × 3650 / 366 = 1012.23…
  auto feb = monthly_solar_credit(D("3.5"), Month(2024, 2), 3650);
  CHECK(feb.days == 29);
  CHECK(feb.credit_pence == 1012);
  CHECK(monthly_solar_credit(0, Month(2024, 2), 3650).credit_pence == 0);
  CHECK(usage_message([] { monthly_solar_credit(D("-1.5"), Month(2024, 2), 3650); }) ==
        "solar capacity -1.5 kW is negative");
}

TEST_CASE("billing solar allocation shares by ratios summing to exactly 1") {
  auto shares = allocate_solar_credit(1201, {D("0.5"), D("0.25"), D("0.25")});
  CHECK(shares == std::vector<std::int64_t>{600, 300, 300});  // 600.5, 300.25, 300.25 truncated
  CHECK(allocate_solar_credit(1236, {1}) == std::vector<std::int64_t>{1236});
  CHECK(allocate_solar_credit(1000, {D("0.333"), D("0.333"), D("0.334")}) == std::vector<std::int64_t>{333, 333, 334});
  CHECK(usage_message([] { allocate_solar_credit(1000, {D("0.3333"), D("0.3333"), D("0.3333")}); }) ==
        "allocation ratios sum to 0.9999, not 1");
  CHECK(usage_message([] { allocate_solar_credit(1000, {D("0.6"), D("0.5")}); }) ==
        "allocation ratios sum to 1.1, not 1");
  CHECK(usage_message([] { allocate_solar_credit(1000, {D("1.1"), D("-0.1")}); }) ==
        "allocation ratio 1.1 is outside 0-1");
  CHECK(usage_message([] { allocate_solar_credit(1000, {}); }) == "no allocation ratios: they must sum to 1");
  CHECK(solar_share(1236, D("0.5")) == 618);
  CHECK(solar_share(1237, D("0.5")) == 618);
  CHECK_THROWS_AS(solar_share(1237, D("1.01")), flows::Error);
}
