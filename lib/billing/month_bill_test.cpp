#include "billing/month_bill.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

#include "core/error.hpp"

using namespace flows::billing;

using flows::billing::testing::D;

namespace {

// June 2024, complete (30 days). ESCO alpha (london) bills Ann on a power and a
// heat circuit; Bob has no customer tariff; Dan occupies two supply accounts;
// Eve's ESCO gamma has no microgrid tariff.
struct June {
  MonthUsage usage;
  MonthInputs in;
  June() {
    in.month = Month(2024, 6);
    in.days = 30;
    in.escos = {{"e1", "alpha", "london", "Alpha ESCO", ""}, {"e3", "gamma", "london", "gamma", ""}};
    in.occupancies = {
        {"cA", "a@x", "Ann A", "aA", "pA", "PA", "e1", "mA", 1, "live", {}},
        {"cB", "b@x", "Bob B", "aB", "pB", "PB", "e1", "mB", 2, "live", {}},
        {"cD", "d@x", "Dan D", "aD1", "pD1", "PD1", "e1", "", 4, "live", {}},
        {"cD", "d@x", "Dan D", "aD2", "pD2", "PD2", "e1", "", 5, "live", {}},
        {"cE", "e@x", "Eve E", "aE", "pE", "PE", "e3", "mE", 6, "live", {}},
    };
    // cX: a circuit of the property on a meter out of scope (not in the usage).
    in.property_circuits = {{"pA", {"cHeat", "cPow", "cX"}}};
    in.benchmark = {{"london", {D("0.30"), D("0.50")}}};
    in.microgrid = {{"e1", {D("0.225"), D("0.375")}}};
    in.customer = {{"cA", {D("0.21"), D("0.40")}}, {"cD", {D("0.2"), D("0.4")}}, {"cE", {D("0.2"), D("0.4")}}};
    in.account_lines.topups = {{"cA aA", 2000}, {"cB aB", 999}};
    in.account_lines.payments = {{"cA aA", 1500}};
    in.account_lines.balance = {{"cA aA", D("12.34")}};
    in.solar_by_property = {{"pA", 1200}};
    usage.add_circuit("cPow", "A power", "power");
    usage.add_circuit("cHeat", "A heat", "heat");
    usage.add("cPow", 1, D("60"), 48);
    usage.add("cPow", 2, D("40.5"), 48);
    usage.add("cHeat", 2, D("20"), 30);
  }
};
}  // namespace

TEST_CASE("billing month: who is billed and who is skipped, and why") {
  June j;
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), false);
  REQUIRE(bill.billed.size() == 1);
  CHECK(bill.billed[0].occupancy->customer_id == "cA");
  CHECK(bill.billed[0].esco->code == "alpha");
  CHECK(bill.billed[0].statement.is_null());  // not asked for
  REQUIRE(bill.skipped.size() == 4);
  CHECK(bill.skipped[0].customer_id == "cB");
  CHECK(bill.skipped[0].reason == "no customer tariff in force in 2024-06");
  CHECK(bill.skipped[1].account_number == 4);
  CHECK(bill.skipped[1].reason == "occupies 2 supply accounts; bill them one at a time");
  CHECK(bill.skipped[2].account_number == 5);
  CHECK(bill.skipped[2].reason == "occupies 2 supply accounts; bill them one at a time");
  CHECK(bill.skipped[3].esco == "gamma");
  CHECK(bill.skipped[3].reason == "no microgrid tariff in force for ESCO gamma in 2024-06");
}

TEST_CASE("billing month: costs at the three tariffs, by hand") {
  June j;
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), false);
  REQUIRE(bill.billed.size() == 1);
  const CustomerBill& b = bill.billed[0];
  CHECK(b.usage.power_kwh == D("100.5"));  // cX is out of scope: not counted
  CHECK(b.usage.heat_kwh == 20);
  CHECK(b.rates == Rates{D("0.21"), D("0.40")});
  CHECK(b.costs.customer.power == D("21.105"));  // 0.21 × 100.5
  CHECK(b.costs.customer.heat == D("4.2"));      // 0.21 × 20
  CHECK(b.costs.customer.standing_charge == 12);  // 0.40 × 30
  CHECK(b.costs.microgrid.total() == D("38.3625"));  // 22.6125 + 4.5 + 11.25
  CHECK(b.costs.benchmark.total() == D("51.15"));    // 30.15 + 6 + 15
  CHECK(bill.customer_total == D("37.305"));
}

TEST_CASE("billing month: statements add up to the penny and carry the account lines") {
  June j;
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), true);
  REQUIRE(bill.billed.size() == 1);
  const auto& s = bill.billed[0].statement;
  CHECK(s.at("costs").at("customer").at("power") == "21.11");  // 21.105 rounded half away from zero
  CHECK(s.at("costs").at("customer").at("heat") == "4.20");
  CHECK(s.at("costs").at("customer").at("standing_charge") == "12.00");
  CHECK(s.at("costs").at("customer").at("total") == "37.31");  // the rounded lines' sum
  CHECK(s.at("costs").at("benchmark").at("total") == "51.15");
  CHECK(s.at("saving") == "13.84");
  CHECK(bill.billed[0].statement_total_pence == 3731);
  CHECK(statement_adds_up(s));
  CHECK(s.at("usage").at("power_kwh") == "100.5");
  CHECK(s.at("usage").at("circuits").size() == 2);
  CHECK(s.at("solar_credit_gbp") == "12.00");
  CHECK(s.at("topups_gbp") == "20.00");
  CHECK(s.at("payments_gbp") == "15.00");
  CHECK(s.at("total_gbp") == "37.31");
  CHECK(s.at("balance_at_month_end") == "12.34");
  CHECK(s.at("esco") == "alpha");
  CHECK(s.at("esco_name") == "Alpha ESCO");
  REQUIRE(s.at("daily").size() == 30);  // every charged day, null where nothing was recorded
  CHECK(s.at("daily")[0].at("day") == "2024-06-01");
  CHECK(s.at("daily")[0].at("kwh") == "60");
  CHECK(s.at("daily")[1].at("kwh") == "60.5");  // power 40.5 + heat 20
  CHECK(s.at("daily")[29].at("day") == "2024-06-30");
  CHECK(s.at("daily")[29].at("kwh").is_null());  // no reading: not 0 kWh
}

TEST_CASE("billing month: a day whose readings add up to 0 kWh is 0, not no data") {
  June j;
  j.usage.add("cPow", 3, D("0"), 48);
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), true);
  const auto& daily = bill.billed[0].statement.at("daily");
  CHECK(daily[2].at("kwh") == "0");
  CHECK(daily[3].at("kwh").is_null());
  CHECK(coverage_note(daily) ==
        "Usage recorded on 3 of 30 days (the standing charge is for all 30): the meter reported until 3 June.");
}

TEST_CASE("billing month in progress charges the days elapsed") {
  June j;
  j.in.days = days_elapsed(j.in.month, date::year{2024} / 6 / 10);
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), true);
  REQUIRE(bill.billed.size() == 1);
  CHECK(bill.billed[0].costs.customer.standing_charge == 4);  // 0.40 × 10
  CHECK(bill.billed[0].statement.at("daily").size() == 10);
  CHECK(charged_days(Month(2024, 2), 29).back() == "2024-02-29");
  CHECK(charged_days(Month(2024, 2), 0).empty());
}

TEST_CASE("billing month: an ESCO with customers needs a benchmark in force") {
  June j;
  CHECK_NOTHROW(require_benchmarks(j.in));
  j.in.escos.push_back({"e2", "beta", "", "beta", ""});
  j.in.occupancies.push_back({"cF", "f@x", "Fay F", "aF", "pF", "PF", "e2", "", 7, "live", {}});
  try {
    require_benchmarks(j.in);
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::config);
    CHECK(std::string(e.what()) == "ESCO beta has no region, so no benchmark tariff applies (set flows.escos.region)");
  }
  j.in.escos.back().region = "north_west";
  try {
    require_benchmarks(j.in);
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(std::string(e.what()) ==
          "no benchmark tariff in force for region north_west in 2024-06 (ESCO beta); add one with `flows-bill "
          "tariffs benchmark add` (nothing was written)");
  }
}

TEST_CASE("billing month: an unknown ESCO code is a usage error, no code means all") {
  CHECK_NOTHROW(require_found(std::nullopt, {}));
  CHECK_NOTHROW(require_found(std::string("alpha"), {{"e1", "alpha", "london", "Alpha ESCO", ""}}));
  try {
    require_found(std::string("nosuch"), {});
    FAIL("no error");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::usage);
    CHECK(std::string(e.what()) == "no ESCO with code nosuch");
  }
}

TEST_CASE("billing month: a month split between two occupiers, each billed for their days") {
  June j;
  // Ann moves out on the 2nd (her last day the 1st); Cat moves in that day.
  j.in.occupancies.resize(1);
  j.in.occupancies[0].dates.move_out = flows::parse_date("2024-06-02");
  Occupancy cat{"cC", "c@x", "Cat C", "aA", "pA", "PA", "e1", "mA", 1, "live", {}};
  cat.dates.move_in = flows::parse_date("2024-06-02");
  j.in.occupancies.push_back(cat);
  j.in.customer["cC"] = {D("0.1"), D("0.5")};
  j.in.account_lines = {};
  j.in.account_lines.topups = {{"cA aA", 2000}, {"cC aA", 500}};
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), true);
  REQUIRE(bill.billed.size() == 2);
  const CustomerBill& ann = bill.billed[0];
  const CustomerBill& c = bill.billed[1];
  // Ann: day 1 only: 60 kWh power, no heat; 0.21 × 60 = 12.6; standing 0.40 × 1.
  CHECK(ann.days.count() == 1);
  CHECK(ann.usage.power_kwh == 60);
  CHECK(ann.usage.heat_kwh == 0);
  CHECK(ann.costs.customer.power == D("12.6"));
  CHECK(ann.costs.customer.standing_charge == D("0.4"));
  // Cat: days 2-30: 40.5 power, 20 heat; 0.1 × 60.5 = 6.05; standing 0.5 × 29 = 14.5.
  CHECK(c.days.count() == 29);
  CHECK(c.usage.power_kwh == D("40.5"));
  CHECK(c.usage.heat_kwh == 20);
  CHECK(c.costs.customer.total() == D("20.55"));
  CHECK(ann.statement["days"] == 1);
  CHECK(ann.statement["occupied"]["to"] == "2024-06-01");
  CHECK(ann.statement["topups_gbp"] == "20.00");
  CHECK(ann.statement["solar_credit_gbp"] == "0.00");
  CHECK(c.statement["occupied"]["from"] == "2024-06-02");
  CHECK(c.statement["daily"].size() == 29);
  CHECK(c.statement["topups_gbp"] == "5.00");
  CHECK(c.statement["solar_credit_gbp"] == "12.00");  // PA's, to its occupier at the month's end
}

TEST_CASE("billing month: customers not live or exiting are skipped with their status") {
  June j;
  j.in.occupancies.resize(1);
  j.in.occupancies[0].status = "suspended";
  const MonthBill bill = bill_month(j.in, j.usage.circuits(), false);
  CHECK(bill.billed.empty());
  REQUIRE(bill.skipped.size() == 1);
  CHECK(bill.skipped[0].reason == "status suspended: only live and exiting customers are billed");
  j.in.occupancies[0].status = "exiting";
  CHECK(bill_month(j.in, j.usage.circuits(), false).billed.size() == 1);
}
