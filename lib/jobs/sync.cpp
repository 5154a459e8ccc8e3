#include "jobs/sync.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"
#include "jobs/syncers.hpp"

namespace flows::jobs {
namespace {

using nlohmann::json;

// Shadow column groups a snapshot may carry; meters carrying the same set are
// written by one UPDATE whose SET list names exactly those columns (the
// AFTER UPDATE OF triggers fire on a column named in SET, changed or not).
enum Column : unsigned {
  c_balance = 1u << 0,
  c_csq = 1u << 1,
  c_voltage = 1u << 2,
  c_voltage_3p = 1u << 3,
  c_element_a = 1u << 4,
  c_element_b = 1u << 5,
  c_backlight = 1u << 6,
  c_load_switch = 1u << 7,
  c_clock = 1u << 8,
  c_tariffs_active = 1u << 9,
  c_tariffs_future = 1u << 10,
};

const char* const shadow_record =
    "jsonb_to_recordset($1::jsonb) AS t(id uuid, balance numeric, csq integer, voltage numeric, "
    "v1 real, v2 real, v3 real, import_a bigint, export_a bigint, import_b bigint, export_b bigint, "
    "backlight text, load_switch text, clock_diff integer, clock_at timestamptz, "
    "tariffs_active jsonb, tariffs_future jsonb)";

std::string shadow_update_sql(unsigned mask) {
  std::string set = "health = 'healthy', health_details = NULL";
  auto add = [&](unsigned bit, const char* cols) {
    if (mask & bit) set += std::string(", ") + cols;
  };
  add(c_balance, "balance = t.balance");
  add(c_csq, "csq = t.csq");
  add(c_voltage, "voltage = t.voltage");
  add(c_voltage_3p, "\"3p_voltage_l1\" = t.v1, \"3p_voltage_l2\" = t.v2, \"3p_voltage_l3\" = t.v3");
  add(c_element_a, "import_a = t.import_a, export_a = t.export_a");
  add(c_element_b, "import_b = t.import_b, export_b = t.export_b");
  add(c_backlight, "backlight = t.backlight");
  add(c_load_switch, "load_switch = t.load_switch");
  add(c_clock, "clock_time_diff_seconds = t.clock_diff, clock_time_diff_synced_at = t.clock_at");
  add(c_tariffs_active, "tariffs_active = t.tariffs_active");
  add(c_tariffs_future, "tariffs_future = t.tariffs_future");
  return "UPDATE flows.meter_shadows s SET " + set + " FROM " + shadow_record + " WHERE s.id = t.id";
}

std::string trim(std::string s) {
  auto junk = [](char c) { return c == ' ' || c == '\0' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && junk(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && junk(s[i])) ++i;
  return s.substr(i);
}

struct Row {
  unsigned mask = 0;
  json shadow;    // for the shadow UPDATE of its group
  json registry;  // null when nothing for meter_registry was read
};

Row to_row(const std::string& id, const MeterSnapshot& s, UtcTime synced_at) {
  Row r;
  json& j = r.shadow;
  j["id"] = id;
  if (s.balance) { r.mask |= c_balance; j["balance"] = s.balance->to_string(); }
  if (s.csq) { r.mask |= c_csq; j["csq"] = *s.csq; }
  if (s.voltage) { r.mask |= c_voltage; j["voltage"] = s.voltage->to_string(); }
  if (s.voltage_3p) {
    r.mask |= c_voltage_3p;
    j["v1"] = (*s.voltage_3p)[0].to_string();
    j["v2"] = (*s.voltage_3p)[1].to_string();
    j["v3"] = (*s.voltage_3p)[2].to_string();
  }
  if (s.element_a) {
    r.mask |= c_element_a;
    j["import_a"] = s.element_a->import_active_wh;
    j["export_a"] = s.element_a->export_active_wh;
  } else if (s.three_phase) {
    r.mask |= c_element_a;  // a three-phase meter's totals are its one (element A) register
    j["import_a"] = s.three_phase->active_import_wh;
    j["export_a"] = s.three_phase->active_export_wh;
  }
  if (s.element_b) {
    r.mask |= c_element_b;
    j["import_b"] = s.element_b->import_active_wh;
    j["export_b"] = s.element_b->export_active_wh;
  }
  if (s.backlight) { r.mask |= c_backlight; j["backlight"] = *s.backlight; }
  if (s.load_switch) { r.mask |= c_load_switch; j["load_switch"] = *s.load_switch; }
  if (s.clock_diff_seconds) {
    r.mask |= c_clock;
    j["clock_diff"] = *s.clock_diff_seconds;
    j["clock_at"] = format_iso_utc(synced_at);
  }
  if (s.tariffs_active) { r.mask |= c_tariffs_active; j["tariffs_active"] = meter::tariff_json(*s.tariffs_active); }
  if (s.tariffs_future) { r.mask |= c_tariffs_future; j["tariffs_future"] = meter::tariff_json(*s.tariffs_future); }

  if (s.hardware || s.firmware || s.serial || s.prepay_enabled || s.dst) {
    json g{{"id", id}};
    if (s.hardware) g["hardware"] = *s.hardware;
    if (s.firmware) g["firmware"] = *s.firmware;
    if (s.serial) g["serial"] = trim(*s.serial);
    if (s.prepay_enabled) g["prepay_enabled"] = *s.prepay_enabled;
    if (s.dst) g["dst"] = *s.dst;
    r.registry = std::move(g);
  }
  return r;
}


}  // namespace

ExitCode sync_status(const SyncReport& r) {
  std::vector<ExitCode> codes;
  for (const auto& f : r.failures) codes.push_back(f.code);
  return batch_exit_code(r.ok, codes);
}

SyncReport run_sync(pqxx::connection& conn, const SyncOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.frequency != "hourly" && o.frequency != "12hourly" && o.frequency != "daily")
    throw usage_error("unknown frequency '" + o.frequency + "' (hourly, 12hourly or daily)");
  SyncReport report;
  report.frequency = o.frequency;

  db::require_current(conn);

  // 1. What to run, on which meters, from which event on: one short read-only
  //    transaction, closed before any meter is talked to.
  std::set<std::string> syncers;
  std::vector<db::MeterRow> meters;
  std::map<std::string, std::int64_t> last_event;  // meter id -> epoch seconds (UTC)
  try {
    pqxx::read_transaction tx(conn);
    for (const auto& r : tx.exec_params(
             "SELECT name FROM flows.meter_metrics "
             "WHERE enabled AND run_frequency = $1::flows.meter_metric_run_frequency_enum ORDER BY name",
             o.frequency))
      syncers.insert(r[0].as<std::string>());
    db::MeterFilter filter = o.filter;
    filter.active_only = true;
    meters = db::load_meters(tx, filter);
    if (syncers.count("SyncerEventLog") && !meters.empty()) {
      for (const auto& r : tx.exec_params(
               "SELECT meter_id::text, extract(epoch FROM max(\"timestamp\"))::bigint "
               "FROM flows.meter_event_log WHERE meter_id = ANY($1::uuid[]) GROUP BY meter_id",
               db::meter_id_array(meters)))
        last_event[r[0].as<std::string>()] = r[1].as<std::int64_t>();
    }
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error("cannot load the meters to sync", e);
  }
  report.syncers.assign(syncers.begin(), syncers.end());
  report.meters = meters.size();

  // 2. Talk to the meters, concurrently on one event loop.
  std::vector<MeterTarget> targets;
  std::vector<std::size_t> target_meter;  // target index -> meter index
  std::map<std::string, std::size_t> by_serial;
  std::vector<std::optional<MeterSnapshot>> snapshots(meters.size());
  std::vector<UtcTime> synced_at(meters.size());
  std::vector<std::optional<SyncFailure>> failure(meters.size());
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    if (m.host.empty()) {
      failure[i] = SyncFailure{m.serial, ExitCode::config, "meter " + m.serial + " has no ip_address in meter_registry"};
      continue;
    }
    by_serial[m.serial] = i;
    targets.push_back({m.serial, {m.host, m.port}, m.dst, m.hardware});
  }
  static const emop::ObjectTable builtin = emop::ObjectTable::builtin();
  const emop::ObjectTable& objects = o.objects ? *o.objects : builtin;
  const MeterJob job = [&](meter::Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    const std::size_t i = by_serial.at(t.serial);
    SyncContext ctx;
    ctx.hardware = t.hardware;
    if (auto it = last_event.find(meters[i].id); it != last_event.end())
      ctx.last_event = from_utc(UtcTime{std::chrono::seconds(it->second)}, t.dst ? ClockKind::uk_local : ClockKind::utc);
    ctx.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    synced_at[i] = ctx.now;
    MeterSnapshot s = co_await sync_meter(m, syncers, ctx);
    if (s.serial && trim(*s.serial) != t.serial)
      throw protocol_error("meter at " + t.endpoint.to_string() + " reports serial " + trim(*s.serial) +
                           ", meter_registry has " + t.serial);
    snapshots[i] = std::move(s);
    co_return CommandResult{};
  };
  if (!targets.empty()) {
    auto outcomes = run_batch(targets, objects, o.batch, job);
    for (const auto& out : outcomes) {
      const std::size_t i = by_serial.at(out.serial);
      if (!out.ok) {
        snapshots[i].reset();
        failure[i] = SyncFailure{out.serial, out.code, out.error};
      }
    }
  }

  // 3. Everything in one transaction, a statement per kind of write.
  std::map<unsigned, json> groups;  // column mask -> rows
  json failed_rows = json::array(), registry_rows = json::array(), event_rows = json::array();
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const auto& m = meters[i];
    if (failure[i]) {
      failed_rows.push_back({{"id", m.id}, {"details", failure[i]->error}});
      report.failures.push_back(*failure[i]);
      continue;
    }
    if (!snapshots[i]) continue;  // not reached (cannot happen: every target has an outcome)
    const MeterSnapshot& s = *snapshots[i];
    Row row = to_row(m.id, s, synced_at[i]);
    auto& g = groups[row.mask];
    if (g.is_null()) g = json::array();
    g.push_back(std::move(row.shadow));
    if (!row.registry.is_null()) registry_rows.push_back(std::move(row.registry));
    const bool dst = s.dst.value_or(m.dst);
    for (const auto& e : s.events)
      event_rows.push_back({{"id", m.id},
                            {"ts", format_iso_utc(to_utc(e.timestamp, dst ? ClockKind::uk_local : ClockKind::utc))},
                            {"event_type", e.event_type},
                            {"event_set", e.event_set}});
  }
  report.failed = report.failures.size();
  report.ok = meters.size() - report.failed;

  if (!meters.empty()) {
    try {
      pqxx::work tx(conn, "emop_sync");
      report.round_trips = 2;  // BEGIN, COMMIT
      for (const auto& [mask, rows] : groups) {
        tx.exec_params(shadow_update_sql(mask), rows.dump());
        ++report.round_trips;
      }
      if (!failed_rows.empty()) {
        tx.exec_params(
            "UPDATE flows.meter_shadows s SET health = 'unhealthy', health_details = t.details "
            "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, details text) WHERE s.id = t.id",
            failed_rows.dump());
        ++report.round_trips;
      }
      if (!registry_rows.empty()) {
        tx.exec_params(
            "UPDATE flows.meter_registry m SET "
            "  hardware = COALESCE(t.hardware, m.hardware), "
            "  firmware_version = COALESCE(t.firmware, m.firmware_version), "
            "  serial = COALESCE(t.serial, m.serial), "
            "  prepay_enabled = COALESCE(t.prepay_enabled, m.prepay_enabled), "
            "  daylight_savings_correction_enabled = COALESCE(t.dst, m.daylight_savings_correction_enabled) "
            "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, hardware text, firmware text, serial text, "
            "                                        prepay_enabled boolean, dst boolean) "
            "WHERE m.id = t.id AND ("
            "  m.hardware IS DISTINCT FROM COALESCE(t.hardware, m.hardware) OR "
            "  m.firmware_version IS DISTINCT FROM COALESCE(t.firmware, m.firmware_version) OR "
            "  m.serial IS DISTINCT FROM COALESCE(t.serial, m.serial) OR "
            "  m.prepay_enabled IS DISTINCT FROM COALESCE(t.prepay_enabled, m.prepay_enabled) OR "
            "  m.daylight_savings_correction_enabled IS DISTINCT FROM "
            "    COALESCE(t.dst, m.daylight_savings_correction_enabled))",
            registry_rows.dump());
        ++report.round_trips;
      }
      if (!event_rows.empty()) {
        auto r = tx.exec_params(
            "INSERT INTO flows.meter_event_log (meter_id, \"timestamp\", event_type, event_set) "
            "SELECT t.id, t.ts, t.event_type, t.event_set "
            "FROM jsonb_to_recordset($1::jsonb) AS t(id uuid, ts timestamptz, event_type integer, event_set integer) "
            "ON CONFLICT DO NOTHING",
            event_rows.dump());
        report.events_inserted = r.affected_rows();
        ++report.round_trips;
      }
      tx.commit();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw db::database_error("cannot write the sync results (nothing was written)", e);
    }
  }
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace flows::jobs
