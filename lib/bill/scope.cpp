#include "bill/scope.hpp"

#include "bill/pg.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"

namespace flows::bill {

std::vector<Esco> load_escos(pqxx::transaction_base& tx, const std::optional<std::string>& code) {
  std::vector<Esco> out;
  for (const auto& r : tx.exec_params("SELECT id::text, COALESCE(code, id::text), COALESCE(region, '') "
                                      "FROM flows.escos WHERE $1 = '' OR code = $1 ORDER BY code, id",
                                      code.value_or("")))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
  if (code && out.empty()) throw usage_error("no ESCO with code " + *code);
  return out;
}

std::map<std::string, billing::Rates> benchmarks_in_force(pqxx::transaction_base& tx, date::year_month_day day) {
  std::map<std::string, billing::Rates> out;
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT ON (region) region, unit_rate::text, standing_charge::text "
           "FROM public.benchmark_tariffs WHERE period_start <= $1::date ORDER BY region, period_start DESC",
           format_date(day)))
    out[r[0].as<std::string>()] = {pg::decimal(r[1]), pg::decimal(r[2])};
  return out;
}

const billing::Rates& benchmark_for(const Esco& e, const std::map<std::string, billing::Rates>& benchmarks,
                                    const std::string& when) {
  if (e.region.empty())
    throw config_error("ESCO " + e.code + " has no region, so no benchmark tariff applies (set flows.escos.region)");
  auto it = benchmarks.find(e.region);
  if (it == benchmarks.end())
    throw config_error("no benchmark tariff in force for region " + e.region + " " + when + " (ESCO " + e.code +
                       "); add one with `flows-bill tariffs benchmark add` (nothing was written)");
  return it->second;
}

}  // namespace flows::bill
