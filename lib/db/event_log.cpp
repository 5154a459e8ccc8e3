#include "db/event_log.hpp"

namespace flows::db {

std::map<std::string, std::int64_t> newest_events(pqxx::transaction_base& tx, const std::vector<MeterRow>& meters) {
  std::map<std::string, std::int64_t> out;
  for (const auto& r : tx.exec_params(
           "SELECT meter_id::text AS meter_id, extract(epoch FROM max(\"timestamp\"))::bigint AS newest "
           "FROM flows.meter_event_log WHERE meter_id = ANY($1::uuid[]) GROUP BY meter_id",
           meter_id_array(meters)))
    out[r["meter_id"].as<std::string>()] = r["newest"].as<std::int64_t>();
  return out;
}

std::size_t insert_events(pqxx::transaction_base& tx, const nlohmann::json& records) {
  const auto r = tx.exec_params(
      "INSERT INTO flows.meter_event_log (meter_id, \"timestamp\", event_type, event_set) "
      "SELECT t.id, t.ts, t.event_type, t.event_set "
      "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, ts timestamptz, event_type integer, event_set integer) "
      "ON CONFLICT DO NOTHING",
      records.dump());
  return r.affected_rows();
}

}  // namespace flows::db
