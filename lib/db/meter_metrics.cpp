#include "db/meter_metrics.hpp"

namespace flows::db {

std::set<std::string> enabled_syncers(pqxx::transaction_base& tx, const std::string& frequency) {
  std::set<std::string> out;
  for (const auto& r : tx.exec_params(
           "SELECT name FROM flows.meter_metrics "
           "WHERE enabled AND run_frequency = $1::flows.meter_metric_run_frequency_enum ORDER BY name",
           frequency))
    out.insert(r["name"].as<std::string>());
  return out;
}

}  // namespace flows::db
