// flows-bill usage|costs|solar-credits|statements|run --month YYYY-MM.
#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "billing/statement.hpp"
#include "cli/options.hpp"
#include "connect.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "db_cmds.hpp"
#include "jobs/month_run.hpp"

namespace flows::bill_app {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

struct MonthArgs {
  std::string month;
  std::optional<std::string> esco, as_of, out;
  std::string format = "html";
  bool json = false;
};

billing::Month parse_month(const std::string& text) {
  auto m = billing::Month::parse(text);
  if (!m) throw usage_error("--month '" + text + "' is not a month YYYY-MM (e.g. 2024-06)");
  return *m;
}

// Each file through a temporary file and a rename, so a reader never sees half
// a statement; readable by others as a plain write would make it.
void write_file(const fs::path& dir, const std::string& name, const std::string& text) {
  write_file_atomically(dir / name, text, 0644);
}

// The files for a month's statements: json and html one per customer (html with
// an index.html), csv one file with a row per customer. Returns the paths.
std::vector<std::string> write_statements(const fs::path& dir, const std::string& format, const std::string& month,
                                          const std::vector<nlohmann::json>& statements) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::config, "cannot create " + dir.string() + ": " + ec.message());
  std::vector<std::string> written;
  if (format == "csv") {
    const std::string name = "statements-" + month + ".csv";
    write_file(dir, name, billing::statements_csv(statements));
    written.push_back((dir / name).string());
    return written;
  }
  std::vector<std::pair<std::string, nlohmann::json>> index;
  for (const auto& s : statements) {
    const std::string name = billing::statement_basename(s) + "." + format;
    write_file(dir, name, format == "json" ? s.dump(2) + "\n" : billing::statement_html(s));
    written.push_back((dir / name).string());
    index.emplace_back(name, s);
  }
  if (format == "html") {
    write_file(dir, "index-" + month + ".html", billing::statements_index_html(month, index));
    written.push_back((dir / ("index-" + month + ".html")).string());
  }
  return written;
}

void print_usage(const jobs::RunReport& r, json& out, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& u : r.usage)
      rows.push_back({{"circuit", u.circuit_id}, {"name", u.name}, {"type", u.type}, {"kwh", u.kwh.to_string()},
                      {"half_hours", u.half_hours}});
    out["usage"] = rows;
    out["consumption_kwh"] = r.usage_totals.consumption_kwh.to_string();
    out["generation_kwh"] = r.usage_totals.generation_kwh.to_string();
    return;
  }
  std::cout << fmt::format("{:<36} {:<6} {:>14} {:>10}\n", "circuit", "type", "kWh", "half_hours");
  for (const auto& u : r.usage)
    std::cout << fmt::format("{:<36} {:<6} {:>14} {:>10}\n", u.name, u.type, u.kwh.to_string(), u.half_hours);
}

void print_costs(const jobs::RunReport& r, json& out, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& c : r.costs)
      rows.push_back({{"customer", c.customer_id},
                      {"email", c.email},
                      {"account_number", c.account_number},
                      {"power_kwh", c.power_kwh.to_string()},
                      {"heat_kwh", c.heat_kwh.to_string()},
                      {"total", c.total.to_string()},
                      {"microgrid_total", c.microgrid_total.to_string()},
                      {"benchmark_total", c.benchmark_total.to_string()}});
    out["costs"] = rows;
    out["customer_total"] = r.customer_total.to_string();
    return;
  }
  std::cout << fmt::format("{:>8} {:<32} {:>12} {:>12} {:>10} {:>10} {:>10}\n", "account", "customer", "power kWh",
                           "heat kWh", "total £", "microgrid", "benchmark");
  for (const auto& c : r.costs)
    std::cout << fmt::format("{:>8} {:<32} {:>12} {:>12} {:>10} {:>10} {:>10}\n", c.account_number, c.email,
                             c.power_kwh.to_string(), c.heat_kwh.to_string(), c.total.round_half_away_to(2).to_string(2),
                             c.microgrid_total.round_half_away_to(2).to_string(2),
                             c.benchmark_total.round_half_away_to(2).to_string(2));
}

void print_solar(const jobs::RunReport& r, json& out, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& s : r.solar_credits)
      rows.push_back({{"property", s.property},
                      {"plot", s.plot},
                      {"installation", s.installation_plot ? json(*s.installation_plot) : json(nullptr)},
                      {"ratio", s.ratio.to_string()},
                      {"credit_pence", s.credit_pence},
                      {"note", s.note.empty() ? json(nullptr) : json(s.note)}});
    out["solar_credits"] = rows;
    out["solar_credit_pence"] = r.solar_credit_pence;
    return;
  }
  std::cout << fmt::format("{:<24} {:<24} {:>6} {:>10}  {}\n", "property", "installation", "ratio", "credit £", "note");
  for (const auto& s : r.solar_credits)
    std::cout << fmt::format("{:<24} {:<24} {:>6} {:>10}  {}\n", s.plot, s.installation_plot.value_or("-"),
                             s.ratio.to_string(), billing::pence_as_pounds(s.credit_pence), s.note);
}

void print_skipped(const jobs::RunReport& r, json& out, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& s : r.skipped)
      rows.push_back({{"customer", s.customer_id}, {"email", s.email}, {"esco", s.esco},
                      {"account_number", s.account_number}, {"reason", s.reason}});
    out["skipped"] = rows;
    return;
  }
  for (const auto& s : r.skipped)
    std::cout << fmt::format("skipped: {} (account {}, {}): {}\n", s.email, s.account_number, s.esco, s.reason);
}

// The month commands: each runs its steps of jobs::run_month and prints them.
enum class Command { usage, costs, solar_credits, run };

jobs::RunOptions steps_of(Command c) {
  jobs::RunOptions o;
  o.usage = c == Command::usage || c == Command::costs || c == Command::run;
  o.costs = c == Command::costs || c == Command::run;
  o.solar_credits = c == Command::solar_credits || c == Command::run;
  o.statements = c == Command::run;
  return o;
}

void print_summary(const jobs::RunReport& r, const MonthArgs& a, const std::vector<std::string>& files, json& out) {
  out["customers_billed"] = r.costs.size();
  out["customers_skipped"] = r.skipped.size();
  out["circuits"] = r.usage.size();
  out["consumption_kwh"] = r.usage_totals.consumption_kwh.to_string();
  out["generation_kwh"] = r.usage_totals.generation_kwh.to_string();
  out["customer_total"] = r.customer_total.to_string();
  out["statements"] = r.statements.size();
  const std::string statements_total = billing::pence_as_pounds(r.statements_total_pence());
  out["statements_total"] = statements_total;
  out["solar_credit_pence"] = r.solar_credit_pence;
  if (a.out) out["files"] = files;
  if (a.json) return;
  std::cout << fmt::format(
      "{} ({}, {}): {} billed, {} skipped; {}, {} kWh used, {} kWh generated; customer total £{} "
      "(statements £{}); solar credits £{}; {}{}\n",
      r.month, count_of(r.days, "day"), fmt::join(r.escos, ", "), count_of(std::ssize(r.costs), "customer"), r.skipped.size(),
      count_of(std::ssize(r.usage), "circuit"),
      r.usage_totals.consumption_kwh.to_string(), r.usage_totals.generation_kwh.to_string(), r.customer_total.round_half_away_to(2).to_string(2),
      statements_total, billing::pence_as_pounds(r.solar_credit_pence),
      count_of(std::ssize(r.statements), "statement"), a.out ? fmt::format(", {} in {}", count_of(std::ssize(files), "file"), *a.out) : std::string());
}

int run_command(const Globals& g, const MonthArgs& a, Command c) {
  jobs::RunOptions o = steps_of(c);
  o.month = parse_month(a.month);
  o.esco = a.esco;
  if (a.as_of) o.today = cli::date_option("--as-of", *a.as_of);
  auto conn = connect_database(g.env, g.dbname);
  const jobs::RunReport r = jobs::run_month(*conn, o);

  std::vector<std::string> files;
  if (c == Command::run && a.out) files = write_statements(*a.out, a.format, r.month, r.statements);

  json out{{"month", r.month}, {"days", r.days}, {"escos", r.escos}};
  switch (c) {
    case Command::usage: print_usage(r, out, a.json); break;
    case Command::costs:
      print_costs(r, out, a.json);
      print_skipped(r, out, a.json);
      break;
    case Command::solar_credits: print_solar(r, out, a.json); break;
    case Command::run:
      print_skipped(r, out, a.json);
      print_summary(r, a, files, out);
      break;
  }
  out["duration_ms"] = r.duration.count();
  if (a.json) std::cout << out.dump(2) << "\n";
  if ((c == Command::run || c == Command::costs) && r.costs.empty() && r.skipped.empty())
    std::cerr << fmt::format("flows-bill {}: warning: no customer occupied an account of {} in {}: nothing billed\n",
                             c == Command::run ? "run" : "costs", r.escos.empty() ? "any ESCO" : fmt::format("{}", fmt::join(r.escos, ", ")), r.month);
  std::cerr << fmt::format("{} done in {} ms\n", r.month, r.duration.count());
  return to_int(jobs::run_status(r));
}

int run_statements(const Globals& g, const MonthArgs& a) {
  const billing::Month month = parse_month(a.month);
  auto conn = connect_database(g.env, g.dbname);
  const auto docs = jobs::load_statements(*conn, month, a.esco);
  for (const auto& s : docs)
    if (!billing::statement_adds_up(s))
      throw Error(ExitCode::internal, "the stored statement " + billing::statement_basename(s) + " does not add up");
  const auto files = write_statements(*a.out, a.format, month.to_string(), docs);
  if (a.json) {
    std::cout << json{{"month", month.to_string()}, {"statements", docs.size()}, {"files", files}}.dump(2) << "\n";
  } else {
    for (const auto& f : files) std::cout << f << "\n";
  }
  return 0;
}

void add_month_options(CLI::App* c, MonthArgs& a) {
  c->add_option("--month", a.month, "the month, YYYY-MM (UK civil month)")->required();
  c->add_option("--esco", a.esco, "only this ESCO (escos.code)");
  c->add_option("--as-of", a.as_of, "the date taken as today, YYYY-MM-DD (default: the UK date now)");
  c->add_flag("--json", a.json, "print JSON");
}

}  // namespace

void add_month_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto add = [&](const char* name, const char* help, Command command) {
    auto a = std::make_shared<MonthArgs>();
    auto* c = app.add_subcommand(name, help);
    add_month_options(c, *a);
    c->callback([&g, &action, a, command] { action = [&g, a, command] { return run_command(g, *a, command); }; });
  };
  add("usage", "compute and store the month's kWh per circuit (monthly_usage)", Command::usage);
  add("costs", "compute and store the month's usage and costs per customer (monthly_costs)", Command::costs);
  add("solar-credits", "compute and store the month's solar credits (monthly_solar_credits)", Command::solar_credits);

  auto s = std::make_shared<MonthArgs>();
  auto* st = app.add_subcommand("statements", "write the month's stored statements as files");
  // --month and --out are required of `statements` itself, not of its
  // subcommands (`statements send`, send_cmds.cpp): checked in the callback.
  st->add_option("--month", s->month, "the month, YYYY-MM (required)");
  st->add_option("--esco", s->esco, "only this ESCO (escos.code)");
  st->add_option("--format", s->format, "json (a file per customer), csv (one file) or html (a page per customer)")
      ->check(CLI::IsMember({"json", "csv", "html"}));
  st->add_option("--out", s->out, "directory to write into, created when missing (required)");
  st->add_flag("--json", s->json, "print the list of files as JSON");
  st->callback([&g, &action, s, st] {
    if (!st->get_subcommands().empty()) return;  // its subcommand set the action
    for (const char* o : {"--month", "--out"})
      if (st->count(o) == 0) throw CLI::RequiredError(o);
    action = [&g, s] { return run_statements(g, *s); };
  });

  auto r = std::make_shared<MonthArgs>();
  auto* run = app.add_subcommand(
      "run", "bill a month: usage, costs, solar credits and statements in one transaction; exit 7 if any customer "
             "was skipped");
  add_month_options(run, *r);
  run->add_option("--out", r->out, "also write the statements into this directory");
  run->add_option("--format", r->format, "statement files: json, csv or html (default html)")
      ->check(CLI::IsMember({"json", "csv", "html"}));
  run->callback([&g, &action, r] { action = [&g, r] { return run_command(g, *r, Command::run); }; });
}

}  // namespace flows::bill_app
