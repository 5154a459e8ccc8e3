#include "db/intervals.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <pqxx/stream_to>
#include <pqxx/subtransaction>

#include "db/sql_values.hpp"

namespace flows::db {
namespace {

// pg_advisory_xact_lock key shared by every interval writer: "FlowsIHH" in ASCII.
constexpr long long interval_lock_key = 0x466C6F7773494848;

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

// tenth_wh_to_kwh, appended.
void append_kwh(std::string& out, std::int64_t tenths) {
  const bool neg = tenths < 0;
  const std::uint64_t t = neg ? std::uint64_t(-(tenths + 1)) + 1 : std::uint64_t(tenths);
  const std::uint64_t v = t / 10;  // whole Wh
  if (neg) out.push_back('-');
  append_int(out, v / 1000);
  const auto f = unsigned(v % 1000);
  out.push_back('.');
  out.push_back(char('0' + f / 100));
  append_2(out, f % 100);
  if (t % 10 != 0) out.push_back(char('0' + t % 10));
}

// COPY, one line a row.
void copy_rows(pqxx::transaction_base& t, const IntervalRows& in, const std::string& table,
               const std::vector<std::string>& columns) {
  pqxx::stream_to copy(t, table, columns);
  std::string ts, kwh;
  for (const auto& row : in.rows) {
    ts.clear();
    append_timestamp(ts, row.start);
    kwh.clear();
    append_kwh(kwh, row.tenth_wh);
    copy << std::tie(in.register_ids[row.reg], ts, kwh);
  }
  copy.complete();
}

// Whether register_interval_hh has a row of these registers in [first, last].
bool any_rows(pqxx::transaction_base& tx, const IntervalRows& in) {
  UtcTime first = in.rows.front().start, last = first;
  std::vector<std::string> used;
  for (std::size_t k = 0; k < in.rows.size(); ++k) {
    first = std::min(first, in.rows[k].start);
    last = std::max(last, in.rows[k].start);
    if (k == 0 || in.rows[k].reg != in.rows[k - 1].reg) used.push_back(in.register_ids[in.rows[k].reg]);
  }
  return tx.exec_params1(
               "SELECT EXISTS (SELECT 1 FROM flows.register_interval_hh "
               "  WHERE register_id = ANY($1::uuid[]) "
               "    AND \"timestamp\" >= $2::timestamptz AND \"timestamp\" <= $3::timestamptz) AS found",
               uuid_array(used), format_iso_utc(first), format_iso_utc(last))["found"]
      .as<bool>();
}

// The merge: through a temporary table, touching only rows whose kwh differs.
std::size_t merge_rows(pqxx::work& tx, const IntervalRows& in) {
  tx.exec0(
      "CREATE TEMPORARY TABLE emop_interval_hh_in "
      "(register_id uuid NOT NULL, ts timestamptz NOT NULL, kwh numeric NOT NULL) ON COMMIT DROP");
  copy_rows(tx, in, "emop_interval_hh_in", {"register_id", "ts", "kwh"});
  const auto written =
      tx.exec0(
            "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh) "
            "SELECT register_id, ts, kwh FROM emop_interval_hh_in "
            "ON CONFLICT (register_id, \"timestamp\") DO UPDATE SET kwh = EXCLUDED.kwh "
            "  WHERE flows.register_interval_hh.kwh IS DISTINCT FROM EXCLUDED.kwh")
          .affected_rows();
  tx.exec0("DROP TABLE emop_interval_hh_in");
  return written;
}

}  // namespace

std::string tenth_wh_to_kwh(std::int64_t tenths) {
  std::string s;
  append_kwh(s, tenths);
  return s;
}

std::vector<PowerRegister> power_registers(pqxx::transaction_base& tx, const std::vector<MeterRow>& meters) {
  std::vector<PowerRegister> out;
  for (const auto& r : tx.exec_params(
           "SELECT m.ord, r.register_id::text AS register_id, r.element::text AS element, "
           "       (extract(epoch FROM r.start_time) * 1000000)::bigint AS start_us, "
           "       (extract(epoch FROM r.end_time) * 1000000)::bigint AS end_us "
           "FROM unnest($1::uuid[]) WITH ORDINALITY AS m(id, ord) "
           "JOIN flows.meter_registers r ON r.meter_id = m.id "
           "WHERE r.nature = 'power' AND r.status = 'enabled' AND r.element IS NOT NULL "
           "ORDER BY r.register_id, m.ord",
           meter_id_array(meters))) {
    PowerRegister g;
    g.id = r["register_id"].as<std::string>();
    g.meter = r["ord"].as<std::size_t>() - 1;
    g.element = r["element"].as<std::string>();
    if (!r["start_us"].is_null()) g.start = r["start_us"].as<std::int64_t>();
    if (!r["end_us"].is_null()) g.end = r["end_us"].as<std::int64_t>();
    out.push_back(std::move(g));
  }
  return out;
}

IntervalWrite write_interval_rows(pqxx::work& tx, const IntervalRows& in) {
  IntervalWrite result;
  result.rows = in.rows.size();
  if (in.rows.empty()) return result;
  // Nothing there yet for these registers in the range: straight in. The lock
  // keeps another ingest from writing between this check and our commit.
  tx.exec_params1("SELECT pg_advisory_xact_lock($1)", interval_lock_key);
  if (!any_rows(tx, in)) {
    try {
      pqxx::subtransaction sub(tx, "write_intervals_copy");
      copy_rows(sub, in, "flows.register_interval_hh", {"register_id", "\"timestamp\"", "kwh"});
      sub.commit();
      result.direct = true;
      result.rows_written = result.rows;
      return result;
    } catch (const pqxx::unique_violation&) {
      // A writer that does not take the lock got there first: merge instead.
    }
  }
  result.rows_written = merge_rows(tx, in);
  return result;
}

std::vector<MissingDay> missing_days(pqxx::transaction_base& tx, const std::string& from, const std::string& to,
                                     const std::vector<MeterRow>& meters) {
  std::vector<MissingDay> out;
  for (const auto& r : tx.exec_params(
           "WITH bounds AS (SELECT $1::timestamptz AT TIME ZONE 'UTC' AS lo, $2::timestamptz AT TIME ZONE 'UTC' AS hi), "
           "spans AS ("
           "  SELECT d::date AS day, d AS s, least(d + interval '1 day', bounds.hi) AS e FROM bounds, "
           "  generate_series(bounds.lo, bounds.hi - interval '30 minutes', interval '1 day') AS d), "
           "days AS (SELECT day, s AT TIME ZONE 'UTC' AS day_start, e AT TIME ZONE 'UTC' AS day_end, "
           "  (extract(epoch FROM e - s) / 1800)::int AS expected FROM spans) "
           "SELECT r.register_id::text AS register_id, m.serial, COALESCE(r.element::text, '') AS element, "
           "       to_char(days.day, 'YYYY-MM-DD') AS day, "
           "       count(i.register_id) AS record_count, greatest(0, days.expected - count(i.register_id)) AS missing_count "
           "FROM flows.meter_registers r "
           "JOIN flows.meter_registry m ON m.id = r.meter_id "
           "CROSS JOIN days "
           "LEFT JOIN flows.register_interval_hh i ON i.register_id = r.register_id "
           "  AND i.\"timestamp\" >= days.day_start AND i.\"timestamp\" < days.day_end "
           "WHERE r.meter_id = ANY($3::uuid[]) AND r.nature = 'power' AND r.status = 'enabled' "
           "  AND (r.start_time IS NULL OR r.start_time < days.day_end) "
           "  AND (r.end_time IS NULL OR r.end_time > days.day_start) "
           "GROUP BY r.register_id, m.serial, r.element, days.day, days.expected "
           "HAVING count(i.register_id) < days.expected "
           "ORDER BY m.serial, r.element, days.day",
           from, to, meter_id_array(meters))) {
    MissingDay d;
    d.register_id = r["register_id"].as<std::string>();
    d.serial = r["serial"].as<std::string>();
    d.element = r["element"].as<std::string>();
    d.date = r["day"].as<std::string>();
    d.record_count = r["record_count"].as<int>();
    d.missing_count = r["missing_count"].as<int>();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace flows::db
