#pragma once
// Which ESCOs a billing command works on, and the benchmark each one is billed
// against: shared by the month run and the new quarter.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "billing/tariffs.hpp"

namespace flows::billing {

struct Esco {
  std::string id, code, region;  // code: escos.code (the id when it has none); region: "" when unset
  std::string name;              // escos.name (the code when it has none): what customers know it by
  std::string app_url;           // escos.app_url, "" when unset: where its customers reach it
};

// The ESCOs found for `code` (every ESCO when there is no code): a code that
// names none is a usage error.
void require_found(const std::optional<std::string>& code, const std::vector<Esco>& found);

// The benchmark `e` is billed against. flows::Error (config) when the ESCO has no
// region or its region has no benchmark in force; `when` ("in 2024-06", "on
// 2024-04-01") completes the message.
const Rates& benchmark_for(const Esco& e, const std::map<std::string, Rates>& benchmarks, const std::string& when);

}  // namespace flows::billing
