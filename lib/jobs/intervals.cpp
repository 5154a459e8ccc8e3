#include "jobs/intervals.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <tuple>

#include <pqxx/stream_to>
#include <pqxx/subtransaction>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/sql_values.hpp"
#include "db/migrations.hpp"

namespace flows::jobs {
namespace {

using namespace std::chrono_literals;


// The half hours of [from, to) from a meter's profile log 1.
Task<std::vector<Interval>> read_intervals(meter::Meter& m, bool dst, UtcTime from, UtcTime to) {
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


// pg_advisory_xact_lock key shared by every interval writer: "FlowsIHH" in ASCII.
constexpr long long interval_lock_key = 0x466C6F7773494848;

// An enabled power register of a meter, as write_intervals matches intervals to it.
struct Register {
  std::string id;
  bool takes_a = false, takes_b = false;     // A or SINGLE; B
  std::optional<std::int64_t> start, end;    // [start, end), microseconds since the epoch
  bool takes(const Interval& iv) const {
    if (!(iv.element == 'A' ? takes_a : iv.element == 'B' && takes_b)) return false;
    const std::int64_t t = std::int64_t(iv.start.time_since_epoch().count()) * 1'000'000;
    return (!start || *start <= t) && (!end || *end > t);
  }
};

void append_int(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_2(std::string& out, unsigned v) {
  out.push_back(char('0' + v / 10));
  out.push_back(char('0' + v % 10));
}

// "2025-04-01 00:30:00+00", as COPY reads a timestamptz.
void append_timestamp(std::string& out, UtcTime t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const int y = int(ymd.year());
  if (y < 1000 || y > 9999) {
    out += format_iso_utc(t);
    return;
  }
  const auto s = static_cast<unsigned>((t - day).count());
  append_2(out, unsigned(y) / 100);
  append_2(out, unsigned(y) % 100);
  out.push_back('-');
  append_2(out, unsigned(ymd.month()));
  out.push_back('-');
  append_2(out, unsigned(ymd.day()));
  out.push_back(' ');
  append_2(out, s / 3600);
  out.push_back(':');
  append_2(out, s / 60 % 60);
  out.push_back(':');
  append_2(out, s % 60);
  out += "+00";
}

// wh_to_kwh, appended.
void append_kwh(std::string& out, std::int64_t wh) {
  const bool neg = wh < 0;
  const std::uint64_t v = neg ? std::uint64_t(-(wh + 1)) + 1 : std::uint64_t(wh);
  if (neg) out.push_back('-');
  append_int(out, v / 1000);
  const auto f = unsigned(v % 1000);
  out.push_back('.');
  out.push_back(char('0' + f / 100));
  append_2(out, f % 100);
}

}  // namespace

std::string wh_to_kwh(std::int64_t wh) {
  std::string s;
  append_kwh(s, wh);
  return s;
}

IntervalWrite write_intervals(pqxx::work& tx, const std::vector<db::MeterRow>& meters,
                              const std::vector<std::vector<Interval>>& intervals) {
  if (intervals.size() != meters.size()) throw Error(ExitCode::internal, "write_intervals: one list of intervals per meter");
  IntervalWrite result;
  if (meters.empty()) return result;

  // The meters' enabled power registers (one query), in register_id order.
  std::vector<Register> regs;
  std::vector<std::vector<std::uint32_t>> of_meter(meters.size());  // indices into regs
  for (const auto& r : tx.exec_params(
           "SELECT m.ord, r.register_id::text, r.element::text, "
           "       (extract(epoch FROM r.start_time) * 1000000)::bigint, "
           "       (extract(epoch FROM r.end_time) * 1000000)::bigint "
           "FROM unnest($1::uuid[]) WITH ORDINALITY AS m(id, ord) "
           "JOIN flows.meter_registers r ON r.meter_id = m.id "
           "WHERE r.nature = 'power' AND r.status = 'enabled' AND r.element IS NOT NULL "
           "ORDER BY r.register_id, m.ord",
           db::meter_id_array(meters))) {
    Register g;
    g.id = r[1].as<std::string>();
    const auto element = r[2].as<std::string>();
    g.takes_a = element == "A" || element == "SINGLE";
    g.takes_b = element == "B";
    if (!r[3].is_null()) g.start = r[3].as<std::int64_t>();
    if (!r[4].is_null()) g.end = r[4].as<std::int64_t>();
    of_meter.at(r[0].as<std::size_t>() - 1).push_back(static_cast<std::uint32_t>(regs.size()));
    regs.push_back(std::move(g));
  }

  // The rows, in (register_id, timestamp) order: the unique index then takes
  // them as appends, which is cheaper than inserts all over it.
  struct Row {
    std::uint32_t reg;  // index into regs
    std::int64_t wh;
    UtcTime start;
  };
  std::vector<Row> rows;
  for (std::size_t i = 0; i < meters.size(); ++i)
    for (const auto& iv : intervals[i])
      for (const auto g : of_meter[i])
        if (regs[g].takes(iv)) rows.push_back({g, iv.wh, iv.start});
  result.rows = rows.size();
  if (rows.empty()) return result;
  std::sort(rows.begin(), rows.end(),
            [](const Row& x, const Row& y) { return x.reg != y.reg ? x.reg < y.reg : x.start < y.start; });
  UtcTime first = rows.front().start, last = first;
  std::vector<std::string> used;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    first = std::min(first, rows[k].start);
    last = std::max(last, rows[k].start);
    if (k == 0 || rows[k].reg != rows[k - 1].reg) used.push_back(regs[rows[k].reg].id);
  }
  const std::string used_ids = db::uuid_array(used);

  // COPY, one line a row.
  auto copy_rows = [&](pqxx::transaction_base& t, const std::string& table, const std::vector<std::string>& columns) {
    pqxx::stream_to copy(t, table, columns);
    std::string ts, kwh;
    for (const auto& row : rows) {
      ts.clear();
      append_timestamp(ts, row.start);
      kwh.clear();
      append_kwh(kwh, row.wh);
      copy << std::tie(regs[row.reg].id, ts, kwh);
    }
    copy.complete();
  };

  // Nothing there yet for these registers in the range: straight in. The lock
  // keeps another ingest from writing between this check and our commit.
  tx.exec_params1("SELECT pg_advisory_xact_lock($1)", interval_lock_key);
  const bool exists = tx.exec_params1(
                            "SELECT EXISTS (SELECT 1 FROM flows.register_interval_hh "
                            "  WHERE register_id = ANY($1::uuid[]) "
                            "    AND \"timestamp\" >= $2::timestamptz AND \"timestamp\" <= $3::timestamptz)",
                            used_ids, format_iso_utc(first), format_iso_utc(last))[0]
                          .as<bool>();
  if (!exists) {
    try {
      pqxx::subtransaction sub(tx, "write_intervals_copy");
      copy_rows(sub, "flows.register_interval_hh", {"register_id", "\"timestamp\"", "kwh"});
      sub.commit();
      result.direct = true;
      result.rows_written = result.rows;
      return result;
    } catch (const pqxx::unique_violation&) {
      // A writer that does not take the lock got there first: merge instead.
    }
  }

  tx.exec0(
      "CREATE TEMPORARY TABLE emop_interval_hh_in "
      "(register_id uuid NOT NULL, ts timestamptz NOT NULL, kwh numeric NOT NULL) ON COMMIT DROP");
  copy_rows(tx, "emop_interval_hh_in", {"register_id", "ts", "kwh"});
  result.rows_written =
      tx.exec0(
            "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh) "
            "SELECT register_id, ts, kwh FROM emop_interval_hh_in "
            "ON CONFLICT (register_id, \"timestamp\") DO UPDATE SET kwh = EXCLUDED.kwh "
            "  WHERE flows.register_interval_hh.kwh IS DISTINCT FROM EXCLUDED.kwh")
          .affected_rows();
  tx.exec0("DROP TABLE emop_interval_hh_in");
  return result;
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
  report.from = format_date(date::year_month_day{o.from});
  report.to = format_date(date::year_month_day{o.to});

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
  const MeterJob job = [&](meter::Meter& m, const MeterTarget& t) -> Task<CommandResult> {
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

  // Write (write_intervals), then the missing half hours; one transaction.
  if (!meters.empty()) {
    try {
      pqxx::work tx(conn, "emop_sync_intervals");
      report.rows_written = write_intervals(tx, meters, intervals).rows_written;
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
               report.from, report.to, db::meter_id_array(meters))) {
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
