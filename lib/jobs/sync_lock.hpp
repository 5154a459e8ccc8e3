#pragma once
#include <pqxx/pqxx>

#include "db/db_error.hpp"
#include "db/job_locks.hpp"

namespace flows::jobs {

// `emop sync` and `sync intervals` one at a time against a database (they talk
// to the same meters): the second is refused, before any meter is contacted.
inline void require_sync_lock(pqxx::connection& conn) {
  bool locked = false;
  try {
    locked = db::try_lock_job(conn, "meter_sync");
  } catch (const pqxx::failure& e) {
    throw db::database_error("cannot take the sync lock", e);
  }
  if (!locked)
    throw db::database_error("another `emop sync` or `sync intervals` is running against this database; "
                             "try again when it has finished");
}

}  // namespace flows::jobs
