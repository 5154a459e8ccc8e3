#pragma once
// Benchmark tariffs as documents (YAML) and as rows to import.
//
//   benchmarks:
//     - {region: london, period_start: 2024-07-01, unit_rate: 0.22360, standing_charge: 0.60100}
//
// Rates are read as decimal text, never as binary floating point. Every error
// names the line. On import a row that exists with the same rates is left
// alone; with different rates it is refused unless replacing (Ofgem does revise
// them).
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "billing/tariffs.hpp"

namespace flows::billing {

struct BenchmarkRow {
  BenchmarkTariff tariff;
  int line = 0;  // in the document, for messages (0: from the command line)
};

// Parses and validates a benchmark document (regions are checked against the
// database on import), rates within the plausible bounds unless `allow_unusual`
// (validate_plausible). Throws flows::Error (usage) naming the file and line.
std::vector<BenchmarkRow> parse_benchmarks(const std::string& yaml_text, const std::string& source_name,
                                           bool allow_unusual = false);

enum class BenchmarkChange { insert, unchanged, update };

// What importing `row` does, given the rates stored for its region and period
// start (if any): flows::Error (usage) for an unknown region, and for other
// rates than those stored unless `replace`. `source` names the document in
// messages.
void require_known_region(const BenchmarkRow& row, const std::set<std::string>& regions, const std::string& source);
BenchmarkChange benchmark_change(const BenchmarkRow& row, const std::optional<Rates>& stored, bool replace,
                                 const std::string& source);

}  // namespace flows::billing
