#include "jobs/push_tariffs.hpp"

#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/sql_values.hpp"

namespace flows::jobs {
namespace {

using meter::Meter;

struct PlannedTariff {
  std::string meter_id, serial, host, hardware, customer, period_start;
  std::uint16_t port = 8080;
  bool dst = false;
  Money unit_rate, standing_charge;
  MeterTime activation{};
};

std::vector<PlannedTariff> load_plan(pqxx::connection& conn, const std::string& esco,
                                     std::vector<TariffPushResult>& problems) {
  pqxx::read_transaction tx(conn);
  auto e = tx.exec_params("SELECT id FROM flows.escos WHERE code = $1", esco);
  if (e.empty()) throw usage_error("no ESCO with code '" + esco + "' in flows.escos");
  auto rows = tx.exec_params(
      "SELECT DISTINCT ON (m.id) m.id::text, COALESCE(m.serial, ''), COALESCE(host(m.ip_address), ''), "
      "       COALESCE(m.emop_port, 8080), COALESCE(m.daylight_savings_correction_enabled, false), "
      "       COALESCE(m.hardware, ''), ca.customer::text, ct.period_start::text, "
      "       trunc(ct.unit_rate, 5)::text, trunc(ct.standing_charge, 5)::text "
      "FROM flows.meter_registry m "
      "JOIN flows.escos e ON e.code = $1 "
      "JOIN public.properties p ON p.supply_meter = m.id "
      "JOIN public.accounts a ON a.property = p.id AND a.type = 'supply' AND a.status <> 'closed' "
      "JOIN public.customer_accounts ca ON ca.account = a.id AND ca.role = 'occupier' "
      "JOIN public.customers c ON c.id = ca.customer AND c.status IN ('live', 'prelive', 'onboarding') "
      "JOIN public.customer_tariffs ct ON ct.customer = ca.customer "
      "  AND ct.period_start > (now() AT TIME ZONE 'Europe/London')::date "
      "WHERE (m.esco = e.id OR p.esco = e.id) AND COALESCE(m.mode, 'active') = 'active' "
      "ORDER BY m.id, ct.period_start, ca.customer",
      esco);
  std::vector<PlannedTariff> out;
  for (const auto& r : rows) {
    PlannedTariff t;
    t.meter_id = r[0].as<std::string>();
    t.serial = r[1].as<std::string>();
    t.host = r[2].as<std::string>();
    t.port = static_cast<std::uint16_t>(r[3].as<int>());
    t.dst = r[4].as<bool>();
    t.hardware = r[5].as<std::string>();
    t.customer = r[6].as<std::string>();
    t.period_start = r[7].as<std::string>();
    auto ur = Money::parse(r[8].as<std::string>());
    auto sc = Money::parse(r[9].as<std::string>());
    auto day = parse_iso(t.period_start);
    if (!ur || !sc || !day) {
      TariffPushResult bad;
      bad.serial = t.serial;
      bad.customer = t.customer;
      bad.period_start = t.period_start;
      bad.action = "error";
      bad.detail = "customer tariff rates are not exact amounts";
      problems.push_back(bad);
      continue;
    }
    t.unit_rate = *ur;
    t.standing_charge = *sc;
    t.activation = *day;  // 00:00 on the meter's clock
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.serial < b.serial; });
  return out;
}

void record(pqxx::connection& conn, const PlannedTariff& p, const std::string& outcome,
            const std::vector<std::string>& mismatches, const std::optional<nlohmann::json>& read_back,
            const std::string& error) {
  pqxx::work tx(conn);
  const std::string arr = db::text_array(mismatches);
  std::optional<std::string> rb = read_back ? std::optional<std::string>(read_back->dump()) : std::nullopt;
  std::optional<std::string> err = error.empty() ? std::nullopt : std::optional<std::string>(error);
  tx.exec_params(
      "INSERT INTO public.meter_tariff_pushes (meter_id, customer, period_start, unit_rate, standing_charge, "
      "  activation, outcome, mismatches, read_back, error) "
      "VALUES ($1::uuid, $2::uuid, $3::date, $4::numeric, $5::numeric, $6::timestamp, $7, $8::text[], $9::jsonb, $10)",
      p.meter_id, p.customer, p.period_start, p.unit_rate.to_string(), p.standing_charge.to_string(),
      format_iso(p.activation), outcome, arr, rb, err);
  tx.commit();
}

}  // namespace

nlohmann::json TariffPushResult::to_json() const {
  return nlohmann::json{{"serial", serial},         {"customer", customer},     {"period_start", period_start},
                        {"unit_rate", unit_rate},   {"standing_charge", standing_charge},
                        {"activation", activation}, {"action", action},         {"ok", ok},
                        {"mismatches", mismatches}, {"detail", detail}};
}

std::vector<TariffPushResult> push_tariffs(pqxx::connection& conn, const emop::ObjectTable& objects,
                                           const PushTariffsOptions& options) {
  std::vector<TariffPushResult> results;
  std::vector<PlannedTariff> plan;
  try {
    plan = load_plan(conn, options.esco, results);
  } catch (const pqxx::failure& e) {
    throw db::database_error("tariff push", e);
  }
  std::vector<MeterTarget> targets;
  std::map<std::string, PlannedTariff> by_serial;
  for (const auto& p : plan) {
    if (p.host.empty()) {
      TariffPushResult r;
      r.serial = p.serial;
      r.action = "error";
      r.detail = "meter " + p.serial + " has no ip_address in flows.meter_registry";
      results.push_back(r);
      continue;
    }
    by_serial[p.serial] = p;
    targets.push_back({p.serial, {p.host, p.port}, p.dst, p.hardware});
  }
  std::exception_ptr db_failure;
  auto outcomes = run_batch(
      targets, objects, options.batch, [&](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
        const PlannedTariff& p = by_serial[t.serial];
        TariffPushResult r;
        r.serial = p.serial;
        r.customer = p.customer;
        r.period_start = p.period_start;
        r.unit_rate = p.unit_rate.to_string();
        r.standing_charge = p.standing_charge.to_string();
        r.activation = format_iso(p.activation);
        meter::Tariff future = co_await m.tariffs_future();
        if (future.unit_rate_a == p.unit_rate && future.unit_rate_b == p.unit_rate &&
            future.standing_charge == p.standing_charge && future.activation == p.activation) {
          r.action = "up_to_date";
          r.ok = true;
          r.detail = "the meter's future tariff already holds it";
          results.push_back(r);
          co_return CommandResult{};
        }
        meter::Tariff active = co_await m.tariffs_active();
        meter::Tariff want = active;
        want.unit_rate_a = want.unit_rate_b = p.unit_rate;
        want.standing_charge = p.standing_charge;
        want.activation = p.activation;
        if (auto problems = meter::validate(want); !problems.empty()) {
          r.action = "error";
          r.detail = "not written: " + problems.front();
          if (!options.dry_run) record(conn, p, "failed", {}, std::nullopt, r.detail);
          results.push_back(r);
          co_return CommandResult{};
        }
        if (options.dry_run) {
          r.action = "would_write";
          r.ok = true;
          r.detail = "the meter's future tariff differs";
          results.push_back(r);
          co_return CommandResult{};
        }
        try {
          auto wr = co_await m.write_future_tariff(want);
          r.action = "written";
          r.mismatches = wr.mismatches;
          r.ok = wr.mismatches.empty();
          r.detail = r.ok ? "written and read back" : "read back differs";
          record(conn, p, r.ok ? "ok" : "mismatch", wr.mismatches, meter::tariff_json(wr.read_back), "");
        } catch (const pqxx::failure& e) {
          throw db::database_error("tariff push", e);
        } catch (const Error& e) {
          if (e.code() == ExitCode::database) {
            if (!db_failure) db_failure = std::current_exception();
            throw;
          }
          r.action = "error";
          r.detail = e.what();
          try {
            record(conn, p, "failed", {}, std::nullopt, e.what());
          } catch (const pqxx::failure& e2) {
            if (!db_failure) db_failure = std::make_exception_ptr(db::database_error("tariff push", e2));
          }
        }
        results.push_back(r);
        co_return CommandResult{};
      });
  if (db_failure) std::rethrow_exception(db_failure);
  for (const auto& o : outcomes)
    if (!o.ok) {
      TariffPushResult r;
      r.serial = o.serial;
      auto it = by_serial.find(o.serial);
      if (it != by_serial.end()) {
        r.customer = it->second.customer;
        r.period_start = it->second.period_start;
      }
      r.action = "error";
      r.detail = o.error;
      results.push_back(r);
    }
  std::stable_sort(results.begin(), results.end(), [](auto& a, auto& b) { return a.serial < b.serial; });
  return results;
}

}  // namespace flows::jobs
