#include "jobs/sync.hpp"

#include <map>
#include <set>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/event_log.hpp"
#include "db/meter_metrics.hpp"
#include "db/migrations.hpp"
#include "db/shadows.hpp"
#include "db/sync_runs.hpp"
#include "db/transaction.hpp"
#include "jobs/meter_targets.hpp"
#include "jobs/sync_writes.hpp"
#include "jobs/syncers.hpp"
#include "jobs/known_esco.hpp"
#include "jobs/sync_lock.hpp"

namespace flows::jobs {
namespace {

// What to run, on which meters, from which event on.
struct SyncPlan {
  std::set<std::string> syncers;
  std::vector<db::MeterRow> meters;
  std::map<std::string, std::int64_t> last_event;  // meter id -> epoch seconds (UTC)
};

// One short read-only transaction, closed before any meter is talked to.
SyncPlan load_plan(pqxx::connection& conn, const SyncOptions& o) {
  return db::in_read_transaction(conn, "cannot load the meters to sync", [&](pqxx::read_transaction& tx) {
    SyncPlan p;
    p.syncers = db::enabled_syncers(tx, o.frequency);
    db::MeterFilter filter = o.filter;
    filter.active_only = true;
    require_known_esco(tx, filter.esco);
    p.meters = db::load_meters(tx, filter);
    if (p.syncers.count("SyncerEventLog") && !p.meters.empty()) p.last_event = db::newest_events(tx, p.meters);
    return p;
  });
}

// What the meters answered: a snapshot or a failure per meter.
struct SyncReads {
  std::vector<std::optional<MeterSnapshot>> snapshots;
  std::vector<UtcTime> synced_at;
  std::vector<std::optional<SyncFailure>> failures;
};

// Talks to the meters, concurrently on one event loop.
SyncReads read_meters(const SyncPlan& plan, const SyncOptions& o) {
  const auto& meters = plan.meters;
  SyncReads reads{std::vector<std::optional<MeterSnapshot>>(meters.size()), std::vector<UtcTime>(meters.size()),
                  std::vector<std::optional<SyncFailure>>(meters.size())};
  const TargetSplit split = meter_targets(meters);
  for (const auto i : split.without_address)
    reads.failures[i] = SyncFailure{meters[i].serial, ExitCode::config,
                                    "meter " + meters[i].serial + " has no ip_address in meter_registry"};
  std::map<std::string, std::size_t> by_serial;
  for (std::size_t i = 0; i < meters.size(); ++i) by_serial[meters[i].serial] = i;
  static const emop::ObjectTable builtin = emop::ObjectTable::builtin();
  const emop::ObjectTable& objects = o.objects ? *o.objects : builtin;
  const MeterJob job = [&](meter::Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    const std::size_t i = by_serial.at(t.serial);
    SyncContext ctx;
    ctx.hardware = t.hardware;
    if (auto it = plan.last_event.find(meters[i].id); it != plan.last_event.end())
      ctx.last_event = from_utc(UtcTime{std::chrono::seconds(it->second)}, t.dst ? ClockKind::uk_local : ClockKind::utc);
    ctx.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    reads.synced_at[i] = ctx.now;
    MeterSnapshot s = co_await sync_meter(m, plan.syncers, ctx);
    check_serial(s, t);
    reads.snapshots[i] = std::move(s);
    co_return CommandResult{};
  };
  if (split.targets.empty()) return reads;
  for (const auto& out : run_batch(split.targets, objects, o.batch, job)) {
    const std::size_t i = by_serial.at(out.serial);
    if (!out.ok) {
      reads.snapshots[i].reset();
      reads.failures[i] = SyncFailure{out.serial, out.code, out.error};
    }
  }
  return reads;
}

// Everything in one transaction, a statement per kind of write, the record of
// the run last; returns the round trips (BEGIN and COMMIT included).
std::size_t store_in(pqxx::connection& conn, const char* context, const SyncWrites& w, const db::SyncRunRecord& run,
                     SyncReport& report) {
  return db::in_transaction(conn, context, [&](pqxx::work& tx) {
    std::size_t trips = 3;  // BEGIN, the run's record, COMMIT
    db::record_sync_run(tx, run);
    for (const auto& [columns, records] : w.shadow_groups) {
      db::update_shadows(tx, columns, records);
      ++trips;
    }
    if (!w.unhealthy.empty()) {
      db::mark_unhealthy(tx, w.unhealthy);
      ++trips;
    }
    if (!w.registry.empty()) {
      db::update_registry_facts(tx, w.registry);
      ++trips;
    }
    if (!w.events.empty()) {
      report.events_inserted = db::insert_events(tx, w.events);
      ++trips;
    }
    return trips;
  });
}

std::size_t store(pqxx::connection& conn, const SyncWrites& w, const db::SyncRunRecord& run, SyncReport& report) {
  static constexpr const char* context = "cannot write the sync results (nothing was written)";
  try {
    return store_in(conn, context, w, run, report);
  } catch (const nlohmann::json::exception& e) {
    throw db::database_error(context, e);  // a record that cannot be sent (text that is not UTF-8)
  }
}

}  // namespace

void check_serial(const MeterSnapshot& s, const MeterTarget& t) {
  if (s.serial && trim_serial(*s.serial) != t.serial)
    throw protocol_error("meter at " + t.endpoint.to_string() + " reports serial " + trim_serial(*s.serial) +
                         ", meter_registry has " + t.serial);
}

ExitCode sync_status(const SyncReport& r) {
  std::vector<ExitCode> codes;
  for (const auto& f : r.failures) codes.push_back(f.code);
  return batch_exit_code(r.ok, codes);
}

namespace {

db::SyncRunRecord run_record(const SyncOptions& o, const SyncReport& r, const std::vector<db::MeterRow>& meters,
                             std::chrono::system_clock::time_point started_at) {
  db::SyncRunRecord run;
  run.frequency = r.frequency;
  run.esco = o.filter.esco;
  run.by_serials = !o.filter.serials.empty();
  run.started_at = started_at;
  run.counts = {r.meters, r.ok, r.failed};
  run.by_esco = sync_counts_by_esco(meters, r.failures);
  return run;
}

}  // namespace

SyncReport run_sync(pqxx::connection& conn, const SyncOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const auto started_at = std::chrono::system_clock::now();
  if (o.frequency != "hourly" && o.frequency != "12hourly" && o.frequency != "daily")
    throw usage_error("unknown frequency '" + o.frequency + "' (hourly, 12hourly or daily)");
  SyncReport report;
  report.frequency = o.frequency;

  db::require_current(conn);
  require_sync_lock(conn);
  const SyncPlan plan = load_plan(conn, o);
  report.syncers.assign(plan.syncers.begin(), plan.syncers.end());
  report.meters = plan.meters.size();

  const SyncReads reads = read_meters(plan, o);
  SyncWrites writes = sync_writes(plan.meters, reads.snapshots, reads.synced_at, reads.failures);
  report.failures = std::move(writes.failures);
  report.failed = report.failures.size();
  report.ok = plan.meters.size() - report.failed;

  report.round_trips = store(conn, writes, run_record(o, report, plan.meters, started_at), report);
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace flows::jobs
