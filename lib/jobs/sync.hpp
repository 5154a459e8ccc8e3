#pragma once
// `emop sync`: the syncers enabled in flows.meter_metrics for one run frequency,
// over every active meter (never passive ones) concurrently on one event loop,
// then every result written to the database in ONE transaction at the end:
//
//   * flows.meter_shadows: one UPDATE … FROM jsonb_to_recordset($1) per group of
//     meters that read the same set of columns (single phase, three phase …), so
//     the fan-out triggers fire per row and only for the columns a syncer read;
//     a failed meter gets only health = unhealthy + health_details (one UPDATE);
//   * flows.meter_registry: hardware, firmware_version, serial, prepay_enabled,
//     daylight_savings_correction_enabled (one UPDATE, rows that changed only);
//   * flows.meter_event_log: new events (one INSERT … ON CONFLICT DO NOTHING);
//   * flows.sync_runs: the run itself (frequency, when, meters ok and failed, per
//     ESCO), also for a run with no meters.
//
// Load (db/meter_metrics, db/meters, db/event_log) -> talk (sync_meter over the
// transport factory) -> decide (sync_writes.hpp) -> store (db/shadows, db/meters,
// db/event_log).
//
// A run killed before the end writes nothing.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "core/exit_codes.hpp"
#include "db/meters.hpp"
#include "jobs/batch.hpp"
#include "jobs/syncers.hpp"

namespace flows::jobs {

struct SyncOptions {
  std::string frequency = "hourly";  // hourly | 12hourly | daily
  db::MeterFilter filter;            // esco / serials; active_only is forced on
  BatchOptions batch;                // concurrency and transport (timeouts, retries)
  const emop::ObjectTable* objects = nullptr;  // nullptr: the built-in table
};

struct SyncFailure {
  std::string serial;
  ExitCode code = ExitCode::internal;
  std::string error;  // one line
};

struct SyncReport {
  std::string frequency;
  std::vector<std::string> syncers;  // what ran, sorted
  std::size_t meters = 0, ok = 0, failed = 0;
  std::vector<SyncFailure> failures;  // by serial
  std::size_t events_inserted = 0;
  std::size_t round_trips = 0;        // statements sent in the write transaction (BEGIN/COMMIT included)
  std::chrono::milliseconds duration{0};
};

// Throws flows::Error(database) when the database cannot be read or written (no
// meter's result is then written), Error(usage) for an unknown frequency. Meter
// failures are in the report, never thrown.
SyncReport run_sync(pqxx::connection& conn, const SyncOptions& options);

// Error(protocol) when the meter read its serial and it is not the registry's.
void check_serial(const MeterSnapshot& s, const MeterTarget& t);

// 0 when every meter succeeded (or there were none); the shared status when all
// failed alike (4 when all were unreachable); 7 otherwise.
ExitCode sync_status(const SyncReport& r);

}  // namespace flows::jobs
