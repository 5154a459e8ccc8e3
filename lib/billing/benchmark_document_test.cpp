#include "billing/benchmark_document.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;
using namespace date::literals;

using flows::billing::testing::D;
using flows::billing::testing::usage_message;

namespace {
}  // namespace

TEST_CASE("billing benchmark documents are parsed exactly, errors name the line") {
  const auto rows = parse_benchmarks(
      "benchmarks:\n"
      "  - {region: london, period_start: 2024-04-01, unit_rate: 0.2345, standing_charge: 0.60}\n"
      "  - {region: london, period_start: 2024-07-01, unit_rate: 0.22360, standing_charge: 0.601}\n",
      "b.yaml");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].line == 2);
  CHECK(rows[0].tariff.region == "london");
  CHECK(rows[0].tariff.period_start == 2024_y / 4 / 1);
  CHECK(rows[0].tariff.rates == Rates{D("0.2345"), D("0.6")});
  CHECK(rows[1].tariff.rates.unit_rate == D("0.2236"));
  CHECK(usage_message([] {
          parse_benchmarks("- {region: london, period_start: 2024-04-01, unit_rate: 101, standing_charge: 0.6}\n",
                           "b.yaml");
        }) == "b.yaml:1: benchmark unit rate 101 is outside 0-100 £/kWh");
  CHECK(usage_message([] {
          parse_benchmarks("- {region: london, period_start: 2024-04-01, unit_rate: 0.2, standing_charge: 0.6}\n"
                           "- {region: london, period_start: 2024-04-01, unit_rate: 0.3, standing_charge: 0.6}\n",
                           "b.yaml");
        }) == "b.yaml:2: a second benchmark for london from 2024-04-01");
  const std::string pence = "- {region: london, period_start: 2024-04-01, unit_rate: 24.50, standing_charge: 0.6}\n";
  CHECK(usage_message([&] { parse_benchmarks(pence, "b.yaml"); }) ==
        "b.yaml:1: unit rate 24.5 £/kWh is over the plausible 1 £/kWh (pence typed as pounds? "
        "--allow-unusual-rate accepts it)");
  CHECK(parse_benchmarks(pence, "b.yaml", true)[0].tariff.rates.unit_rate == D("24.5"));
}

TEST_CASE("billing benchmark import: insert, unchanged, replace only when asked") {
  BenchmarkRow row{{"london", 2024_y / 4 / 1, {D("0.2345"), D("0.6")}}, 3};
  CHECK(benchmark_change(row, std::nullopt, false, "b.yaml") == BenchmarkChange::insert);
  CHECK(benchmark_change(row, Rates{D("0.23450"), D("0.6")}, false, "b.yaml") == BenchmarkChange::unchanged);
  const Rates other{D("0.25"), D("0.6")};
  CHECK(benchmark_change(row, other, true, "b.yaml") == BenchmarkChange::update);
  CHECK(usage_message([&] { benchmark_change(row, other, false, "b.yaml"); }) ==
        "b.yaml:3: the benchmark for london from 2024-04-01 is already 0.25 £/kWh, 0.6 £/day; pass --replace to "
        "change it (nothing was written)");
  row.line = 0;  // from the command line: no place to name
  CHECK(usage_message([&] { require_known_region(row, {"north_west"}, "command line"); }) ==
        "unknown region london (see flows.regions, e.g. london)");
  CHECK_NOTHROW(require_known_region(row, {"london"}, "command line"));
}
