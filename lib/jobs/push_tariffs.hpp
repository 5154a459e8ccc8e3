#pragma once
// `emop push tariffs --esco CODE`: each active meter of the ESCO whose supply
// account has an occupier gets that customer's next tariff (the
// public.customer_tariffs row with the earliest period_start after today, UK
// date) as its future tariff, activating at period_start 00:00 on the meter's
// clock (UK local time when its DST correction is on). Only meters whose future
// tariff differs (unit rates A and B, standing charge, activation) are written;
// the prepayment settings (emergency credit, e-credit availability, debt
// recovery) are kept as the meter's active tariff has them. Every write is
// recorded in public.meter_tariff_pushes with the read-back and any mismatch.
// Occupiers count when their customer status is live, prelive or onboarding and
// the supply account is not closed.
// With only_differing, the meters the tariff check (jobs/tariff_check.hpp, on
// today's UK date, from meter_shadows) finds matching are not contacted at all
// (action "matching"); the others, differing or unknown, go on as above.
//
// Load (db/tariff_pushes) -> decide (tariff_push_decision.hpp) -> talk
// (push_tariff_to_meter over the transport factory) -> store (db/tariff_pushes).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "emop/object_table.hpp"
#include "db/tariff_pushes.hpp"
#include "jobs/batch.hpp"
#include "jobs/tariff_push_decision.hpp"

namespace flows::jobs {

struct PushTariffsOptions {
  std::string esco;  // escos.code (required)
  bool dry_run = false;
  bool only_differing = false;  // skip the meters the tariff check finds matching
  BatchOptions batch;
};

struct TariffPushResult {
  std::string serial, customer, period_start, unit_rate, standing_charge, activation;
  std::string action;  // written | up_to_date | would_write | matching (not contacted) | error
  bool ok = false;     // false: error, or read-back mismatch
  ExitCode code = ExitCode::ok;  // when !ok: the failure's status (a read-back mismatch is a protocol failure)
  std::vector<std::string> mismatches;
  std::string detail;
  nlohmann::json to_json() const;
};

// The meter-talking half for one meter: its result, and what to record in
// public.meter_tariff_pushes (nothing for up_to_date and dry runs). A failure of
// the write itself is a result (error) and recorded as failed; a failure of the
// reads before it is thrown.
struct TariffPushStep {
  TariffPushResult result;
  std::optional<db::TariffPushRecord> record;
  bool write_failed = false;  // the meter failed during the write (the record says failed)
};
Task<TariffPushStep> push_tariff_to_meter(meter::Meter& m, PlannedTariff plan, bool dry_run);

std::vector<TariffPushResult> push_tariffs(pqxx::connection& conn, const emop::ObjectTable& objects,
                                           const PushTariffsOptions& options);

}  // namespace flows::jobs
