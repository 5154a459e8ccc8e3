#include "db/fleet_status.hpp"

#include "db/sql_values.hpp"

namespace flows::db {

namespace {

// The unhealthy active meters of one ESCO ($1, escos.code) or of all ($1 = '').
const char* const unhealthy_in_scope =
    "FROM flows.meter_registry m "
    "JOIN flows.meter_shadows s ON s.id = m.id "
    "LEFT JOIN flows.escos e ON e.id = m.esco "
    "WHERE ($1::text = '' OR e.code = $1) AND COALESCE(m.mode::text, 'active') = 'active' "
    "  AND s.health = 'unhealthy' ";

}  // namespace

std::int64_t database_now(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT floor(extract(epoch FROM statement_timestamp()))::bigint AS now")["now"].as<std::int64_t>();
}

UnhealthyMeters unhealthy_meters(pqxx::transaction_base& tx, const std::string& esco, std::size_t limit) {
  UnhealthyMeters out;
  if (limit == 0) {
    out.count = tx.exec_params1(std::string("SELECT count(*) AS n ") + unhealthy_in_scope, esco)["n"].as<std::size_t>();
    return out;
  }
  const auto rows = tx.exec_params(
      std::string("SELECT COALESCE(e.code, '') AS esco, m.serial, COALESCE(m.name, '') AS name, s.health_details AS reason, "
                  "       to_char(s.last_healthy_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_healthy_at, "
                  "       count(*) OVER () AS total ") +
          unhealthy_in_scope + "ORDER BY e.code NULLS FIRST, m.serial LIMIT $2",
      esco, static_cast<std::int64_t>(limit));
  for (const auto& r : rows) {
    out.count = r["total"].as<std::size_t>();  // counted before the LIMIT
    out.first.push_back({r["esco"].as<std::string>(), r["serial"].is_null() ? "" : r["serial"].as<std::string>(),
                         r["name"].as<std::string>(), text_or_null(r["reason"]), text_or_null(r["last_healthy_at"])});
  }
  return out;
}

WaitingTokens waiting_tokens(pqxx::transaction_base& tx, const std::string& esco) {
  const auto r = tx.exec_params1(
      "SELECT count(t.id) AS n, COALESCE(sum(t.amount_pence), 0)::bigint AS pence, "
      "       to_char(min(t.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS oldest "
      "FROM public.topups t "
      "JOIN flows.meter_registry m ON m.id = t.meter "
      "LEFT JOIN flows.escos e ON e.id = m.esco "
      "WHERE ($1::text = '' OR e.code = $1) AND t.status = 'wait_token_push'",
      esco);
  return {r["n"].as<std::size_t>(), r["pence"].as<std::int64_t>(), text_or_null(r["oldest"])};
}

std::vector<TariffActivationRow> tariff_activations(pqxx::transaction_base& tx, const std::string& esco) {
  const auto rows = tx.exec_params(
      "SELECT x.esco, to_char(x.activation, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS activation, count(*) AS meters "
      "FROM (SELECT COALESCE(e.code, '') AS esco, (s.tariffs_future ->> 'activation_datetime')::timestamp AS activation, "
      "             CASE WHEN COALESCE(m.daylight_savings_correction_enabled, false) "
      "                  THEN statement_timestamp() AT TIME ZONE 'Europe/London' "
      "                  ELSE statement_timestamp() AT TIME ZONE 'UTC' END AS meter_now "
      "      FROM flows.meter_registry m "
      "      JOIN flows.meter_shadows s ON s.id = m.id "
      "      LEFT JOIN flows.escos e ON e.id = m.esco "
      "      WHERE ($1::text = '' OR e.code = $1) "
      "        AND s.tariffs_future ->> 'activation_datetime' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$') x "
      "WHERE x.activation > x.meter_now "
      "GROUP BY x.esco, x.activation "
      "ORDER BY x.esco, x.activation",
      esco);
  std::vector<TariffActivationRow> out;
  for (const auto& r : rows)
    out.push_back({r["esco"].as<std::string>(), r["activation"].as<std::string>(), r["meters"].as<std::size_t>()});
  return out;
}

}  // namespace flows::db
