#include "bill/month_run.hpp"

#include <array>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

#include "bill/pg.hpp"
#include "bill/scope.hpp"
#include "billing/costs.hpp"
#include "billing/solar.hpp"
#include "billing/statement.hpp"
#include "billing/tariffs.hpp"
#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"
#include "db/sql_values.hpp"
#include "db/staging.hpp"

namespace flows::bill {
namespace {

using billing::Decimal;

struct Customer {
  std::string id, email, name, account_id, property_id, plot, esco_id, supply_meter;
  std::int64_t account_number = 0;
};

struct CircuitInfo {
  std::string name;
  billing::CircuitType type = billing::CircuitType::power;
  Decimal kwh;
  int half_hours = 0;
  std::array<Decimal, 31> daily{};  // kWh per UK day of the month (index: day - 1)
};

// Everything the run reads, under the month's lock, before it writes.
struct Inputs {
  std::vector<Esco> escos;
  std::map<std::string, CircuitInfo> circuits;  // by circuit id
  std::vector<Customer> customers;
  std::map<std::string, std::vector<std::string>> property_circuits;  // property → circuit ids
  std::map<std::string, billing::Rates> benchmark;   // by region
  std::map<std::string, billing::Rates> microgrid;   // by esco id
  std::map<std::string, billing::Rates> customer;    // by customer id
};

void load_usage(pqxx::work& tx, const std::string& escos, const billing::TimeRange& range, Inputs& in) {
  const std::string from = format_iso_utc(range.start), to = format_iso_utc(range.end);
  // The circuits in scope: linked in the month to a register of an ESCO's meter.
  const char* links =
      "SELECT cr.circuit, cr.register, greatest(cr.start_time, $2::timestamptz) AS s, "
      "       least(COALESCE(cr.end_time, 'infinity'::timestamptz), $3::timestamptz) AS e "
      "FROM flows.circuit_register cr "
      "JOIN flows.meter_registers r ON r.register_id = cr.register "
      "JOIN flows.meter_registry m ON m.id = r.meter_id "
      "WHERE m.esco = ANY($1::uuid[]) AND cr.start_time < $3::timestamptz "
      "  AND (cr.end_time IS NULL OR cr.end_time > $2::timestamptz)";
  for (const auto& r : tx.exec_params(std::string("SELECT DISTINCT c.id::text, COALESCE(c.name, c.id::text), c.type::text "
                                                   "FROM (") + links + ") l JOIN flows.circuits c ON c.id = l.circuit",
                                      escos, from, to)) {
    CircuitInfo c;
    c.name = r[1].as<std::string>();
    c.type = billing::parse_circuit_type(r[2].as<std::string>()).value_or(billing::CircuitType::power);
    in.circuits.emplace(r[0].as<std::string>(), std::move(c));
  }
  // kWh per circuit and UK day, each register counted inside its link's range
  // [s, e): whole UK days of the range from the daily rollup (0009, kept by
  // triggers with the half hours), the part days at either end, when a link
  // starts or ends other than at midnight, from the half hours. Rows come per
  // register and day, and are added up here (a circuit may have several).
  // Hundreds of thousands of rows for a large community: no JIT compilation.
  tx.exec0("SET LOCAL jit = off");
  std::string last_id;
  CircuitInfo* c = nullptr;
  for (const auto& r : tx.exec_params(
           std::string("WITH links AS (") + links +
               "), spans AS MATERIALIZED ("
               "  SELECT circuit, register, s, e, d0, d1, "
               "         d0::timestamp AT TIME ZONE 'Europe/London' AS m0, "
               "         d1::timestamp AT TIME ZONE 'Europe/London' AS m1 "
               "  FROM (SELECT *, (s AT TIME ZONE 'Europe/London')::date "
               "                  + CASE WHEN date_trunc('day', s, 'Europe/London') = s THEN 0 ELSE 1 END AS d0, "
               "               (e AT TIME ZONE 'Europe/London')::date AS d1 "
               "        FROM links) x"
               "), part_ranges AS ("
               "  SELECT circuit, register, s, least(e, m0) AS e FROM spans WHERE s < least(e, m0) "
               "  UNION ALL "
               "  SELECT circuit, register, greatest(s, m0, m1), e FROM spans WHERE greatest(s, m0, m1) < e"
               ") "
               "SELECT sp.circuit::text, extract(day FROM d.day)::int, d.kwh::text, d.half_hours "
               "FROM spans sp JOIN flows.register_interval_daily d "
               "  ON d.register_id = sp.register AND d.day >= sp.d0 AND d.day < sp.d1 "
               "UNION ALL "
               "SELECT p.circuit::text, extract(day FROM ri.\"timestamp\" AT TIME ZONE 'Europe/London')::int, "
               "       ri.kwh::text, 1 "
               "FROM part_ranges p JOIN flows.register_interval_hh ri ON ri.register_id = p.register "
               "  AND ri.\"timestamp\" >= p.s AND ri.\"timestamp\" < p.e",
           escos, from, to)) {
    // Rows of one link mostly come together: look a circuit up when it changes.
    const std::string_view id(r[0].c_str(), r[0].size());
    if (id != last_id) {
      last_id = id;
      c = &in.circuits.at(last_id);
    }
    const int day = r[1].as<int>();
    if (day < 1 || day > 31) throw std::logic_error("usage row for day " + std::to_string(day) + " of a month");
    const Decimal kwh = pg::decimal(r[2]);
    c->daily[static_cast<std::size_t>(day - 1)] += kwh;
    c->kwh += kwh;
    c->half_hours += r[3].as<int>();
  }
}

void load_customers(pqxx::work& tx, const std::string& escos, const billing::TimeRange& range, Inputs& in) {
  const std::string from = format_iso_utc(range.start), to = format_iso_utc(range.end);
  for (const auto& r : tx.exec_params(
           "SELECT c.id::text, c.email, COALESCE(c.fullname, ''), a.id::text, a.account_number, p.id::text, "
           "       COALESCE(p.plot, ''), p.esco::text, COALESCE(p.supply_meter::text, '') "
           "FROM public.customer_accounts ca "
           "JOIN public.customers c ON c.id = ca.customer "
           "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
           "JOIN public.properties p ON p.id = a.property "
           "WHERE ca.role = 'occupier' AND p.esco = ANY($1::uuid[]) "
           "  AND (a.status = 'open' OR (a.status = 'closed' AND a.end_date > $2::timestamptz)) "
           "ORDER BY a.account_number, c.id",
           escos, from)) {
    Customer c;
    c.id = r[0].as<std::string>();
    c.email = r[1].as<std::string>();
    c.name = r[2].as<std::string>();
    c.account_id = r[3].as<std::string>();
    c.account_number = r[4].as<std::int64_t>();
    c.property_id = r[5].as<std::string>();
    c.plot = r[6].as<std::string>();
    c.esco_id = r[7].as<std::string>();
    c.supply_meter = r[8].as<std::string>();
    in.customers.push_back(std::move(c));
  }
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT p.id::text, cr.circuit::text "
           "FROM public.properties p "
           "JOIN flows.meter_registers r ON r.meter_id = p.supply_meter "
           "JOIN flows.circuit_register cr ON cr.register = r.register_id "
           "JOIN flows.circuits ci ON ci.id = cr.circuit AND ci.type IN ('power', 'heat') "
           "WHERE p.esco = ANY($1::uuid[]) AND cr.start_time < $3::timestamptz "
           "  AND (cr.end_time IS NULL OR cr.end_time > $2::timestamptz) "
           "ORDER BY 1, 2",
           escos, from, to))
    in.property_circuits[r[0].as<std::string>()].push_back(r[1].as<std::string>());

}

void load_tariffs(pqxx::work& tx, const std::string& escos, const billing::Month& month, Inputs& in) {
  in.benchmark = benchmarks_in_force(tx, month.first_day());
  const std::string month_start = format_date(month.first_day());
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT ON (esco) esco::text, unit_rate::text, standing_charge::text "
           "FROM public.microgrid_tariffs WHERE period_start <= $1::date AND esco = ANY($2::uuid[]) "
           "ORDER BY esco, period_start DESC",
           month_start, escos))
    in.microgrid[r[0].as<std::string>()] = {pg::decimal(r[1]), pg::decimal(r[2])};
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT ON (t.customer) t.customer::text, t.unit_rate::text, t.standing_charge::text "
           "FROM public.customer_tariffs t "
           "WHERE t.period_start <= $1::date AND t.customer IN ("
           "  SELECT ca.customer FROM public.customer_accounts ca "
           "  JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
           "  JOIN public.properties p ON p.id = a.property WHERE p.esco = ANY($2::uuid[])) "
           "ORDER BY t.customer, t.period_start DESC",
           month_start, escos))
    // Truncated to 5 decimals, as the meter carries them (rows may hold more).
    in.customer[r[0].as<std::string>()] = {pg::decimal(r[1]).truncate_to(5), pg::decimal(r[2]).truncate_to(5)};
}

// What a statement shows besides costs: completed topups of each supply meter
// and succeeded payments of each account in the month, and each meter's last
// balance reading before the month's end.
struct AccountLines {
  std::map<std::string, std::int64_t> topups;    // by meter id, pence
  std::map<std::string, std::int64_t> payments;  // by account id, pence
  std::map<std::string, Decimal> balance;        // by meter id, £
};

AccountLines load_account_lines(pqxx::work& tx, const std::vector<Customer>& customers, const billing::TimeRange& range) {
  AccountLines out;
  if (customers.empty()) return out;
  std::vector<std::string> meters, accounts;
  for (const auto& c : customers) {
    if (!c.supply_meter.empty()) meters.push_back(c.supply_meter);
    accounts.push_back(c.account_id);
  }
  const std::string from = format_iso_utc(range.start), to = format_iso_utc(range.end);
  for (const auto& r : tx.exec_params(
           "SELECT meter::text, sum(amount_pence) FROM public.topups "
           "WHERE meter = ANY($1::uuid[]) AND status = 'completed' "
           "  AND COALESCE(used_at, created_at) >= $2::timestamptz AND COALESCE(used_at, created_at) < $3::timestamptz "
           "GROUP BY 1",
           db::uuid_array(meters), from, to))
    out.topups[r[0].as<std::string>()] = r[1].as<std::int64_t>();
  for (const auto& r : tx.exec_params(
           "SELECT account::text, sum(amount_pence) FROM public.payments "
           "WHERE account = ANY($1::uuid[]) AND status = 'succeeded' "
           "  AND COALESCE(submitted_at, created_at) >= $2::timestamptz "
           "  AND COALESCE(submitted_at, created_at) < $3::timestamptz "
           "GROUP BY 1",
           db::uuid_array(accounts), from, to))
    out.payments[r[0].as<std::string>()] = r[1].as<std::int64_t>();
  for (const auto& r : tx.exec_params(
           "SELECT m.id::text, b.balance::text FROM unnest($1::uuid[]) AS m(id) "
           "CROSS JOIN LATERAL (SELECT balance FROM flows.meter_prepay_balance "
           "  WHERE meter_id = m.id AND \"timestamp\" < $2::timestamptz AND balance IS NOT NULL "
           "  ORDER BY \"timestamp\" DESC LIMIT 1) b",
           db::uuid_array(meters), to))
    out.balance[r[0].as<std::string>()] = pg::decimal(r[1]);
  return out;
}

// The solar credits of the month, computed (not yet written).
struct SolarRow {
  std::string property, plot, esco;
  std::optional<std::string> installation, installation_plot;
  std::optional<Decimal> capacity, pence_per_year;
  Decimal ratio;
  std::int64_t credit = 0;
  std::string note;
};

std::vector<SolarRow> compute_solar(pqxx::work& tx, const std::string& escos, const billing::Month& month) {
  std::map<std::string, Decimal> tariff;  // esco id → pence per year
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT ON (esco) esco::text, pence_per_year::text FROM public.solar_credit_tariffs "
           "WHERE period_start <= $1::date AND esco = ANY($2::uuid[]) ORDER BY esco, period_start DESC",
           format_date(month.first_day()), escos))
    tariff[r[0].as<std::string>()] = pg::decimal(r[1]);

  struct Share {
    std::string property, plot;
    Decimal ratio;
  };
  struct Installation {
    std::string property, plot, esco;
    Decimal capacity;
    std::vector<Share> shares;
  };
  std::vector<Installation> installations;
  std::map<std::string, std::size_t> by_property;
  for (const auto& r : tx.exec_params(
           "SELECT s.property::text, COALESCE(p.plot, ''), p.esco::text, s.declared_net_capacity::text "
           "FROM public.solar_installation s JOIN public.properties p ON p.id = s.property "
           "WHERE p.esco = ANY($1::uuid[]) ORDER BY p.plot, s.property",
           escos)) {
    by_property[r[0].as<std::string>()] = installations.size();
    installations.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                             pg::decimal(r[3]), {}});
  }
  for (const auto& r : tx.exec_params(
           "SELECT a.installation::text, a.property::text, COALESCE(p.plot, ''), a.ratio::text "
           "FROM public.solar_credit_allocation a JOIN public.properties p ON p.id = a.property "
           "JOIN public.properties ip ON ip.id = a.installation "
           "WHERE ip.esco = ANY($1::uuid[]) ORDER BY a.installation, p.plot, a.property",
           escos)) {
    auto it = by_property.find(r[0].as<std::string>());
    if (it == by_property.end()) continue;
    installations[it->second].shares.push_back({r[1].as<std::string>(), r[2].as<std::string>(), pg::decimal(r[3])});
  }

  std::vector<SolarRow> rows;
  for (auto& inst : installations) {
    if (inst.shares.empty()) inst.shares.push_back({inst.property, inst.plot, Decimal(1)});
    std::vector<Decimal> ratios;
    for (const auto& s : inst.shares) ratios.push_back(s.ratio);
    const auto t = tariff.find(inst.esco);
    std::vector<std::int64_t> credits(inst.shares.size(), 0);
    std::int64_t base = 0;
    if (t != tariff.end()) base = billing::monthly_solar_credit(inst.capacity, month, t->second).credit_pence;
    try {
      credits = billing::allocate_solar_credit(base, ratios);
    } catch (const Error& e) {
      throw Error(e.code(), "solar installation of " + inst.plot + ": " + e.what());
    }
    for (std::size_t i = 0; i < inst.shares.size(); ++i) {
      SolarRow row;
      row.property = inst.shares[i].property;
      row.plot = inst.shares[i].plot;
      row.esco = inst.esco;
      row.installation = inst.property;
      row.installation_plot = inst.plot;
      row.capacity = inst.capacity;
      if (t != tariff.end()) row.pence_per_year = t->second;
      row.ratio = inst.shares[i].ratio;
      row.credit = credits[i];
      if (t == tariff.end()) row.note = "no solar credit tariff";
      rows.push_back(std::move(row));
    }
  }
  // Solar properties (a solar meter or a solar account) that nothing credits.
  for (const auto& r : tx.exec_params(
           "SELECT p.id::text, COALESCE(p.plot, ''), p.esco::text FROM public.properties p "
           "WHERE p.esco = ANY($1::uuid[]) "
           "  AND (p.solar_meter IS NOT NULL "
           "       OR EXISTS (SELECT 1 FROM public.accounts a WHERE a.property = p.id AND a.type = 'solar')) "
           "  AND NOT EXISTS (SELECT 1 FROM public.solar_installation s WHERE s.property = p.id) "
           "  AND NOT EXISTS (SELECT 1 FROM public.solar_credit_allocation a WHERE a.property = p.id) "
           "ORDER BY p.plot, p.id",
           escos)) {
    SolarRow row;
    row.property = r[0].as<std::string>();
    row.plot = r[1].as<std::string>();
    row.esco = r[2].as<std::string>();
    row.ratio = 0;
    row.note = "no installation";
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::int64_t RunReport::statements_total_pence() const {
  std::int64_t total = 0;
  for (const auto& s : statements) total += billing::statement_total_pence(s);
  return total;
}

ExitCode run_status(const RunReport& r) { return r.skipped.empty() ? ExitCode::ok : ExitCode::partial; }

RunReport run_month(pqxx::connection& conn, const RunOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.statements && !(o.usage && o.costs && o.solar_credits))
    throw std::logic_error("statements need usage, costs and solar credits in the same run");
  if (o.costs && !o.usage) throw std::logic_error("costs need usage in the same run");
  const auto today = o.today.value_or(billing::uk_date(date::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  if (o.month.first_day() > today)
    throw usage_error("month " + o.month.to_string() + " has not started yet (today is " + format_date(today) + ")");

  db::require_current(conn);
  RunReport report;
  report.month = o.month.to_string();
  report.days = billing::days_elapsed(o.month, today);
  const billing::TimeRange range = billing::uk_month_range(o.month);
  const std::string month_start = format_date(o.month.first_day());

  try {
    pqxx::work tx(conn, "flows_bill_run");
    // One run per month at a time; a second waits for the first to commit.
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('flows-bill month'), $1::int)",
                   o.month.year() * 100 + static_cast<int>(o.month.month()));

    Inputs in;
    in.escos = load_escos(tx, o.esco);
    std::vector<std::string> esco_ids;
    std::map<std::string, const Esco*> esco_by_id;
    for (const auto& e : in.escos) {
      esco_ids.push_back(e.id);
      esco_by_id[e.id] = &e;
      report.escos.push_back(e.code);
    }
    const std::string escos = db::uuid_array(esco_ids);

    if (o.usage) load_usage(tx, escos, range, in);
    if (o.costs) {
      load_customers(tx, escos, range, in);
      load_tariffs(tx, escos, o.month, in);
      // A benchmark is needed for every ESCO with customers to bill.
      std::set<std::string> needed;
      for (const auto& c : in.customers) needed.insert(c.esco_id);
      for (const auto& id : needed) benchmark_for(*esco_by_id.at(id), in.benchmark, "in " + report.month);
    }
    std::vector<SolarRow> solar;
    if (o.solar_credits) solar = compute_solar(tx, escos, o.month);

    // Usage rows.
    for (const auto& [id, c] : in.circuits) {
      if (c.kwh.sign() < 0)
        throw config_error("circuit " + c.name + " used " + c.kwh.to_string() + " kWh in " + report.month +
                           ": negative, so its half-hourly data is wrong; nothing was written");
      report.usage.push_back({id, c.name, billing::to_string(c.type), c.kwh, c.half_hours});
      report.usage_kwh += c.kwh;
    }

    // Costs and statements.
    struct CostLine {
      const Customer* customer;
      const Esco* esco;
      billing::CustomerUsage usage;
      billing::Rates rates;
      billing::MonthlyCosts costs;
    };
    struct StatementLine {
      const Customer* customer;
      const Esco* esco;
      std::int64_t total_pence;
      std::string text;
    };
    std::vector<CostLine> cost_lines;
    std::vector<StatementLine> statement_lines;
    std::map<std::string, std::int64_t> solar_by_property;
    for (const auto& s : solar) solar_by_property[s.property] += s.credit;
    if (o.costs) {
      std::map<std::string, int> accounts_of;
      for (const auto& c : in.customers) accounts_of[c.id]++;
      AccountLines lines;
      std::vector<std::string> day_names;  // "YYYY-MM-DD" of each charged day
      for (int d = 1; d <= report.days; ++d)
        day_names.push_back(format_date(o.month.first_day().year() / o.month.first_day().month() /
                                        date::day{static_cast<unsigned>(d)}));
      if (o.statements) lines = load_account_lines(tx, in.customers, range);

      for (const auto& c : in.customers) {
        const Esco& e = *esco_by_id.at(c.esco_id);
        auto skip = [&](std::string reason) {
          report.skipped.push_back({c.id, c.email, e.code, c.account_number, std::move(reason)});
        };
        if (accounts_of[c.id] > 1) {
          skip("occupies " + std::to_string(accounts_of[c.id]) + " supply accounts; bill them one at a time");
          continue;
        }
        const auto mg = in.microgrid.find(e.id);
        if (mg == in.microgrid.end()) {
          skip("no microgrid tariff in force for ESCO " + e.code + " in " + report.month);
          continue;
        }
        const auto ct = in.customer.find(c.id);
        if (ct == in.customer.end()) {
          skip("no customer tariff in force in " + report.month);
          continue;
        }
        const billing::Rates& bench = in.benchmark.at(e.region);

        billing::StatementInput st;
        st.month = o.month;
        st.customer_id = c.id;
        st.customer_name = c.name;
        st.customer_email = c.email;
        st.account_number = c.account_number;
        st.plot = c.plot;
        st.esco = e.code;
        st.days = report.days;
        std::array<Decimal, 31> daily{};
        for (const auto& cid : in.property_circuits[c.property_id]) {
          auto it = in.circuits.find(cid);
          if (it == in.circuits.end()) continue;  // its meter belongs to an ESCO out of scope
          st.circuits.push_back({it->second.name, it->second.type, it->second.kwh});
          for (std::size_t d = 0; d < daily.size(); ++d) daily[d] += it->second.daily[d];
        }
        const billing::CustomerUsage usage = billing::customer_usage(st.circuits);
        st.customer_rates = ct->second;
        st.microgrid_rates = mg->second;
        st.benchmark_rates = bench;
        st.costs = billing::monthly_costs(usage, ct->second, mg->second, bench, report.days);
        const auto& k = st.costs;
        cost_lines.push_back({&c, &e, usage, ct->second, k});
        CostRow row{c.id, c.email, c.account_number, usage.power_kwh, usage.heat_kwh,
                    k.customer.total(), k.microgrid.total(), k.benchmark.total()};
        if (o.statements) {
          // Every charged day of the month, 0 where nothing was recorded.
          for (std::size_t d = 0; d < day_names.size(); ++d) st.daily.push_back({day_names[d], daily[d]});
          if (auto s = solar_by_property.find(c.property_id); s != solar_by_property.end())
            st.solar_credit_pence = s->second;
          if (auto t = lines.topups.find(c.supply_meter); t != lines.topups.end()) st.topups_pence = t->second;
          if (auto p = lines.payments.find(c.account_id); p != lines.payments.end()) st.payments_pence = p->second;
          if (auto b = lines.balance.find(c.supply_meter); b != lines.balance.end()) st.balance_at_month_end = b->second;
          nlohmann::json doc = billing::statement_json(st);
          statement_lines.push_back({&c, &e, billing::statement_total_pence(doc), doc.dump()});
          report.statements.push_back(std::move(doc));
        }
        report.customer_total += row.total;
        report.costs.push_back(std::move(row));
      }
    }

    for (const auto& s : solar) {
      report.solar_credits.push_back({s.property, s.plot, s.installation_plot, s.ratio, s.credit, s.note});
      report.solar_credit_pence += s.credit;
    }

    // Writes: replace the month's rows of the ESCOs in scope. The new rows are
    // COPYed into temporary tables first (db/staging.hpp): costs, solar credits
    // and statements are under row-level security, which COPY cannot fill
    // directly, and usage goes the same way.
    const auto nullable = [](const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; };
    if (o.usage) {
      const std::string staged = db::stage_rows(
          tx, "bill_usage_in", {{"circuit", "uuid"}, {"kwh", "numeric"}, {"half_hours", "integer"}},
          [&](pqxx::stream_to& copy) {
            for (const auto& [id, c] : in.circuits) copy << std::make_tuple(id, c.kwh.to_string(), c.half_hours);
          });
      tx.exec_params(
          "DELETE FROM public.monthly_usage WHERE month = $1::date AND circuit IN ("
          "  SELECT cr.circuit FROM flows.circuit_register cr "
          "  JOIN flows.meter_registers r ON r.register_id = cr.register "
          "  JOIN flows.meter_registry m ON m.id = r.meter_id WHERE m.esco = ANY($2::uuid[]))",
          month_start, escos);
      tx.exec_params(
          "INSERT INTO public.monthly_usage (circuit, month, kwh, half_hours) "
          "SELECT circuit, $1::date, kwh, half_hours FROM " + staged,
          month_start);
    }
    if (o.costs) {
      const std::string staged = db::stage_rows(
          tx, "bill_costs_in",
          {{"customer", "uuid"}, {"account", "uuid"}, {"esco", "uuid"}, {"power_kwh", "numeric"},
           {"heat_kwh", "numeric"}, {"unit_rate", "numeric"}, {"standing_charge_rate", "numeric"},
           {"power", "numeric"}, {"heat", "numeric"}, {"standing_charge", "numeric"},
           {"microgrid_power", "numeric"}, {"microgrid_heat", "numeric"},
           {"microgrid_standing_charge", "numeric"}, {"benchmark_power", "numeric"},
           {"benchmark_heat", "numeric"}, {"benchmark_standing_charge", "numeric"}},
          [&](pqxx::stream_to& copy) {
            for (const auto& l : cost_lines) {
              const auto& k = l.costs;
              copy << std::make_tuple(
                  l.customer->id, l.customer->account_id, l.esco->id, l.usage.power_kwh.to_string(),
                  l.usage.heat_kwh.to_string(), l.rates.unit_rate.to_string(),
                  l.rates.standing_charge.to_string(), k.customer.power.to_string(),
                  k.customer.heat.to_string(), k.customer.standing_charge.to_string(),
                  k.microgrid.power.to_string(), k.microgrid.heat.to_string(),
                  k.microgrid.standing_charge.to_string(), k.benchmark.power.to_string(),
                  k.benchmark.heat.to_string(), k.benchmark.standing_charge.to_string());
            }
          });
      tx.exec_params("DELETE FROM public.monthly_costs WHERE month = $1::date AND esco = ANY($2::uuid[])", month_start,
                     escos);
      // Totals are the sums of their lines, as billing::monthly_costs makes them.
      tx.exec_params(
          "INSERT INTO public.monthly_costs (customer, month, account, esco, days, power_kwh, heat_kwh, unit_rate, "
          "  standing_charge_rate, power, heat, standing_charge, total, microgrid_power, microgrid_heat, "
          "  microgrid_standing_charge, microgrid_total, benchmark_power, benchmark_heat, benchmark_standing_charge, "
          "  benchmark_total) "
          "SELECT customer, $1::date, account, esco, $2::int, power_kwh, heat_kwh, unit_rate, standing_charge_rate, "
          "  power, heat, standing_charge, power + heat + standing_charge, "
          "  microgrid_power, microgrid_heat, microgrid_standing_charge, "
          "  microgrid_power + microgrid_heat + microgrid_standing_charge, "
          "  benchmark_power, benchmark_heat, benchmark_standing_charge, "
          "  benchmark_power + benchmark_heat + benchmark_standing_charge "
          "FROM " + staged,
          month_start, report.days);
    }
    if (o.solar_credits) {
      const std::string staged = db::stage_rows(
          tx, "bill_solar_in",
          {{"property", "uuid"}, {"installation", "uuid"}, {"esco", "uuid"}, {"capacity_kw", "numeric"},
           {"pence_per_year", "numeric"}, {"ratio", "numeric"}, {"credit_pence", "bigint"},
           {"note", "text"}},
          [&](pqxx::stream_to& copy) {
            for (const auto& s : solar) {
              const std::optional<std::string> capacity =
                  s.capacity ? std::optional(s.capacity->to_string()) : std::nullopt;
              const std::optional<std::string> rate =
                  s.pence_per_year ? std::optional(s.pence_per_year->to_string()) : std::nullopt;
              copy << std::make_tuple(s.property, nullable(s.installation), s.esco, nullable(capacity),
                                      nullable(rate), s.ratio.to_string(), s.credit,
                                      s.note.empty() ? nullptr : s.note.c_str());
            }
          });
      tx.exec_params("DELETE FROM public.monthly_solar_credits WHERE month = $1::date AND esco = ANY($2::uuid[])",
                     month_start, escos);
      tx.exec_params(
          "INSERT INTO public.monthly_solar_credits (property, month, installation, esco, capacity_kw, days, "
          "  pence_per_year, ratio, credit_pence, note) "
          "SELECT property, $1::date, installation, esco, capacity_kw, $2::int, pence_per_year, ratio, credit_pence, "
          "  note FROM " + staged,
          month_start, o.month.days());
    }
    if (o.statements) {
      const std::string staged = db::stage_rows(
          tx, "bill_statements_in",
          {{"customer", "uuid"}, {"esco", "uuid"}, {"total_pence", "bigint"}, {"statement", "jsonb"}},
          [&](pqxx::stream_to& copy) {
            for (const auto& l : statement_lines)
              copy << std::make_tuple(l.customer->id, l.esco->id, l.total_pence, l.text);
          });
      tx.exec_params("DELETE FROM public.monthly_statements WHERE month = $1::date AND esco = ANY($2::uuid[])",
                     month_start, escos);
      tx.exec_params(
          "INSERT INTO public.monthly_statements (customer, month, esco, total_pence, statement) "
          "SELECT customer, $1::date, esco, total_pence, statement FROM " + staged,
          month_start);
    }
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const billing::DecimalOverflow& e) {
    throw usage_error(std::string("a value in the database is too large to compute exactly (") + e.what() +
                      "); nothing was written");
  } catch (const std::exception& e) {
    throw db::database_error("billing " + report.month + " failed (nothing was written)", e);
  }
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

std::vector<nlohmann::json> load_statements(pqxx::connection& conn, const billing::Month& month,
                                            const std::optional<std::string>& esco) {
  db::require_current(conn);
  std::vector<nlohmann::json> out;
  try {
    pqxx::read_transaction tx(conn);
    load_escos(tx, esco);  // an unknown code is an error, not an empty month
    for (const auto& r : tx.exec_params(
             "SELECT s.statement::text FROM public.monthly_statements s JOIN flows.escos e ON e.id = s.esco "
             "WHERE s.month = $1::date AND ($2 = '' OR e.code = $2) "
             "ORDER BY (s.statement->>'account_number')::bigint, s.customer",
             format_date(month.first_day()), esco.value_or("")))
      out.push_back(nlohmann::json::parse(r[0].c_str()));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error("cannot read the statements", e);
  }
  if (out.empty())
    throw config_error("no statements for " + month.to_string() + (esco ? " of ESCO " + *esco : std::string()) +
                       "; run `flows-bill run --month " + month.to_string() + "` first");
  return out;
}

}  // namespace flows::bill
