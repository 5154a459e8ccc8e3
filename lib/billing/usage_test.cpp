#include "billing/usage.hpp"

#include <doctest/doctest.h>

using namespace flows::billing;
using namespace date::literals;
using flows::UtcTime;

namespace {
Decimal D(const char* text) {
  auto d = Decimal::parse(text);
  REQUIRE_MESSAGE(d, text);
  return *d;
}
UtcTime at(date::year_month_day d, int h, int m = 0) {
  return UtcTime{date::sys_days{d}} + std::chrono::hours{h} + std::chrono::minutes{m};
}
const UtcTime long_ago = at(2020_y / 1 / 1, 0);
}  // namespace

TEST_CASE("billing usage counts half hours inside the month") {
  std::vector<CircuitRegister> links{{"C1", "R1", long_ago, std::nullopt}};
  std::vector<HalfHourReading> rows{
      {"R1", at(2024_y / 1 / 31, 23, 30), D("1.0")},  // January
      {"R1", at(2024_y / 2 / 1, 0), D("0.5")},         // first half hour of February
      {"R1", at(2024_y / 2 / 29, 23, 30), D("0.25")},  // last half hour of February (leap day)
      {"R1", at(2024_y / 3 / 1, 0), D("2")},           // March
      {"R9", at(2024_y / 2 / 10, 0), D("9")},          // a register on no circuit
  };
  auto u = usage_by_circuit(rows, links, uk_month_range(Month(2024, 2)));
  CHECK(u.size() == 1);
  CHECK(u["C1"] == D("0.75"));
}

TEST_CASE("billing usage honours a register range that starts mid-month") {
  std::vector<CircuitRegister> links{{"C2", "R2", at(2024_y / 2 / 10, 0), std::nullopt}};
  std::vector<HalfHourReading> rows{
      {"R2", at(2024_y / 2 / 9, 23, 30), D("1.1")},  // before the link
      {"R2", at(2024_y / 2 / 10, 0), D("0.123")},    // start is inclusive
      {"R2", at(2024_y / 2 / 20, 12), D("0.877")},
  };
  CHECK(usage_by_circuit(rows, links, uk_month_range(Month(2024, 2)))["C2"] == 1);
}

TEST_CASE("billing usage honours a register replaced mid-month") {
  const UtcTime swap = at(2024_y / 2 / 15, 12);
  std::vector<CircuitRegister> links{{"C3", "R3", long_ago, swap}, {"C3", "R4", swap, std::nullopt},
                                     {"C4", "R5", long_ago, std::nullopt}};
  std::vector<HalfHourReading> rows{
      {"R3", at(2024_y / 2 / 15, 11, 30), D("0.3")},  // old register, last half hour
      {"R3", swap, D("5")},                           // end is exclusive
      {"R4", at(2024_y / 2 / 15, 11, 30), D("7")},    // new register before its start
      {"R4", swap, D("0.2")},
  };
  auto u = usage_by_circuit(rows, links, uk_month_range(Month(2024, 2)));
  CHECK(u["C3"] == D("0.5"));
  CHECK(u.at("C4") == 0);  // linked, nothing read: present with 0
}

TEST_CASE("billing usage in a summer month uses UK local boundaries") {
  std::vector<CircuitRegister> links{{"C1", "R1", long_ago, std::nullopt}};
  std::vector<HalfHourReading> rows{
      {"R1", at(2024_y / 6 / 30, 22, 30), D("4")},  // 23:30 BST on 30 June
      {"R1", at(2024_y / 6 / 30, 23), D("0.1")},    // 00:00 BST on 1 July
      {"R1", at(2024_y / 7 / 31, 22, 30), D("0.2")},
      {"R1", at(2024_y / 7 / 31, 23), D("8")},      // 00:00 BST on 1 August
  };
  CHECK(usage_by_circuit(rows, links, uk_month_range(Month(2024, 7)))["C1"] == D("0.3"));
}
