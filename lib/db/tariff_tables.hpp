#pragma once
// The tariff tables and the ESCOs they belong to: flows.escos and
// flows.regions, benchmark_tariffs, microgrid_tariffs, customer_tariffs and
// solar_credit_tariffs. Parameterised SQL only; columns read by name.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/quarter.hpp"
#include "billing/scope.hpp"
#include "billing/solar_credits.hpp"
#include "billing/tariffs.hpp"

namespace flows::db {

// The ESCO with `code` (none when there is none), or every ESCO, ordered by code.
std::vector<billing::Esco> load_escos(pqxx::transaction_base& tx, const std::optional<std::string>& code);

// flows.regions' codes.
std::set<std::string> region_codes(pqxx::transaction_base& tx);

// Benchmark rows (key: region) starting on or before `day` (the one in force is
// billing::rates_in_force's to pick).
std::vector<billing::RatesRow> benchmarks_until(pqxx::transaction_base& tx, date::year_month_day day);

// Every benchmark (of `region`), ordered by region and period start.
std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::transaction_base& tx,
                                                      const std::optional<std::string>& region);
std::optional<billing::Rates> benchmark_at(pqxx::transaction_base& tx, const std::string& region,
                                           date::year_month_day period_start);
void insert_benchmark(pqxx::transaction_base& tx, const billing::BenchmarkTariff& t);
void update_benchmark(pqxx::transaction_base& tx, const billing::BenchmarkTariff& t);

// Microgrid rows (key: ESCO id) of the ESCOs (ids) starting on or before `day`.
std::vector<billing::RatesRow> microgrid_tariffs_until(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                       date::year_month_day day);
// Customer rows (key: customer id, rates as stored) of the occupiers of supply
// accounts of the ESCOs starting on or before `day`.
std::vector<billing::RatesRow> customer_tariffs_until(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                      date::year_month_day day);
// Solar credit tariff rows of the ESCOs starting on or before `day`.
std::vector<billing::SolarTariffRow> solar_tariffs_until(pqxx::transaction_base& tx,
                                                         const std::vector<std::string>& escos,
                                                         date::year_month_day day);

// A new quarter: one at a time (a transaction-scoped advisory lock).
void lock_quarters(pqxx::transaction_base& tx);
// The ESCO's latest microgrid row before `start`.
std::optional<billing::MicrogridCarryOver> microgrid_before(pqxx::transaction_base& tx, const std::string& esco,
                                                            date::year_month_day start);
// The ESCO's microgrid row at `start`.
std::optional<billing::ExistingTariff> microgrid_at(pqxx::transaction_base& tx, const std::string& esco,
                                                    date::year_month_day start);
void insert_microgrid_tariff(pqxx::transaction_base& tx, const std::string& esco, date::year_month_day start,
                             const billing::MicrogridQuarter& q);
// The live, prelive and onboarding occupiers of the ESCO's supply accounts (not moved out by `start`),
// ordered by customer id, with their discount before `start` and row at `start`.
std::vector<billing::QuarterCustomer> quarter_customers(pqxx::transaction_base& tx, const std::string& esco,
                                                        date::year_month_day start);
// ON CONFLICT DO NOTHING.
void insert_customer_tariff(pqxx::transaction_base& tx, const std::string& customer, date::year_month_day start,
                            const billing::QuarterRow& row);

}  // namespace flows::db
