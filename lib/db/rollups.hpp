#pragma once
// The rollups the schema keeps with the half hours (0009:
// flows.register_interval_daily, each register's kWh per UK day, kept by
// triggers). Writes that bypass triggers (session_replication_role = replica,
// pg_restore --disable-triggers, a data-only restore, dropped TimescaleDB
// chunks) leave it stale; rebuilding recomputes it from the half hours.
#include <cstdint>

#include <pqxx/connection>

namespace flows::db {

// Recomputes flows.register_interval_daily in one transaction, holding off
// writers of half hours meanwhile (and waiting up to 60 s for open ones);
// returns the register-days it now holds.
// Needs the schema's owner (the role that ran the migrations) or a superuser:
// flows::Error (database) saying so otherwise, and for any other failure.
std::int64_t rebuild_interval_daily(pqxx::connection& conn);

}  // namespace flows::db
