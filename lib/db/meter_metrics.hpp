#pragma once
// flows.meter_metrics: which syncers run at which frequency.
#include <set>
#include <string>

#include <pqxx/pqxx>

namespace flows::db {

// The names of the syncers enabled for the frequency (hourly | 12hourly | daily).
std::set<std::string> enabled_syncers(pqxx::transaction_base& tx, const std::string& frequency);

}  // namespace flows::db
