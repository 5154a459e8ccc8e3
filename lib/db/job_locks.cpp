#include "db/job_locks.hpp"

namespace flows::db {

bool try_lock_job(pqxx::connection& conn, const std::string& job) {
  pqxx::nontransaction nt(conn);
  return nt.exec_params1("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", "flows.emop." + job)["locked"].as<bool>();
}

}  // namespace flows::db
