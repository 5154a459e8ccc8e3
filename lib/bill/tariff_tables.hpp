#pragma once
// The tariff tables: benchmark tariffs (add, import, list) and the quarterly
// generation of microgrid and customer tariff rows.
//
// Benchmark documents (YAML), validated whole before anything is written:
//
//   benchmarks:
//     - {region: london, period_start: 2024-07-01, unit_rate: 0.22360, standing_charge: 0.60100}
//
// Rates are read as decimal text, never as binary floating point. Every error
// names the line. A row that exists with the same rates is left alone; with
// different rates it is refused unless `replace` (Ofgem does revise them).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/tariffs.hpp"

namespace flows::bill {

struct BenchmarkRow {
  billing::BenchmarkTariff tariff;
  int line = 0;  // in the document, for messages (0: from the command line)
};

// Parses and validates a benchmark document (regions are checked against the
// database on import). Throws flows::Error (usage) naming the file and line.
std::vector<BenchmarkRow> parse_benchmarks(const std::string& yaml_text, const std::string& source_name);

struct BenchmarkImport {
  std::size_t inserted = 0, updated = 0, unchanged = 0;
};

// One transaction; nothing is written when any row is refused.
BenchmarkImport import_benchmarks(pqxx::connection& conn, const std::vector<BenchmarkRow>& rows, bool replace,
                                  const std::string& source_name);

std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::connection& conn, const std::optional<std::string>& region);

struct QuarterOptions {
  date::year_month_day start;            // must be the first day of a month
  std::optional<std::string> esco;       // escos.code; all when absent
  bool dry_run = false;                  // compute and report, write nothing
};

struct QuarterRow {
  std::string esco;           // code
  std::string customer;       // email; empty for the ESCO's microgrid row
  billing::Decimal discount;
  billing::Rates rates;
  bool carried_over = false;  // from an earlier period (else the defaults)
  bool created = false;       // false: a row for this start already existed, kept
};

struct QuarterReport {
  std::string start;  // YYYY-MM-DD
  std::vector<QuarterRow> microgrid, customers;
  std::size_t created = 0, kept = 0;
};

// For every ESCO in scope: a microgrid_tariffs row at `start` carrying the
// previous period's discount and prepayment settings (defaults when none), its
// rates from the benchmark in force at `start` for the ESCO's region; and for
// every live, prelive or onboarding occupier of one of its supply accounts a
// customer_tariffs row carrying their previous discount (default 25 %), rates
// truncated to 5 decimals. Rows that exist for `start` are kept as they are, so a
// re-run changes nothing. One transaction. An ESCO without a region or without a
// benchmark in force at `start` is an error (ExitCode::config), nothing written.
QuarterReport new_quarter(pqxx::connection& conn, const QuarterOptions& options);

}  // namespace flows::bill
