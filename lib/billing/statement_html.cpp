// The statement as a self-contained HTML page, and the index of a month's pages.
#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "billing/statement.hpp"
#include "billing/statement_text.hpp"
#include "core/text.hpp"

namespace flows::billing {
namespace {

using statement_text::dec;
using statement_text::html_escape;
using statement_text::str;

// The chart's geometry, in the SVG's own units (it scales to the page's width).
constexpr int chart_w = 400, chart_h = 226, plot_top = 16, plot_h = 150, plot_left = 40, plot_right = 6;
constexpr int font = 12;

std::string kwh_label(std::int64_t wh) { return Decimal::from_parts(wh, 3).to_string(); }

// The day of the month of "YYYY-MM-DD", 0 for other text.
int day_number(const std::string& day) {
  if (day.size() != 10 || day[8] < '0' || day[8] > '9' || day[9] < '0' || day[9] > '9') return 0;
  return (day[8] - '0') * 10 + (day[9] - '0');
}

void chart_grid(std::ostringstream& o, const AxisTicks& t) {
  o << "<text x=\"" << plot_left - 4 << "\" y=\"" << plot_top - 5 << "\" text-anchor=\"end\" font-size=\"" << font
    << "\">kWh</text>\n";
  for (std::int64_t wh = 0; wh <= t.top_wh; wh += t.step_wh) {
    const std::int64_t y = plot_top + plot_h - wh * plot_h / t.top_wh;
    o << "<line class=\"grid\" x1=\"" << plot_left << "\" y1=\"" << y << "\" x2=\"" << chart_w - plot_right
      << "\" y2=\"" << y << "\" stroke=\"" << (wh == 0 ? "#555" : "#ddd") << "\"/>\n";
    o << "<text x=\"" << plot_left - 4 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" font-size=\"" << font << "\">"
      << kwh_label(wh) << "</text>\n";
  }
}

void chart_day_label(std::ostringstream& o, int x, const std::string& day) {
  o << "<text x=\"" << x << "\" y=\"" << plot_top + plot_h + 16 << "\" text-anchor=\"middle\" font-size=\"" << font
    << "\">" << (day_number(day) > 0 ? std::to_string(day_number(day)) : html_escape(day)) << "</text>\n";
}

void chart_legend(std::ostringstream& o, bool any_missing) {
  const int y = chart_h - 20;
  o << "<rect class=\"bar swatch\" x=\"" << plot_left << "\" y=\"" << y << "\" width=\"12\" height=\"12\" fill=\"#2f7d4f\"/>"
    << "<text x=\"" << plot_left + 16 << "\" y=\"" << y + 11 << "\" font-size=\"" << font << "\">kWh used</text>\n";
  if (!any_missing) return;
  o << "<rect class=\"nodata\" x=\"" << plot_left + 110 << "\" y=\"" << y
    << "\" width=\"12\" height=\"12\" fill=\"url(#nodata)\" stroke=\"#999\"/>"
    << "<text x=\"" << plot_left + 126 << "\" y=\"" << y + 11 << "\" font-size=\"" << font << "\">no data</text>\n";
}

// Bars of daily kWh, hatched columns for days without readings, gridlines with
// kWh labels, day-of-month labels; heights in whole units by integer maths on Wh.
std::string daily_chart_svg(const nlohmann::json& daily) {
  const int n = static_cast<int>(daily.size());
  std::vector<std::optional<std::int64_t>> wh;
  for (const auto& d : daily)
    wh.push_back(d.at("kwh").is_null() ? std::nullopt
                                        : std::optional(std::max<std::int64_t>(0, dec(d.at("kwh")).shifted(3).to_int64_trunc())));
  std::int64_t max_wh = 0;
  for (const auto& w : wh) max_wh = std::max(max_wh, w.value_or(0));
  const AxisTicks ticks = axis_ticks(max_wh);
  const bool any_missing = std::any_of(wh.begin(), wh.end(), [](const auto& w) { return !w; });
  std::ostringstream o;
  o << "<svg class=\"chart\" role=\"img\" aria-label=\"Daily use, kWh\" width=\"100%\" viewBox=\"0 0 " << chart_w << ' '
    << chart_h << "\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">\n"
    << "<defs><pattern id=\"nodata\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
       "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
       "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#aaa\" stroke-width=\"2\"/></pattern></defs>\n";
  chart_grid(o, ticks);
  const int slot = n > 0 ? (chart_w - plot_left - plot_right) / n : 0;
  for (int i = 0; i < n; ++i) {
    const auto& w = wh[static_cast<std::size_t>(i)];
    const std::string day = str(daily[static_cast<std::size_t>(i)].at("day"));
    const int x = plot_left + 1 + i * slot;
    const std::int64_t h = w ? *w * plot_h / ticks.top_wh : plot_h;
    o << "<rect class=\"" << (w ? "bar" : "nodata") << "\" x=\"" << x << "\" y=\"" << plot_top + plot_h - h
      << "\" width=\"" << std::max(1, slot - 2) << "\" height=\"" << h << "\" fill=\""
      << (w ? "#2f7d4f" : "url(#nodata)") << "\"><title>" << html_escape(long_date(day)) << ": "
      << (w ? html_escape(str(daily[static_cast<std::size_t>(i)].at("kwh"))) + " kWh" : std::string("no data"))
      << "</title></rect>\n";
    if (i == 0 || (day_number(day) % 5 == 0 && i >= 2)) chart_day_label(o, x + slot / 2, day);
  }
  chart_legend(o, any_missing);
  o << "</svg>\n";
  return o.str();
}

const char* page_style =
    "body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222;"
    "line-height:1.4}"
    "h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.15em;margin:1.4em 0 .4em}.sub{color:#555;margin-top:0}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}th,td{padding:.3em .6em;border-bottom:1px solid #ddd}"
    "th{text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "tr.total td{font-weight:bold;border-top:2px solid #333}.due{font-size:1.2em}.note{color:#555;font-size:.95em}"
    ".chart{display:block;max-width:36em;height:auto}"
    "@media (max-width:30em){body{margin:1em auto;padding:0 .6em}th,td{padding:.3em .3em}h1{font-size:1.2em}}"
    "@media print{body{max-width:none;margin:0;padding:0;color:#000;font-size:11pt}"
    "a{color:#000;text-decoration:none}.note,.sub{color:#333}h2{break-after:avoid;page-break-after:avoid}"
    "table,tr,.chart,.due{break-inside:avoid;page-break-inside:avoid}"
    ".chart rect.bar{fill:#444}@page{margin:15mm}}";

std::string page_head(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         html_escape(title) + "</title>\n<style>" + page_style + "</style>\n</head>\n<body>\n<h1>" +
         html_escape(title) + "</h1>\n";
}

std::string month_long_name(const nlohmann::json& s) {
  const auto m = Month::parse(str(s.at("month")));
  return m ? m->long_name() : str(s.at("month"));
}

std::string esco_link(const nlohmann::json& s) {
  const std::string url = s.contains("esco_app_url") ? str(s.at("esco_app_url")) : "";
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return "";
  return "<p class=\"note\">Questions about this statement: " + html_escape(str(s.at("esco_name"))) + ", <a href=\"" +
         html_escape(url) + "\">" + html_escape(url) + "</a></p>\n";
}

void header_html(std::ostringstream& o, const nlohmann::json& s) {
  o << "<p class=\"sub\">" << html_escape(str(s.at("customer").at("name"))) << " &lt;"
    << html_escape(str(s.at("customer").at("email"))) << "&gt; \u00b7 " << html_escape(str(s.at("plot")))
    << " \u00b7 " << html_escape(str(s.at("esco_name"))) << " \u00b7 " << count_of(s.at("days").get<int>(), "day");
  if (s.contains("occupied"))
    o << " (from " << html_escape(long_date(str(s.at("occupied").at("from")))) << " to "
      << html_escape(long_date(str(s.at("occupied").at("to")))) << ")";
  o << "</p>\n" << esco_link(s);
  o << "<p class=\"due\">Total for " << html_escape(month_long_name(s)) << ": <strong class=\"total\">\u00a3"
    << html_escape(str(s.at("costs").at("customer").at("total"))) << "</strong></p>\n";
}

void use_html(std::ostringstream& o, const nlohmann::json& s) {
  const bool heat = heat_shown(s);
  o << "<h2>Use</h2>\n<table>\n<tr><th>Circuit</th><th>Type</th><th class=\"n\">kWh</th></tr>\n";
  for (const auto& ci : s.at("usage").at("circuits"))
    o << "<tr><td>" << html_escape(str(ci.at("name"))) << "</td><td>" << html_escape(str(ci.at("type")))
      << "</td><td class=\"n\">" << html_escape(str(ci.at("kwh"))) << "</td></tr>\n";
  o << "<tr class=\"total\"><td>Power</td><td></td><td class=\"n\">" << html_escape(str(s.at("usage").at("power_kwh")))
    << "</td></tr>\n";
  if (heat)
    o << "<tr><td>Heat</td><td></td><td class=\"n\">" << html_escape(str(s.at("usage").at("heat_kwh"))) << "</td></tr>\n";
  o << "</table>\n";
  o << "<h2>Daily use (kWh)</h2>\n" << daily_chart_svg(s.at("daily"));
  if (const std::string note = coverage_note(s.at("daily")); !note.empty())
    o << "<p class=\"note coverage\">" << html_escape(note) << "</p>\n";
}

std::string percent(std::int64_t tenths) {
  return tenths % 10 == 0 ? std::to_string(tenths / 10) : fmt::format("{}.{}", tenths / 10, std::abs(tenths % 10));
}

void costs_notes(std::ostringstream& o, const nlohmann::json& s, bool microgrid) {
  const auto& r = s.at("rates");
  const auto rates = [&](const char* who) {
    return pence_rate(dec(r.at(who).at("unit_rate"))) + " p/kWh and " + pence_rate(dec(r.at(who).at("standing_charge"))) +
           " p/day";
  };
  o << "<p>Your rates: " << rates("customer") << " (benchmark: " << rates("benchmark") << ").";
  const auto d = discount_tenths_of_percent(dec(r.at("customer").at("unit_rate")), dec(r.at("benchmark").at("unit_rate")));
  if (d && *d > 0)
    o << " Your unit rate is " << percent(*d) << "% below the benchmark, the national price cap for your region.";
  o << "</p>\n<p class=\"note\">";
  if (microgrid)
    o << "Microgrid: what the month would have cost at " << html_escape(str(s.at("esco_name")))
      << "'s standard rates for the community (" << rates("microgrid")
      << "); your tariff differs from them by a discount of your own.";
  else
    o << "Your tariff is " << html_escape(str(s.at("esco_name")))
      << "'s standard microgrid tariff for the community, so it is not shown twice.";
  o << "</p>\n";
}

void costs_html(std::ostringstream& o, const nlohmann::json& s) {
  const auto& c = s.at("costs");
  const bool microgrid = microgrid_differs(s), heat = heat_shown(s);
  std::vector<const char*> whos{"customer", "benchmark"};
  if (microgrid) whos.insert(whos.begin() + 1, "microgrid");
  o << "<h2>Costs</h2>\n<table>\n<tr><th></th><th class=\"n\">Your tariff</th>"
    << (microgrid ? "<th class=\"n\">Microgrid</th>" : "") << "<th class=\"n\">Benchmark</th></tr>\n";
  const std::pair<const char*, const char*> rows[] = {
      {"power", "Power"}, {"heat", "Heat"}, {"standing_charge", "Standing charge"}, {"total", "Total"}};
  for (const auto& [key, label] : rows) {
    if (std::string_view(key) == "heat" && !heat) continue;
    o << "<tr" << (std::string_view(key) == "total" ? " class=\"total\"" : "") << "><td>" << label << "</td>";
    for (const char* who : whos) o << "<td class=\"n\">\u00a3" << html_escape(str(c.at(who).at(key))) << "</td>";
    o << "</tr>\n";
  }
  o << "</table>\n";
  costs_notes(o, s, microgrid);
  o << "<p class=\"saving\">Saving against the benchmark: <strong>\u00a3" << html_escape(str(s.at("saving")))
    << "</strong></p>\n";
}

void account_html(std::ostringstream& o, const nlohmann::json& s) {
  o << "<h2>Account</h2>\n<table>\n";
  o << "<tr><td>Solar credit</td><td class=\"n\">\u00a3" << html_escape(str(s.at("solar_credit_gbp"))) << "</td></tr>\n";
  o << "<tr><td>Top-ups</td><td class=\"n\">\u00a3" << html_escape(str(s.at("topups_gbp"))) << "</td></tr>\n";
  o << "<tr><td>Payments</td><td class=\"n\">\u00a3" << html_escape(str(s.at("payments_gbp"))) << "</td></tr>\n";
  const auto& bal = s.at("balance_at_month_end");
  if (bal.is_null())
    o << "<tr><td colspan=\"2\">No reading of the meter balance at month end</td></tr>\n";
  else
    o << "<tr><td>Meter balance at month end</td><td class=\"n\">\u00a3" << html_escape(dec(bal).to_string(2))
      << "</td></tr>\n";
  o << "</table>\n";
}

}  // namespace

std::string statement_html(const nlohmann::json& s) {
  std::ostringstream o;
  o << page_head("Statement for " + month_long_name(s) + " \u2014 account " +
                 std::to_string(s.at("account_number").get<std::int64_t>()));
  header_html(o, s);
  use_html(o, s);
  costs_html(o, s);
  account_html(o, s);
  o << "</body>\n</html>\n";
  return o.str();
}

std::string statements_index_html(const std::string& month,
                                  const std::vector<std::pair<std::string, nlohmann::json>>& files) {
  const auto m = Month::parse(month);
  std::ostringstream o;
  o << page_head("Statements for " + (m ? m->long_name() : month));
  o << "<table>\n<tr><th>Account</th><th>Customer</th><th>Plot</th><th class=\"n\">Total</th>"
       "<th class=\"n\">Saving</th></tr>\n";
  std::int64_t total = 0, saved = 0;
  for (const auto& [file, s] : files) {
    total += statement_total_pence(s);
    saved += dec(s.at("saving")).shifted(2).to_int64_trunc();
    o << "<tr><td><a href=\"" << html_escape(file) << "\">" << s.at("account_number").get<std::int64_t>()
      << "</a></td><td>" << html_escape(str(s.at("customer").at("name"))) << "</td><td>" << html_escape(str(s.at("plot")))
      << "</td><td class=\"n\">\u00a3" << html_escape(str(s.at("costs").at("customer").at("total")))
      << "</td><td class=\"n\">\u00a3" << html_escape(str(s.at("saving"))) << "</td></tr>\n";
  }
  o << "<tr class=\"total\"><td colspan=\"3\">" << files.size() << (files.size() == 1 ? " statement" : " statements")
    << "</td><td class=\"n\">\u00a3" << pence_as_pounds(total) << "</td><td class=\"n\">\u00a3" << pence_as_pounds(saved)
    << "</td></tr>\n</table>\n";
  o << "<p class=\"note\">Reconcile against this total: the sum of the statements' totals, each the sum of its "
       "lines rounded to the penny, as customers were shown them. <code>flows-bill run</code> prints it as "
       "\u201cstatements \u00a3\u2026\u201d beside the customer total of the unrounded costs, which can differ from it "
       "by a few pence.</p>\n";
  o << "</body>\n</html>\n";
  return o.str();
}

}  // namespace flows::billing
