// The baseline of bench/billing_bench.sh: a month's costs computed one customer at
// a time, with one usage query per customer (the way a first script would do
// it), using the same exact maths as flows-bill. Tariffs are read once up front
// (that only helps the baseline). Then every result is compared with the
// monthly_costs rows `flows-bill run` wrote: the two must be identical.
//
//   billing_baseline --month 2024-06 --days 30      (FLOWS_DATABASE_URL)
// Prints "baseline_seconds: S", "customers: N", "mismatches: M"; exit 1 on a
// mismatch or an error.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/costs.hpp"
#include "billing/tariffs.hpp"
#include "core/emop_time.hpp"
#include "db/decimal_field.hpp"
#include "db/tariff_tables.hpp"

using namespace flows;
using billing::Decimal;

int main(int argc, char** argv) {
  CLI::App app{"per-customer billing baseline"};
  std::string month_text;
  int days = 0;
  app.add_option("--month", month_text)->required();
  app.add_option("--days", days)->required();
  CLI11_PARSE(app, argc, argv);
  const auto month = billing::Month::parse(month_text);
  if (!month) return 2;
  const auto range = billing::uk_month_range(*month);
  const std::string from = format_iso_utc(range.start), to = format_iso_utc(range.end),
                    first = format_date(month->first_day());
  try {
    const char* url = std::getenv("FLOWS_DATABASE_URL");
    pqxx::connection conn(url ? url : "");
    pqxx::work tx(conn);
    tx.exec0("SET LOCAL jit = off");
    struct Customer {
      std::string id, esco, region;
    };
    std::vector<Customer> customers;
    for (const auto& r : tx.exec(
             "SELECT c.id::text, p.esco::text, e.region FROM public.customer_accounts ca "
             "JOIN public.customers c ON c.id = ca.customer "
             "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' AND a.status = 'open' "
             "JOIN public.properties p ON p.id = a.property JOIN flows.escos e ON e.id = p.esco "
             "WHERE ca.role = 'occupier' ORDER BY a.account_number"))
      customers.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
    std::map<std::string, billing::Rates> bench, mg, cust;
    bench = billing::rates_in_force(db::benchmarks_until(tx, month->first_day()), month->first_day());
    for (const auto& r : tx.exec_params("SELECT DISTINCT ON (esco) esco::text, unit_rate::text, standing_charge::text "
                                        "FROM public.microgrid_tariffs WHERE period_start <= $1::date "
                                        "ORDER BY esco, period_start DESC", first))
      mg[r[0].as<std::string>()] = {db::decimal_field(r[1]), db::decimal_field(r[2])};
    for (const auto& r : tx.exec_params("SELECT DISTINCT ON (customer) customer::text, unit_rate::text, "
                                        "standing_charge::text FROM public.customer_tariffs "
                                        "WHERE period_start <= $1::date ORDER BY customer, period_start DESC", first))
      cust[r[0].as<std::string>()] = {db::decimal_field(r[1]).truncate_to(5), db::decimal_field(r[2]).truncate_to(5)};

    // The timed part: one query per customer.
    const auto t0 = std::chrono::steady_clock::now();
    std::map<std::string, billing::MonthlyCosts> results;
    for (const auto& c : customers) {
      auto r = tx.exec_params1(
          "SELECT COALESCE(sum(ri.kwh) FILTER (WHERE ci.type = 'power'), 0)::text, "
          "       COALESCE(sum(ri.kwh) FILTER (WHERE ci.type = 'heat'), 0)::text "
          "FROM public.customer_accounts ca "
          "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
          "JOIN public.properties p ON p.id = a.property "
          "JOIN flows.meter_registers r ON r.meter_id = p.supply_meter "
          "JOIN flows.circuit_register cr ON cr.register = r.register_id "
          "JOIN flows.circuits ci ON ci.id = cr.circuit AND ci.type IN ('power', 'heat') "
          "JOIN flows.register_interval_hh ri ON ri.register_id = cr.register "
          "  AND ri.\"timestamp\" >= greatest(cr.start_time, $2::timestamptz) "
          "  AND ri.\"timestamp\" < least(COALESCE(cr.end_time, 'infinity'::timestamptz), $3::timestamptz) "
          "WHERE ca.customer = $1::uuid AND ca.role = 'occupier'",
          c.id, from, to);
      const billing::CustomerUsage usage{db::decimal_field(r[0]), db::decimal_field(r[1])};
      results[c.id] = billing::monthly_costs(usage, cust.at(c.id), mg.at(c.esco), bench.at(c.region), days);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();  // a duration, not money

    std::size_t mismatches = 0, compared = 0;
    for (const auto& r : tx.exec_params(
             "SELECT customer::text, power::text, heat::text, standing_charge::text, microgrid_power::text, "
             "microgrid_heat::text, microgrid_standing_charge::text, benchmark_power::text, benchmark_heat::text, "
             "benchmark_standing_charge::text FROM public.monthly_costs WHERE month = $1::date", first)) {
      auto it = results.find(r[0].as<std::string>());
      ++compared;
      if (it == results.end()) {
        ++mismatches;
        continue;
      }
      const auto& k = it->second;
      const Decimal got[] = {k.customer.power, k.customer.heat, k.customer.standing_charge,
                             k.microgrid.power, k.microgrid.heat, k.microgrid.standing_charge,
                             k.benchmark.power, k.benchmark.heat, k.benchmark.standing_charge};
      for (int i = 0; i < 9; ++i)
        if (db::decimal_field(r[i + 1]) != got[i]) {
          ++mismatches;
          break;
        }
    }
    if (compared != results.size()) mismatches += results.size() > compared ? results.size() - compared : 0;
    std::cout << fmt::format("baseline_seconds: {:.2f}\ncustomers: {}\nmismatches: {}\n", seconds, customers.size(),
                             mismatches);
    return mismatches == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "billing_baseline: " << e.what() << "\n";
    return 1;
  }
}
