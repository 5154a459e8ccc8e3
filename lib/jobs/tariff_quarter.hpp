#pragma once
// `flows-bill tariffs quarter`: a new quarter's microgrid and customer tariff
// rows (billing/quarter.hpp decides them) for every ESCO in scope, in one
// transaction under an advisory lock. Rows that exist for the start are kept as
// they are, so a re-run changes nothing. An ESCO without a region or without a
// benchmark in force at the start is an error (ExitCode::config), nothing
// written.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/quarter.hpp"

namespace flows::jobs {

struct QuarterOptions {
  date::year_month_day start;            // must be the first day of a month
  std::optional<std::string> esco;       // escos.code; all when absent
  bool dry_run = false;                  // compute and report, write nothing
};

struct QuarterReport {
  std::string start;  // YYYY-MM-DD
  std::vector<billing::QuarterRow> microgrid, customers;
  std::size_t created = 0, kept = 0;
};

QuarterReport new_quarter(pqxx::connection& conn, const QuarterOptions& options);

}  // namespace flows::jobs
