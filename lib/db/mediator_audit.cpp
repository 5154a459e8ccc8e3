#include "db/mediator_audit.hpp"

namespace flows::db {
namespace {

// Epoch seconds with microseconds, for to_timestamp.
std::string epoch_seconds(std::chrono::system_clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return std::to_string(us / 1000000) + "." + std::to_string(1000000 + us % 1000000).substr(1);
}

}  // namespace

std::int64_t insert_audit_attempt(pqxx::transaction_base& tx, const AuditAttempt& a) {
  return tx
      .exec_params1("INSERT INTO flows.mediator_audit (gateway, client_id, role, method, serial, object_id, attempted_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::double precision)) RETURNING id",
                    a.gateway, a.client_id, a.role, a.method, a.serial, static_cast<std::int64_t>(a.object_id), epoch_seconds(a.at))["id"]
      .as<std::int64_t>();
}

void set_audit_end(pqxx::transaction_base& tx, std::int64_t id, const std::string& outcome, const std::string& status,
                   std::chrono::system_clock::time_point at, long long duration_ms) {
  tx.exec_params0("UPDATE flows.mediator_audit SET outcome = $2, status = NULLIF($3, ''), "
                  "ended_at = to_timestamp($4::double precision), duration_ms = $5 WHERE id = $1",
                  id, outcome, status, epoch_seconds(at), duration_ms);
}

}  // namespace flows::db
