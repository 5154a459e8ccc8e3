// flows-bill customers add|import|list|show|set-status|move-in|move-out|discount,
// flows-bill solar add|allocate|list. The work is in lib/jobs/customers.hpp.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "cli/table.hpp"
#include "connect.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "db_cmds.hpp"
#include "jobs/customers.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;
using billing::Decimal;

struct CustomerArgs {
  std::string email, name, esco, plot, role = "occupier", account = "supply", move_in, status = "pending";
  std::string file, date, discount, period_start, note;
  std::optional<std::string> esco_filter, status_filter;
  bool dry_run = false, json = false;
};

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
std::string date_text(const std::optional<date::year_month_day>& d) { return d ? format_date(*d) : ""; }
json date_json(const std::optional<date::year_month_day>& d) { return d ? json(format_date(*d)) : json(nullptr); }

billing::CustomerStatus status_option(const std::string& option, const std::string& text) {
  auto s = billing::parse_customer_status(text);
  if (!s) throw usage_error(option + " '" + text + "' is not one of " + billing::customer_status_names());
  return *s;
}

int print_added(const jobs::AddReport& r, bool dry_run, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& c : r.customers)
      rows.push_back({{"email", c.email}, {"created", c.created}, {"account_number", c.account_number ? json(c.account_number) : json(nullptr)},
                      {"account_created", c.account_created}});
    std::cout << json{{"dry_run", dry_run}, {"created", r.created()}, {"unchanged", r.customers.size() - r.created()},
                      {"customers", rows}}
                     .dump(2)
              << "\n";
    return 0;
  }
  for (const auto& c : r.customers)
    std::cout << fmt::format("{}  {}{}\n", c.email, c.created ? (dry_run ? "would be added" : "added") : "unchanged (exists)",
                             c.account_number ? fmt::format(", account {}{}", c.account_number, c.account_created ? " (new)" : "")
                                              : (c.account_created ? ", a new account" : ""));
  std::cerr << fmt::format("customers: {} {}, {} unchanged{}\n", r.created(), dry_run ? "would be added" : "added",
                           r.customers.size() - r.created(), dry_run ? " (dry run: nothing written)" : "");
  return 0;
}

int run_add(const Globals& g, const CustomerArgs& a) {
  billing::NewCustomer c;
  c.email = a.email;
  c.name = a.name;
  c.esco = a.esco;
  c.plot = a.plot;
  c.role = a.role;
  c.account_type = a.account;
  if (!a.move_in.empty()) c.move_in = cli::date_option("--move-in", a.move_in);
  c.status = status_option("--status", a.status);
  billing::validate(c, "command line");
  auto conn = connect_database(g.env, g.dbname);
  return print_added(jobs::add_customers(*conn, {c}, "command line", a.dry_run), a.dry_run, a.json);
}

int run_import(const Globals& g, const CustomerArgs& a) {
  const auto rows = billing::parse_customers(read_text_file(a.file), a.file);
  auto conn = connect_database(g.env, g.dbname);
  return print_added(jobs::add_customers(*conn, rows, a.file, a.dry_run), a.dry_run, a.json);
}

json holding_json(const db::Holding& h) {
  return {{"esco", h.esco}, {"plot", h.plot}, {"account_number", h.account_number}, {"account", h.type},
          {"role", h.role}, {"move_in", date_json(h.dates.move_in)}, {"move_out", date_json(h.dates.move_out)}};
}

int run_list(const Globals& g, const CustomerArgs& a) {
  if (a.status_filter) status_option("--status", *a.status_filter);
  auto conn = connect_database(g.env, g.dbname);
  const auto rows = jobs::list_customers(*conn, a.esco_filter, a.status_filter);
  if (a.json) {
    json out = json::array();
    for (const auto& r : rows) {
      json j = {{"email", r.customer.email}, {"name", r.customer.name}, {"status", r.customer.status}};
      j["holding"] = r.holding ? holding_json(*r.holding) : json(nullptr);
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"email", "name", "status", "esco", "plot", "account", "role", "move_in", "move_out"}};
  for (const auto& r : rows) {
    std::vector<std::string> line{r.customer.email, r.customer.name, r.customer.status};
    if (r.holding)
      line.insert(line.end(), {r.holding->esco, r.holding->plot, std::to_string(r.holding->account_number) + " " + r.holding->type,
                               r.holding->role, date_text(r.holding->dates.move_in), date_text(r.holding->dates.move_out)});
    else
      line.insert(line.end(), {"-", "-", "-", "-", "", ""});
    table.push_back(std::move(line));
  }
  std::cout << cli::render_table(table);
  return 0;
}

int run_show(const Globals& g, const CustomerArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto d = jobs::show_customer(*conn, a.email);
  json holdings = json::array(), tariffs = json::array();
  for (const auto& h : d.holdings) holdings.push_back(holding_json(h));
  for (const auto& t : d.tariffs)
    tariffs.push_back({{"period_start", format_date(t.period_start)}, {"discount", t.discount.to_string()},
                       {"unit_rate", t.rates.unit_rate.to_string_min(5)},
                       {"standing_charge", t.rates.standing_charge.to_string_min(5)}});
  if (a.json) {
    std::cout << json{{"id", d.customer.id}, {"email", d.customer.email}, {"name", d.customer.name},
                      {"status", d.customer.status}, {"holdings", holdings}, {"tariffs", tariffs}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("{} <{}>  {}\n", d.customer.name.empty() ? "(no name)" : d.customer.name, d.customer.email,
                           d.customer.status);
  for (const auto& h : d.holdings)
    std::cout << fmt::format("  {} of {} account {} on {} ({}), from {} to {}\n", h.role, h.type, h.account_number, h.plot,
                             h.esco, h.dates.move_in ? format_date(*h.dates.move_in) : "before the records",
                             h.dates.move_out ? format_date(*h.dates.move_out) : "now");
  for (const auto& t : d.tariffs)
    std::cout << fmt::format("  tariff from {}: {}% off, {} £/kWh, {} £/day\n", format_date(t.period_start),
                             t.discount.to_string(), t.rates.unit_rate.to_string_min(5),
                             t.rates.standing_charge.to_string_min(5));
  return 0;
}

int run_set_status(const Globals& g, const CustomerArgs& a) {
  const auto to = status_option("status", a.status);
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::set_status(*conn, a.email, to, a.note);
  if (a.json)
    std::cout << json{{"email", r.email}, {"from", r.from}, {"to", r.to}, {"changed", r.changed}}.dump(2) << "\n";
  else
    std::cout << (r.changed ? fmt::format("{}: {} -> {}\n", r.email, r.from, r.to)
                            : fmt::format("{}: already {} (unchanged)\n", r.email, r.to));
  return 0;
}

jobs::MoveOptions move_options(const CustomerArgs& a) {
  jobs::MoveOptions o;
  o.email = a.email;
  o.day = cli::date_option("--date", a.date);
  o.esco = a.esco;
  o.plot = a.plot;
  o.role = a.role;
  o.account_type = a.account;
  if (o.esco.empty() != o.plot.empty()) throw usage_error("--esco and --plot go together (the property)");
  if (o.role != "occupier" && o.role != "owner") throw usage_error("--role '" + o.role + "' is not occupier or owner");
  return o;
}

int print_move(const jobs::MoveReport& r, const char* what, const std::string& day, bool as_json) {
  if (as_json)
    std::cout << json{{"email", r.email}, {"esco", r.esco}, {"plot", r.plot}, {"account_number", r.account_number},
                      {"account_created", r.account_created}, {what, day}}
                     .dump(2)
              << "\n";
  else
    std::cout << fmt::format("{}: {} {} (account {}{}) on {}\n", r.email, std::string(what) == "move_in" ? "moves into" : "moves out of",
                             r.plot, r.account_number, r.account_created ? ", new" : "", day);
  return 0;
}

int run_move_in(const Globals& g, const CustomerArgs& a) {
  const auto o = move_options(a);
  if (o.plot.empty()) throw usage_error("customers move-in needs the property: --esco and --plot");
  auto conn = connect_database(g.env, g.dbname);
  return print_move(jobs::move_in(*conn, o), "move_in", format_date(o.day), a.json);
}

int run_move_out(const Globals& g, const CustomerArgs& a) {
  const auto o = move_options(a);
  auto conn = connect_database(g.env, g.dbname);
  return print_move(jobs::move_out(*conn, o), "move_out", format_date(o.day), a.json);
}

int run_discount(const Globals& g, const CustomerArgs& a) {
  const auto d = Decimal::parse(a.discount);
  if (!d) throw usage_error("--discount '" + a.discount + "' " + Decimal::parse_failure(a.discount));
  const auto start = cli::date_option("--period-start", a.period_start);
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::set_discount(*conn, a.email, *d, start);
  if (a.json) {
    std::cout << json{{"email", r.email}, {"period_start", r.period_start}, {"discount", r.discount.to_string()},
                      {"replaced", r.replaced ? json(r.replaced->to_string()) : json(nullptr)},
                      {"unit_rate", r.rates.unit_rate.to_string_min(5)},
                      {"standing_charge", r.rates.standing_charge.to_string_min(5)}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("{}: {}% off from {}{}: {} £/kWh, {} £/day\n", r.email, r.discount.to_string(), r.period_start,
                           r.replaced ? " (was " + r.replaced->to_string() + "%)" : "", r.rates.unit_rate.to_string_min(5),
                           r.rates.standing_charge.to_string_min(5));
  return 0;
}

void add_customers_subcommands(CLI::App& customers, Globals& g, std::function<int()>& action,
                               const std::shared_ptr<CustomerArgs>& a) {
  auto* add = customers.add_subcommand("add", "add a customer, with their account on a property and their move-in");
  add->add_option("--email", a->email, "email address (unique; compared without regard to case)")->required();
  add->add_option("--name", a->name, "full name");
  add->add_option("--esco", a->esco, "the property's ESCO (escos.code)");
  add->add_option("--plot", a->plot, "the property (properties.plot)");
  add->add_option("--role", a->role, "occupier (default) or owner");
  add->add_option("--account", a->account, "the account's type: supply (default), solar or ev");
  add->add_option("--move-in", a->move_in, "first day they occupy it, YYYY-MM-DD (none: since before the records)");
  add->add_option("--status", a->status, "status to start in (default pending): " + billing::customer_status_names());
  add->add_flag("--dry-run", a->dry_run, "check and show; write nothing");
  add->add_flag("--json", a->json, "print JSON");
  add->callback([&g, &action, a] { action = [&g, a] { return run_add(g, *a); }; });

  auto* imp = customers.add_subcommand("import", "add the customers of a YAML or CSV file, all or nothing");
  imp->add_option("file", a->file, "YAML (customers: [{email, name, esco, plot, role, account, move_in, status}]) or .csv with those columns")
      ->required()
      ->check(CLI::ExistingFile);
  imp->add_flag("--dry-run", a->dry_run, "check the whole file and show; write nothing");
  imp->add_flag("--json", a->json, "print JSON");
  imp->callback([&g, &action, a] { action = [&g, a] { return run_import(g, *a); }; });

  auto* list = customers.add_subcommand("list", "list customers and what they hold");
  list->add_option("--esco", a->esco_filter, "only customers holding an account in this ESCO");
  list->add_option("--status", a->status_filter, "only customers in this status");
  list->add_flag("--json", a->json, "print JSON");
  list->callback([&g, &action, a] { action = [&g, a] { return run_list(g, *a); }; });

  auto* show = customers.add_subcommand("show", "one customer: status, accounts with dates, tariffs");
  show->add_option("email", a->email, "the customer's email")->required();
  show->add_flag("--json", a->json, "print JSON");
  show->callback([&g, &action, a] { action = [&g, a] { return run_show(g, *a); }; });
}

void add_occupancy_subcommands(CLI::App& customers, Globals& g, std::function<int()>& action,
                               const std::shared_ptr<CustomerArgs>& a) {
  auto* st = customers.add_subcommand("set-status", "move a customer along pending, preonboarding, onboarding, prelive, live, exiting, archived (or suspended)");
  st->add_option("email", a->email, "the customer's email")->required();
  st->add_option("status", a->status, "the new status")->required();
  st->add_option("--note", a->note, "why, kept in customer_events");
  st->add_flag("--json", a->json, "print JSON");
  st->callback([&g, &action, a] { action = [&g, a] { return run_set_status(g, *a); }; });

  auto* in = customers.add_subcommand("move-in", "a customer starts to occupy (or own) a property's account on a date");
  in->add_option("email", a->email, "the customer's email")->required();
  in->add_option("--esco", a->esco, "the property's ESCO")->required();
  in->add_option("--plot", a->plot, "the property")->required();
  in->add_option("--date", a->date, "their first day, YYYY-MM-DD")->required();
  in->add_option("--role", a->role, "occupier (default) or owner");
  in->add_option("--account", a->account, "supply (default), solar or ev");
  in->add_flag("--json", a->json, "print JSON");
  in->callback([&g, &action, a] { action = [&g, a] { return run_move_in(g, *a); }; });

  auto* out = customers.add_subcommand("move-out", "a customer stops occupying an account: the date is the first day they no longer do");
  out->add_option("email", a->email, "the customer's email")->required();
  out->add_option("--date", a->date, "the first day they no longer occupy it, YYYY-MM-DD")->required();
  out->add_option("--esco", a->esco, "which property, when they hold several");
  out->add_option("--plot", a->plot, "which property, when they hold several");
  out->add_option("--role", a->role, "occupier (default) or owner");
  out->add_flag("--json", a->json, "print JSON");
  out->callback([&g, &action, a] { action = [&g, a] { return run_move_out(g, *a); }; });

  auto* disc = customers.add_subcommand("discount", "a customer's discount against the benchmark from a period start");
  disc->add_option("email", a->email, "the customer's email")->required();
  disc->add_option("--discount", a->discount, "percent off the benchmark, 0-100")->required();
  disc->add_option("--period-start", a->period_start, "first day of the month it applies from, YYYY-MM-DD")->required();
  disc->add_flag("--json", a->json, "print JSON");
  disc->callback([&g, &action, a] { action = [&g, a] { return run_discount(g, *a); }; });
}

struct SolarArgs {
  std::string esco, plot, capacity, installation, period_start, pence_per_year;
  std::vector<std::string> shares;
  std::optional<std::string> esco_filter;
  bool json = false;
};

int run_solar_add(const Globals& g, const SolarArgs& a) {
  const auto kw = Decimal::parse(a.capacity);
  if (!kw) throw usage_error("--capacity-kw '" + a.capacity + "' " + Decimal::parse_failure(a.capacity));
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::add_installation(*conn, a.esco, a.plot, *kw);
  std::cout << fmt::format("{} {}: {} kW{}\n", r.esco, r.plot, r.capacity_kw.to_string(),
                           r.replaced ? " (was " + r.replaced->to_string() + " kW)" : " (new installation)");
  return 0;
}

int run_solar_tariff(const Globals& g, const SolarArgs& a) {
  const auto pence = Decimal::parse(a.pence_per_year);
  if (!pence) throw usage_error("--pence-per-year '" + a.pence_per_year + "' " + Decimal::parse_failure(a.pence_per_year));
  const auto start = cli::date_option("--period-start", a.period_start);
  auto conn = connect_database(g.env, g.dbname);
  const auto replaced = jobs::set_solar_tariff(*conn, a.esco, start, *pence);
  std::cout << fmt::format("{} solar credit from {}: {} p a year{}\n", a.esco, format_date(start), pence->to_string(),
                           replaced ? " (was " + replaced->to_string() + ")" : "");
  return 0;
}

std::vector<std::pair<std::string, Decimal>> parse_shares(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, Decimal>> out;
  for (const auto& s : items) {
    const auto eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0) throw usage_error("--share '" + s + "' is not PLOT=RATIO, e.g. P1=0.5");
    const std::string ratio = s.substr(eq + 1);
    auto r = Decimal::parse(ratio);
    if (!r) throw usage_error("--share '" + s + "': the ratio " + Decimal::parse_failure(ratio));
    out.emplace_back(s.substr(0, eq), *r);
  }
  return out;
}

int run_solar_allocate(const Globals& g, const SolarArgs& a) {
  const auto shares = parse_shares(a.shares);
  if (auto why = jobs::allocation_problem(shares)) throw usage_error("allocation of " + a.installation + ": " + *why);
  auto conn = connect_database(g.env, g.dbname);
  jobs::allocate_installation(*conn, a.esco, a.installation, shares);
  for (const auto& [plot, ratio] : shares) std::cout << fmt::format("{} {} -> {}: {}\n", a.esco, a.installation, plot, ratio.to_string());
  return 0;
}

int run_solar_list(const Globals& g, const SolarArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto rows = jobs::list_installations(*conn, a.esco_filter);
  if (a.json) {
    json out = json::array();
    for (const auto& r : rows) {
      json shares = json::array();
      for (const auto& [plot, ratio] : r.shares) shares.push_back({{"plot", plot}, {"ratio", ratio.to_string()}});
      out.push_back({{"esco", r.esco}, {"plot", r.plot}, {"capacity_kw", r.capacity_kw.to_string()}, {"shares", shares}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"esco", "plot", "kW", "shares"}};
  for (const auto& r : rows) {
    std::string shares;
    for (const auto& [plot, ratio] : r.shares) shares += (shares.empty() ? "" : ", ") + plot + "=" + ratio.to_string();
    table.push_back({r.esco, r.plot, r.capacity_kw.to_string(), shares.empty() ? "(all to " + r.plot + ")" : shares});
  }
  std::cout << cli::render_table(table);
  return 0;
}

void add_solar_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* solar = app.add_subcommand("solar", "solar installations and how their credits are shared");
  solar->require_subcommand(1);
  auto a = std::make_shared<SolarArgs>();
  auto* add = solar->add_subcommand("add", "a property's solar installation (or a new capacity for it)");
  add->add_option("--esco", a->esco, "the property's ESCO")->required();
  add->add_option("--plot", a->plot, "the property")->required();
  add->add_option("--capacity-kw", a->capacity, "declared net capacity, kW (over 0, at most 1000)")->required();
  add->callback([&g, &action, a] { action = [&g, a] { return run_solar_add(g, *a); }; });

  auto* alloc = solar->add_subcommand("allocate", "share an installation's credit among properties (ratios summing to 1)");
  alloc->add_option("--esco", a->esco, "the ESCO")->required();
  alloc->add_option("--installation", a->installation, "the installation's property (plot)")->required();
  alloc->add_option("--share", a->shares, "PLOT=RATIO, once per property, e.g. --share P1=0.5 --share P2=0.5")->required();
  alloc->callback([&g, &action, a] { action = [&g, a] { return run_solar_allocate(g, *a); }; });

  auto* tariff = solar->add_subcommand("tariff", "the ESCO's solar credit tariff from a period start (pence a year)");
  tariff->add_option("--esco", a->esco, "the ESCO")->required();
  tariff->add_option("--period-start", a->period_start, "first day it applies, YYYY-MM-DD")->required();
  tariff->add_option("--pence-per-year", a->pence_per_year, "pence a year per kW, 0-1000000 (3650 is 10 p a day)")->required();
  tariff->callback([&g, &action, a] { action = [&g, a] { return run_solar_tariff(g, *a); }; });

  auto* list = solar->add_subcommand("list", "list installations and their shares");
  list->add_option("--esco", a->esco_filter, "only this ESCO");
  list->add_flag("--json", a->json, "print JSON");
  list->callback([&g, &action, a] { action = [&g, a] { return run_solar_list(g, *a); }; });
}

struct PropertyArgs {
  db::NewProperty p;
  std::optional<std::string> esco_filter;
  bool json = false;
};

int run_property_list(const Globals& g, const PropertyArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto rows = jobs::list_properties(*conn, a.esco_filter);
  if (a.json) {
    json out = json::array();
    for (const auto& r : rows)
      out.push_back({{"esco", r.esco}, {"plot", r.plot}, {"supply_meter", r.supply_serial.empty() ? json(nullptr) : json(r.supply_serial)},
                     {"solar_meter", r.solar_serial.empty() ? json(nullptr) : json(r.solar_serial)}, {"accounts", r.accounts}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"esco", "plot", "supply_meter", "solar_meter", "accounts"}};
  for (const auto& r : rows)
    table.push_back(std::vector<std::string>{r.esco, r.plot, or_dash(r.supply_serial), or_dash(r.solar_serial),
                                             or_dash(r.accounts)});
  std::cout << cli::render_table(table);
  return 0;
}

void add_property_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* props = app.add_subcommand("properties", "an ESCO's properties and the meters that supply them");
  props->require_subcommand(1);
  auto a = std::make_shared<PropertyArgs>();
  auto* add = props->add_subcommand("add", "add a property, supplied by a meter of the registry");
  add->add_option("--esco", a->p.esco, "the ESCO (escos.code)")->required();
  add->add_option("--plot", a->p.plot, "the property's name, unique in the ESCO")->required();
  add->add_option("--supply-meter", a->p.supply_serial, "serial of the meter that supplies it");
  add->add_option("--solar-meter", a->p.solar_serial, "serial of the meter of its solar installation");
  add->callback([&g, &action, a] {
    action = [&g, a] {
      jobs::add_property(*connect_database(g.env, g.dbname), a->p);
      std::cout << fmt::format("{} {}: added\n", a->p.esco, a->p.plot);
      return 0;
    };
  });
  auto* list = props->add_subcommand("list", "list properties, their meters and accounts");
  list->add_option("--esco", a->esco_filter, "only this ESCO");
  list->add_flag("--json", a->json, "print JSON");
  list->callback([&g, &action, a] { action = [&g, a] { return run_property_list(g, *a); }; });
}

}  // namespace

void add_customer_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* customers = app.add_subcommand("customers", "customers, their accounts, dated occupancy, status and discounts");
  customers->require_subcommand(1);
  auto a = std::make_shared<CustomerArgs>();
  add_customers_subcommands(*customers, g, action, a);
  add_occupancy_subcommands(*customers, g, action, a);
  add_solar_commands(app, g, action);
  add_property_commands(app, g, action);
}

}  // namespace flows::bill_app
