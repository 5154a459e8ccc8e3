#pragma once
// What a sync writes, decided from what it read: pure, no database, no meter.
//
// A meter's snapshot becomes a shadow record whose column mask
// (db::ShadowColumn) says which shadow columns it sets: exactly the groups the
// snapshot carries (a three-phase meter's totals go to element A); registry
// facts (hardware, firmware, serial trimmed, prepay, DST) when any was read; and
// its new events stamped in UTC (UK local time read on a DST meter). A failed
// meter gets only its health and reason.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "db/meters.hpp"
#include "db/sync_runs.hpp"
#include "jobs/sync.hpp"
#include "jobs/syncers.hpp"

namespace flows::jobs {

// A serial as the meter answers it, without padding (spaces, NULs, tabs, CR/LF).
std::string trim_serial(std::string s);

struct ShadowRecord {
  unsigned columns = 0;    // db::ShadowColumn bits
  nlohmann::json shadow;   // {id, …} for db::update_shadows
  nlohmann::json registry; // {id, …} for db::update_registry_facts; null when nothing was read
};

ShadowRecord shadow_record(const std::string& meter_id, const MeterSnapshot& s, UtcTime synced_at);

// {id, ts, event_type, event_set} per event; dst: the meter keeps UK local time.
nlohmann::json event_records(const std::string& meter_id, const MeterSnapshot& s, bool dst);

struct SyncWrites {
  std::map<unsigned, nlohmann::json> shadow_groups;  // column mask -> records (one UPDATE each)
  nlohmann::json unhealthy = nlohmann::json::array();  // {id, details}
  nlohmann::json registry = nlohmann::json::array();
  nlohmann::json events = nlohmann::json::array();
  std::vector<SyncFailure> failures;                 // in meter order
};

// meters[i] was read into snapshots[i] at synced_at[i], or failed with failures[i].
SyncWrites sync_writes(const std::vector<db::MeterRow>& meters, const std::vector<std::optional<MeterSnapshot>>& snapshots,
                       const std::vector<UtcTime>& synced_at, const std::vector<std::optional<SyncFailure>>& failures);

// A run's meters, ok and failed per escos.code ("" for meters without an ESCO):
// a meter failed when `failures` names its serial.
std::map<std::string, db::SyncCounts> sync_counts_by_esco(const std::vector<db::MeterRow>& meters,
                                                          const std::vector<SyncFailure>& failures);

}  // namespace flows::jobs
