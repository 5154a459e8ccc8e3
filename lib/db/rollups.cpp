#include "db/rollups.hpp"

#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::db {
namespace {
constexpr int lock_timeout_seconds = 60;
}

std::int64_t rebuild_interval_daily(pqxx::connection& conn) {
  require_current(conn);
  try {
    pqxx::work tx(conn, "flows_rebuild_interval_daily");
    // It waits for open writers of half hours (an ingest), but not for ever.
    tx.exec0("SET LOCAL lock_timeout = '" + std::to_string(lock_timeout_seconds) + "s'");
    const auto n = tx.exec1("SELECT flows.register_interval_daily_rebuild()")[0].as<std::int64_t>();
    tx.commit();
    return n;
  } catch (const pqxx::insufficient_privilege&) {
    throw database_error(
        "rebuilding register_interval_daily needs the owner of the flows schema (the role that ran the "
        "migrations) or a superuser; nothing was changed");
  } catch (const pqxx::sql_error& e) {
    // lock_not_available (libpqxx 6 has no class for it, nor always the SQLSTATE)
    if (e.sqlstate() == "55P03" || std::string_view(e.what()).find("lock timeout") != std::string_view::npos)
      throw database_error("half hours were being written by another transaction for over " +
                           std::to_string(lock_timeout_seconds) +
                           " s, so register_interval_daily was not rebuilt; nothing was changed, try again");
    throw database_error("cannot rebuild register_interval_daily (nothing was changed)", e);
  } catch (const std::exception& e) {
    throw database_error("cannot rebuild register_interval_daily (nothing was changed)", e);
  }
}

}  // namespace flows::db
