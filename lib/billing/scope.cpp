#include "billing/scope.hpp"

#include "core/error.hpp"

namespace flows::billing {

void require_found(const std::optional<std::string>& code, const std::vector<Esco>& found) {
  if (code && found.empty()) throw usage_error("no ESCO with code " + *code);
}

const Rates& benchmark_for(const Esco& e, const std::map<std::string, Rates>& benchmarks, const std::string& when) {
  if (e.region.empty())
    throw config_error("ESCO " + e.code + " has no region, so no benchmark tariff applies (set flows.escos.region)");
  auto it = benchmarks.find(e.region);
  if (it == benchmarks.end())
    throw config_error("no benchmark tariff in force for region " + e.region + " " + when + " (ESCO " + e.code +
                       "); add one with `flows-bill tariffs benchmark add` (nothing was written)");
  return it->second;
}

}  // namespace flows::billing
