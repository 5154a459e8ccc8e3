#pragma once
// Which ESCOs a billing command works on, and the benchmark each one is billed
// against: shared by the month run and the new quarter.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/tariffs.hpp"

namespace flows::bill {

struct Esco {
  std::string id, code, region;  // code: escos.code (the id when it has none); region: "" when unset
};

// The ESCO with `code`, or every ESCO (ordered by code). An unknown code is a
// usage error.
std::vector<Esco> load_escos(pqxx::transaction_base& tx, const std::optional<std::string>& code);

// The benchmark rates in force on `day`, by region.
std::map<std::string, billing::Rates> benchmarks_in_force(pqxx::transaction_base& tx, date::year_month_day day);

// The benchmark `e` is billed against. flows::Error (config) when the ESCO has no
// region or its region has no benchmark in force; `when` ("in 2024-06", "on
// 2024-04-01") completes the message.
const billing::Rates& benchmark_for(const Esco& e, const std::map<std::string, billing::Rates>& benchmarks,
                                    const std::string& when);

}  // namespace flows::bill
