#include "billing/month_usage.hpp"

#include <stdexcept>

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;

using flows::billing::testing::D;

namespace {
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

TEST_CASE("usage totals keep consumption and generation apart") {
  const std::vector<CircuitUsageRow> rows{{"c1", "power", "power", D("23.375"), 48},
                                          {"c2", "heat", "heat", D("1.125"), 48},
                                          {"c3", "pv", "solar", D("200.5"), 48}};
  const auto t = usage_totals(rows);
  CHECK(t.consumption_kwh == D("24.5"));
  CHECK(t.generation_kwh == D("200.5"));
  CHECK(usage_totals({}).generation_kwh == 0);
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
  CHECK(pu.recorded[0]);
  CHECK(pu.recorded[1]);
  CHECK_FALSE(pu.recorded[2]);  // nothing recorded: no data, though daily[2] is 0
  CHECK(property_usage(u.circuits(), {}).circuits.empty());
  const auto part = property_usage(u.circuits(), {"p"}, 2, 30);
  CHECK_FALSE(part.recorded[0]);  // outside the days asked for
  CHECK_FALSE(part.recorded[1]);  // p recorded nothing on day 2 (h did)
}

namespace {
using namespace date::literals;
Instant at(date::year_month_day d, int h, int m = 0) {
  return Instant{date::sys_days{d}} + std::chrono::hours{h} + std::chrono::minutes{m};
}
const TimeRange june = uk_month_range(Month(2024, 6));  // [2024-05-31T23:00Z, 2024-06-30T23:00Z)
Instant instant(flows::UtcTime t) { return Instant{t}; }
}  // namespace

TEST_CASE("billing usage honours register ranges: a link over the whole month reads whole days only") {
  const auto r = link_reads({"c", "r", instant(june.start), instant(june.end)});
  REQUIRE(r.whole_days);
  CHECK(r.whole_days->first == 2024_y / 6 / 1);
  CHECK(r.whole_days->end == 2024_y / 7 / 1);
  CHECK(r.part.empty());
  CHECK(r.circuit == "c");
  CHECK(r.register_id == "r");
}

TEST_CASE("billing usage honours register ranges: a link from 01:00 BST reads that part day from half hours") {
  // 2024-06-16T00:00Z is 01:00 on the 16th in London: the 16th is not whole.
  const auto r = link_reads({"c", "r", at(2024_y / 6 / 16, 0), instant(june.end)});
  REQUIRE(r.whole_days);
  CHECK(r.whole_days->first == 2024_y / 6 / 17);
  CHECK(r.whole_days->end == 2024_y / 7 / 1);
  REQUIRE(r.part.size() == 1);
  CHECK(r.part[0].first == at(2024_y / 6 / 16, 0));
  CHECK(r.part[0].second == at(2024_y / 6 / 16, 23));  // midnight of the 17th, BST
}

TEST_CASE("billing usage honours register ranges: a register swapped at noon") {
  const Instant swap = at(2024_y / 6 / 15, 12);
  const auto old_link = link_reads({"c", "r1", instant(june.start), swap});
  REQUIRE(old_link.whole_days);
  CHECK(old_link.whole_days->first == 2024_y / 6 / 1);
  CHECK(old_link.whole_days->end == 2024_y / 6 / 15);  // the 15th is a part day
  REQUIRE(old_link.part.size() == 1);
  CHECK(old_link.part[0].first == at(2024_y / 6 / 14, 23));
  CHECK(old_link.part[0].second == swap);

  const auto new_link = link_reads({"c", "r2", swap, instant(june.end)});
  REQUIRE(new_link.whole_days);
  CHECK(new_link.whole_days->first == 2024_y / 6 / 16);
  REQUIRE(new_link.part.size() == 1);
  CHECK(new_link.part[0].first == swap);
  CHECK(new_link.part[0].second == at(2024_y / 6 / 15, 23));
}

TEST_CASE("billing usage honours register ranges: inside one day, odd instants, a GMT month") {
  const auto short_link = link_reads({"c", "r", at(2024_y / 6 / 10, 9, 30), at(2024_y / 6 / 10, 15)});
  CHECK(!short_link.whole_days);
  REQUIRE(short_link.part.size() == 1);
  CHECK(short_link.part[0].first == at(2024_y / 6 / 10, 9, 30));
  CHECK(short_link.part[0].second == at(2024_y / 6 / 10, 15));

  // Both ends at odd instants (to the microsecond, as the database keeps them).
  const Instant s = at(2024_y / 6 / 3, 7) + std::chrono::microseconds{500000};
  const Instant e = at(2024_y / 6 / 20, 18, 15);
  const auto both = link_reads({"c", "r", s, e});
  REQUIRE(both.whole_days);
  CHECK(both.whole_days->first == 2024_y / 6 / 4);
  CHECK(both.whole_days->end == 2024_y / 6 / 20);
  REQUIRE(both.part.size() == 2);
  CHECK(both.part[0] == std::pair{s, at(2024_y / 6 / 3, 23)});
  CHECK(both.part[1] == std::pair{at(2024_y / 6 / 19, 23), e});

  // January: UK midnight is UTC midnight; a link ending at one reads whole days only.
  const TimeRange jan = uk_month_range(Month(2024, 1));
  const auto winter = link_reads({"c", "r", instant(jan.start), at(2024_y / 1 / 20, 0)});
  REQUIRE(winter.whole_days);
  CHECK(winter.whole_days->first == 2024_y / 1 / 1);
  CHECK(winter.whole_days->end == 2024_y / 1 / 20);
  CHECK(winter.part.empty());
}
