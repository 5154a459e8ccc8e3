#include "jobs/intervals.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <pqxx/stream_to>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::jobs {
namespace {

using namespace std::chrono_literals;

struct Interval {
  char element;     // 'A' or 'B'
  UtcTime start;    // start of the half hour
  std::int64_t wh;  // consumption in the half hour
};

std::string iso_day(date::sys_days d) { return date::format("%F", d); }

// The half hours of [from, to) from a meter's profile log 1.
meter::Task<std::vector<Interval>> read_intervals(meter::Meter& m, bool dst, UtcTime from, UtcTime to) {
  const ClockKind kind = dst ? ClockKind::uk_local : ClockKind::utc;
  // Records in real (UTC) order, strictly increasing, from `from` to `to` inclusive.
  std::vector<std::pair<UtcTime, emop::ProfileLog1Record>> recs;
  UtcTime want = from;
  const auto max_requests = (to - from) / 30min + 16;
  for (std::int64_t n = 0; n < max_requests && want <= to; ++n) {
    auto batch = co_await m.profile_log_1(from_utc(want, kind));
    if (batch.empty()) break;  // nothing at or after `want` yet
    std::optional<UtcTime> prev;
    bool progressed = false, past_end = false;
    for (const auto& r : batch) {
      // Records of one answer are in real order: a UK-local stamp that does not
      // move on from the previous one is the second (GMT) pass of the hour that
      // repeats when BST ends.
      UtcTime u = to_utc(r.timestamp, kind);
      if (prev && u <= *prev && kind == ClockKind::uk_local) u = UtcTime{r.timestamp.time_since_epoch()};
      prev = u;
      if (u < from || (!recs.empty() && u <= recs.back().first)) continue;
      if (u > to) {
        past_end = true;
        break;
      }
      recs.emplace_back(u, r);
      progressed = true;
    }
    if (past_end) break;
    if (!recs.empty() && recs.back().first >= to) break;
    want = progressed ? recs.back().first + 30min : want + 30min;
  }
  std::vector<Interval> out;
  for (std::size_t k = 0; k + 1 < recs.size(); ++k) {
    const auto& [t0, r0] = recs[k];
    const auto& [t1, r1] = recs[k + 1];
    if (t1 - t0 != 30min || t0 >= to || !r0.status.valid || !r1.status.valid) continue;  // a gap
    const std::int64_t a = std::int64_t(r1.import_a_wh) - std::int64_t(r0.import_a_wh);
    const std::int64_t b = std::int64_t(r1.import_b_wh) - std::int64_t(r0.import_b_wh);
    if (a >= 0) out.push_back({'A', t0, a});  // a register going backwards is a gap too
    if (b >= 0) out.push_back({'B', t0, b});
  }
  co_return out;
}

std::string uuid_array(const std::vector<db::MeterRow>& meters) {
  std::string a = "{";
  for (std::size_t i = 0; i < meters.size(); ++i) a += (i ? "," : "") + meters[i].id;
  return a + "}";
}

}  // namespace

std::string wh_to_kwh(std::int64_t wh) {
  const bool neg = wh < 0;
  const std::uint64_t v = neg ? std::uint64_t(-(wh + 1)) + 1 : std::uint64_t(wh);
  std::string frac = std::to_string(v % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return (neg ? "-" : "") + std::to_string(v / 1000) + "." + frac;
}

ExitCode ingest_status(const IngestReport& r) {
  std::vector<ExitCode> codes;
  for (const auto& f : r.failures) codes.push_back(f.code);
  return batch_exit_code(r.ok, codes);
}

IngestReport ingest_intervals(pqxx::connection& conn, const IngestOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.to <= o.from) throw usage_error("--to must be after --from");
  IngestReport report;
  report.from = iso_day(o.from);
  report.to = iso_day(o.to);

  db::require_current(conn);
  std::vector<db::MeterRow> meters;
  try {
    pqxx::read_transaction tx(conn);
    db::MeterFilter filter = o.filter;
    filter.active_only = true;
    meters = db::load_meters(tx, filter);
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error("cannot load the meters", e);
  }
  report.meters = meters.size();

  // Read the logs, concurrently on one event loop.
  std::vector<std::optional<SyncFailure>> failure(meters.size());
  std::vector<std::vector<Interval>> intervals(meters.size());
  std::vector<MeterTarget> targets;
  std::map<std::string, std::size_t> by_serial;
  for (std::size_t i = 0; i < meters.size(); ++i) {
    if (meters[i].host.empty()) {
      failure[i] = SyncFailure{meters[i].serial, ExitCode::config,
                               "meter " + meters[i].serial + " has no ip_address in meter_registry"};
      continue;
    }
    by_serial[meters[i].serial] = i;
    targets.push_back({meters[i].serial, {meters[i].host, meters[i].port}, meters[i].dst, meters[i].hardware});
  }
  static const emop::ObjectTable builtin = emop::ObjectTable::builtin();
  const emop::ObjectTable& objects = o.objects ? *o.objects : builtin;
  const UtcTime from{o.from}, to{o.to};
  const MeterJob job = [&](meter::Meter& m, const MeterTarget& t) -> meter::Task<CommandResult> {
    intervals[by_serial.at(t.serial)] = co_await read_intervals(m, t.dst, from, to);
    co_return CommandResult{};
  };
  if (!targets.empty()) {
    for (const auto& out : run_batch(targets, objects, o.batch, job)) {
      const std::size_t i = by_serial.at(out.serial);
      if (!out.ok) {
        intervals[i].clear();
        failure[i] = SyncFailure{out.serial, out.code, out.error};
      }
    }
  }
  for (std::size_t i = 0; i < meters.size(); ++i) {
    if (failure[i]) report.failures.push_back(*failure[i]);
    report.intervals_read += intervals[i].size();
  }
  report.failed = report.failures.size();
  report.ok = meters.size() - report.failed;

  // Write: COPY into a temporary table, one INSERT … SELECT into the hypertable,
  // then the missing half hours; one transaction.
  if (!meters.empty()) {
    try {
      pqxx::work tx(conn, "emop_sync_intervals");
      tx.exec0(
          "CREATE TEMPORARY TABLE emop_interval_hh_in "
          "(meter_id uuid NOT NULL, element text NOT NULL, ts timestamptz NOT NULL, kwh numeric NOT NULL) "
          "ON COMMIT DROP");
      {
        pqxx::stream_to copy(tx, "emop_interval_hh_in", std::vector<std::string>{"meter_id", "element", "ts", "kwh"});
        for (std::size_t i = 0; i < meters.size(); ++i)
          for (const auto& iv : intervals[i])
            copy << std::make_tuple(meters[i].id, std::string(1, iv.element), format_iso_utc(iv.start), wh_to_kwh(iv.wh));
        copy.complete();
      }
      auto w = tx.exec0(
          "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh) "
          "SELECT r.register_id, t.ts, t.kwh FROM emop_interval_hh_in t "
          "JOIN flows.meter_registers r ON r.meter_id = t.meter_id "
          "  AND r.nature = 'power' AND r.status = 'enabled' "
          "  AND CASE WHEN t.element = 'A' THEN r.element IN ('A', 'SINGLE') ELSE r.element = 'B' END "
          "  AND (r.start_time IS NULL OR r.start_time <= t.ts) AND (r.end_time IS NULL OR r.end_time > t.ts) "
          "ON CONFLICT (register_id, \"timestamp\") DO UPDATE SET kwh = EXCLUDED.kwh "
          "  WHERE flows.register_interval_hh.kwh IS DISTINCT FROM EXCLUDED.kwh");
      report.rows_written = w.affected_rows();
      for (const auto& r : tx.exec_params(
               "WITH days AS ("
               "  SELECT d::date AS day, d AT TIME ZONE 'UTC' AS day_start, (d + interval '1 day') AT TIME ZONE 'UTC' AS day_end "
               "  FROM generate_series($1::date::timestamp, $2::date::timestamp - interval '1 day', interval '1 day') AS d) "
               "SELECT r.register_id::text, m.serial, COALESCE(r.element::text, ''), to_char(days.day, 'YYYY-MM-DD'), "
               "       count(i.register_id) AS record_count, greatest(0, 48 - count(i.register_id)) AS missing_count "
               "FROM flows.meter_registers r "
               "JOIN flows.meter_registry m ON m.id = r.meter_id "
               "CROSS JOIN days "
               "LEFT JOIN flows.register_interval_hh i ON i.register_id = r.register_id "
               "  AND i.\"timestamp\" >= days.day_start AND i.\"timestamp\" < days.day_end "
               "WHERE r.meter_id = ANY($3::uuid[]) AND r.nature = 'power' AND r.status = 'enabled' "
               "  AND (r.start_time IS NULL OR r.start_time < days.day_end) "
               "  AND (r.end_time IS NULL OR r.end_time > days.day_start) "
               "GROUP BY r.register_id, m.serial, r.element, days.day "
               "HAVING count(i.register_id) < 48 "
               "ORDER BY m.serial, r.element, days.day",
               report.from, report.to, uuid_array(meters))) {
        MissingDay d;
        d.register_id = r[0].as<std::string>();
        d.serial = r[1].as<std::string>();
        d.element = r[2].as<std::string>();
        d.date = r[3].as<std::string>();
        d.record_count = r[4].as<int>();
        d.missing_count = r[5].as<int>();
        report.missing_half_hours += static_cast<std::size_t>(d.missing_count);
        report.missing.push_back(std::move(d));
      }
      tx.commit();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw db::database_error("cannot write the half-hourly intervals (nothing was written)", e);
    }
  }
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace flows::jobs
