#include "meter_cmds.hpp"

#include <iostream>

#include "core/error.hpp"
#include "targets.hpp"

namespace flows::emop_app {

jobs::CommandResult simple(const std::string& name, nlohmann::json value, const std::string& text) {
  return {std::move(value), name + "=" + text};
}

namespace {

struct Parsed {
  std::vector<std::string> words;  // positionals: [SERIAL] EXTRA…
};

int run(State& st, const MeterCommand& cmd, const Parsed& p) {
  // Split positionals into the serial (unless given by -s/--serials/--serials-file) and the extras.
  const bool serial_by_flag = !st.serial_flag.empty() || !st.serials_list.empty() || !st.serials_file.empty();
  const bool host_only = !st.host.empty() && cmd.serial_optional_with_host;
  std::vector<std::string> words = p.words;
  std::string positional_serial;
  const std::size_t want = cmd.extra.size();
  if (!serial_by_flag && words.size() == want + 1) {
    positional_serial = words.front();
    words.erase(words.begin());
  }
  if (words.size() != want) {
    std::string usage = cmd.name + " SERIAL";
    for (auto& e : cmd.extra) usage += " " + e;
    throw usage_error(cmd.name + ": expected " + usage + " (or -s/--serials/--serials-file for the serial)");
  }
  auto serials = collect_serials(st, positional_serial);
  if (serials.empty() && !host_only) throw usage_error(cmd.name + ": which meter? give SERIAL, -s, --serials or --serials-file");

  // Validate everything before the first connection.
  jobs::MeterJob job = cmd.prepare(words);
  auto targets = resolve_targets(st, serials);
  jobs::BatchOptions options;
  options.concurrency = st.concurrency;
  options.transport = transport_factory(st);

  auto outcomes = jobs::run_batch(targets, st.objects(), options, job);
  const bool single = outcomes.size() == 1;

  if (st.json) {
    nlohmann::json all = nlohmann::json::array();
    for (auto& o : outcomes) {
      nlohmann::json j{{"serial", o.serial}, {"command", cmd.name}, {"ok", o.ok}};
      if (o.ok) j["value"] = o.result.value;
      else {
        j["error"] = o.error;
        j["status"] = to_int(o.code);
      }
      all.push_back(j);
    }
    std::cout << (single ? all[0] : all).dump(2) << "\n";
  } else {
    for (auto& o : outcomes) {
      if (!o.ok) continue;
      if (single) {
        std::cout << o.result.text << "\n";
      } else {
        // Every line of a multi-line result carries its serial, so output greps well.
        std::size_t start = 0;
        const std::string& t = o.result.text;
        while (start <= t.size()) {
          auto end = t.find('\n', start);
          std::cout << o.serial << " " << t.substr(start, end - start) << "\n";
          if (end == std::string::npos) break;
          start = end + 1;
        }
      }
    }
  }
  for (auto& o : outcomes)
    if (!o.ok) std::cerr << "emop: " << (single ? "" : o.serial + ": ") << o.error << "\n";
  if (!single) {
    std::size_t failed = 0;
    for (auto& o : outcomes) failed += o.ok ? 0 : 1;
    if (failed) std::cerr << "emop: " << cmd.name << ": " << failed << " of " << outcomes.size() << " meters failed\n";
  }
  return to_int(jobs::batch_status(outcomes));
}

}  // namespace

CLI::App* add_meter_command(CLI::App& app, State& st, MeterCommand cmd) {
  auto* sub = app.add_subcommand(cmd.name, cmd.help);
  auto parsed = std::make_shared<Parsed>();
  std::string args_help = "SERIAL";
  for (auto& e : cmd.extra) args_help += " " + e;
  sub->add_option("args", parsed->words, args_help)->type_name(args_help);
  sub->add_option("-s,--serial", st.serial_flag, "the meter's serial");
  // One value per --serials (repeatable), so the positional arguments after it stay positional.
  sub->add_option("--serials", st.serials_list, "several serials, comma separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  sub->add_option("--serials-file", st.serials_file, "file of serials, one per line ('#' comments)");
  auto command = std::make_shared<MeterCommand>(std::move(cmd));
  sub->callback([&st, command, parsed] { st.action = [&st, command, parsed] { return run(st, *command, *parsed); }; });
  return sub;
}

void add_meter_commands(CLI::App& app, State& st) {
  add_read_commands(app, st);
  add_write_commands(app, st);
}

}  // namespace flows::emop_app
