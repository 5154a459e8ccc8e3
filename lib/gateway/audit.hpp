#pragma once
// The record of every write through the gateway: one entry when it is attempted
// (before it goes to the meter) and its end (done, failed, or outcome unknown).
// Where it goes is the gateway's choice: its database's additive audit table
// (flows.mediator_audit) or, without a database, its log. Calls are made from
// one worker thread, never the event loop, so a slow database never stalls
// the meters.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace flows::gateway {

struct AuditEntry {
  std::string client_id, role, method, serial;
  std::uint32_t object_id = 0;  // the written object (sendRawMessage: its data field's)
  std::chrono::system_clock::time_point at;
};

// How a write ended: "done", "failed" (the meter did not apply it: refused or
// never reached), "unknown" (it reached the meter and no answer came back).
struct AuditEnd {
  std::string outcome;
  std::string status;  // the wire status message, "" when done
  std::chrono::system_clock::time_point at;
  long long ms = 0;
};

class Auditor {
 public:
  virtual ~Auditor() = default;
  // Records the attempt; returns its id. Throws when it cannot be recorded: the
  // write is then refused, never sent unrecorded.
  virtual std::int64_t attempted(const AuditEntry& e) = 0;
  virtual void ended(std::int64_t id, const AuditEntry& e, const AuditEnd& end) = 0;
};

// Lines "audit: write attempted id=… client=… role=… serial=… object=0x… at=…"
// and "audit: write ended id=… outcome=… ms=…" through `log`.
std::unique_ptr<Auditor> log_auditor(std::function<void(const std::string&)> log);

// Rows in the database's flows.mediator_audit (migration 0010), one connection,
// opened again after a failure; `gateway` names the gateway in each row.
std::unique_ptr<Auditor> database_auditor(std::string conninfo, std::string gateway);

std::string rfc3339_utc(std::chrono::system_clock::time_point t);

}  // namespace flows::gateway
