#include "billing/statement.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/csv.hpp"

namespace flows::billing {
namespace {

std::string pounds(const Decimal& d) { return d.to_string(2); }

nlohmann::json rates_json(const Rates& r) {
  return {{"unit_rate", r.unit_rate.to_string_min(5)}, {"standing_charge", r.standing_charge.to_string_min(5)}};
}

nlohmann::json lines_json(const StatementLines& s) {
  return {{"power", pounds(s.power)},
          {"heat", pounds(s.heat)},
          {"standing_charge", pounds(s.standing_charge)},
          {"total", pounds(s.total)}};
}

Decimal dec(const nlohmann::json& j) {
  if (!j.is_string()) throw std::invalid_argument("statement: expected a decimal string");
  auto d = Decimal::parse(j.get<std::string>());
  if (!d) throw std::invalid_argument("statement: not a decimal: " + j.get<std::string>());
  return *d;
}

std::int64_t pence(const Decimal& pounds_value) { return pounds_value.shifted(2).to_int64_trunc(); }

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string str(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}


// Bars of daily kWh; heights in whole pixels by integer maths on Wh.
std::string daily_chart_svg(const nlohmann::json& daily) {
  constexpr int width = 620, height = 170, plot_h = 130, top = 10, left = 40;
  std::vector<std::int64_t> wh;
  std::vector<std::string> days;
  for (const auto& d : daily) {
    wh.push_back(std::max<std::int64_t>(0, dec(d.at("kwh")).shifted(3).to_int64_trunc()));
    days.push_back(str(d.at("day")));
  }
  const std::int64_t max_wh = wh.empty() ? 0 : *std::max_element(wh.begin(), wh.end());
  std::ostringstream o;
  o << "<svg class=\"chart\" role=\"img\" aria-label=\"Daily use, kWh\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << ' ' << height << "\" xmlns=\"http://www.w3.org/2000/svg\">\n";
  o << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << width - 5 << "\" y2=\"" << top + plot_h
    << "\" stroke=\"#555\"/>\n";
  if (max_wh > 0) {
    o << "<text x=\"" << left - 4 << "\" y=\"" << top + 8 << "\" text-anchor=\"end\" font-size=\"10\">"
      << html_escape(Decimal::from_parts(max_wh, 3).to_string(1)) << "</text>\n";
  }
  o << "<text x=\"" << left - 4 << "\" y=\"" << top + plot_h << "\" text-anchor=\"end\" font-size=\"10\">0</text>\n";
  const int n = static_cast<int>(wh.size());
  const int slot = n > 0 ? (width - left - 10) / n : 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t h = max_wh > 0 ? wh[static_cast<std::size_t>(i)] * plot_h / max_wh : 0;
    const int x = left + 2 + i * slot;
    o << "<rect x=\"" << x << "\" y=\"" << top + plot_h - h << "\" width=\"" << std::max(1, slot - 2) << "\" height=\""
      << h << "\" fill=\"#2f7d4f\"><title>" << html_escape(days[static_cast<std::size_t>(i)]) << ": "
      << html_escape(str(daily[static_cast<std::size_t>(i)].at("kwh"))) << " kWh</title></rect>\n";
    if (i % 5 == 0 || i == n - 1) {
      const auto& d = days[static_cast<std::size_t>(i)];
      o << "<text x=\"" << x + slot / 2 << "\" y=\"" << top + plot_h + 14 << "\" text-anchor=\"middle\" font-size=\"10\">"
        << html_escape(d.size() >= 10 ? d.substr(8, 2) : d) << "</text>\n";
    }
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace

nlohmann::json statement_json(const StatementInput& in) {
  const StatementLines customer = statement_lines(in.costs.customer);
  const StatementLines microgrid = statement_lines(in.costs.microgrid);
  const StatementLines benchmark = statement_lines(in.costs.benchmark);
  const CustomerUsage usage = customer_usage(in.circuits);

  nlohmann::json circuits = nlohmann::json::array();
  for (const auto& c : in.circuits)
    circuits.push_back({{"name", c.circuit}, {"type", to_string(c.type)}, {"kwh", c.kwh.to_string()}});
  nlohmann::json daily = nlohmann::json::array();
  for (const auto& d : in.daily) daily.push_back({{"day", d.day}, {"kwh", d.kwh.to_string()}});

  nlohmann::json doc = {
      {"month", in.month.to_string()},
      {"days", in.days},
      {"customer", {{"id", in.customer_id}, {"name", in.customer_name}, {"email", in.customer_email}}},
      {"account_number", in.account_number},
      {"plot", in.plot},
      {"esco", in.esco},
      {"usage", {{"power_kwh", usage.power_kwh.to_string()}, {"heat_kwh", usage.heat_kwh.to_string()}, {"circuits", circuits}}},
      {"rates",
       {{"customer", rates_json(in.customer_rates)},
        {"microgrid", rates_json(in.microgrid_rates)},
        {"benchmark", rates_json(in.benchmark_rates)}}},
      {"costs", {{"customer", lines_json(customer)}, {"microgrid", lines_json(microgrid)}, {"benchmark", lines_json(benchmark)}}},
      {"saving", pounds(saving(customer, benchmark))},
      {"solar_credit_pence", in.solar_credit_pence},
      {"topups_pence", in.topups_pence},
      {"payments_pence", in.payments_pence},
      {"balance_at_month_end",
       in.balance_at_month_end ? nlohmann::json(in.balance_at_month_end->to_string_min(2)) : nlohmann::json(nullptr)},
      {"daily", daily},
      {"total_pence", pence(customer.total)},
  };
  if (in.occupied) doc["occupied"] = {{"from", in.occupied->first}, {"to", in.occupied->second}};
  return doc;
}

std::int64_t statement_total_pence(const nlohmann::json& s) { return s.at("total_pence").get<std::int64_t>(); }

bool statement_adds_up(const nlohmann::json& s) {
  for (const char* who : {"customer", "microgrid", "benchmark"}) {
    const auto& l = s.at("costs").at(who);
    if (dec(l.at("power")) + dec(l.at("heat")) + dec(l.at("standing_charge")) != dec(l.at("total"))) return false;
  }
  const auto& c = s.at("costs");
  if (dec(s.at("saving")) != dec(c.at("benchmark").at("total")) - dec(c.at("customer").at("total"))) return false;
  return pence(dec(c.at("customer").at("total"))) == statement_total_pence(s);
}

std::string statements_csv(const std::vector<nlohmann::json>& statements) {
  std::string out =
      "month,account_number,customer_id,customer_name,email,esco,plot,days,power_kwh,heat_kwh,"
      "unit_rate,standing_charge_rate,power,heat,standing_charge,total,"
      "microgrid_total,benchmark_total,saving,solar_credit,topups,payments,balance_at_month_end\r\n";
  for (const auto& s : statements) {
    const auto& c = s.at("costs");
    const std::vector<std::string> fields = {
        str(s.at("month")),
        std::to_string(s.at("account_number").get<std::int64_t>()),
        str(s.at("customer").at("id")),
        str(s.at("customer").at("name")),
        str(s.at("customer").at("email")),
        str(s.at("esco")),
        str(s.at("plot")),
        std::to_string(s.at("days").get<int>()),
        str(s.at("usage").at("power_kwh")),
        str(s.at("usage").at("heat_kwh")),
        str(s.at("rates").at("customer").at("unit_rate")),
        str(s.at("rates").at("customer").at("standing_charge")),
        str(c.at("customer").at("power")),
        str(c.at("customer").at("heat")),
        str(c.at("customer").at("standing_charge")),
        str(c.at("customer").at("total")),
        str(c.at("microgrid").at("total")),
        str(c.at("benchmark").at("total")),
        str(s.at("saving")),
        pence_as_pounds(s.at("solar_credit_pence").get<std::int64_t>()),
        pence_as_pounds(s.at("topups_pence").get<std::int64_t>()),
        pence_as_pounds(s.at("payments_pence").get<std::int64_t>()),
        str(s.at("balance_at_month_end")),
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += csv_cell(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string pence_as_pounds(std::int64_t p) {
  const char* sign = p < 0 ? "-" : "";
  const std::int64_t a = p < 0 ? -p : p;
  return fmt::format("{}{}.{:02}", sign, a / 100, a % 100);
}

std::string statement_basename(const nlohmann::json& s) {
  return fmt::format("statement-{}-{:06}", str(s.at("month")), s.at("account_number").get<std::int64_t>());
}

namespace {
const char* page_style =
    "body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.4em;margin-bottom:.2em}.sub{color:#555;margin-top:0}"
    "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{padding:.3em .6em;border-bottom:1px solid #ddd}"
    "th{text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.total td{font-weight:bold;border-top:2px solid #333}.saving{font-size:1.1em}";
}

std::string statement_html(const nlohmann::json& s) {
  const auto& c = s.at("costs");
  std::ostringstream o;
  const std::string title = "Statement " + str(s.at("month")) + " \u2014 account " +
                            std::to_string(s.at("account_number").get<std::int64_t>());
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << page_style << "</style>\n</head>\n<body>\n";
  o << "<h1>" << html_escape(title) << "</h1>\n";
  o << "<p class=\"sub\">" << html_escape(str(s.at("customer").at("name"))) << " &lt;"
    << html_escape(str(s.at("customer").at("email"))) << "&gt; \u00b7 " << html_escape(str(s.at("plot")))
    << " \u00b7 " << html_escape(str(s.at("esco"))) << " \u00b7 " << s.at("days").get<int>() << " days";
  if (s.contains("occupied"))
    o << " (" << html_escape(str(s.at("occupied").at("from"))) << " to " << html_escape(str(s.at("occupied").at("to")))
      << ")";
  o << "</p>\n";

  o << "<h2>Use</h2>\n<table>\n<tr><th>Circuit</th><th>Type</th><th class=\"n\">kWh</th></tr>\n";
  for (const auto& ci : s.at("usage").at("circuits"))
    o << "<tr><td>" << html_escape(str(ci.at("name"))) << "</td><td>" << html_escape(str(ci.at("type")))
      << "</td><td class=\"n\">" << html_escape(str(ci.at("kwh"))) << "</td></tr>\n";
  o << "<tr class=\"total\"><td>Power</td><td></td><td class=\"n\">" << html_escape(str(s.at("usage").at("power_kwh")))
    << "</td></tr>\n<tr><td>Heat</td><td></td><td class=\"n\">" << html_escape(str(s.at("usage").at("heat_kwh")))
    << "</td></tr>\n</table>\n";
  o << "<h2>Daily use (kWh)</h2>\n" << daily_chart_svg(s.at("daily"));

  o << "<h2>Costs</h2>\n<table>\n<tr><th></th><th class=\"n\">Your tariff</th><th class=\"n\">Microgrid</th>"
       "<th class=\"n\">Benchmark</th></tr>\n";
  const std::pair<const char*, const char*> rows[] = {
      {"power", "Power"}, {"heat", "Heat"}, {"standing_charge", "Standing charge"}, {"total", "Total"}};
  for (const auto& [key, label] : rows) {
    o << "<tr" << (std::string_view(key) == "total" ? " class=\"total\"" : "") << "><td>" << label << "</td>";
    for (const char* who : {"customer", "microgrid", "benchmark"})
      o << "<td class=\"n\">\u00a3" << html_escape(str(c.at(who).at(key))) << "</td>";
    o << "</tr>\n";
  }
  o << "</table>\n";
  o << "<p>Rates: " << html_escape(str(s.at("rates").at("customer").at("unit_rate"))) << " \u00a3/kWh, "
    << html_escape(str(s.at("rates").at("customer").at("standing_charge"))) << " \u00a3/day.</p>\n";
  o << "<p class=\"saving\">Saving against the benchmark: <strong>\u00a3" << html_escape(str(s.at("saving")))
    << "</strong></p>\n";

  o << "<h2>Account</h2>\n<table>\n";
  o << "<tr><td>Solar credit</td><td class=\"n\">\u00a3" << pence_as_pounds(s.at("solar_credit_pence").get<std::int64_t>())
    << "</td></tr>\n";
  o << "<tr><td>Top-ups</td><td class=\"n\">\u00a3" << pence_as_pounds(s.at("topups_pence").get<std::int64_t>())
    << "</td></tr>\n";
  o << "<tr><td>Payments</td><td class=\"n\">\u00a3" << pence_as_pounds(s.at("payments_pence").get<std::int64_t>())
    << "</td></tr>\n";
  const auto& bal = s.at("balance_at_month_end");
  o << "<tr><td>Meter balance at month end</td><td class=\"n\">"
    << (bal.is_null() ? std::string("not known") : "\u00a3" + html_escape(dec(bal).to_string(2))) << "</td></tr>\n";
  o << "</table>\n</body>\n</html>\n";
  return o.str();
}

std::string statements_index_html(const std::string& month,
                                  const std::vector<std::pair<std::string, nlohmann::json>>& files) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Statements " << html_escape(month)
    << "</title>\n<style>" << page_style << "</style>\n</head>\n<body>\n<h1>Statements " << html_escape(month)
    << "</h1>\n<table>\n<tr><th>Account</th><th>Customer</th><th>Plot</th><th class=\"n\">Total</th>"
       "<th class=\"n\">Saving</th></tr>\n";
  for (const auto& [file, s] : files) {
    o << "<tr><td><a href=\"" << html_escape(file) << "\">" << s.at("account_number").get<std::int64_t>()
      << "</a></td><td>" << html_escape(str(s.at("customer").at("name"))) << "</td><td>" << html_escape(str(s.at("plot")))
      << "</td><td class=\"n\">\u00a3" << html_escape(str(s.at("costs").at("customer").at("total")))
      << "</td><td class=\"n\">\u00a3" << html_escape(str(s.at("saving"))) << "</td></tr>\n";
  }
  o << "</table>\n</body>\n</html>\n";
  return o.str();
}

}  // namespace flows::billing
