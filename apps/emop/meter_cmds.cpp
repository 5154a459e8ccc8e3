#include "cli/complete.hpp"
#include "cli/run.hpp"
#include "meter_cmds.hpp"

#include <iostream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "batch_view.hpp"
#include "targets.hpp"

namespace flows::emop_app {

jobs::CommandResult simple(const std::string& name, nlohmann::json value, const std::string& text) {
  return {std::move(value), name + "=" + text};
}

namespace {

struct Parsed {
  std::vector<std::string> words;  // positionals: [SERIAL] EXTRA…
};

// The serial and the command's own arguments from the positionals; the serial is
// the first of them unless -s/--serials/--serials-file named the meters.
std::vector<std::string> split_positionals(const MeterSelection& sel, const MeterCommand& cmd, const Parsed& p,
                                           std::string& positional_serial) {
  std::vector<std::string> words = p.words;
  const std::size_t want = cmd.extra.size();
  if (!sel.serials_by_flag() && words.size() == want + 1) {
    positional_serial = words.front();
    words.erase(words.begin());
  }
  if (words.size() != want) {
    std::string usage = cmd.name + " SERIAL";
    for (auto& e : cmd.extra) usage += " " + e;
    throw usage_error(cmd.name + ": expected " + usage + " (or -s/--serials/--serials-file for the serial)");
  }
  return words;
}

nlohmann::json outcome_json(const std::string& command, const jobs::MeterOutcome& o) {
  nlohmann::json j{{"serial", o.serial}, {"command", command}, {"ok", o.ok}};
  if (o.ok) j["value"] = o.result.value;
  else {
    j["error"] = o.error;
    j["status"] = to_int(o.code);
  }
  return j;
}

// Every line of a multi-line result carries its serial, so output greps well.
void print_serial_lines(const jobs::MeterOutcome& o) {
  std::size_t start = 0;
  const std::string& t = o.result.text;
  while (start <= t.size()) {
    auto end = t.find('\n', start);
    std::cout << o.serial << " " << t.substr(start, end - start) << "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

std::string failure_line(const jobs::MeterOutcome& o, bool with_serial, bool colour) {
  return cli::paint("emop: " + cli::one_line((with_serial ? o.serial + ": " : "") + o.error), cli::Paint::failed, colour);
}

// One meter: its result, or its failure, once it is known.
int run_single(const GlobalOptions& options, const MeterCommand& cmd, const jobs::MeterOutcome& o) {
  if (options.json) std::cout << outcome_json(cmd.name, o).dump(2) << "\n";
  else if (o.ok) std::cout << o.result.text << "\n";
  if (!o.ok) std::cerr << failure_line(o, false, colours_of(options).err) << "\n";
  return to_int(jobs::batch_status({o}));
}

// Several meters: each result as its meter ends (JSON Lines with --json), failures
// on stderr as they happen, a progress line on a terminal, the count failed at the end.
int run_several(const GlobalOptions& options, const MeterCommand& cmd, const std::vector<std::string>& serials,
                jobs::Placement& placed, jobs::BatchOptions batch, const jobs::MeterJob& job, Resources& res) {
  const bool colour = colours_of(options).err;
  BatchView view(options, cmd.name);
  std::size_t failed = 0;
  view.stream(
      [&](const jobs::MeterOutcome& o) {
        if (options.json) std::cout << outcome_json(cmd.name, o).dump() << "\n";
        else if (o.ok) print_serial_lines(o);
        if (!o.ok) {
          ++failed;
          std::cerr << failure_line(o, true, colour) << "\n";
        }
      },
      options.keep_order ? serials : std::vector<std::string>{});
  view.started(placed.unplaced.size());
  for (const auto& o : placed.unplaced) view.finished(o);
  batch.observer = &view;
  auto ran = jobs::run_batch(placed.targets, res.objects(), batch, job);
  view.done();
  if (failed)
    std::cerr << "emop: " << cmd.name << ": " << failed << " of " << count_of(static_cast<long long>(serials.size()), "meter")
              << " failed\n";
  return to_int(jobs::batch_status(jobs::in_order(serials, std::move(ran), std::move(placed.unplaced))));
}

int run(const GlobalOptions& options, const MeterSelection& sel, Resources& res, const MeterCommand& cmd,
        const Parsed& p) {
  std::string positional_serial;
  const std::vector<std::string> words = split_positionals(sel, cmd, p, positional_serial);
  const bool host_only = !sel.host.empty() && cmd.serial_optional_with_host;
  auto serials = collect_serials(sel, positional_serial);
  if (serials.empty() && !host_only) throw usage_error(cmd.name + ": which meter? give SERIAL, -s, --serials or --serials-file");

  // Validate everything before the first connection.
  jobs::MeterJob job = cmd.prepare(words);
  jobs::Placement placed = resolve_targets(sel, res, serials);
  // --host talks to that meter directly, even where a gateway is configured.
  const jobs::BatchOptions batch = batch_options(options, res, !sel.host.empty());  // settings before the object table, as ever
  if (serials.size() > 1) return run_several(options, cmd, serials, placed, batch, job, res);
  auto ran = jobs::run_batch(placed.targets, res.objects(), batch, job);
  if (host_only && serials.empty()) serials.push_back(sel.host);
  auto outcomes = jobs::in_order(serials, std::move(ran), std::move(placed.unplaced));
  return run_single(options, cmd, outcomes.at(0));
}

}  // namespace

CLI::App* add_meter_command(CLI::App& app, Invocation& inv, MeterCommand cmd) {
  auto* sub = app.add_subcommand(cmd.name, cmd.help);
  auto parsed = std::make_shared<Parsed>();
  std::string args_help = "SERIAL";
  for (auto& e : cmd.extra) args_help += " " + e;
  // SERIAL, -s and --serials complete with the known serials (emop __complete serials).
  cli::complete_with(sub->add_option("args", parsed->words, args_help)->type_name(args_help), "serials");
  cli::complete_with(sub->add_option("-s,--serial", inv.selection.serial_flag, "the meter's serial"), "serials");
  // One value per --serials (repeatable), so the positional arguments after it stay positional.
  cli::complete_with(sub->add_option("--serials", inv.selection.serials_list, "several serials, comma separated")
                         ->delimiter(',')
                         ->allow_extra_args(false),
                     "serials");
  sub->add_option("--serials-file", inv.selection.serials_file, "file of serials, one per line ('#' comments)");
  auto command = std::make_shared<MeterCommand>(std::move(cmd));
  sub->callback([&inv, command, parsed] {
    inv.action = [&inv, command, parsed] {
      return run(inv.options, inv.selection, inv.resources, *command, *parsed);
    };
  });
  return sub;
}

void add_meter_commands(CLI::App& app, Invocation& inv) {
  add_read_commands(app, inv);
  add_write_commands(app, inv);
}

}  // namespace flows::emop_app
