// emop push tokens|tariffs|clock: jobs that push from the Flows database to meters
// (lib/jobs/push_*.hpp say exactly what each does and records).
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/run.hpp"
#include "cli.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "jobs/push_clock.hpp"
#include "jobs/push_tariffs.hpp"
#include "jobs/push_tokens.hpp"
#include "batch_view.hpp"
#include "targets.hpp"

namespace flows::emop_app {
namespace {

std::unique_ptr<pqxx::connection> open_db(Resources& res) {
  auto conn = db::connect(res.settings());
  db::require_current(*conn);
  return conn;
}

// What the batch did, on stderr (not with --quiet): counts by action, and the time.
template <class R>
void print_summary(BatchView& view, const std::string& label, const std::vector<R>& results, const std::string& noun) {
  view.done();
  if (view.quiet()) return;
  std::vector<std::string> actions;
  for (const auto& r : results) actions.push_back(r.ok ? r.action : r.action + " (failed)");
  std::cerr << cli::summary_text(label, results.size(), noun, cli::count_kinds(actions), view.elapsed()) << "\n";
}

// JSON Lines with --json (one object per result); the status of the batch.
template <class R>
int print_results(const GlobalOptions& options, const std::vector<R>& results, const std::string& what) {
  std::size_t ok = 0;
  std::vector<ExitCode> failures;
  for (const auto& r : results) {
    if (r.ok) ++ok;
    else failures.push_back(r.code == ExitCode::ok ? ExitCode::partial : r.code);
  }
  if (options.json) {
    for (const auto& r : results) std::cout << r.to_json().dump() << "\n";
  } else if (results.empty()) {
    std::cout << "nothing to do (" << what << ")\n";
  }
  return to_int(batch_exit_code(ok, failures));
}

// A result line: red when it failed (on a terminal, --color).
std::string row(const std::string& text, bool ok, bool colour) {
  return ok ? text : cli::paint(text, cli::Paint::failed, colour);
}

struct PushArgs {
  std::string esco;
  bool dry_run = false;
  bool only_differing = false;
  std::int64_t threshold = 60;
};

int run_tokens(const GlobalOptions& options, Resources& res, const PushArgs& a) {
  auto conn = open_db(res);
  jobs::PushTokensOptions o;
  if (!a.esco.empty()) o.esco = a.esco;
  o.dry_run = a.dry_run;
  o.batch = batch_options(options, res);
  BatchView view(options, "push tokens");
  o.batch.observer = &view;
  auto results = jobs::push_tokens(*conn, res.objects(), o);
  view.done();
  const cli::Colours colour = colours_of(options);
  for (const auto& r : results) {
    if (!options.json) {
      std::string line = r.serial + " topup=" + r.topup_id + " amount=" + r.amount + " token=" + r.token_tail + " " +
                         r.action + " status=" + r.status;
      if (!r.detail.empty()) line += " — " + r.detail;
      std::cout << row(line, r.ok, colour.out) << "\n";
    }
    if (!r.ok)
      std::cerr << row("emop: push tokens: " + cli::one_line(r.serial + " topup " + r.topup_id + ": " + r.detail), false, colour.err)
                << "\n";
  }
  print_summary(view, "push tokens", results, "topup");
  return print_results(options, results, "no topup waits for its token");
}

int run_tariffs(const GlobalOptions& options, Resources& res, const PushArgs& a) {
  auto conn = open_db(res);
  jobs::PushTariffsOptions o;
  o.esco = a.esco;
  o.dry_run = a.dry_run;
  o.only_differing = a.only_differing;
  o.batch = batch_options(options, res);
  BatchView view(options, "push tariffs");
  o.batch.observer = &view;
  auto results = jobs::push_tariffs(*conn, res.objects(), o);
  view.done();
  const cli::Colours colour = colours_of(options);
  for (const auto& r : results) {
    if (!options.json) {
      std::string line = r.serial + " period_start=" + r.period_start + " unit_rate=" + r.unit_rate +
                         " standing_charge=" + r.standing_charge + " activation=" + r.activation + " " + r.action;
      if (!r.detail.empty()) line += " — " + r.detail;
      for (const auto& m : r.mismatches) line += "; " + m;
      std::cout << row(line, r.ok, colour.out) << "\n";
    }
    if (!r.ok) std::cerr << row("emop: push tariffs: " + cli::one_line(r.serial + ": " + r.detail), false, colour.err) << "\n";
  }
  print_summary(view, "push tariffs", results, "meter");
  return print_results(options, results, "no meter of ESCO " + a.esco + " has a future customer tariff");
}

int run_clock(const GlobalOptions& options, Resources& res, const PushArgs& a) {
  auto conn = open_db(res);
  jobs::PushClockOptions o;
  if (!a.esco.empty()) o.esco = a.esco;
  o.threshold_seconds = a.threshold;
  o.dry_run = a.dry_run;
  o.batch = batch_options(options, res);
  BatchView view(options, "push clock");
  o.batch.observer = &view;
  auto results = jobs::push_clock(*conn, res.objects(), o);
  view.done();
  const cli::Colours colour = colours_of(options);
  for (const auto& r : results) {
    if (!options.json) {
      std::string line = r.serial + " " + r.action;
      if (!r.clock_before.empty()) line += " clock_before=" + r.clock_before;
      if (r.drift_before) line += " drift_before=" + std::to_string(*r.drift_before);
      if (!r.clock_after.empty()) line += " clock_after=" + r.clock_after;
      if (r.drift_after) line += " drift_after=" + std::to_string(*r.drift_after);
      line += std::string(" dst=") + (r.dst ? "on" : "off");
      std::cout << row(line, r.ok, colour.out) << "\n";
    }
    if (!r.ok) std::cerr << row("emop: push clock: " + cli::one_line(r.serial + ": " + r.detail), false, colour.err) << "\n";
  }
  print_summary(view, "push clock", results, "meter");
  return print_results(options, results, "no meters");
}

}  // namespace

void add_push_commands(CLI::App& app, Invocation& inv) {
  auto args = std::make_shared<PushArgs>();
  auto* push = app.add_subcommand("push", "jobs that push from the Flows database to meters (each with --dry-run)");
  push->require_subcommand(1);

  auto* tokens = push->add_subcommand(
      "tokens",
      "send topup tokens waiting in wait_token_push, verify the credit, mark them completed; never sends a token "
      "twice, even after a killed run");
  tokens->add_option("--esco", args->esco, "only meters of this ESCO (escos.code)");
  tokens->add_flag("--dry-run", args->dry_run, "list what would be sent; change nothing");
  tokens->callback([&inv, args] { inv.action = [&inv, args] { return run_tokens(inv.options, inv.resources, *args); }; });

  auto* tariffs = push->add_subcommand(
      "tariffs", "write each occupier's next customer tariff as its meter's future tariff where it differs, and record it");
  tariffs->add_option("--esco", args->esco, "the ESCO (escos.code)")->required();
  tariffs->add_flag("--dry-run", args->dry_run, "print the plan; write nothing");
  tariffs->add_flag("--only-differing", args->only_differing,
                    "contact only the meters that flows-bill tariffs check finds differing or unknown (from "
                    "meter_shadows); the others are listed as matching");
  tariffs->callback([&inv, args] { inv.action = [&inv, args] { return run_tariffs(inv.options, inv.resources, *args); }; });

  auto* clock = push->add_subcommand("clock", "set the clocks of meters drifting beyond a threshold to the true time");
  clock->add_option("--esco", args->esco, "only meters of this ESCO (escos.code)");
  clock->add_option("--threshold", args->threshold, "seconds of drift tolerated (default 60)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 366));
  clock->add_flag("--dry-run", args->dry_run, "report only; set nothing");
  clock->callback([&inv, args] { inv.action = [&inv, args] { return run_clock(inv.options, inv.resources, *args); }; });
}

}  // namespace flows::emop_app
