#pragma once
// A customer's monthly statement: what they used, what it cost at their tariff,
// at the microgrid's and at the benchmark, the saving, solar credit, money in,
// and the balance at the month's end. Built from exact values, stored as a JSON
// document (amounts are decimal strings, £ with 2 decimals, rounded per line as
// costs.hpp says, so every statement adds up to the penny), and rendered as
// JSON, CSV or a self-contained HTML page with a chart of daily use. Pure: no I/O.
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
  std::string day;  // YYYY-MM-DD (UK civil day)
  Decimal kwh;
};

struct StatementInput {
  Month month{2000, 1};
  std::string customer_id;
  std::string customer_name;
  std::string customer_email;
  std::int64_t account_number = 0;
  std::string plot;
  std::string esco;  // code
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

// The document stored in monthly_statements.statement. Its "total_pence" is the
// customer total of the rounded lines, in pence.
nlohmann::json statement_json(const StatementInput& in);

// The customer's total in whole pence (of the rounded lines).
std::int64_t statement_total_pence(const nlohmann::json& statement);

// Checks a stored statement adds up: for each tariff, power + heat + standing
// charge == total (to the penny) and saving == benchmark total − customer total.
bool statement_adds_up(const nlohmann::json& statement);

// One CSV header and one row per statement (RFC 4180 quoting).
std::string statements_csv(const std::vector<nlohmann::json>& statements);

// A self-contained HTML page (inline CSS and SVG, no scripts, no external
// resources), every text HTML-escaped.
std::string statement_html(const nlohmann::json& statement);

// An index page linking to each statement's file name (as given).
std::string statements_index_html(const std::string& month,
                                  const std::vector<std::pair<std::string, nlohmann::json>>& files);

// Whole pence as pounds: 598 → "5.98", -5 → "-0.05".
std::string pence_as_pounds(std::int64_t pence);

// The file name of a statement: "statement-2024-06-000123".
std::string statement_basename(const nlohmann::json& statement);

}  // namespace flows::billing
