#include "billing/solar_credits.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;
using namespace date::literals;

using flows::billing::testing::D;

namespace {
}  // namespace

TEST_CASE("billing solar credit rows: shared installations, no tariff, no installation") {
  // PA: 4.0 kW shared 50/50 with PC, at 3650 p a year (a later rate is not yet in
  // force): June 2024 is 4.0 × 30 × 3650 / 366 = 1196.72 → 1196 p, 598 p each.
  // PB: 2.0 kW of ESCO e2, which has no tariff: credit 0, whole to itself.
  // PZ: a solar property credited by nothing.
  const std::vector<SolarInstallation> installations{{"pA", "PA", "e1", D("4.0")}, {"pB", "PB", "e2", D("2.0")}};
  const std::vector<SolarAllocation> allocations{{"pA", "pA", "PA", D("0.5")}, {"pA", "pC", "PC", D("0.5")},
                                                 {"pQ", "pC", "PC", D("1")}};  // of an installation out of scope
  const std::vector<SolarTariffRow> tariffs{{"e1", 2024_y / 1 / 1, 3650}, {"e1", 2024_y / 7 / 1, 7300}};
  const auto rows = solar_credit_rows(Month(2024, 6), installations, allocations, tariffs, {{"pZ", "PZ", "e1"}});
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].property == "pA");
  CHECK(rows[0].installation == "pA");
  CHECK(rows[0].installation_plot == "PA");
  CHECK(rows[0].capacity_kw == D("4"));
  CHECK(rows[0].pence_per_year == 3650);
  CHECK(rows[0].ratio == D("0.5"));
  CHECK(rows[0].credit_pence == 598);
  CHECK(rows[0].note.empty());
  CHECK(rows[1].property == "pC");
  CHECK(rows[1].credit_pence == 598);
  CHECK(rows[2].property == "pB");
  CHECK(rows[2].ratio == 1);
  CHECK(rows[2].credit_pence == 0);
  CHECK(!rows[2].pence_per_year);
  CHECK(rows[2].note == "no solar credit tariff");
  CHECK(rows[3].property == "pZ");
  CHECK(!rows[3].installation);
  CHECK(!rows[3].capacity_kw);
  CHECK(rows[3].ratio == 0);
  CHECK(rows[3].note == "no installation");

  const auto by_property = solar_credit_by_property(rows);
  CHECK(by_property.at("pA") == 598);
  CHECK(by_property.at("pC") == 598);
  CHECK(by_property.at("pZ") == 0);

  // July: the 7300 p rate is in force: 4.0 × 31 × 7300 / 366 = 2473.2 → 2473 p, 1236 p each.
  const auto july = solar_credit_rows(Month(2024, 7), installations, allocations, tariffs, {});
  CHECK(july[0].credit_pence == 1236);
  CHECK(july[0].pence_per_year == 7300);
}

TEST_CASE("billing solar credit rows refuse ratios that do not sum to 1") {
  const std::vector<SolarInstallation> installations{{"pA", "PA", "e1", D("4.0")}};
  const std::vector<SolarAllocation> allocations{{"pA", "pA", "PA", D("0.5")}, {"pA", "pC", "PC", D("0.25")}};
  try {
    solar_credit_rows(Month(2024, 6), installations, allocations, {{"e1", 2024_y / 1 / 1, 3650}}, {});
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::usage);
    CHECK(std::string(e.what()) == "solar installation of PA: allocation ratios sum to 0.75, not 1");
  }
}
