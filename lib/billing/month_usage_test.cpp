#include "billing/month_usage.hpp"

#include <stdexcept>

#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace flows::billing;

namespace {
Decimal D(const char* text) {
  auto d = Decimal::parse(text);
  REQUIRE_MESSAGE(d, text);
  return *d;
}
}  // namespace

TEST_CASE("billing month usage adds up registers per circuit and UK day") {
  MonthUsage u;
  u.add_circuit("c1", "Plot 1 power", "power");
  u.add_circuit("c2", "Plot 1 heat", "heat");
  u.add_circuit("c3", "Plot 2", "something else");  // counts as power
  // A register swapped on the 15th: two registers' rows for that day.
  u.add("c1", 14, D("11.5"), 48);
  u.add("c1", 15, D("5.25"), 24);
  u.add("c2", 15, D("2"), 48);
  u.add("c1", 15, D("6.125"), 24);
  u.add("c1", 30, D("0.5"), 2);
  const auto& c = u.circuits();
  REQUIRE(c.size() == 3);
  CHECK(c.at("c1").kwh == D("23.375"));
  CHECK(c.at("c1").half_hours == 98);
  CHECK(c.at("c1").daily[13] == D("11.5"));
  CHECK(c.at("c1").daily[14] == D("11.375"));
  CHECK(c.at("c1").daily[29] == D("0.5"));
  CHECK(c.at("c1").daily[0] == 0);
  CHECK(c.at("c2").type == CircuitType::heat);
  CHECK(c.at("c3").type == CircuitType::power);
  CHECK(c.at("c3").kwh == 0);  // linked, nothing read: present with 0

  const auto rows = usage_rows(c, Month(2024, 6));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].circuit_id == "c1");
  CHECK(rows[0].name == "Plot 1 power");
  CHECK(rows[0].type == "power");
  CHECK(rows[0].kwh == D("23.375"));
  CHECK(rows[1].type == "heat");
  CHECK(rows[2].half_hours == 0);
}

TEST_CASE("billing month usage refuses rows it cannot place") {
  MonthUsage u;
  u.add_circuit("c1", "P", "power");
  CHECK_THROWS_AS(u.add("c9", 1, D("1"), 1), std::logic_error);
  CHECK_THROWS_AS(u.add("c1", 0, D("1"), 1), std::logic_error);
  CHECK_THROWS_AS(u.add("c1", 32, D("1"), 1), std::logic_error);
  CHECK(u.circuits().at("c1").kwh == 0);
}

TEST_CASE("billing month usage: a negative month means bad data, nothing is written") {
  MonthUsage u;
  u.add_circuit("c1", "Plot 1 power", "power");
  u.add("c1", 3, D("2"), 48);
  u.add("c1", 4, D("-2.5"), 48);
  try {
    usage_rows(u.circuits(), Month(2024, 6));
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::config);
    CHECK(std::string(e.what()) ==
          "circuit Plot 1 power used -0.5 kWh in 2024-06: negative, so its half-hourly data is wrong; nothing was "
          "written");
  }
}

TEST_CASE("billing property usage: its circuits in scope and their days") {
  MonthUsage u;
  u.add_circuit("p", "A power", "power");
  u.add_circuit("h", "A heat", "heat");
  u.add("p", 1, D("1.5"), 3);
  u.add("h", 1, D("2"), 4);
  u.add("h", 2, D("3"), 6);
  const auto pu = property_usage(u.circuits(), {"h", "p", "elsewhere"});
  REQUIRE(pu.circuits.size() == 2);
  CHECK(pu.circuits[0].circuit == "A heat");
  CHECK(pu.circuits[0].kwh == 5);
  CHECK(pu.circuits[1].type == CircuitType::power);
  CHECK(pu.daily[0] == D("3.5"));
  CHECK(pu.daily[1] == 3);
  CHECK(property_usage(u.circuits(), {}).circuits.empty());
}
