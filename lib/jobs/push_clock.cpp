#include "jobs/push_clock.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/meters.hpp"

namespace flows::jobs {
namespace {

using meter::Meter;

UtcTime true_now() { return date::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace

nlohmann::json ClockPushResult::to_json() const {
  nlohmann::json j{{"serial", serial}, {"action", action}, {"ok", ok}, {"dst", dst}, {"detail", detail}};
  if (!clock_before.empty()) j["clock_before"] = clock_before;
  if (!clock_after.empty()) j["clock_after"] = clock_after;
  if (drift_before) j["drift_before_seconds"] = *drift_before;
  if (drift_after) j["drift_after_seconds"] = *drift_after;
  return j;
}

std::vector<ClockPushResult> push_clock(pqxx::connection& conn, const emop::ObjectTable& objects,
                                        const PushClockOptions& options) {
  std::vector<db::MeterRow> rows;
  try {
    pqxx::read_transaction tx(conn);
    db::MeterFilter f;
    f.esco = options.esco;
    rows = db::load_meters(tx, f);
  } catch (const pqxx::failure& e) {
    throw db::database_error("clock push", e);
  }
  std::vector<ClockPushResult> results;
  std::vector<MeterTarget> targets;
  for (const auto& r : rows) {
    if (r.host.empty()) {
      ClockPushResult c;
      c.serial = r.serial;
      c.action = "error";
      c.detail = "meter " + r.serial + " has no ip_address in flows.meter_registry";
      results.push_back(c);
      continue;
    }
    targets.push_back({r.serial, {r.host, r.port}, r.dst, r.hardware});
  }
  const auto threshold = options.threshold_seconds;
  const bool dry = options.dry_run;
  auto outcomes = run_batch(targets, objects, options.batch, [&](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    ClockPushResult c;
    c.serial = t.serial;
    c.dst = co_await m.flag("daylight_savings_correction_flag");
    const ClockKind kind = c.dst ? ClockKind::uk_local : ClockKind::utc;
    auto before = co_await m.clock();
    const UtcTime now = true_now();
    c.clock_before = format_iso(before.time);
    c.drift_before = (to_utc(before.time, kind) - now).count();
    if (std::abs(*c.drift_before) <= threshold) {
      c.action = "within_threshold";
      c.ok = true;
      c.detail = "drift " + std::to_string(*c.drift_before) + " s is within " + std::to_string(threshold) + " s";
      results.push_back(c);
      co_return CommandResult{};
    }
    if (dry) {
      c.action = "would_correct";
      c.ok = true;
      c.detail = "drift " + std::to_string(*c.drift_before) + " s is over " + std::to_string(threshold) + " s";
      results.push_back(c);
      co_return CommandResult{};
    }
    co_await m.set_clock(from_utc(true_now(), kind));
    auto after = co_await m.clock();
    const UtcTime now_after = true_now();
    c.clock_after = format_iso(after.time);
    c.drift_after = (to_utc(after.time, kind) - now_after).count();
    c.action = "corrected";
    c.ok = std::abs(*c.drift_after) <= std::max<std::int64_t>(5, threshold / 2);
    c.detail = "drift " + std::to_string(*c.drift_before) + " s -> " + std::to_string(*c.drift_after) + " s";
    if (!c.ok) c.detail += " (still drifting after the write)";
    results.push_back(c);
    co_return CommandResult{};
  });
  for (const auto& o : outcomes)
    if (!o.ok) {
      ClockPushResult c;
      c.serial = o.serial;
      c.action = "error";
      c.detail = o.error;
      results.push_back(c);
    }
  std::stable_sort(results.begin(), results.end(), [](auto& a, auto& b) { return a.serial < b.serial; });
  return results;
}

}  // namespace flows::jobs
