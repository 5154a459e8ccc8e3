#include "jobs/push_tariffs.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/transaction.hpp"
#include "jobs/meter_targets.hpp"
#include "jobs/tariff_check.hpp"

namespace flows::jobs {
namespace {

using meter::Meter;

// The plans by serial; rows whose rates are not exact amounts are results.
std::vector<PlannedTariff> load_plan(pqxx::connection& conn, const std::string& esco,
                                     std::vector<TariffPushResult>& problems) {
  const auto rows = db::in_read_transaction(conn, "tariff push", [&](pqxx::read_transaction& tx) {
    db::require_esco(tx, esco);
    return db::next_customer_tariffs(tx, esco);
  });
  std::vector<PlannedTariff> out;
  for (const auto& row : rows) {
    if (auto plan = plan_tariff(row)) {
      out.push_back(std::move(*plan));
      continue;
    }
    TariffPushResult bad;
    bad.serial = row.meter.serial;
    bad.customer = row.customer;
    bad.period_start = row.period_start;
    bad.action = "error";
    bad.code = ExitCode::usage;
    bad.detail = "customer tariff rates are not exact amounts";
    problems.push_back(bad);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.meter.serial < b.meter.serial; });
  return out;
}

db::TariffPushRecord record_of(const PlannedTariff& p, const std::string& outcome,
                               const std::vector<std::string>& mismatches, std::optional<std::string> read_back,
                               const std::string& error) {
  db::TariffPushRecord r{p.meter.id, p.customer, p.period_start, p.unit_rate.to_string(), p.standing_charge.to_string(),
                         format_iso(p.activation), outcome, mismatches, std::move(read_back), std::nullopt};
  if (!error.empty()) r.error = error;
  return r;
}

TariffPushResult result_of(const PlannedTariff& p) {
  TariffPushResult r;
  r.serial = p.meter.serial;
  r.customer = p.customer;
  r.period_start = p.period_start;
  r.unit_rate = p.unit_rate.to_string();
  r.standing_charge = p.standing_charge.to_string();
  r.activation = format_iso(p.activation);
  return r;
}

// --only-differing: the plans the tariff check does not find matching; the
// others are results, not contacted.
std::vector<PlannedTariff> keep_differing(pqxx::connection& conn, const std::string& esco,
                                          const std::vector<PlannedTariff>& plan,
                                          std::vector<TariffPushResult>& results) {
  const TariffCheckReport check = check_tariffs(conn, TariffCheckOptions{esco, std::nullopt});
  std::vector<PlannedTariff> skipped;
  auto kept = only_differing(plan, check.meters, skipped);
  for (const auto& p : skipped) {
    TariffPushResult r = result_of(p);
    r.action = "matching";
    r.ok = true;
    r.detail = "the tariff check on " + check.as_of + " finds its tariffs matching (meter_shadows); not contacted";
    results.push_back(r);
  }
  return kept;
}

void record(pqxx::connection& conn, const db::TariffPushRecord& r) {
  db::in_transaction(conn, "tariff push", [&](pqxx::work& tx) { db::record_tariff_push(tx, r); });
}

}  // namespace

Task<TariffPushStep> push_tariff_to_meter(Meter& m, PlannedTariff p, bool dry_run) {
  TariffPushStep step{result_of(p), std::nullopt};
  TariffPushResult& r = step.result;
  const meter::Tariff future = co_await m.tariffs_future();
  if (future_holds(future, p)) {
    r.action = "up_to_date";
    r.ok = true;
    r.detail = "the meter's future tariff already holds it";
    co_return step;
  }
  const meter::Tariff active = co_await m.tariffs_active();
  const meter::Tariff want = wanted_tariff(active, p);
  if (auto problems = meter::validate(want); !problems.empty()) {
    r.action = "error";
    r.code = ExitCode::usage;
    r.detail = "not written: " + problems.front();
    if (!dry_run) step.record = record_of(p, "failed", {}, std::nullopt, r.detail);
    co_return step;
  }
  if (dry_run) {
    r.action = "would_write";
    r.ok = true;
    r.detail = "the meter's future tariff differs";
    co_return step;
  }
  try {
    const auto wr = co_await m.write_future_tariff(want);
    r.action = "written";
    r.mismatches = wr.mismatches;
    r.ok = wr.mismatches.empty();
    if (!r.ok) r.code = ExitCode::protocol;
    r.detail = r.ok ? "written and read back" : "read back differs";
    step.record = record_of(p, r.ok ? "ok" : "mismatch", wr.mismatches, meter::tariff_json(wr.read_back).dump(), "");
  } catch (const Error& e) {
    if (e.code() == ExitCode::database) throw;
    r.action = "error";
    r.code = e.code();
    r.detail = e.what();
    step.record = record_of(p, "failed", {}, std::nullopt, e.what());
    step.write_failed = true;
  }
  co_return step;
}

nlohmann::json TariffPushResult::to_json() const {
  return nlohmann::json{{"serial", serial},         {"customer", customer},     {"period_start", period_start},
                        {"unit_rate", unit_rate},   {"standing_charge", standing_charge},
                        {"activation", activation}, {"action", action},         {"ok", ok},
                        {"mismatches", mismatches}, {"detail", detail}};
}

std::vector<TariffPushResult> push_tariffs(pqxx::connection& conn, const emop::ObjectTable& objects,
                                           const PushTariffsOptions& options) {
  std::vector<TariffPushResult> results;
  std::vector<PlannedTariff> plan = load_plan(conn, options.esco, results);
  if (options.only_differing) plan = keep_differing(conn, options.esco, plan, results);
  const TargetSplit split = meter_targets(plan, [](const PlannedTariff& p) -> const db::MeterRow& { return p.meter; });
  for (const auto i : split.without_address) {
    TariffPushResult r;
    r.serial = plan[i].meter.serial;
    r.action = "error";
    r.code = ExitCode::config;
    r.detail = "meter " + plan[i].meter.serial + " has no ip_address in flows.meter_registry";
    results.push_back(r);
  }
  std::map<std::string, PlannedTariff> by_serial;
  for (const auto& p : plan)
    if (!p.meter.host.empty()) by_serial[p.meter.serial] = p;
  std::exception_ptr db_failure;
  auto outcomes = run_batch(
      split.targets, objects, options.batch, [&](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
        TariffPushStep step = co_await push_tariff_to_meter(m, by_serial[t.serial], options.dry_run);
        // A failed write is recorded too; should that record fail, the run fails
        // with it (after the other meters); other record failures are the meter's.
        if (step.record) {
          if (step.write_failed) {
            try {
              record(conn, *step.record);
            } catch (const Error& e) {
              if (e.code() != ExitCode::database) throw;
              if (!db_failure) db_failure = std::current_exception();
            }
          } else {
            record(conn, *step.record);
          }
        }
        results.push_back(step.result);
        co_return CommandResult{};
      });
  if (db_failure) std::rethrow_exception(db_failure);
  for (const auto& o : outcomes)
    if (!o.ok) {
      TariffPushResult r;
      r.serial = o.serial;
      auto it = by_serial.find(o.serial);
      if (it != by_serial.end()) {
        r.customer = it->second.customer;
        r.period_start = it->second.period_start;
      }
      r.action = "error";
      r.code = o.code;
      r.detail = o.error;
      results.push_back(r);
    }
  std::stable_sort(results.begin(), results.end(), [](auto& a, auto& b) { return a.serial < b.serial; });
  return results;
}

}  // namespace flows::jobs
