#pragma once
// What a month's billing run writes: monthly_usage, monthly_costs,
// monthly_solar_credits and monthly_statements. Each replace_* deletes the
// month's rows of the ESCOs in scope and inserts the new ones, COPYed into a
// temporary table first (db/staging.hpp: costs, solar credits and statements
// are under row-level security, which COPY cannot fill directly, and usage goes
// the same way) and then INSERT … SELECTed. Run them in the transaction that
// read the inputs, after lock_month.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/month_bill.hpp"
#include "billing/month_usage.hpp"
#include "billing/solar_credits.hpp"

namespace flows::db {

// One run per month at a time: a second waits for the first to commit
// (a transaction-scoped advisory lock).
void lock_month(pqxx::transaction_base& tx, const billing::Month& month);

// `escos`: ids of the ESCOs in scope, whose rows of the month are replaced.
void replace_usage(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                   const billing::CircuitMonths& circuits);
// Days: each bill's (the days its customer occupied of those charged). Totals are the sums of their lines.
void replace_costs(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                   const std::vector<billing::CustomerBill>& billed);
void replace_solar_credits(pqxx::transaction_base& tx, const billing::Month& month,
                           const std::vector<std::string>& escos, const std::vector<billing::SolarCreditRow>& rows);
// The statements of the billed customers (CustomerBill::statement).
void replace_statements(pqxx::transaction_base& tx, const billing::Month& month, const std::vector<std::string>& escos,
                        const std::vector<billing::CustomerBill>& billed);

// The statements stored for a month (of the ESCO with code `esco`), ordered by
// account number.
std::vector<nlohmann::json> stored_statements(pqxx::transaction_base& tx, const billing::Month& month,
                                              const std::optional<std::string>& esco);

}  // namespace flows::db
