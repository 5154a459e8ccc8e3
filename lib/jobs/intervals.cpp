#include "jobs/intervals.hpp"

#include <map>
#include <optional>

#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "jobs/meter_targets.hpp"
#include "jobs/ingest_range.hpp"
#include "jobs/known_esco.hpp"
#include "jobs/sync_lock.hpp"

namespace flows::jobs {

Task<std::vector<Interval>> read_intervals(meter::Meter& m, bool dst, std::string hardware, UtcTime from, UtcTime to) {
  if (hardware.empty()) hardware = co_await m.hardware();
  ProfileRecords recs(dst ? ClockKind::uk_local : ClockKind::utc, from, to);
  for (std::int64_t n = 0; n < recs.max_requests(); ++n) {
    const auto want = recs.next_request();
    if (!want) break;
    recs.add(co_await m.profile_log_1(*want));
  }
  co_return intervals_from_records(recs.records(), to, emop::energy_unit(hardware));
}

IntervalWrite write_intervals(pqxx::work& tx, const std::vector<db::MeterRow>& meters,
                              const std::vector<std::vector<Interval>>& intervals) {
  if (intervals.size() != meters.size()) throw Error(ExitCode::internal, "write_intervals: one list of intervals per meter");
  if (meters.empty()) return {};
  const auto registers = db::power_registers(tx, meters);
  return db::write_interval_rows(tx, match_intervals(registers, meters.size(), intervals));
}

ExitCode ingest_status(const IngestReport& r) {
  std::vector<ExitCode> codes;
  for (const auto& f : r.failures) codes.push_back(f.code);
  return batch_exit_code(r.ok, codes);
}

namespace {

// Reads the logs, concurrently on one event loop; intervals[i] are meters[i]'s.
std::vector<std::vector<Interval>> read_meters(const std::vector<db::MeterRow>& meters, const IngestOptions& o,
                                               std::vector<std::optional<SyncFailure>>& failure) {
  std::vector<std::vector<Interval>> intervals(meters.size());
  const TargetSplit split = meter_targets(meters);
  for (const auto i : split.without_address)
    failure[i] = SyncFailure{meters[i].serial, ExitCode::config,
                             "meter " + meters[i].serial + " has no ip_address in meter_registry"};
  std::map<std::string, std::size_t> by_serial;
  for (std::size_t i = 0; i < meters.size(); ++i) by_serial[meters[i].serial] = i;
  static const emop::ObjectTable builtin = emop::ObjectTable::builtin();
  const emop::ObjectTable& objects = o.objects ? *o.objects : builtin;
  const UtcTime from{o.from}, to{o.to};
  const MeterJob job = [&](meter::Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    intervals[by_serial.at(t.serial)] = co_await read_intervals(m, t.dst, t.hardware, from, to);
    co_return CommandResult{};
  };
  if (split.targets.empty()) return intervals;
  for (const auto& out : run_batch(split.targets, objects, o.batch, job)) {
    const std::size_t i = by_serial.at(out.serial);
    if (!out.ok) {
      intervals[i].clear();
      failure[i] = SyncFailure{out.serial, out.code, out.error};
    }
  }
  return intervals;
}

}  // namespace

IngestReport ingest_intervals(pqxx::connection& conn, const IngestOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.to <= o.from) throw usage_error("--to must be after --from");
  IngestReport report;
  report.from = format_date(date::year_month_day{o.from});
  report.to = format_range_end(o.to);

  db::require_current(conn);
  require_sync_lock(conn);
  const auto meters = db::in_read_transaction(conn, "cannot load the meters", [&](pqxx::read_transaction& tx) {
    db::MeterFilter filter = o.filter;
    filter.active_only = true;
    require_known_esco(tx, filter.esco);
    return db::load_meters(tx, filter);
  });
  report.meters = meters.size();

  std::vector<std::optional<SyncFailure>> failure(meters.size());
  const auto intervals = read_meters(meters, o, failure);
  for (std::size_t i = 0; i < meters.size(); ++i) {
    if (failure[i]) report.failures.push_back(*failure[i]);
    report.intervals_read += intervals[i].size();
  }
  report.failed = report.failures.size();
  report.ok = meters.size() - report.failed;

  // Write (write_intervals), then the missing half hours; one transaction.
  if (!meters.empty()) {
    db::in_transaction(conn, "cannot write the half-hourly intervals (nothing was written)", [&](pqxx::work& tx) {
      report.rows_written = write_intervals(tx, meters, intervals).rows_written;
      report.missing = db::missing_days(tx, format_iso_utc(UtcTime{o.from}), format_iso_utc(o.to), meters);
    });
    for (const auto& d : report.missing) report.missing_half_hours += static_cast<std::size_t>(d.missing_count);
  }
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace flows::jobs
