#include "gateway/audit.hpp"

#include <atomic>
#include <ctime>

#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/mediator_audit.hpp"
#include "db/session.hpp"

namespace flows::gateway {
namespace {

class LogAuditor : public Auditor {
 public:
  explicit LogAuditor(std::function<void(const std::string&)> log) : log_(std::move(log)) {}
  std::int64_t attempted(const AuditEntry& e) override {
    const auto id = ++next_;
    log_(fmt::format("audit: write attempted id={} client={} role={} method={} serial={} object=0x{:06x} at={}", id,
                     e.client_id, e.role, e.method, e.serial, e.object_id, rfc3339_utc(e.at)));
    return id;
  }
  void ended(std::int64_t id, const AuditEntry& e, const AuditEnd& end) override {
    log_(fmt::format("audit: write ended id={} client={} serial={} object=0x{:06x} outcome={}{} ms={} at={}", id, e.client_id,
                     e.serial, e.object_id, end.outcome, end.status.empty() ? "" : " status=\"" + end.status + "\"", end.ms,
                     rfc3339_utc(end.at)));
  }

 private:
  std::function<void(const std::string&)> log_;
  std::atomic<std::int64_t> next_{0};
};

class DatabaseAuditor : public Auditor {
 public:
  DatabaseAuditor(std::string conninfo, std::string gateway) : db_(std::move(conninfo)), gateway_(std::move(gateway)) {}
  std::int64_t attempted(const AuditEntry& e) override {
    return db_.run("recording a write's attempt", [&](pqxx::transaction_base& tx) {
      return db::insert_audit_attempt(tx, {gateway_, e.client_id, e.role, e.method, e.serial, e.object_id, e.at});
    });
  }
  void ended(std::int64_t id, const AuditEntry&, const AuditEnd& end) override {
    db_.run("recording a write's end", [&](pqxx::transaction_base& tx) {
      db::set_audit_end(tx, id, end.outcome, end.status, end.at, end.ms);
      return 0;
    });
  }

 private:
  db::Session db_;
  std::string gateway_;
};

}  // namespace

std::unique_ptr<Auditor> database_auditor(std::string conninfo, std::string gateway) {
  return std::make_unique<DatabaseAuditor>(std::move(conninfo), std::move(gateway));
}

std::unique_ptr<Auditor> log_auditor(std::function<void(const std::string&)> log) {
  return std::make_unique<LogAuditor>(std::move(log));
}

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

}  // namespace flows::gateway
