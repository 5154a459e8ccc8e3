#include "jobs/push_clock.hpp"

#include <algorithm>
#include <chrono>

#include "core/error.hpp"
#include "db/meters.hpp"
#include "db/transaction.hpp"
#include "jobs/clock_push_decision.hpp"
#include "jobs/meter_targets.hpp"
#include "jobs/known_esco.hpp"

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

Task<ClockPushResult> push_meter_clock(Meter& m, std::string serial, std::int64_t threshold, bool dry,
                                       std::function<UtcTime()> now) {
  ClockPushResult c;
  c.serial = serial;
  c.dst = co_await m.flag("daylight_savings_correction_flag");
  const ClockKind kind = c.dst ? ClockKind::uk_local : ClockKind::utc;
  const auto before = co_await m.clock();
  c.clock_before = format_iso(before.time);
  c.drift_before = clock_drift(before.time, kind, now());
  if (!needs_correction(*c.drift_before, threshold)) {
    c.action = "within_threshold";
    c.ok = true;
    c.detail = "drift " + std::to_string(*c.drift_before) + " s is within " + std::to_string(threshold) + " s";
    co_return c;
  }
  if (dry) {
    c.action = "would_correct";
    c.ok = true;
    c.detail = "drift " + std::to_string(*c.drift_before) + " s is over " + std::to_string(threshold) + " s";
    co_return c;
  }
  co_await m.set_clock(from_utc(now(), kind));
  const auto after = co_await m.clock();
  c.clock_after = format_iso(after.time);
  c.drift_after = clock_drift(after.time, kind, now());
  c.action = "corrected";
  c.ok = correction_held(*c.drift_after, threshold);
  if (!c.ok) c.code = ExitCode::protocol;
  c.detail = "drift " + std::to_string(*c.drift_before) + " s -> " + std::to_string(*c.drift_after) + " s";
  if (!c.ok) c.detail += " (still drifting after the write)";
  co_return c;
}

std::vector<ClockPushResult> push_clock(pqxx::connection& conn, const emop::ObjectTable& objects,
                                        const PushClockOptions& options) {
  const auto rows = db::in_read_transaction(conn, "clock push", [&](pqxx::read_transaction& tx) {
    db::MeterFilter f;
    f.esco = options.esco;
    require_known_esco(tx, f.esco);
    return db::load_meters(tx, f);
  });
  std::vector<ClockPushResult> results;
  const TargetSplit split = meter_targets(rows);
  for (const auto i : split.without_address) {
    ClockPushResult c;
    c.serial = rows[i].serial;
    c.action = "error";
    c.code = ExitCode::config;
    c.detail = "meter " + rows[i].serial + " has no ip_address in flows.meter_registry";
    results.push_back(c);
  }
  const std::function<UtcTime()> now = true_now;
  auto outcomes = run_batch(split.targets, objects, options.batch, [&](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    ClockPushResult c = co_await push_meter_clock(m, t.serial, options.threshold_seconds, options.dry_run, now);
    results.push_back(std::move(c));
    co_return CommandResult{};
  });
  for (const auto& o : outcomes)
    if (!o.ok) {
      ClockPushResult c;
      c.serial = o.serial;
      c.action = "error";
      c.code = o.code;
      c.detail = o.error;
      results.push_back(c);
    }
  std::stable_sort(results.begin(), results.end(), [](auto& a, auto& b) { return a.serial < b.serial; });
  return results;
}

}  // namespace flows::jobs
