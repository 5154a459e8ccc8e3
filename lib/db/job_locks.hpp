#pragma once
// Session advisory locks that keep two runs of a job apart: two token pushes
// would race for the same topups, two syncs for the same meters (a meter holds
// one conversation at a time, so the second run's reads fail and it would
// record healthy meters as unhealthy). A lock is held until the connection
// closes, i.e. for the rest of the run.
#include <string>

#include <pqxx/pqxx>

namespace flows::db {

// Takes the lock named `job` ("push_tokens", "meter_sync") for this session.
// False when another session holds it.
bool try_lock_job(pqxx::connection& conn, const std::string& job);

}  // namespace flows::db
