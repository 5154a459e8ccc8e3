#include "db/sync_runs.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace flows::db {

namespace {

nlohmann::json counts_json(const SyncCounts& c) { return {{"meters", c.meters}, {"ok", c.ok}, {"failed", c.failed}}; }

}  // namespace

void record_sync_run(pqxx::transaction_base& tx, const SyncRunRecord& run) {
  nlohmann::json by_esco = nlohmann::json::object();
  for (const auto& [code, c] : run.by_esco) by_esco[code] = counts_json(c);
  const auto started_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(run.started_at.time_since_epoch()).count();
  tx.exec_params0(
      "INSERT INTO flows.sync_runs (frequency, esco, by_serials, started_at, finished_at, meters, ok, failed, by_esco) "
      "VALUES ($1, $2, $3, 'epoch'::timestamptz + $4::bigint * interval '1 millisecond', clock_timestamp(), "
      "        $5, $6, $7, $8::jsonb)",
      run.frequency, run.esco, run.by_serials, static_cast<std::int64_t>(started_ms),
      static_cast<std::int64_t>(run.counts.meters), static_cast<std::int64_t>(run.counts.ok),
      static_cast<std::int64_t>(run.counts.failed), by_esco.dump());
}

std::vector<SyncRunRow> last_sync_runs(pqxx::transaction_base& tx, const std::string& esco) {
  const auto rows = tx.exec_params(
      "SELECT DISTINCT ON (r.frequency) r.frequency, "
      "       to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS started_at, "
      "       to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS finished_at, "
      "       floor(extract(epoch FROM r.finished_at))::bigint AS finished_epoch, "
      "       CASE WHEN $1::text = '' THEN r.meters ELSE (r.by_esco -> $1 ->> 'meters')::int END AS meters, "
      "       CASE WHEN $1::text = '' THEN r.ok ELSE (r.by_esco -> $1 ->> 'ok')::int END AS ok, "
      "       CASE WHEN $1::text = '' THEN r.failed ELSE (r.by_esco -> $1 ->> 'failed')::int END AS failed, "
      "       r.esco, r.by_serials, "
      "       array_position(ARRAY['hourly', '12hourly', 'daily'], r.frequency) AS position "
      "FROM flows.sync_runs r "
      "WHERE $1::text = '' OR r.by_esco ? $1 "
      "ORDER BY r.frequency, r.finished_at DESC, r.id DESC",
      esco);
  std::vector<SyncRunRow> out;
  for (const auto& r : rows) {
    SyncRunRow s;
    s.frequency = r["frequency"].as<std::string>();
    s.started_at = r["started_at"].as<std::string>();
    s.finished_at = r["finished_at"].as<std::string>();
    s.finished_epoch = r["finished_epoch"].as<std::int64_t>();
    s.counts = {r["meters"].as<std::size_t>(), r["ok"].as<std::size_t>(), r["failed"].as<std::size_t>()};
    if (!r["esco"].is_null()) s.esco = r["esco"].as<std::string>();
    s.by_serials = r["by_serials"].as<bool>();
    out.push_back(std::move(s));
  }
  const auto rank = [](const std::string& f) { return f == "hourly" ? 0 : f == "12hourly" ? 1 : 2; };
  std::sort(out.begin(), out.end(), [&](const SyncRunRow& a, const SyncRunRow& b) { return rank(a.frequency) < rank(b.frequency); });
  return out;
}

}  // namespace flows::db
