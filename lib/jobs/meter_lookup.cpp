#include "jobs/meter_lookup.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "jobs/meter_targets.hpp"

namespace flows::jobs {
namespace {

[[noreturn]] void unknown_serial(const std::string& serial) {
  throw usage_error("meter " + serial + " is not in the database (meter_registry)");
}

template <typename F>
auto read_current(pqxx::connection& conn, const char* what, F&& f) {
  db::require_current(conn);
  return db::in_read_transaction(conn, what, std::forward<F>(f));
}

}  // namespace

std::vector<db::MeterListRow> list_meters(pqxx::connection& conn, const std::string& esco, const std::string& health) {
  return read_current(conn, "list", [&](pqxx::read_transaction& tx) {
    if (!esco.empty()) db::require_esco(tx, esco);
    return db::list_meters(tx, esco, health);
  });
}

db::MeterInfoRow meter_info(pqxx::connection& conn, const std::string& serial) {
  return read_current(conn, "info", [&](pqxx::read_transaction& tx) {
    auto r = db::meter_info(tx, serial);
    if (!r) unknown_serial(serial);
    return *r;
  });
}

std::string serial_to_name(pqxx::connection& conn, const std::string& serial) {
  return read_current(conn, "serial_to_name", [&](pqxx::read_transaction& tx) {
    auto n = db::meter_name(tx, serial);
    if (!n) unknown_serial(serial);
    return *n;
  });
}

Placement targets_from_database(pqxx::connection& conn,
                                                          const std::vector<std::string>& serials) {
  const auto rows = db::in_read_transaction(conn, "looking meters up in the database", [&](pqxx::read_transaction& tx) {
    db::MeterFilter f;
    f.serials = serials;
    f.active_only = false;
    return db::load_meters(tx, f);
  });
  const TargetSplit split = meter_targets(rows);
  Placement out;
  for (const auto& serial : serials) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const db::MeterRow& r) { return r.serial == serial; });
    auto t = std::find_if(split.targets.begin(), split.targets.end(),
                          [&](const transport::MeterTarget& x) { return x.serial == serial; });
    if (it == rows.end()) out.fail(serial, ExitCode::config, "meter " + serial + " is not in the database (meter_registry)");
    else if (t == split.targets.end())
      out.fail(serial, ExitCode::config, "meter " + serial + " has no ip_address in the database (meter_registry)");
    else out.targets.push_back(*t);
  }
  return out;
}

}  // namespace flows::jobs
