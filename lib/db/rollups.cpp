#include "db/rollups.hpp"

#include <pqxx/pqxx>

#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::db {

std::int64_t rebuild_interval_daily(pqxx::connection& conn) {
  require_current(conn);
  try {
    pqxx::work tx(conn, "flows_rebuild_interval_daily");
    const auto n = tx.exec1("SELECT flows.register_interval_daily_rebuild()")[0].as<std::int64_t>();
    tx.commit();
    return n;
  } catch (const pqxx::insufficient_privilege&) {
    throw database_error(
        "rebuilding register_interval_daily needs the owner of the flows schema (the role that ran the "
        "migrations) or a superuser; nothing was changed");
  } catch (const std::exception& e) {
    throw database_error("cannot rebuild register_interval_daily (nothing was changed)", e);
  }
}

}  // namespace flows::db
