#pragma once
// flows.register_interval_hh: half-hourly kWh per power register, written in
// bulk (COPY), and the half hours still missing.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "core/emop_time.hpp"
#include "db/meters.hpp"

namespace flows::db {

// An enabled power register of one of the meters asked about.
struct PowerRegister {
  std::string id;                          // register_id
  std::size_t meter = 0;                   // index into the meters asked about
  std::string element;                     // A | B | SINGLE
  std::optional<std::int64_t> start, end;  // [start_time, end_time), microseconds since the epoch
};

// The meters' enabled power registers with an element, by register_id (then
// meter). One query.
std::vector<PowerRegister> power_registers(pqxx::transaction_base& tx, const std::vector<MeterRow>& meters);

// Rows for register_interval_hh, sorted by (register, start): the unique index
// then takes them as appends, cheaper than inserts all over it.
struct IntervalRows {
  struct Row {
    std::uint32_t reg;  // index into register_ids
    std::int64_t tenth_wh;  // energy in the half hour, in 0.1 Wh
    UtcTime start;
  };
  std::vector<std::string> register_ids;
  std::vector<Row> rows;
};

struct IntervalWrite {
  std::size_t rows = 0;          // rows for register_interval_hh once matched to registers
  std::size_t rows_written = 0;  // rows inserted or changed
  bool direct = false;           // COPY straight into the table (no rows there yet)
};

// Under a transaction-scoped advisory lock (so two ingests cannot race between
// the check and the write), when register_interval_hh has no row yet for those
// registers between the first and the last half hour, the rows are COPYed
// straight into it (a first ingest: the common case, as fast as a bulk load, in
// a savepoint). Otherwise (a re-run, an overlapping range), or should a writer
// that does not take the lock have added rows meanwhile, they are COPYed into a
// temporary table and merged with one INSERT … ON CONFLICT (register_id,
// timestamp) DO UPDATE that touches only rows whose kwh differs. Either way the
// table ends up with the same rows, so writing the same rows again changes
// nothing (rows_written 0).
IntervalWrite write_interval_rows(pqxx::work& tx, const IntervalRows& rows);

struct MissingDay {
  std::string register_id;
  std::string serial;
  std::string element;
  std::string date;  // YYYY-MM-DD (UTC day)
  int record_count = 0;
  int missing_count = 0;
};

// Per enabled power register of the meters and UTC day of [from, to) (instants,
// e.g. 2026-12-01T00:00:00Z; `from` a UTC midnight, `to` a midnight or a half
// hour) where it was in use, the days with fewer half hours than the range holds
// of that day (48, or up to `to` on its day); by serial, element, day.
std::vector<MissingDay> missing_days(pqxx::transaction_base& tx, const std::string& from, const std::string& to,
                                     const std::vector<MeterRow>& meters);

// kWh text, exact, as COPY writes kwh: three decimals for whole Wh ("0.500" for
// 500 Wh, "-1.250" for -1250 Wh), four when there is a tenth ("0.0615" for 61.5 Wh).
std::string tenth_wh_to_kwh(std::int64_t tenth_wh);
inline std::string wh_to_kwh(std::int64_t wh) { return tenth_wh_to_kwh(wh * 10); }

}  // namespace flows::db
