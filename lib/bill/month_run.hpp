#pragma once
// A billing month in the database: usage → costs → solar credits → statements.
//
// Who is billed: the occupier (customer_accounts.role) of each supply account
// whose property belongs to an ESCO in scope, when the account is open, or
// closed with an end_date after the month's start. Their property's circuits are
// the power and heat circuits linked (in the month) to registers of the
// property's supply meter.
//
// Every step reads its inputs and replaces the month's rows of the ESCOs in
// scope in one transaction (DELETE + INSERT), under a transaction-scoped
// advisory lock per month, so a re-run gives identical rows and a run that is
// killed or fails leaves the database as it was. Usage counts what
// flows.circuit_interval_hh counts (each register inside its circuit_register
// range; UK civil months, calendar.hpp), exactly: whole UK days from the daily
// rollup flows.register_interval_daily (0009), part days from the half hours,
// added up here per circuit and day; everything else is the pure maths of
// lib/billing.
//
// Customers that cannot be billed are reported with the reason and skipped,
// never billed at zero: no customer tariff in force, no microgrid tariff in force
// for their ESCO, or more than one supply account occupied. An ESCO in scope
// without a region or without a benchmark tariff in force for the month fails
// the whole run (ExitCode::config), as does allocation data that does not sum to
// 1 (ExitCode::usage); nothing is written then.
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
#include "core/exit_codes.hpp"

namespace flows::bill {

struct RunOptions {
  billing::Month month{2000, 1};
  std::optional<std::string> esco;   // escos.code; all ESCOs when absent
  std::optional<date::year_month_day> today;  // default: the UK date now
  // Which steps run. `costs` needs usage and computes it too (so the costs
  // always agree with the usage rows written); `statements` needs all.
  bool usage = true, costs = true, solar_credits = true, statements = true;
};

struct CircuitUsageRow {
  std::string circuit_id, name, type;
  billing::Decimal kwh;
  int half_hours = 0;
};

struct CostRow {
  std::string customer_id, email;
  std::int64_t account_number = 0;
  billing::Decimal power_kwh, heat_kwh;
  billing::Decimal total, microgrid_total, benchmark_total;  // exact £
};

struct SolarCreditRow {
  std::string property_id, plot;
  std::optional<std::string> installation_plot;
  billing::Decimal ratio;
  std::int64_t credit_pence = 0;
  std::string note;
};

struct SkippedCustomer {
  std::string customer_id, email, esco;
  std::int64_t account_number = 0;
  std::string reason;
};

struct RunReport {
  std::string month;  // YYYY-MM
  int days = 0;       // days charged
  std::vector<std::string> escos;
  std::vector<CircuitUsageRow> usage;
  std::vector<CostRow> costs;
  std::vector<SolarCreditRow> solar_credits;
  std::vector<nlohmann::json> statements;  // as stored in monthly_statements, by account number
  std::vector<SkippedCustomer> skipped;
  billing::Decimal usage_kwh;          // all circuits
  billing::Decimal customer_total;     // sum of the exact customer totals, £
  std::int64_t solar_credit_pence = 0;
  std::chrono::milliseconds duration{0};

  std::int64_t statements_total_pence() const;  // the customers' statement totals
};

RunReport run_month(pqxx::connection& conn, const RunOptions& options);

// 0, or ExitCode::partial when customers were skipped.
ExitCode run_status(const RunReport& r);

// The statements stored for a month (and ESCO), ordered by account number.
// Throws flows::Error (config) when there are none: run the month first.
std::vector<nlohmann::json> load_statements(pqxx::connection& conn, const billing::Month& month,
                                         const std::optional<std::string>& esco);

}  // namespace flows::bill
