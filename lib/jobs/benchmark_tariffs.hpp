#pragma once
// `flows-bill tariffs benchmark add|import|list`: benchmark tariffs in the
// database (billing/benchmark_document.hpp parses and decides them).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/benchmark_document.hpp"

namespace flows::jobs {

struct BenchmarkImport {
  std::size_t inserted = 0, updated = 0, unchanged = 0;
};

// One transaction; nothing is written when any row is refused.
BenchmarkImport import_benchmarks(pqxx::connection& conn, const std::vector<billing::BenchmarkRow>& rows, bool replace,
                                  const std::string& source_name);

std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::connection& conn, const std::optional<std::string>& region);

}  // namespace flows::jobs
