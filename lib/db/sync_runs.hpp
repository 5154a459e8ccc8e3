#pragma once
// flows.sync_runs (0013): emop sync's record of its runs, and the last run per
// frequency as `emop status` shows it. Parameterised queries only; columns read
// by name; times as UTC ISO text ("2026-12-02T07:55:30Z").
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace flows::db {

struct SyncCounts {
  std::size_t meters = 0, ok = 0, failed = 0;
  bool operator==(const SyncCounts&) const = default;
};

struct SyncRunRecord {
  std::string frequency;              // hourly | 12hourly | daily
  std::optional<std::string> esco;    // the --esco given; nullopt: every ESCO
  bool by_serials = false;            // --serials narrowed the run
  std::chrono::system_clock::time_point started_at;
  SyncCounts counts;
  std::map<std::string, SyncCounts> by_esco;  // escos.code ("" for meters without an ESCO)
};

// One row; finished_at is the clock at the insert (the end of the run's writes).
void record_sync_run(pqxx::transaction_base& tx, const SyncRunRecord& run);

struct SyncRunRow {
  std::string frequency;
  std::string started_at, finished_at;  // UTC ISO
  std::int64_t finished_epoch = 0;      // seconds since 1970 (UTC)
  SyncCounts counts;                    // of esco's meters when a status is for one ESCO
  std::optional<std::string> esco;      // the run's --esco
  bool by_serials = false;
};

// The newest run of each frequency (those that ever ran), hourly, 12hourly,
// daily. With esco, the newest run that covered its meters, with their counts.
std::vector<SyncRunRow> last_sync_runs(pqxx::transaction_base& tx, const std::string& esco);

}  // namespace flows::db
