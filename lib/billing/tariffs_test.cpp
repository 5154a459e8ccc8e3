#include "billing/tariffs.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;
using namespace date::literals;

using flows::billing::testing::D;
using flows::billing::testing::usage_message;

namespace {
Rates R(const char* unit, const char* standing) { return {D(unit), D(standing)}; }

}  // namespace

TEST_CASE("billing customer rates are truncated to 5 decimals, microgrid rates are exact") {
  const Rates bench = R("0.2345", "0.6556");
  CHECK(customer_rates(bench, 25) == R("0.17587", "0.4917"));  // 0.175875 truncated
  CHECK(microgrid_rates(bench, 25) == R("0.175875", "0.4917"));
  CHECK(customer_rates(bench, 25).unit_rate.to_string(5) == "0.17587");
  // Exact at 5 decimals: unchanged by truncation.
  CHECK(customer_rates(R("0.2", "0.4"), 25) == R("0.15", "0.3"));
  // Truncation, not rounding: 0.33333 × 0.875 = 0.29166375 and 0.12349 × 0.9 = 0.111141.
  CHECK(customer_rates(R("0.33333", "0.5"), D("12.5")).unit_rate == D("0.29166"));
  CHECK(microgrid_rates(R("0.33333", "0.5"), D("12.5")).unit_rate == D("0.29166375"));
  CHECK(customer_rates(R("0.12349", "0"), 10).unit_rate == D("0.11114"));
  CHECK(customer_rates(R("0.23453", "0"), 25).unit_rate == D("0.17589"));  // 0.1758975: rounding would give 0.17590
  // A 2-decimal discount on a 5-decimal rate has 9 decimals, all kept for the microgrid.
  CHECK(microgrid_rates(R("0.23456", "1"), D("33.33")).unit_rate == D("0.156381152"));
  CHECK(customer_rates(R("0.23456", "1"), D("33.33")).unit_rate == D("0.15638"));
}

TEST_CASE("billing discounts of 0 and 100 percent") {
  const Rates bench = R("0.2345", "0.6556");
  CHECK(customer_rates(bench, 0) == bench);
  CHECK(microgrid_rates(bench, 0) == bench);
  CHECK(customer_rates(bench, 100) == R("0", "0"));
  CHECK(microgrid_rates(bench, 100) == R("0", "0"));
}

TEST_CASE("billing tariff validation names the value and its range") {
  CHECK(usage_message([] { validate_discount(120); }) == "discount 120 is outside 0-100 %");
  CHECK(usage_message([] { validate_discount(D("-0.01")); }) == "discount -0.01 is outside 0-100 %");
  CHECK(usage_message([] { customer_rates(R("100.00001", "0"), 0); }) ==
        "benchmark unit rate 100.00001 is outside 0-100 £/kWh");
  CHECK(usage_message([] { customer_rates(R("0.2", "-0.1"), 0); }) ==
        "benchmark standing charge -0.1 is outside 0-100 £/day");
  CHECK(usage_message([] { customer_rates(R("0.123456", "0"), 0); }) ==
        "benchmark unit rate 0.123456 has more than 5 decimals");
  CHECK(usage_message([] { microgrid_rates(R("0.2", "0.5"), D("100.5")); }) == "discount 100.5 is outside 0-100 %");
  CHECK_NOTHROW(validate_rates(R("100", "0")));
  CHECK_NOTHROW(validate_discount(100));

  PrepaymentSettings p;  // defaults: 15, 10, 0.25
  CHECK_NOTHROW(validate_prepayment(p));
  CHECK(p.debt_recovery_rate == D("0.25"));
  p.emergency_credit = D("5000.00001");
  CHECK(usage_message([&] { validate_prepayment(p); }) == "emergency credit 5000.00001 is outside 0-5000 £");
  p = {};
  p.ecredit_threshold = -1;
  CHECK(usage_message([&] { validate_prepayment(p); }) == "e-credit threshold -1 is outside 0-5000 £");
  p = {};
  p.debt_recovery_rate = 500;
  CHECK_NOTHROW(validate_prepayment(p));
  p.debt_recovery_rate = 501;
  CHECK(usage_message([&] { validate_prepayment(p); }) == "debt recovery rate 501 is outside 0-500 £/day");

  MicrogridTariff m{"esco", 2024_y / 4 / 1, 25, {}};
  CHECK_NOTHROW(validate(m));
  m.discount = 101;
  CHECK_THROWS_AS(validate(m), flows::Error);
}

TEST_CASE("billing tariff in force is the latest period start on or before the month") {
  std::vector<CustomerTariff> rows{{"c", 2024_y / 7 / 1, 20}, {"c", 2024_y / 1 / 1, 25}, {"c", 2024_y / 4 / 1, 30},
                                   {"c", 2024_y / 5 / 15, 35}};
  CHECK(tariff_in_force(rows, Month(2024, 1))->discount == 25);
  CHECK(tariff_in_force(rows, Month(2024, 3))->discount == 25);
  CHECK(tariff_in_force(rows, Month(2024, 4))->discount == 30);  // starts on the 1st: in force
  CHECK(tariff_in_force(rows, Month(2024, 5))->discount == 30);  // a mid-month start waits for the next month
  CHECK(tariff_in_force(rows, Month(2024, 6))->discount == 35);
  CHECK(tariff_in_force(rows, Month(2025, 1))->discount == 20);
  CHECK(tariff_in_force(rows, Month(2023, 12)) == nullptr);
  CHECK(tariff_in_force(std::vector<CustomerTariff>{}, Month(2024, 1)) == nullptr);
  CHECK(tariff_in_force(rows, 2024_y / 5 / 15)->discount == 35);  // on a day

  rows.push_back({"c", 2024_y / 4 / 1, 40});
  CHECK_THROWS_AS(tariff_in_force(rows, Month(2024, 5)), std::logic_error);
  CHECK(tariff_in_force(rows, Month(2024, 2))->discount == 25);  // the duplicate is not a candidate here
}

TEST_CASE("billing rates in force per key: each key's latest period start on or before the day") {
  const std::vector<RatesRow> rows{
      {"london", 2024_y / 1 / 1, R("0.2862", "0.5341")},
      {"london", 2024_y / 4 / 1, R("0.2345", "0.6")},
      {"london", 2024_y / 7 / 1, R("0.2236", "0.601")},
      {"north_west", 2024_y / 4 / 1, R("0.25", "0.5")},
      {"south_east", 2024_y / 7 / 1, R("0.3", "0.5")},  // starts later: none in force in June
  };
  const auto june = rates_in_force(rows, 2024_y / 6 / 1);
  CHECK(june.size() == 2);
  CHECK(june.at("london") == R("0.2345", "0.6"));
  CHECK(june.at("north_west") == R("0.25", "0.5"));
  CHECK(!june.count("south_east"));
  CHECK(rates_in_force(rows, 2024_y / 7 / 1).at("london") == R("0.2236", "0.601"));
  CHECK(rates_in_force(rows, 2023_y / 12 / 31).empty());
  CHECK(as_on_meter(R("0.1758759", "0.49170")) == R("0.17587", "0.4917"));
}

TEST_CASE("rates as entered are within the plausible bounds unless allowed") {
  validate_plausible({D("1"), D("2")}, false);  // the bounds themselves are plausible
  CHECK(usage_message([] { validate_plausible({D("24.50"), D("0.6")}, false); }) ==
        "unit rate 24.5 £/kWh is over the plausible 1 £/kWh (pence typed as pounds? --allow-unusual-rate accepts it)");
  CHECK(usage_message([] { validate_plausible({D("0.2"), D("2.00001")}, false); }) ==
        "standing charge 2.00001 £/day is over the plausible 2 £/day (pence typed as pounds? --allow-unusual-rate "
        "accepts it)");
  validate_plausible({D("24.50"), D("60")}, true);
}
