// mediators list/start/stop/restart/status/logs/env_show/env_set: the gateways
// defined for this host (mediators.toml) and the configuration environments.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "cli/table.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "gateway/client.hpp"
#include "gateway/definitions.hpp"
#include "gateway/host_gateways.hpp"
#include "supervisor.hpp"

namespace flows::mediators_app {
namespace fs = std::filesystem;

namespace {

struct ManageArgs {
  std::string gateways_file;  // --gateways; default beside config.toml
  std::string name;
  std::string esco;
  bool json = false;
  bool systemd = false;
  bool follow = false;
  int lines = 50;
  std::string env;
};

fs::path definitions_path(const ManageArgs& a) { return gateway::definitions_path(a.gateways_file); }

std::vector<gateway::GatewayDefinition> definitions(const ManageArgs& a) {
  return gateway::host_definitions(definitions_path(a));
}

gateway::GatewayDefinition definition(const ManageArgs& a) {
  const auto defs = definitions(a);
  if (const auto* d = gateway::find_definition(defs, a.name)) return *d;
  std::string known;
  for (const auto& d : defs) known += (known.empty() ? "" : ", ") + d.name;
  throw usage_error("no gateway '" + a.name + "' in " + definitions_path(a).string() +
                    (known.empty() ? " (it defines none)" : " (defined: " + known + ")"));
}

nlohmann::ordered_json health_json(const gateway::GatewayDefinition& d, std::optional<pid_t> pid) {
  const auto h = gateway::definition_health(d);
  nlohmann::ordered_json j;
  j["name"] = d.name;
  j["esco"] = d.esco.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.esco);
  j["listen"] = d.listen;
  j["pid"] = pid ? nlohmann::ordered_json(*pid) : nlohmann::ordered_json(nullptr);
  j["reachable"] = h.reachable;
  j["meters_served"] = h.reachable ? nlohmann::ordered_json(h.meters_served) : nlohmann::ordered_json(nullptr);
  j["calls_in_flight"] = h.reachable ? nlohmann::ordered_json(h.calls_in_flight) : nlohmann::ordered_json(nullptr);
  j["calls_total"] = h.reachable ? nlohmann::ordered_json(h.calls_total) : nlohmann::ordered_json(nullptr);
  j["last_error"] = h.reachable ? (h.last_error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(h.last_error))
                                : nlohmann::ordered_json(h.error);
  return j;
}

std::string cell(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return v.dump();
}

int run_list(const ManageArgs& a) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& d : definitions(a)) {
    if (!a.esco.empty() && d.esco != a.esco) continue;
    rows.push_back(health_json(d, running_pid(files_of(d.name))));
  }
  if (a.json) {
    std::cout << rows.dump(2) << "\n";
    return 0;
  }
  const std::vector<std::string> cols = {"name", "esco", "listen", "pid", "reachable", "meters_served", "calls_in_flight", "last_error"};
  std::vector<std::vector<std::string>> table{cols};
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (const auto& c : cols) line.push_back(cell(r[c]));
    table.push_back(line);
  }
  std::cout << cli::render_table(table);
  return 0;
}

std::string unit_name(const std::string& name) { return "flows-mediator-" + name + ".service"; }

int systemctl(const std::vector<std::string>& words) {
  std::string cmd = "systemctl";
  for (const auto& w : words) cmd += " '" + w + "'";
  return std::system(cmd.c_str()) == 0 ? 0 : to_int(ExitCode::config);
}

int start_with_systemd(const gateway::GatewayDefinition& d) {
  std::vector<char> buf(4096);
  const auto n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  const std::string exe = n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "mediators";
  const fs::path unit = fs::path("/etc/systemd/system") / unit_name(d.name);
  write_file_atomically(unit, gateway::systemd_unit(d, exe), 0644);
  std::cout << "wrote " << unit.string() << "\n";
  if (systemctl({"daemon-reload"}) != 0) throw config_error("systemctl daemon-reload failed");
  if (systemctl({"enable", "--now", unit_name(d.name)}) != 0) throw config_error("systemctl enable --now " + unit_name(d.name) + " failed");
  std::cout << "started " << unit_name(d.name) << " (systemd)\n";
  return 0;
}

int run_start(const ManageArgs& a) {
  const auto d = definition(a);
  if (a.systemd) return start_with_systemd(d);
  const auto f = files_of(d.name);
  if (auto pid = running_pid(f)) {
    std::cout << "gateway " << d.name << " is already running (pid " << *pid << ")\n";
    return 0;
  }
  const pid_t pid = start_supervised(d, f, std::chrono::seconds(20));
  std::cout << "started gateway " << d.name << " (supervisor pid " << pid << ") on " << d.listen << "; log " << f.log.string() << "\n";
  return 0;
}

int run_stop(const ManageArgs& a) {
  const auto d = definition(a);
  if (a.systemd) return systemctl({"stop", unit_name(d.name)});
  const auto pid = running_pid(files_of(d.name));
  if (!pid) {
    std::cout << "gateway " << d.name << " is not running\n";
    return 0;
  }
  if (!stop_supervised(*pid, d))
    throw Error(ExitCode::unreachable, "gateway " + d.name + " (pid " + std::to_string(*pid) + ") did not stop within its grace period");
  std::cout << "stopped gateway " << d.name << "\n";
  return 0;
}

int run_status(const ManageArgs& a) {
  const auto d = definition(a);
  const auto pid = running_pid(files_of(d.name));
  const auto j = health_json(d, pid);
  if (a.json) std::cout << j.dump(2) << "\n";
  else
    for (const auto& [k, v] : j.items()) std::cout << k << ": " << cell(v) << "\n";
  return j["reachable"].get<bool>() ? 0 : to_int(ExitCode::unreachable);
}

int run_logs(const ManageArgs& a) {
  const auto d = definition(a);
  const auto log = files_of(d.name).log;
  if (!fs::exists(log)) throw config_error("gateway " + d.name + " has no log yet (" + log.string() + ")");
  const std::string n = std::to_string(a.lines);
  std::cout.flush();
  if (a.follow) ::execlp("tail", "tail", "-n", n.c_str(), "-F", log.c_str(), static_cast<char*>(nullptr));
  else ::execlp("tail", "tail", "-n", n.c_str(), log.c_str(), static_cast<char*>(nullptr));
  throw Error(ExitCode::internal, "cannot run tail");
}

int run_env_show(const ManageArgs& a) {
  config::LoadOptions o;
  if (!a.env.empty()) o.env_name = a.env;
  for (const auto& line : config::load(o).describe()) std::cout << line << "\n";
  return 0;
}

int run_env_set(const ManageArgs& a) {
  auto file = config::default_config_file();
  if (!file) throw config_error("no configuration directory: set XDG_CONFIG_HOME or HOME");
  config::set_current(*file, a.env);
  std::cout << "current environment: " << a.env << "\n";
  return 0;
}

}  // namespace

void add_manage_commands(CLI::App& app, Action& action) {
  static ManageArgs a;
  auto with_file = [](CLI::App* c) {
    c->add_option("--gateways", a.gateways_file, "the gateway definitions (default: mediators.toml beside config.toml, or MEDIATORS_CONFIG)");
    return c;
  };
  auto* list = with_file(app.add_subcommand("list", "the gateways defined for this host, each with live health: pid, reachable, meters served, calls in flight, last error"));
  list->add_option("--esco", a.esco, "only this ESCO's gateways");
  list->add_flag("--json", a.json, "print JSON");
  list->callback([&action] { action = [] { return run_list(a); }; });

  struct Named {
    const char* name;
    const char* help;
    int (*run)(const ManageArgs&);
  };
  for (const Named& n : {Named{"start", "start a defined gateway supervised in the background (pid and log files; restarted on crash with backoff)", run_start},
                         Named{"stop", "stop a gateway: calls in flight get its grace period", run_stop},
                         Named{"status", "a gateway's pid and health (exit 4 when it cannot be reached)", run_status},
                         Named{"logs", "print a gateway's log", run_logs}}) {
    auto* c = with_file(app.add_subcommand(n.name, n.help));
    c->add_option("name", a.name, "gateway name (a [gateways.NAME] table)")->required();
    auto run = n.run;
    c->callback([&action, run] { action = [run] { return run(a); }; });
    if (std::string(n.name) == "start" || std::string(n.name) == "stop")
      c->add_flag("--systemd", a.systemd, "write a systemd unit (/etc/systemd/system/flows-mediator-NAME.service) and drive it with systemctl");
    if (std::string(n.name) == "status") c->add_flag("--json", a.json, "print JSON");
    if (std::string(n.name) == "logs") {
      c->add_flag("-f,--follow", a.follow, "keep printing what is appended");
      c->add_option("-n,--lines", a.lines, "lines from the end")->capture_default_str();
    }
  }
  auto* restart = with_file(app.add_subcommand("restart", "stop a gateway, then start it"));
  restart->add_option("name", a.name, "gateway name")->required();
  restart->add_flag("--systemd", a.systemd, "restart its systemd unit instead");
  restart->callback([&action] {
    action = [] {
      if (a.systemd) return systemctl({"restart", unit_name(definition(a).name)});
      run_stop(a);
      return run_start(a);
    };
  });

  auto* show = app.add_subcommand("env_show", "show the resolved configuration environment (secrets masked), as emop env_show");
  show->add_option("--env", a.env, "environment (default FLOWS_ENV, then the current one)");
  show->callback([&action] { action = [] { return run_env_show(a); }; });
  auto* set = app.add_subcommand("env_set", "make ENV the current environment in config.toml, as emop env_set");
  set->add_option("env", a.env, "environment name")->required();
  set->callback([&action] { action = [] { return run_env_set(a); }; });
}

}  // namespace flows::mediators_app
