// flows-bill tariffs benchmark add|import|list, flows-bill tariffs quarter (and tariffs check, in
// tariff_check_cmds.cpp).
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "connect.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "db_cmds.hpp"
#include "jobs/benchmark_tariffs.hpp"
#include "jobs/tariff_quarter.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;
using billing::Decimal;

struct BenchmarkArgs {
  std::string region, period_start, unit_rate, standing_charge, file;
  std::optional<std::string> region_filter;
  bool replace = false, json = false, allow_unusual = false;
};

int print_import(const jobs::BenchmarkImport& r, bool as_json) {
  if (as_json)
    std::cout << json{{"inserted", r.inserted}, {"updated", r.updated}, {"unchanged", r.unchanged}}.dump(2) << "\n";
  else
    std::cout << fmt::format("benchmarks: {} inserted, {} updated, {} unchanged\n", r.inserted, r.updated, r.unchanged);
  return 0;
}

int run_add(const Globals& g, const BenchmarkArgs& a) {
  billing::BenchmarkRow row;
  row.tariff.region = a.region;
  row.tariff.period_start = cli::date_option("--period-start", a.period_start);
  auto ur = Decimal::parse(a.unit_rate), sc = Decimal::parse(a.standing_charge);
  if (!ur) throw usage_error("--unit-rate '" + a.unit_rate + "' " + Decimal::parse_failure(a.unit_rate));
  if (!sc) throw usage_error("--standing-charge '" + a.standing_charge + "' " + Decimal::parse_failure(a.standing_charge));
  row.tariff.rates = {*ur, *sc};
  billing::validate(row.tariff);
  billing::validate_plausible(row.tariff.rates, a.allow_unusual);  // before connecting: bad input never reaches the database
  auto conn = connect_database(g.env, g.dbname);
  return print_import(jobs::import_benchmarks(*conn, {row}, a.replace, "command line"), a.json);
}

int run_import(const Globals& g, const BenchmarkArgs& a) {
  const auto rows = billing::parse_benchmarks(read_text_file(a.file), a.file, a.allow_unusual);
  auto conn = connect_database(g.env, g.dbname);
  return print_import(jobs::import_benchmarks(*conn, rows, a.replace, a.file), a.json);
}

int run_list(const Globals& g, const BenchmarkArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto rows = jobs::list_benchmarks(*conn, a.region_filter);
  if (a.json) {
    json out = json::array();
    for (const auto& t : rows)
      out.push_back({{"region", t.region},
                     {"period_start", format_date(t.period_start)},
                     {"unit_rate", t.rates.unit_rate.to_string_min(5)},
                     {"standing_charge", t.rates.standing_charge.to_string_min(5)}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<20} {:<12} {:>16} {:>22}\n", "region", "period_start", "unit_rate £/kWh",
                           "standing_charge £/day");
  for (const auto& t : rows)
    std::cout << fmt::format("{:<20} {:<12} {:>16} {:>22}\n", t.region, format_date(t.period_start),
                             t.rates.unit_rate.to_string_min(5), t.rates.standing_charge.to_string_min(5));
  return 0;
}

struct QuarterArgs {
  std::string start;
  std::optional<std::string> esco;
  bool dry_run = false, json = false;
};

int run_quarter(const Globals& g, const QuarterArgs& a) {
  jobs::QuarterOptions o;
  o.start = cli::date_option("--start", a.start);
  o.esco = a.esco;
  o.dry_run = a.dry_run;
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::new_quarter(*conn, o);
  auto row_json = [](const billing::QuarterRow& q) {
    json j{{"esco", q.esco}};
    if (!q.customer.empty()) j["customer"] = q.customer;
    j["discount"] = q.discount.to_string();
    j["unit_rate"] = q.rates.unit_rate.to_string_min(5);
    j["standing_charge"] = q.rates.standing_charge.to_string_min(5);
    j["carried_over"] = q.carried_over;
    j["created"] = q.created;
    return j;
  };
  if (a.json) {
    json mg = json::array(), cu = json::array();
    for (const auto& q : r.microgrid) mg.push_back(row_json(q));
    for (const auto& q : r.customers) cu.push_back(row_json(q));
    std::cout << json{{"start", r.start}, {"dry_run", a.dry_run}, {"created", r.created}, {"kept", r.kept},
                      {"microgrid", mg}, {"customers", cu}}
                     .dump(2)
              << "\n";
    return 0;
  }
  auto line = [](const billing::QuarterRow& q) {
    return fmt::format("{:<10} {:<32} {:>8}% {:>12} {:>12}  {}{}\n", q.esco, q.customer.empty() ? "(microgrid)" : q.customer,
                       q.discount.to_string(), q.rates.unit_rate.to_string_min(5),
                       q.rates.standing_charge.to_string_min(5), q.created ? "new" : "kept (exists)",
                       q.carried_over ? "" : ", defaults");
  };
  std::cout << fmt::format("{:<10} {:<32} {:>9} {:>12} {:>12}\n", "esco", "customer", "discount", "unit_rate",
                           "standing");
  for (const auto& q : r.microgrid) std::cout << line(q);
  for (const auto& q : r.customers) std::cout << line(q);
  std::cerr << fmt::format("quarter from {}: {} {}, {} kept{}\n", r.start, count_of(r.created, "row"),
                           a.dry_run ? "would be created" : "created", r.kept, a.dry_run ? " (dry run: nothing written)" : "");
  return 0;
}

}  // namespace

void add_tariff_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* tariffs = app.add_subcommand(
      "tariffs", "benchmark tariffs, the quarterly microgrid and customer tariffs, and checks of the tariffs on meters");
  tariffs->require_subcommand(1);

  auto* bench = tariffs->add_subcommand("benchmark", "the Ofgem price cap per region and period");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchmarkArgs>();

  auto* add = bench->add_subcommand("add", "add one region's benchmark from a period start");
  add->add_option("--region", args->region, "Ofgem region code (flows.regions), e.g. london")->required();
  add->add_option("--period-start", args->period_start, "first day it applies, YYYY-MM-DD")->required();
  add->add_option("--unit-rate", args->unit_rate, "£/kWh, 0-1 (to 100 with --allow-unusual-rate), at most 5 decimals")
      ->required();
  add->add_option("--standing-charge", args->standing_charge,
                  "£/day, 0-2 (to 100 with --allow-unusual-rate), at most 5 decimals")->required();
  add->add_flag("--allow-unusual-rate", args->allow_unusual,
                "accept a unit rate over 1 £/kWh or a standing charge over 2 £/day (a real exception)");
  add->add_flag("--replace", args->replace, "change the rates of a row that exists with other rates");
  add->add_flag("--json", args->json, "print the result as JSON");
  add->callback([&g, &action, args] { action = [&g, args] { return run_add(g, *args); }; });

  auto* imp = bench->add_subcommand("import", "add benchmarks from a YAML document, all or nothing");
  imp->add_option("file", args->file, "YAML: benchmarks: [{region, period_start, unit_rate, standing_charge}]")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_flag("--allow-unusual-rate", args->allow_unusual,
                "accept a unit rate over 1 £/kWh or a standing charge over 2 £/day (a real exception)");
  imp->add_flag("--replace", args->replace, "change the rates of rows that exist with other rates");
  imp->add_flag("--json", args->json, "print the result as JSON");
  imp->callback([&g, &action, args] { action = [&g, args] { return run_import(g, *args); }; });

  auto* list = bench->add_subcommand("list", "list the benchmarks");
  list->add_option("--region", args->region_filter, "only this region");
  list->add_flag("--json", args->json, "print JSON");
  list->callback([&g, &action, args] { action = [&g, args] { return run_list(g, *args); }; });

  auto q = std::make_shared<QuarterArgs>();
  auto* quarter = tariffs->add_subcommand(
      "quarter", "create the next period's microgrid and customer tariffs, carrying discounts and settings over");
  quarter->add_option("--start", q->start, "the period's first day, YYYY-MM-DD (a month's first day)")->required();
  quarter->add_option("--esco", q->esco, "only this ESCO (escos.code)");
  quarter->add_flag("--dry-run", q->dry_run, "show what would be created; write nothing");
  quarter->add_flag("--json", q->json, "print JSON");
  quarter->callback([&g, &action, q] { action = [&g, q] { return run_quarter(g, *q); }; });

  add_tariff_check_command(*tariffs, g, action);
}

}  // namespace flows::bill_app
