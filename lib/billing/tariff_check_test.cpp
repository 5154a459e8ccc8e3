#include "billing/tariff_check.hpp"

#include <doctest/doctest.h>

using namespace flows::billing;

namespace {

// A customer at 25 % off a 0.2345 / 0.6556 benchmark: 0.175875 truncated to
// 0.17587 £/kWh, 0.4917 £/day; the microgrid's prepayment defaults 15 / 10 / 0.25.
ShadowTariff active_tariff() {
  ShadowTariff t;
  t.unit_rate_a = t.unit_rate_b = "0.17587";
  t.standing_charge = "0.4917";  // sync writes trailing zeros dropped
  t.emergency_credit = "15.0";
  t.ecredit_availability = "10.0";
  t.debt_recovery_rate = "0.25";
  return t;
}

MeterTariffFacts matching_facts() {
  MeterTariffFacts f;
  f.meter_id = "m1";
  f.serial = "EML1";
  f.esco = "co";
  f.has_shadow = true;
  f.active = active_tariff();
  f.future = active_tariff();
  f.future->activation = "2026-10-01T00:00:00";  // activated before the check date
  f.customer = "c1";
  f.in_force = ExpectedRates{"2026-10-01", "0.17587", "0.49170"};
  f.microgrid = ExpectedPrepayment{"2026-10-01", "15", "10", "0.25"};
  return f;
}

constexpr std::string_view day = "2026-12-02";

}  // namespace

TEST_CASE("tariff check: equal values with other trailing zeros match") {
  const TariffCheck c = check_meter_tariffs(matching_facts(), day);
  CHECK(c.state == TariffCheckState::matching);
  CHECK(c.differences.empty());
  CHECK(c.unknown.empty());
  CHECK(c.customer == "c1");
  CHECK(same_amount("0.4917", "0.49170"));
  CHECK(same_amount("15.0", "15"));
  CHECK_FALSE(same_amount("0.17587", "0.17588"));
  CHECK_FALSE(same_amount("abc", "abc"));  // not a number never matches
}

TEST_CASE("tariff check: a unit rate differing in the 5th decimal differs, field by field") {
  MeterTariffFacts f = matching_facts();
  f.active->unit_rate_b = "0.17588";  // 0.17588 − 0.17587 = 0.00001
  const TariffCheck c = check_meter_tariffs(f, day);
  CHECK(c.state == TariffCheckState::differs);
  REQUIRE(c.differences.size() == 1);
  CHECK(c.differences[0].field == "active.unit_rate_element_b");
  CHECK(c.differences[0].on_meter == "0.17588");
  CHECK(c.differences[0].expected == "0.17587");
}

TEST_CASE("tariff check: more decimals than a meter holds are compared as they are") {
  MeterTariffFacts f = matching_facts();
  f.active->unit_rate_a = "0.17587000000000001";  // a float's digits: not 0.17587
  const TariffCheck c = check_meter_tariffs(f, day);
  REQUIRE(c.differences.size() == 1);
  CHECK(c.differences[0].field == "active.unit_rate_element_a");
  CHECK(c.differences[0].on_meter == "0.17587000000000001");
}

TEST_CASE("tariff check: the future tariff must hold the customer's next tariff") {
  MeterTariffFacts f = matching_facts();
  f.next = ExpectedRates{"2027-01-01", "0.18000", "0.50000"};
  SUBCASE("the future tariff still holds the old rates and activation") {
    const TariffCheck c = check_meter_tariffs(f, day);
    CHECK(c.state == TariffCheckState::differs);
    REQUIRE(c.differences.size() == 4);
    CHECK(c.differences[0].field == "future.unit_rate_element_a");
    CHECK(c.differences[0].on_meter == "0.17587");
    CHECK(c.differences[0].expected == "0.18000");
    CHECK(c.differences[1].field == "future.unit_rate_element_b");
    CHECK(c.differences[2].field == "future.standing_charge");
    CHECK(c.differences[2].on_meter == "0.4917");
    CHECK(c.differences[2].expected == "0.50000");
    CHECK(c.differences[3].field == "future.activation_datetime");
    CHECK(c.differences[3].on_meter == "2026-10-01T00:00:00");
    CHECK(c.differences[3].expected == "2027-01-01T00:00:00");
  }
  SUBCASE("pushed: rates and activation at the period start 00:00") {
    f.future->unit_rate_a = f.future->unit_rate_b = "0.18";
    f.future->standing_charge = "0.5";
    f.future->activation = "2027-01-01T00:00:00";
    CHECK(check_meter_tariffs(f, day).state == TariffCheckState::matching);
  }
  SUBCASE("an activation missing from the future tariff differs") {
    f.future->unit_rate_a = f.future->unit_rate_b = "0.18";
    f.future->standing_charge = "0.5";
    f.future->activation.reset();
    const TariffCheck c = check_meter_tariffs(f, day);
    REQUIRE(c.differences.size() == 1);
    CHECK(c.differences[0].on_meter == "(absent)");
  }
}

TEST_CASE("tariff check: without a next tariff, only a future tariff still to activate is compared") {
  MeterTariffFacts f = matching_facts();
  f.future->unit_rate_a = f.future->unit_rate_b = "0.30000";
  SUBCASE("activated on 2026-10-01, before 2026-12-02: not compared") {
    CHECK(check_meter_tariffs(f, day).state == TariffCheckState::matching);
  }
  SUBCASE("activating on 2026-12-03, after the date: must hold the tariff in force") {
    f.future->activation = "2026-12-03T00:00:00";
    const TariffCheck c = check_meter_tariffs(f, day);
    REQUIRE(c.differences.size() == 2);
    CHECK(c.differences[0].field == "future.unit_rate_element_a");
    CHECK(c.differences[0].on_meter == "0.30000");
    CHECK(c.differences[0].expected == "0.17587");
  }
}

TEST_CASE("tariff check: prepayment settings against the microgrid tariff") {
  MeterTariffFacts f = matching_facts();
  f.active->emergency_credit = "20.0";
  f.active->debt_recovery_rate = "0.3";
  f.active->ecredit_availability.reset();
  const TariffCheck c = check_meter_tariffs(f, day);
  CHECK(c.state == TariffCheckState::differs);
  REQUIRE(c.differences.size() == 3);
  CHECK(c.differences[0].field == "active.prepayment_emergency_credit");
  CHECK(c.differences[0].on_meter == "20.0");
  CHECK(c.differences[0].expected == "15");
  CHECK(c.differences[1].field == "active.prepayment_ecredit_availability");
  CHECK(c.differences[1].on_meter == "(absent)");
  CHECK(c.differences[1].expected == "10");
  CHECK(c.differences[2].field == "active.prepayment_debt_recovery_rate");
  CHECK(c.differences[2].on_meter == "0.3");
  CHECK(c.differences[2].expected == "0.25");
}

TEST_CASE("tariff check: what cannot be compared is unknown, never matching") {
  MeterTariffFacts f = matching_facts();
  SUBCASE("no shadow row") {
    f.has_shadow = false;
    f.active.reset();
    f.future.reset();
    const TariffCheck c = check_meter_tariffs(f, day);
    CHECK(c.state == TariffCheckState::unknown);
    REQUIRE(c.unknown.size() == 1);
    CHECK(c.unknown[0] == "no meter_shadows row");
  }
  SUBCASE("no occupier: the prepayment settings are still compared") {
    f.customer.reset();
    f.in_force.reset();
    f.active->emergency_credit = "5";
    const TariffCheck c = check_meter_tariffs(f, day);
    CHECK(c.state == TariffCheckState::differs);  // a difference wins over unknown
    CHECK(c.unknown == std::vector<std::string>{"no occupier on 2026-12-02"});
    REQUIRE(c.differences.size() == 1);
    CHECK(c.customer.empty());
  }
  SUBCASE("no customer tariff in force, no microgrid tariff") {
    f.in_force.reset();
    f.microgrid.reset();
    const TariffCheck c = check_meter_tariffs(f, day);
    CHECK(c.state == TariffCheckState::unknown);
    CHECK(c.unknown ==
          std::vector<std::string>{"no customer tariff in force", "no microgrid tariff in force for the ESCO"});
  }
  SUBCASE("tariffs never synced") {
    f.active.reset();
    f.future.reset();
    const TariffCheck c = check_meter_tariffs(f, day);
    CHECK(c.state == TariffCheckState::unknown);
    CHECK(c.unknown.size() == 2);
  }
}
