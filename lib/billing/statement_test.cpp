#include "billing/statement.hpp"

#include <doctest/doctest.h>

#include "billing/calendar.hpp"

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
  in.esco_name = "Alpha & Co";
  in.esco_app_url = "https://alpha.example/app";
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
  in.daily = {{"2024-06-01", std::nullopt}, {"2024-06-02", Decimal(24)}, {"2024-06-03", d("47.5")}};
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
  CHECK(s["total_gbp"] == "266.40");
  CHECK(s["solar_credit_gbp"] == "5.98");
  CHECK(s["topups_gbp"] == "20.00");
  CHECK(s["payments_gbp"] == "0.00");
  CHECK_FALSE(s.contains("total_pence"));
  CHECK(s["daily"][0]["kwh"].is_null());
  CHECK(s["daily"][1]["kwh"] == "24");
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
  s = statement_json(example());
  s["total_gbp"] = "266.39";
  CHECK_FALSE(statement_adds_up(s));
}

TEST_CASE("a statement stored with integer pence reads as today's document") {
  auto old = statement_json(example());
  for (const char* k : {"solar_credit", "topups", "payments", "total"}) old.erase(std::string(k) + "_gbp");
  old.erase("esco_name");
  old.erase("esco_app_url");
  old["solar_credit_pence"] = 598;
  old["topups_pence"] = 2000;
  old["payments_pence"] = 0;
  old["total_pence"] = 26640;
  const auto s = upgrade_statement(old);
  CHECK(s["solar_credit_gbp"] == "5.98");
  CHECK(s["topups_gbp"] == "20.00");
  CHECK(s["payments_gbp"] == "0.00");
  CHECK(s["total_gbp"] == "266.40");
  CHECK(s["esco_name"] == "alpha");
  CHECK_FALSE(s.contains("total_pence"));
  CHECK(statement_adds_up(s));
  CHECK(upgrade_statement(statement_json(example())) == statement_json(example()));
}

TEST_CASE("CSV quotes fields with commas and quotes; one row per statement; units in the names") {
  const auto csv = statements_csv({statement_json(example())});
  CHECK(csv.rfind("month,account_number,customer_id,customer_name,email,esco,esco_name,plot,days,power_kwh,heat_kwh,"
                  "unit_rate_gbp_per_kwh,standing_charge_gbp_per_day,power_cost_gbp,heat_cost_gbp,standing_charge_gbp,"
                  "total_gbp,microgrid_total_gbp,benchmark_total_gbp,saving_gbp,solar_credit_gbp,topups_gbp,"
                  "payments_gbp,balance_at_month_end_gbp\r\n", 0) == 0);
  CHECK(csv.find("\"Ann \"\"A\"\" <ann>\"") != std::string::npos);
  CHECK(csv.find("\"Plot 1, North\"") != std::string::npos);
  // kWh at 3 decimals, rates as the meter holds them, money at 2.
  CHECK(csv.find(",alpha,Alpha & Co,\"Plot 1, North\",30,720.000,718.000,0.17587,0.45000,126.63,126.27,13.50,266.40,") !=
        std::string::npos);
  CHECK(csv.find(",5.98,20.00,0.00,12.34\r\n") != std::string::npos);  // solar, topups, payments, balance
  size_t lines = 0;
  for (char c : csv) lines += c == '\n';
  CHECK(lines == 2);
}

TEST_CASE("CSV: no balance reading is the documented value, kWh rounded to 3 decimals") {
  auto in = example();
  in.balance_at_month_end.reset();
  in.circuits = {{"A power", CircuitType::power, d("1.23456")}};
  in.costs = monthly_costs(customer_usage(in.circuits), in.customer_rates, in.microgrid_rates, in.benchmark_rates, 30);
  const auto csv = statements_csv({statement_json(in)});
  CHECK(std::string(no_balance_reading) == "none");
  CHECK(csv.find(",none\r\n") != std::string::npos);
  CHECK(csv.find(",1.235,0.000,") != std::string::npos);
}

TEST_CASE("the chart's axis: 1, 2 or 5 steps, at most 5 of them") {
  CHECK(axis_ticks(0).step_wh == 1000);
  CHECK(axis_ticks(0).top_wh == 1000);
  CHECK(axis_ticks(47500).step_wh == 10000);  // 47.5 kWh: 0 10 20 30 40 50
  CHECK(axis_ticks(47500).top_wh == 50000);
  CHECK(axis_ticks(24000).step_wh == 5000);  // 0 5 … 25
  CHECK(axis_ticks(24000).top_wh == 25000);
  CHECK(axis_ticks(350).step_wh == 100);
  CHECK(axis_ticks(350).top_wh == 400);
  CHECK(axis_ticks(1).step_wh == 1);
  CHECK(axis_ticks(10000).top_wh == 10000);  // 5 steps of 2 kWh
}

namespace {
nlohmann::json days(std::initializer_list<const char*> kwh) {
  nlohmann::json out = nlohmann::json::array();
  int n = 20;
  for (const char* k : kwh)
    out.push_back({{"day", "2026-11-" + std::to_string(++n)}, {"kwh", k ? nlohmann::json(k) : nlohmann::json(nullptr)}});
  return out;
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("why usage covers fewer days than the standing charge") {
  CHECK(coverage_note(days({"1", "0", "2"})).empty());
  CHECK(coverage_note(days({nullptr, nullptr, "2", "0"})) ==
        "Usage recorded on 2 of 4 days (the standing charge is for all 4): the meter reported from 23 November.");
  CHECK(coverage_note(days({"2", nullptr})) ==
        "Usage recorded on 1 of 2 days (the standing charge is for all 2): the meter reported until 21 November.");
  CHECK(coverage_note(days({nullptr, "2", nullptr})) ==
        "Usage recorded on 1 of 3 days (the standing charge is for all 3): the meter reported from 22 November until "
        "22 November.");
  CHECK(coverage_note(days({"1", nullptr, "2"})) ==
        "Usage recorded on 2 of 3 days (the standing charge is for all 3): the days without readings are marked on the "
        "chart.");
  CHECK(coverage_note(days({nullptr})) ==
        "Usage recorded on 0 of 1 day (the standing charge is for that day): the meter reported no readings that day.");
  CHECK(coverage_note(days({nullptr, nullptr})) ==
        "Usage recorded on 0 of 2 days (the standing charge is for all 2): the meter reported no readings for these days.");
}

TEST_CASE("rates in pence, discounts in tenths of a per cent, exactly") {
  CHECK(pence_rate(d("0.2450")) == "24.50");
  CHECK(pence_rate(d("0.17587")) == "17.587");
  CHECK(pence_rate(d("0.45")) == "45.00");
  CHECK(pence_rate(d("0.175875")) == "17.5875");
  CHECK(discount_tenths_of_percent(d("0.17587"), d("0.2345")) == 250);
  CHECK(discount_tenths_of_percent(d("0.16415"), d("0.2345")) == 300);
  CHECK(discount_tenths_of_percent(d("0.2"), d("0")) == std::nullopt);
}

TEST_CASE("the microgrid column only when the customer's rates differ; heat only where there is heat") {
  auto s = statement_json(example());
  CHECK_FALSE(microgrid_differs(s));  // 0.175875 is 0.17587 on the meter
  CHECK(heat_shown(s));
  auto in = example();
  in.customer_rates = {d("0.16415"), d("0.42")};
  CHECK(microgrid_differs(statement_json(in)));
  in.circuits = {{"A power", CircuitType::power, 720}};
  CHECK_FALSE(heat_shown(statement_json(in)));
}

TEST_CASE("HTML escapes text and draws one bar per day, scaled by integer maths") {
  const auto html = statement_html(statement_json(example()));
  CHECK(has(html, "Ann &quot;A&quot; &lt;ann&gt;"));
  CHECK_FALSE(has(html, "<ann>"));
  CHECK_FALSE(has(html, "<script"));
  CHECK(has(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
  CHECK(has(html, "<title>Statement for June 2024 \u2014 account 42</title>"));
  CHECK(has(html, "\u00b7 Alpha &amp; Co \u00b7"));
  CHECK(has(html, "<a href=\"https://alpha.example/app\">"));
  CHECK(has(html, "<strong class=\"total\">\u00a3266.40</strong>"));
  // The axis goes to 50 kWh: 47.5 kWh is 47500 * 150 / 50000 = 142 units, 24 kWh 72.
  CHECK(has(html, "width=\"100%\" viewBox=\"0 0 400 226\""));
  CHECK(has(html, "height=\"142\" fill=\"#2f7d4f\""));
  CHECK(has(html, "height=\"72\" fill=\"#2f7d4f\""));
  CHECK(has(html, ">50</text>"));
  CHECK(has(html, ">20</text>"));
  CHECK(has(html, "<rect class=\"nodata\""));
  CHECK(has(html, "<title>1 June: no data</title>"));
  CHECK(has(html, ">no data</text>"));
  CHECK(has(html, "Usage recorded on 2 of 3 days (the standing charge is for all 3): the meter reported from 2 June."));
  CHECK(has(html, "@media print"));
  CHECK(statement_basename(statement_json(example())) == "statement-2024-06-000042");
}

TEST_CASE("HTML: rates in pence, the microgrid explained, no heat lines without heat, no balance said so") {
  auto in = example();
  auto html = statement_html(statement_json(in));
  CHECK(has(html, "Your rates: 17.587 p/kWh and 45.00 p/day (benchmark: 23.45 p/kWh and 60.00 p/day)."));
  CHECK(has(html, "Your unit rate is 25% below the benchmark"));
  CHECK_FALSE(has(html, "<th class=\"n\">Microgrid</th>"));
  CHECK(has(html, "standard microgrid tariff"));
  CHECK(has(html, "<td>Heat</td>"));
  CHECK(has(html, "Meter balance at month end</td><td class=\"n\">\u00a312.34"));
  in.customer_rates = {d("0.16415"), d("0.42")};
  in.circuits = {{"A power", CircuitType::power, 720}};
  in.costs = monthly_costs(customer_usage(in.circuits), in.customer_rates, in.microgrid_rates, in.benchmark_rates, 30);
  in.balance_at_month_end.reset();
  in.occupied = {{"2024-06-10", "2024-06-30"}};
  html = statement_html(statement_json(in));
  CHECK(has(html, "<th class=\"n\">Microgrid</th>"));
  CHECK(has(html, "Microgrid: what the month would have cost at Alpha &amp; Co's standard rates"));
  CHECK(has(html, "Your unit rate is 30% below the benchmark"));
  CHECK_FALSE(has(html, "<td>Heat</td>"));
  CHECK(has(html, "No reading of the meter balance at month end"));
  CHECK_FALSE(has(html, "not known"));
  CHECK(has(html, "30 days (from 10 June to 30 June)"));
  in.days = 1;
  in.occupied = {{"2024-06-30", "2024-06-30"}};
  html = statement_html(statement_json(in));
  CHECK(has(html, "\u00b7 1 day (from 30 June to 30 June)"));
}

TEST_CASE("the index has a row of totals and says what to reconcile against") {
  auto a = statement_json(example());
  auto in = example();
  in.account_number = 43;
  in.circuits = {{"A power", CircuitType::power, 100}};
  in.costs = monthly_costs(customer_usage(in.circuits), in.customer_rates, in.microgrid_rates, in.benchmark_rates, 30);
  auto b = statement_json(in);  // 17.59 + 13.50 = 31.09; benchmark 23.45 + 18 = 41.45, saving 10.36
  const auto html = statements_index_html("2024-06", {{"a.html", a}, {"b.html", b}});
  CHECK(has(html, "<title>Statements for June 2024</title>"));
  CHECK(has(html, "<tr class=\"total\"><td colspan=\"3\">2 statements</td><td class=\"n\">\u00a3297.49</td>"
                  "<td class=\"n\">\u00a399.17</td></tr>"));
  CHECK(has(html, "Reconcile against this total"));
}

TEST_CASE("pence print as pounds with two decimals") {
  CHECK(pence_as_pounds(598) == "5.98");
  CHECK(pence_as_pounds(-5) == "-0.05");
  CHECK(pence_as_pounds(0) == "0.00");
  CHECK(pence_as_pounds(120000) == "1200.00");
}
