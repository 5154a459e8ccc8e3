#include "db/meters.hpp"

#include "db/sql_values.hpp"

namespace flows::db {

std::vector<MeterRow> load_meters(pqxx::transaction_base& tx, const MeterFilter& f) {
  std::string serials;
  for (const auto& s : f.serials) serials += (serials.empty() ? "" : ",") + s;
  const auto rows = tx.exec_params(
      "SELECT m.id::text, m.serial, COALESCE(host(m.ip_address), ''), COALESCE(m.emop_port, 8080), "
      "       COALESCE(m.hardware, ''), COALESCE(m.daylight_savings_correction_enabled, false), "
      "       COALESCE(e.code, ''), COALESCE(m.mode::text, 'active') "
      "FROM flows.meter_registry m LEFT JOIN flows.escos e ON e.id = m.esco "
      "WHERE ($1::text = '' OR e.code = $1) "
      "  AND ($2::text = '' OR m.serial = ANY(string_to_array($2::text, ','))) "
      "  AND (NOT $3::boolean OR m.mode = 'active') "
      "ORDER BY m.serial",
      f.esco.value_or(""), serials, f.active_only);
  std::vector<MeterRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    MeterRow m;
    m.id = r[0].as<std::string>();
    m.serial = r[1].as<std::string>();
    m.host = r[2].as<std::string>();
    m.port = static_cast<std::uint16_t>(r[3].as<int>());
    m.hardware = r[4].as<std::string>();
    m.dst = r[5].as<bool>();
    m.esco = r[6].as<std::string>();
    m.mode = r[7].as<std::string>();
    out.push_back(std::move(m));
  }
  return out;
}

std::string meter_id_array(const std::vector<MeterRow>& meters) {
  std::vector<std::string> ids;
  ids.reserve(meters.size());
  for (const auto& m : meters) ids.push_back(m.id);
  return uuid_array(ids);
}

}  // namespace flows::db
