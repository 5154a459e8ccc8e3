#pragma once
// `emop push clock`: each active meter's clock (and its DST correction flag) read
// and compared with the true time; where |drift| is over the threshold the clock
// is set to the true time (UK local time when the meter's DST correction is on),
// read back, and the drift before and after reported. Nothing is written to the
// database (the sync job records clock differences).
//
// Load (db/meters) -> talk (push_meter_clock over the transport factory) with
// the decisions of clock_push_decision.hpp.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "emop/object_table.hpp"
#include "jobs/batch.hpp"

namespace flows::jobs {

struct PushClockOptions {
  std::optional<std::string> esco;  // escos.code; all when empty
  std::int64_t threshold_seconds = 60;
  bool dry_run = false;
  BatchOptions batch;
};

struct ClockPushResult {
  std::string serial;
  std::string action;  // corrected | within_threshold | would_correct | error
  bool ok = false;
  ExitCode code = ExitCode::ok;  // when !ok: the failure's status (a correction that did not hold is protocol)
  bool dst = false;
  std::string clock_before, clock_after;  // meter clock readings
  std::optional<std::int64_t> drift_before, drift_after;  // seconds, meter ahead: positive
  std::string detail;
  nlohmann::json to_json() const;
};

// One meter: read its DST flag and clock, correct it when needed (not on a dry
// run), read it back. now() gives the true time (the system clock in push_clock).
Task<ClockPushResult> push_meter_clock(meter::Meter& m, std::string serial, std::int64_t threshold_seconds,
                                       bool dry_run, std::function<UtcTime()> now);

std::vector<ClockPushResult> push_clock(pqxx::connection& conn, const emop::ObjectTable& objects,
                                        const PushClockOptions& options);

}  // namespace flows::jobs
