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
// All rows are written in one transaction by write_intervals (below), so a re-run
// gives the same rows. Then the missing half hours per register and UTC day of
// the range (as flows.register_interval_hh_missing counts them: 48 a day).
//
// Load (db/meters) -> talk (read_intervals over the transport factory) ->
// decide (profile_intervals.hpp) -> store (db/intervals).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "core/emop_time.hpp"
#include "core/exit_codes.hpp"
#include "db/meters.hpp"
#include "db/intervals.hpp"
#include "jobs/batch.hpp"
#include "jobs/profile_intervals.hpp"
#include "jobs/sync.hpp"

namespace flows::jobs {

struct IngestOptions {
  date::sys_days from;  // first UTC day
  UtcTime to;           // end, not included: a UTC midnight, or a half hour (a range clipped to now: ingest_range)
  db::MeterFilter filter;
  BatchOptions batch;
  const emop::ObjectTable* objects = nullptr;
};

using db::MissingDay;

struct IngestReport {
  std::string from, to;  // YYYY-MM-DD (to: 2026-12-02T14:00:00Z when clipped to now)
  std::size_t meters = 0, ok = 0, failed = 0;
  std::vector<SyncFailure> failures;
  std::size_t intervals_read = 0;     // half hours computed from the logs
  std::size_t rows_written = 0;       // rows inserted or updated in register_interval_hh
  std::vector<MissingDay> missing;    // only days with missing_count > 0
  std::size_t missing_half_hours = 0;
  std::chrono::milliseconds duration{0};
};

using db::wh_to_kwh;  // "0.500" for 500 Wh, "-1.250" for -1250 Wh
using db::tenth_wh_to_kwh;  // "0.0615" for 61.5 Wh
using db::IntervalWrite;

// The write half of ingest_intervals, for a transaction the caller commits (or
// not): intervals[i] are meters[i]'s (only MeterRow::id is used; each meter
// once), each (element, start) at most once per meter.
//
// Each interval goes to every enabled power register of its meter for its
// element (A: element A or SINGLE; B: element B) whose [start_time, end_time)
// holds the start of the half hour; an interval no register takes is dropped.
// Nothing else is written: a half hour not given stays a gap.
//
// Registers are loaded with one query (db::power_registers), matched here
// (match_intervals, profile_intervals.hpp), and the rows written by
// db::write_interval_rows (COPY; a merge when rows are already there), so
// writing the same intervals again changes nothing (rows_written 0).
IntervalWrite write_intervals(pqxx::work& tx, const std::vector<db::MeterRow>& meters,
                              const std::vector<std::vector<Interval>>& intervals);

// The half hours of [from, to) from a meter's profile log 1 (dst: the meter
// keeps UK local time).
// `hardware` is the registry string when known; when empty it is read from the
// meter, because a CT meter (P1.cx) counts in 0.1 Wh.
Task<std::vector<Interval>> read_intervals(meter::Meter& m, bool dst, std::string hardware, UtcTime from, UtcTime to);

IngestReport ingest_intervals(pqxx::connection& conn, const IngestOptions& options);

ExitCode ingest_status(const IngestReport& r);

}  // namespace flows::jobs
