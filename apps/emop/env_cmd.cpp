// emop env_list / env_show / env_set: the named environments of config.toml.
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "config/config.hpp"
#include "core/error.hpp"

namespace flows::emop_app {
namespace {

std::filesystem::path config_file() {
  auto f = config::default_config_file();
  if (!f) throw config_error("no configuration directory: set XDG_CONFIG_HOME or HOME");
  return *f;
}

std::optional<std::string> env_flag(const GlobalOptions& options) {
  return options.env_name.empty() ? std::nullopt : std::optional<std::string>(options.env_name);
}

std::optional<std::string> flows_env() {
  auto v = config::process_env()("FLOWS_ENV");
  return v && !v->empty() ? v : std::nullopt;
}

int run_list(const GlobalOptions& options) {
  auto file = config_file();
  auto names = config::environment_names(file);
  // The one commands would use now, so --env and FLOWS_ENV count, as in load().
  std::string active = env_flag(options) ? *env_flag(options)
                       : flows_env() ? *flows_env()
                                     : config::current_environment(file).value_or("local");
  if (names.empty())
    std::cerr << "emop: no environments in " << file.string()
              << (std::filesystem::exists(file) ? "" : " (file not found; see man emop, FILES)") << "\n";
  if (options.json) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& n : names) a.push_back({{"name", n}, {"current", n == active}});
    std::cout << a.dump(2) << "\n";
  } else {
    for (const auto& n : names) std::cout << (n == active ? "* " : "  ") << n << "\n";
  }
  return 0;
}

int run_show(const GlobalOptions& options) {
  config::LoadOptions o;
  o.env_name = env_flag(options);
  auto s = config::load(o);
  if (!options.json) {
    for (const auto& line : s.describe()) std::cout << line << "\n";
    return 0;
  }
  auto opt = [](const std::string& v) { return v.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v); };
  nlohmann::ordered_json settings = nlohmann::ordered_json::object();
  for (const auto& i : s.items()) {
    nlohmann::ordered_json value = nullptr;
    if (i.value) value = i.numeric ? nlohmann::ordered_json(std::stoi(*i.value)) : nlohmann::ordered_json(*i.value);
    settings[i.name] = {{"value", value}, {"source", opt(i.source)}};
  }
  nlohmann::ordered_json doc = {{"environment", s.env_name},
                        {"environment_source", s.source("env_name")},
                        {"config_file", opt(s.config_file.string())},
                        {"config_file_found", s.config_file_found},
                        {"settings", settings},
                        {"libpq_variables", s.libpq_variables}};
  std::cout << doc.dump(2) << "\n";
  return 0;
}

int run_set(const GlobalOptions& options, const std::string& env) {
  auto file = config_file();
  if (!std::filesystem::exists(file))
    throw config_error("no config file at " + file.string() +
                       "; create it with an [environments." + env + "] table (see man emop, FILES)");
  config::set_current(file, env);
  if (options.json) std::cout << nlohmann::ordered_json{{"current", env}}.dump(2) << "\n";
  else std::cout << "current environment: " << env << "\n";
  // The file changed, but this shell would still use another one.
  if (auto v = flows_env(); v && *v != env)
    std::cerr << "emop: warning: FLOWS_ENV=" << *v << " is set and takes precedence over the file\n";
  return 0;
}

}  // namespace

void add_env_commands(CLI::App& app, Invocation& inv) {
  auto* list = app.add_subcommand("env_list", "list the configured environments, the current one marked *");
  list->callback([&inv] { inv.action = [&inv] { return run_list(inv.options); }; });

  auto* show = app.add_subcommand("env_show", "show the resolved settings and where each came from (secrets masked)");
  show->callback([&inv] { inv.action = [&inv] { return run_show(inv.options); }; });

  auto* set = app.add_subcommand("env_set", "make ENV the current environment in config.toml");
  auto env = std::make_shared<std::string>();
  set->add_option("env", *env, "environment name, as listed by env_list")->required();
  set->callback([&inv, env] { inv.action = [&inv, env] { return run_set(inv.options, *env); }; });
}

}  // namespace flows::emop_app
