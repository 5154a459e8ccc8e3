#include "db/meters.hpp"

#include "core/error.hpp"
#include "core/nearest.hpp"
#include "db/sql_values.hpp"

namespace flows::db {

std::vector<MeterRow> load_meters(pqxx::transaction_base& tx, const MeterFilter& f) {
  std::string serials;
  for (const auto& s : f.serials) serials += (serials.empty() ? "" : ",") + s;
  const auto rows = tx.exec_params(
      "SELECT m.id::text AS id, m.serial, COALESCE(host(m.ip_address), '') AS host, "
      "       COALESCE(m.emop_port, 8080) AS port, "
      "       COALESCE(m.hardware, '') AS hardware, COALESCE(m.daylight_savings_correction_enabled, false) AS dst, "
      "       COALESCE(e.code, '') AS esco, COALESCE(m.mode::text, 'active') AS mode "
      "FROM flows.meter_registry m LEFT JOIN flows.escos e ON e.id = m.esco "
      "WHERE ($1::text = '' OR e.code = $1) "
      "  AND ($2::text = '' OR m.serial = ANY(string_to_array($2::text, ','))) "
      "  AND (NOT $3::boolean OR m.mode = 'active') "
      "ORDER BY m.serial",
      f.esco.value_or(""), serials, f.active_only);
  std::vector<MeterRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    MeterRow m = meter_of(r);
    m.esco = r["esco"].as<std::string>();
    m.mode = r["mode"].as<std::string>();
    out.push_back(std::move(m));
  }
  return out;
}

MeterRow meter_of(const pqxx::row& r, const char* id_column) {
  MeterRow m;
  m.id = r[id_column].as<std::string>();
  m.serial = r["serial"].as<std::string>();
  m.host = r["host"].as<std::string>();
  m.port = static_cast<std::uint16_t>(r["port"].as<int>());
  m.hardware = r["hardware"].as<std::string>();
  m.dst = r["dst"].as<bool>();
  return m;
}

std::string meter_id_array(const std::vector<MeterRow>& meters) {
  std::vector<std::string> ids;
  ids.reserve(meters.size());
  for (const auto& m : meters) ids.push_back(m.id);
  return uuid_array(ids);
}

bool esco_exists(pqxx::transaction_base& tx, const std::string& code) {
  return !tx.exec_params("SELECT 1 FROM flows.escos WHERE code = $1", code).empty();
}

std::vector<std::string> esco_codes(pqxx::transaction_base& tx) {
  std::vector<std::string> codes;
  for (const auto& row : tx.exec("SELECT code FROM flows.escos ORDER BY code")) codes.push_back(row["code"].as<std::string>());
  return codes;
}

std::vector<std::string> meter_serials(pqxx::transaction_base& tx) {
  std::vector<std::string> serials;
  for (const auto& row : tx.exec("SELECT serial FROM flows.meter_registry ORDER BY serial"))
    serials.push_back(row["serial"].as<std::string>());
  return serials;
}

std::string unknown_esco_message(const std::string& code, const std::vector<std::string>& known) {
  std::string m = "unknown ESCO '" + code + "' (no such code in flows.escos";
  if (auto n = nearest(code, known)) m += "; did you mean " + *n + "?";
  return m + ")";
}

void require_esco(pqxx::transaction_base& tx, const std::string& code) {
  if (!esco_exists(tx, code)) throw usage_error(unknown_esco_message(code, esco_codes(tx)));
}

namespace {

// The deployed databases' own listing (what their emop list and the gateway's
// GetMeters read): one row per meter and feeder, meters without a shadow left out.
const char* const list_by_deployed_function =
    "SELECT COALESCE(l.esco, '') AS esco, l.serial, COALESCE(l.name, '') AS name, l.csq::text AS signal, "
    "       l.health, COALESCE(l.hardware, '') AS hardware, "
    "       COALESCE(string_agg(DISTINCT l.feeder, ',' ORDER BY l.feeder), '') AS feeders, "
    "       CASE WHEN l.health = 'unhealthy' THEN s.health_details END AS reason, "
    "       to_char(s.last_healthy_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_seen "
    "FROM flows.get_meters_for_cli(NULLIF($1::text, ''), NULL) l "
    "LEFT JOIN flows.meter_shadows s ON s.id = l.id "
    "WHERE ($2::text = '' OR l.health = $2) "
    "GROUP BY l.esco, l.serial, l.name, l.csq, l.health, l.hardware, s.health_details, s.last_healthy_at "
    "ORDER BY l.esco NULLS FIRST, l.serial";

const char* const list_by_tables =
    "SELECT COALESCE(e.code, '') AS esco, m.serial, COALESCE(m.name, '') AS name, s.csq::text AS signal, "
    "       s.health::text AS health, COALESCE(m.hardware, '') AS hardware, "
    "       COALESCE(string_agg(DISTINCT f.name, ',' ORDER BY f.name), '') AS feeders, "
    "       CASE WHEN s.health = 'unhealthy' THEN s.health_details END AS reason, "
    "       to_char(s.last_healthy_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_seen "
    "FROM flows.meter_registry m "
    "LEFT JOIN flows.escos e ON e.id = m.esco "
    "LEFT JOIN flows.meter_shadows s ON s.id = m.id "
    "LEFT JOIN flows.service_head_meter shm ON shm.meter = m.id "
    "LEFT JOIN flows.service_head_registry sh ON sh.id = shm.service_head "
    "LEFT JOIN flows.feeder_registry f ON f.id = sh.feeder "
    "WHERE ($1::text = '' OR e.code = $1) AND ($2::text = '' OR s.health::text = $2) "
    "GROUP BY e.code, m.serial, m.name, s.csq, s.health, m.hardware, s.health_details, s.last_healthy_at "
    "ORDER BY e.code NULLS FIRST, m.serial";

bool has_deployed_listing(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT to_regprocedure('flows.get_meters_for_cli(text, text)') IS NOT NULL AS present")["present"]
      .as<bool>();
}

const char* const cli_rows_by_deployed_function =
    "SELECT COALESCE(json_agg(row_to_json(l)), '[]'::json)::text AS rows "
    "FROM flows.get_meters_for_cli(NULLIF($1::text, ''), NULL) l";

const char* const cli_rows_by_tables =
    "SELECT COALESCE(json_agg(json_build_object('id', x.id, 'ip_address', x.ip_address, 'serial', x.serial, "
    "         'name', x.name, 'single_meter_app', x.single_meter_app, 'esco', x.esco, 'csq', x.csq, "
    "         'health', x.health, 'hardware', x.hardware, 'feeder', x.feeder) ORDER BY x.esco NULLS FIRST, x.serial), "
    "       '[]'::json)::text AS rows "
    "FROM (SELECT m.id, host(m.ip_address) AS ip_address, m.serial, m.name, m.single_meter_app, e.code AS esco, "
    "             s.csq, s.health::text AS health, m.hardware, f.name AS feeder "
    "      FROM flows.meter_registry m "
    "      LEFT JOIN flows.escos e ON e.id = m.esco "
    "      LEFT JOIN flows.meter_shadows s ON s.id = m.id "
    "      LEFT JOIN flows.service_head_meter shm ON shm.meter = m.id "
    "      LEFT JOIN flows.service_head_registry sh ON sh.id = shm.service_head "
    "      LEFT JOIN flows.feeder_registry f ON f.id = sh.feeder "
    "      WHERE ($1::text = '' OR e.code = $1)) x";

}  // namespace

std::string meters_for_cli_json(pqxx::transaction_base& tx, const std::string& esco) {
  return tx.exec_params1(has_deployed_listing(tx) ? cli_rows_by_deployed_function : cli_rows_by_tables, esco)["rows"]
      .as<std::string>();
}

std::vector<MeterListRow> list_meters(pqxx::transaction_base& tx, const std::string& esco, const std::string& health) {
  const auto rows = tx.exec_params(has_deployed_listing(tx) ? list_by_deployed_function : list_by_tables, esco, health);
  std::vector<MeterListRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    MeterListRow m;
    m.esco = r["esco"].as<std::string>();
    m.serial = r["serial"].is_null() ? std::string() : r["serial"].as<std::string>();  // nullable as deployed
    m.name = r["name"].as<std::string>();
    if (!r["signal"].is_null()) m.signal = r["signal"].as<int>();
    m.health = text_or_null(r["health"]);
    m.hardware = r["hardware"].as<std::string>();
    m.feeders = r["feeders"].as<std::string>();
    m.reason = text_or_null(r["reason"]);
    m.last_seen = text_or_null(r["last_seen"]);
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<MeterInfoRow> meter_info(pqxx::transaction_base& tx, const std::string& serial) {
  const auto rows = tx.exec_params(
      "SELECT row_to_json(m)::text AS registry, row_to_json(s)::text AS shadow, e.code AS esco, si.code AS site, "
      "       e.name AS esco_name, si.name AS site_name, "
      "       (SELECT string_agg(DISTINCT sh.name, ',') FROM flows.service_head_meter shm "
      "          JOIN flows.service_head_registry sh ON sh.id = shm.service_head WHERE shm.meter = m.id) "
      "         AS service_head, "
      "       (SELECT string_agg(DISTINCT f.name, ',') FROM flows.service_head_meter shm "
      "          JOIN flows.service_head_registry sh ON sh.id = shm.service_head "
      "          JOIN flows.feeder_registry f ON f.id = sh.feeder WHERE shm.meter = m.id) AS feeder, "
      "       (SELECT COALESCE(json_agg(json_build_object('register_id', r.register_id, 'element', r.element, "
      "                 'nature', r.nature, 'status', r.status, 'start_time', r.start_time, 'end_time', r.end_time, "
      "                 'circuits', (SELECT COALESCE(json_agg(DISTINCT COALESCE(c.name, c.id::text) ORDER BY COALESCE(c.name, c.id::text)), '[]'::json) "
      "                                FROM flows.circuit_register cr JOIN flows.circuits c ON c.id = cr.circuit "
      "                               WHERE cr.register = r.register_id "
      "                                 AND (cr.end_time IS NULL OR cr.end_time > statement_timestamp()))) "
      "                 ORDER BY r.element, r.nature), '[]'::json)::text "
      "          FROM flows.meter_registers r WHERE r.meter_id = m.id) AS registers "
      "FROM flows.meter_registry m "
      "LEFT JOIN flows.meter_shadows s ON s.id = m.id "
      "LEFT JOIN flows.escos e ON e.id = m.esco "
      "LEFT JOIN flows.sites_new si ON si.id = m.site "
      "WHERE m.serial = $1",
      serial);
  if (rows.empty()) return std::nullopt;
  const auto r = rows[0];
  MeterInfoRow info;
  info.registry = r["registry"].as<std::string>();
  info.shadow = text_or_null(r["shadow"]);
  info.esco = text_or_null(r["esco"]);
  info.site = text_or_null(r["site"]);
  info.esco_name = text_or_null(r["esco_name"]);
  info.site_name = text_or_null(r["site_name"]);
  info.service_head = text_or_null(r["service_head"]);
  info.feeder = text_or_null(r["feeder"]);
  info.registers = r["registers"].as<std::string>();
  return info;
}

std::optional<std::string> meter_name(pqxx::transaction_base& tx, const std::string& serial) {
  const auto rows = tx.exec_params("SELECT name FROM flows.meter_registry WHERE serial = $1", serial);
  if (rows.empty()) return std::nullopt;
  return text_or_null(rows[0]["name"]).value_or("");
}

void update_registry_facts(pqxx::transaction_base& tx, const nlohmann::json& records) {
  tx.exec_params(
      "UPDATE flows.meter_registry m SET "
      "  hardware = COALESCE(t.hardware, m.hardware), "
      "  firmware_version = COALESCE(t.firmware, m.firmware_version), "
      "  serial = COALESCE(t.serial, m.serial), "
      "  prepay_enabled = COALESCE(t.prepay_enabled, m.prepay_enabled), "
      "  daylight_savings_correction_enabled = COALESCE(t.dst, m.daylight_savings_correction_enabled) "
      "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, hardware text, firmware text, serial text, "
      "                                        prepay_enabled boolean, dst boolean) "
      "WHERE m.id = t.id AND ("
      "  m.hardware IS DISTINCT FROM COALESCE(t.hardware, m.hardware) OR "
      "  m.firmware_version IS DISTINCT FROM COALESCE(t.firmware, m.firmware_version) OR "
      "  m.serial IS DISTINCT FROM COALESCE(t.serial, m.serial) OR "
      "  m.prepay_enabled IS DISTINCT FROM COALESCE(t.prepay_enabled, m.prepay_enabled) OR "
      "  m.daylight_savings_correction_enabled IS DISTINCT FROM "
      "    COALESCE(t.dst, m.daylight_savings_correction_enabled))",
      records.dump());
}

}  // namespace flows::db
