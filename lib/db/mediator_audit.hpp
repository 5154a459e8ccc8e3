#pragma once
// flows.mediator_audit (0010): a gateway's record of the writes it sends.
#include <chrono>
#include <cstdint>
#include <string>

#include <pqxx/pqxx>

namespace flows::db {

struct AuditAttempt {
  std::string gateway, client_id, role, method, serial;
  std::uint32_t object_id = 0;
  std::chrono::system_clock::time_point at;
};

// Inserts the attempt; its id.
std::int64_t insert_audit_attempt(pqxx::transaction_base& tx, const AuditAttempt& a);
// Sets how it ended: outcome done|failed|unknown, the wire status ("" when done), duration.
void set_audit_end(pqxx::transaction_base& tx, std::int64_t id, const std::string& outcome, const std::string& status,
                   std::chrono::system_clock::time_point at, long long duration_ms);

}  // namespace flows::db
