#pragma once
// A billing month in the database (flows-bill usage|costs|solar-credits|run):
// load (db/billing_inputs, db/tariff_tables) → decide (billing/month_usage,
// billing/month_bill, billing/solar_credits) → store (db/billing_results).
//
// Every step reads its inputs and replaces the month's rows of the ESCOs in
// scope in one transaction (DELETE + INSERT), under a transaction-scoped
// advisory lock per month, so a re-run gives identical rows and a run that is
// killed or fails leaves the database as it was. Usage counts what
// flows.circuit_interval_hh counts (each register inside its circuit_register
// range; UK civil months, calendar.hpp), exactly: whole UK days from the daily
// rollup flows.register_interval_daily (0009), part days from the half hours,
// added up per circuit and day (billing/month_usage.hpp).
//
// Customers that cannot be billed are reported with the reason and skipped,
// never billed at zero (billing/month_bill.hpp). An ESCO in scope with
// customers and without a region or without a benchmark tariff in force for
// the month fails the whole run (ExitCode::config), as does allocation data
// that does not sum to 1 (ExitCode::usage); nothing is written then.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"
#include "billing/month_bill.hpp"
#include "billing/month_usage.hpp"
#include "billing/solar_credits.hpp"
#include "core/exit_codes.hpp"

namespace flows::jobs {

struct RunOptions {
  billing::Month month{2000, 1};
  std::optional<std::string> esco;   // escos.code; all ESCOs when absent
  std::optional<date::year_month_day> today;  // default: the UK date now
  // Which steps run. `costs` needs usage and computes it too (so the costs
  // always agree with the usage rows written); `statements` needs all.
  bool usage = true, costs = true, solar_credits = true, statements = true;
};

struct CostRow {
  std::string customer_id, email;
  std::int64_t account_number = 0;
  billing::Decimal power_kwh, heat_kwh;
  billing::Decimal total, microgrid_total, benchmark_total;  // exact £
};

struct RunReport {
  std::string month;  // YYYY-MM
  int days = 0;       // days charged
  std::vector<std::string> escos;
  std::vector<billing::CircuitUsageRow> usage;
  std::vector<CostRow> costs;
  std::vector<billing::SolarCreditRow> solar_credits;
  std::vector<nlohmann::json> statements;  // as stored in monthly_statements, by account number
  std::vector<billing::SkippedCustomer> skipped;
  billing::UsageTotals usage_totals;  // consumption (power, heat) and generation (solar) apart
  billing::Decimal customer_total;     // sum of the exact customer totals, £
  std::int64_t solar_credit_pence = 0;
  std::chrono::milliseconds duration{0};

  std::int64_t statements_total_pence() const;  // the customers' statement totals
};

RunReport run_month(pqxx::connection& conn, const RunOptions& options);

// 0 when no customer was skipped; when every customer was skipped alike, that
// status (SkippedCustomer::code); otherwise ExitCode::partial.
ExitCode run_status(const RunReport& r);

// The statements stored for a month (and ESCO), ordered by account number.
// Throws flows::Error (config) when there are none: run the month first.
std::vector<nlohmann::json> load_statements(pqxx::connection& conn, const billing::Month& month,
                                            const std::optional<std::string>& esco);

}  // namespace flows::jobs
