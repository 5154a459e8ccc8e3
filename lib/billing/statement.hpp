#pragma once
// A customer's monthly statement: what they used, what it cost at their tariff,
// at the microgrid's and at the benchmark, the saving, solar credit, money in,
// and the balance at the month's end. Built from exact values, stored as a JSON
// document (money is £ as decimal strings with 2 decimals, rounded per line as
// costs.hpp says, so every statement adds up to the penny; the top-level amounts
// are named *_gbp, with saving and balance_at_month_end; kWh are exact decimal
// strings; a day without any reading has "kwh": null), and rendered as JSON, CSV
// or a self-contained HTML page with a chart of daily use. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "billing/calendar.hpp"
#include "billing/costs.hpp"
#include "billing/decimal.hpp"
#include "billing/tariffs.hpp"

namespace flows::billing {

struct DailyUse {
  std::string day;             // YYYY-MM-DD (UK civil day)
  std::optional<Decimal> kwh;  // none: no circuit of the property recorded anything that day
};

struct StatementInput {
  Month month{2000, 1};
  std::string customer_id;
  std::string customer_name;
  std::string customer_email;
  std::int64_t account_number = 0;
  std::string plot;
  std::string esco;  // code
  std::string esco_name, esco_app_url;  // app_url: "" when the ESCO has none
  int days = 0;      // days charged (days elapsed for the month in progress; the days occupied)
  // The first and last day billed (YYYY-MM-DD) when the customer occupied the
  // account for part of the days charged only (a move-in or move-out).
  std::optional<std::pair<std::string, std::string>> occupied;
  std::vector<CircuitUsage> circuits;
  Rates customer_rates, microgrid_rates, benchmark_rates;
  MonthlyCosts costs;
  std::int64_t solar_credit_pence = 0;
  std::int64_t topups_pence = 0;    // completed topups of the supply meter in the month
  std::int64_t payments_pence = 0;  // succeeded payments of the account in the month
  std::optional<Decimal> balance_at_month_end;  // £, last reading before the month's end
  std::vector<DailyUse> daily;
};

// The document stored in monthly_statements.statement. Its "total_gbp" is the
// customer total of the rounded lines.
nlohmann::json statement_json(const StatementInput& in);

// A stored document as statement_json makes it today: one written before money
// was decimal strings (solar_credit_pence, topups_pence, payments_pence and
// total_pence as integers) gets the *_gbp strings instead, and esco_name the
// code. A current document is returned as it is.
nlohmann::json upgrade_statement(nlohmann::json statement);

// The customer's total in whole pence (of the rounded lines).
std::int64_t statement_total_pence(const nlohmann::json& statement);

// Checks a stored statement adds up: for each tariff, power + heat + standing
// charge == total (to the penny) and saving == benchmark total − customer total.
bool statement_adds_up(const nlohmann::json& statement);

// What balance_at_month_end_gbp holds in the CSV when the meter reported no
// balance before the month's (or the occupancy's) end.
inline constexpr const char* no_balance_reading = "none";

// One CSV header and one row per statement (RFC 4180 quoting, cells that would
// be formulas neutralised). Units are in the column names: money *_gbp with 2
// decimals, energy *_kwh with 3 (rounded half away from zero), rates
// *_gbp_per_kwh and *_gbp_per_day as the meter holds them.
std::string statements_csv(const std::vector<nlohmann::json>& statements);

// The chart's vertical axis for a tallest bar of `max_wh` Wh: gridlines every
// `step_wh` (1, 2 or 5 × a power of ten, at most 5 of them above 0) up to
// `top_wh` (>= max_wh). max_wh 0: one step of 1 kWh.
struct AxisTicks {
  std::int64_t step_wh = 1000, top_wh = 1000;
};
AxisTicks axis_ticks(std::int64_t max_wh);

// Why usage covers fewer days than the standing charge, from the statement's
// "daily" (a day with "kwh": null has no reading): "" when every day has one;
// else e.g. "Usage recorded on 10 of 30 days: the meter reported from 21 June."
std::string coverage_note(const nlohmann::json& daily);

// Whether the statement shows a microgrid column: only when the customer's
// rates differ from the microgrid's as the meter would hold them (truncated to
// 5 decimals), i.e. the customer has a discount of their own.
bool microgrid_differs(const nlohmann::json& statement);

// Whether the statement shows heat lines: the property has a heat circuit, or
// heat was used.
bool heat_shown(const nlohmann::json& statement);

// How far below the benchmark's the customer's unit rate is, in whole tenths of
// a per cent, truncated: 0.17587 against 0.2345 → 250 (25.0 %). Nothing when
// the benchmark's unit rate is 0.
std::optional<std::int64_t> discount_tenths_of_percent(const Decimal& rate, const Decimal& benchmark);

// A self-contained HTML page (inline CSS and SVG, no scripts, no external
// resources; fits a 390 px phone screen and prints), every text HTML-escaped.
std::string statement_html(const nlohmann::json& statement);

// An index page linking to each statement's file name (as given), with a row
// of totals: the count and the sum of the statements' totals.
std::string statements_index_html(const std::string& month,
                                  const std::vector<std::pair<std::string, nlohmann::json>>& files);

// £ per unit as pence, exactly, at least 2 decimals: 0.2450 → "24.50", 0.17587 → "17.587".
std::string pence_rate(const Decimal& pounds_per_unit);

// Whole pence as pounds: 598 → "5.98", -5 → "-0.05".
std::string pence_as_pounds(std::int64_t pence);

// The file name of a statement: "statement-2024-06-000123".
std::string statement_basename(const nlohmann::json& statement);

}  // namespace flows::billing
