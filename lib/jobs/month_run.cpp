#include "jobs/month_run.hpp"

#include <stdexcept>

#include "billing/scope.hpp"
#include "billing/statement.hpp"
#include "billing/tariffs.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "db/billing_inputs.hpp"
#include "db/billing_results.hpp"
#include "db/migrations.hpp"
#include "db/tariff_tables.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

// Everything the run reads, under the month's lock, before it decides.
struct Loaded {
  std::vector<std::string> escos;  // ids
  billing::MonthInputs in;
  billing::MonthUsage usage;
  std::vector<billing::SolarInstallation> installations;
  std::vector<billing::SolarAllocation> allocations;
  std::vector<billing::SolarTariffRow> solar_tariffs;
  std::vector<billing::SolarProperty> uncredited;
};

// What the run writes.
struct Decided {
  std::vector<billing::CircuitUsageRow> usage;
  std::vector<billing::SolarCreditRow> solar;
  billing::MonthBill bill;
};

void load_usage(pqxx::work& tx, const billing::TimeRange& range, Loaded& l) {
  for (const auto& c : db::circuits_in_range(tx, l.escos, range)) l.usage.add_circuit(c.id, c.name, c.type);
  std::vector<billing::LinkReads> reads;
  for (const auto& link : db::circuit_links(tx, l.escos, range)) reads.push_back(billing::link_reads(link));
  db::for_each_circuit_day(tx, reads, [&](const db::CircuitDay& d) {
    l.usage.add(d.circuit, d.day, d.kwh, d.half_hours);
  });
}

void load_customers(pqxx::work& tx, const billing::TimeRange& range, Loaded& l) {
  const auto day = l.in.month.first_day();
  l.in.occupancies = db::occupancies(tx, l.escos, l.in.month);
  l.in.property_circuits = db::property_circuits(tx, l.escos, range);
  l.in.benchmark = billing::rates_in_force(db::benchmarks_until(tx, day), day);
  l.in.microgrid = billing::rates_in_force(db::microgrid_tariffs_until(tx, l.escos, day), day);
  for (const auto& [id, rates] : billing::rates_in_force(db::customer_tariffs_until(tx, l.escos, day), day))
    l.in.customer.emplace(id, billing::as_on_meter(rates));
}

void load_solar(pqxx::work& tx, Loaded& l) {
  l.solar_tariffs = db::solar_tariffs_until(tx, l.escos, l.in.month.first_day());
  l.installations = db::solar_installations(tx, l.escos);
  l.allocations = db::solar_allocations(tx, l.escos);
  l.uncredited = db::uncredited_solar_properties(tx, l.escos);
}

void load(pqxx::work& tx, const RunOptions& o, Loaded& l) {
  const billing::TimeRange range = billing::uk_month_range(o.month);
  l.in.escos = db::load_escos(tx, o.esco);
  billing::require_found(o.esco, l.in.escos);
  for (const auto& e : l.in.escos) l.escos.push_back(e.id);
  if (o.usage) load_usage(tx, range, l);
  if (o.costs) load_customers(tx, range, l);
  if (o.solar_credits) load_solar(tx, l);
  if (o.statements)
    l.in.account_lines =
        db::account_lines(tx, billing::occupancy_windows(l.in.occupancies, l.in.month, l.in.days));
}

// The decisions in the order their errors take precedence: a missing benchmark,
// then solar allocations, then negative usage.
Decided decide(const RunOptions& o, Loaded& l) {
  Decided d;
  if (o.costs) billing::require_benchmarks(l.in);
  if (o.solar_credits)
    d.solar = billing::solar_credit_rows(o.month, l.installations, l.allocations, l.solar_tariffs, l.uncredited);
  l.in.solar_by_property = billing::solar_credit_by_property(d.solar);
  d.usage = billing::usage_rows(l.usage.circuits(), o.month);
  if (o.costs) d.bill = billing::bill_month(l.in, l.usage.circuits(), o.statements);
  return d;
}

void store(pqxx::work& tx, const RunOptions& o, const Loaded& l, const Decided& d) {
  if (o.usage) db::replace_usage(tx, o.month, l.escos, l.usage.circuits());
  if (o.costs) db::replace_costs(tx, o.month, l.escos, d.bill.billed);
  if (o.solar_credits) db::replace_solar_credits(tx, o.month, l.escos, d.solar);
  if (o.statements) db::replace_statements(tx, o.month, l.escos, d.bill.billed);
}

void report_on(const Loaded& l, Decided& d, RunReport& r) {
  for (const auto& e : l.in.escos) r.escos.push_back(e.code);
  r.usage_totals = billing::usage_totals(d.usage);
  r.usage = std::move(d.usage);
  for (const auto& b : d.bill.billed) {
    const auto& o = *b.occupancy;
    r.costs.push_back({o.customer_id, o.email, o.account_number, b.usage.power_kwh, b.usage.heat_kwh,
                       b.costs.customer.total(), b.costs.microgrid.total(), b.costs.benchmark.total()});
    if (!b.statement.is_null()) r.statements.push_back(b.statement);
  }
  r.customer_total = d.bill.customer_total;
  r.skipped = std::move(d.bill.skipped);
  for (const auto& s : d.solar) r.solar_credit_pence += s.credit_pence;
  r.solar_credits = std::move(d.solar);
}

date::year_month_day today_of(const RunOptions& o) {
  return o.today.value_or(billing::uk_date(date::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
}

}  // namespace

std::int64_t RunReport::statements_total_pence() const {
  std::int64_t total = 0;
  for (const auto& s : statements) total += billing::statement_total_pence(s);
  return total;
}

ExitCode run_status(const RunReport& r) {
  std::vector<ExitCode> skipped;
  for (const auto& s : r.skipped) skipped.push_back(s.code);
  return batch_exit_code(r.costs.size(), skipped);
}

RunReport run_month(pqxx::connection& conn, const RunOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.statements && !(o.usage && o.costs && o.solar_credits))
    throw std::logic_error("statements need usage, costs and solar credits in the same run");
  if (o.costs && !o.usage) throw std::logic_error("costs need usage in the same run");
  const auto today = today_of(o);
  if (o.month.first_day() > today)
    throw usage_error("month " + o.month.to_string() + " has not started yet (today is " + format_date(today) + ")");

  db::require_current(conn);
  RunReport report;
  report.month = o.month.to_string();
  report.days = billing::days_elapsed(o.month, today);
  try {
    db::in_transaction(conn, "billing " + report.month + " failed (nothing was written)", [&](pqxx::work& tx) {
      db::lock_month(tx, o.month);
      Loaded l;
      l.in.month = o.month;
      l.in.days = report.days;
      load(tx, o, l);
      Decided d = decide(o, l);
      store(tx, o, l, d);
      report_on(l, d, report);
    });
  } catch (const billing::DecimalOverflow& e) {
    throw usage_error(std::string("a value in the database is too large to compute exactly (") + e.what() +
                      "); nothing was written");
  }
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return report;
}

std::vector<nlohmann::json> load_statements(pqxx::connection& conn, const billing::Month& month,
                                            const std::optional<std::string>& esco) {
  db::require_current(conn);
  auto out = db::in_read_transaction(conn, "cannot read the statements", [&](pqxx::read_transaction& tx) {
    billing::require_found(esco, db::load_escos(tx, esco));  // an unknown code is an error, not an empty month
    return db::stored_statements(tx, month, esco);
  });
  for (auto& s : out) s = billing::upgrade_statement(std::move(s));
  if (out.empty())
    throw config_error("no statements for " + month.to_string() + (esco ? " of ESCO " + *esco : std::string()) +
                       "; run `flows-bill run --month " + month.to_string() + "` first");
  return out;
}

}  // namespace flows::jobs
