#include "billing/statement.hpp"

#include <doctest/doctest.h>

using namespace flows::billing;

namespace {

Decimal d(const char* s) { return *Decimal::parse(s); }

StatementInput example() {
  StatementInput in;
  in.month = Month(2024, 6);
  in.customer_id = "c1";
  in.customer_name = "Ann \"A\" <ann>";
  in.customer_email = "a@x.example";
  in.account_number = 42;
  in.plot = "Plot 1, North";
  in.esco = "alpha";
  in.days = 30;
  in.circuits = {{"A power", CircuitType::power, 720}, {"A heat", CircuitType::heat, 718}};
  in.customer_rates = {d("0.17587"), d("0.45")};
  in.microgrid_rates = {d("0.175875"), d("0.45")};
  in.benchmark_rates = {d("0.2345"), d("0.6")};
  const CustomerUsage u = customer_usage(in.circuits);
  in.costs = monthly_costs(u, in.customer_rates, in.microgrid_rates, in.benchmark_rates, 30);
  in.solar_credit_pence = 598;
  in.topups_pence = 2000;
  in.balance_at_month_end = d("12.34");
  in.daily = {{"2024-06-01", 24}, {"2024-06-02", d("47.5")}};
  return in;
}

}  // namespace

TEST_CASE("a statement rounds each line to the penny and adds up") {
  const auto s = statement_json(example());
  // 0.17587 x 720 = 126.6264 -> 126.63; x 718 = 126.27466 -> 126.27; 0.45 x 30 = 13.50.
  CHECK(s["costs"]["customer"]["power"] == "126.63");
  CHECK(s["costs"]["customer"]["heat"] == "126.27");
  CHECK(s["costs"]["customer"]["standing_charge"] == "13.50");
  CHECK(s["costs"]["customer"]["total"] == "266.40");  // sum of the rounded lines (exact 266.40106)
  CHECK(s["costs"]["benchmark"]["total"] == "355.21");
  CHECK(s["saving"] == "88.81");
  CHECK(statement_total_pence(s) == 26640);
  CHECK(s["usage"]["power_kwh"] == "720");
  CHECK(s["usage"]["heat_kwh"] == "718");
  CHECK(s["balance_at_month_end"] == "12.34");
  CHECK(statement_adds_up(s));
}

TEST_CASE("a tampered statement does not add up") {
  auto s = statement_json(example());
  s["costs"]["customer"]["total"] = "266.41";
  CHECK_FALSE(statement_adds_up(s));
  s = statement_json(example());
  s["saving"] = "88.80";
  CHECK_FALSE(statement_adds_up(s));
}

TEST_CASE("CSV quotes fields with commas and quotes; one row per statement") {
  const auto csv = statements_csv({statement_json(example())});
  CHECK(csv.find("\"Ann \"\"A\"\" <ann>\"") != std::string::npos);
  CHECK(csv.find("\"Plot 1, North\"") != std::string::npos);
  CHECK(csv.find(",266.40,") != std::string::npos);
  CHECK(csv.find(",5.98,20.00,0.00,12.34\r\n") != std::string::npos);  // solar, topups, payments, balance
  size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  CHECK(lines == 2);
}

TEST_CASE("HTML escapes text and draws one bar per day, scaled by integer maths") {
  const auto html = statement_html(statement_json(example()));
  CHECK(html.find("Ann &quot;A&quot; &lt;ann&gt;") != std::string::npos);
  CHECK(html.find("<ann>") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  // 47.5 kWh is the tallest bar (130 px); 24 kWh is 24000 * 130 / 47500 = 65 px.
  CHECK(html.find("height=\"130\"") != std::string::npos);
  CHECK(html.find("height=\"65\"") != std::string::npos);
  CHECK(statement_basename(statement_json(example())) == "statement-2024-06-000042");
}

TEST_CASE("pence print as pounds with two decimals") {
  CHECK(pence_as_pounds(598) == "5.98");
  CHECK(pence_as_pounds(-5) == "-0.05");
  CHECK(pence_as_pounds(0) == "0.00");
  CHECK(pence_as_pounds(120000) == "1200.00");
}
