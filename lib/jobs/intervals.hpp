#pragma once
// `emop sync intervals`: half-hourly kWh from the meters' profile log 1 into
// flows.register_interval_hh, for the UTC days [from, to).
//
// Each half hour starting at t is the difference of the cumulative import
// registers stamped t and t + 30 min (Wh, written as exact kWh: 500 Wh → 0.500).
// A half hour whose record at either end is missing, not marked valid, or whose
// register went backwards is left out (a gap, never interpolated). Profile stamps
// are meter clock readings (UK local time on a DST meter) and are converted to
// UTC. Element A (or SINGLE) goes to the meter's enabled power register of that
// element, B to its B register (time ranges honoured).
//
// All rows are written in one transaction: COPY into a temporary table, then one
// INSERT … SELECT … ON CONFLICT (register_id, timestamp) DO UPDATE, so a re-run
// gives the same rows. Then the missing half hours per register and UTC day of
// the range (as flows.register_interval_hh_missing counts them: 48 a day).
#include <chrono>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "core/exit_codes.hpp"
#include "db/meters.hpp"
#include "jobs/batch.hpp"
#include "jobs/sync.hpp"

namespace flows::jobs {

struct IngestOptions {
  date::sys_days from;  // first UTC day
  date::sys_days to;    // first UTC day not included
  db::MeterFilter filter;
  BatchOptions batch;
  const emop::ObjectTable* objects = nullptr;
};

struct MissingDay {
  std::string register_id;
  std::string serial;
  std::string element;
  std::string date;  // YYYY-MM-DD (UTC day)
  int record_count = 0;
  int missing_count = 0;
};

struct IngestReport {
  std::string from, to;  // YYYY-MM-DD
  std::size_t meters = 0, ok = 0, failed = 0;
  std::vector<SyncFailure> failures;
  std::size_t intervals_read = 0;     // half hours computed from the logs
  std::size_t rows_written = 0;       // rows inserted or updated in register_interval_hh
  std::vector<MissingDay> missing;    // only days with missing_count > 0
  std::size_t missing_half_hours = 0;
  std::chrono::milliseconds duration{0};
};

// "0.500" for 500 Wh, "-1.250" for -1250 Wh.
std::string wh_to_kwh(std::int64_t wh);

IngestReport ingest_intervals(pqxx::connection& conn, const IngestOptions& options);

ExitCode ingest_status(const IngestReport& r);

}  // namespace flows::jobs
