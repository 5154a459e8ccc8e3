#pragma once
// The emop command line: one CLI11 definition that both runs the tool and
// generates its man page and completions.
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "emop/object_table.hpp"

namespace flows::emop_app {

struct State {
  bool json = false;
  std::string objects_file;  // --objects / EMOP_OBJECTS_FILE
  std::string env_name;      // --env
  std::string host;          // --host HOST[:PORT]: talk to one meter directly
  std::string inventory;     // --inventory FILE / EMOP_INVENTORY
  int timeout_seconds = 0;   // --timeout; 0 = from the configuration (default 10)
  int attempts = 5;          // --attempts (alias --retries): tries in all, the first included
  int concurrency = 1024;    // --concurrency
  int pacing_ms = 100;       // --pace
  bool new_connection_per_request = false;  // --no-reuse
  std::string log_level = "warning";
  bool verbose = false;

  // Meter selection, shared by every meter command.
  std::string serial_flag;                 // -s
  std::vector<std::string> serials_list;   // --serials A,B,C
  std::string serials_file;                // --serials-file
  std::function<int()> action;

  // The built-in table with any overrides applied (loaded once, on first use).
  const emop::ObjectTable& objects();
  // The configuration for --env (loaded once, on first use).
  const config::Settings& settings();

 private:
  std::optional<emop::ObjectTable> objects_;
  std::optional<config::Settings> settings_;
};

void build_cli(CLI::App& app, State& st);

// Subcommand groups, one file each.
void add_frame_commands(CLI::App& app, State& st);
void add_objects_command(CLI::App& app, State& st);
void add_env_commands(CLI::App& app, State& st);
void add_meter_commands(CLI::App& app, State& st);
void add_db_commands(CLI::App& app, State& st);
void add_sync_commands(CLI::App& app, State& st);
void add_db_import_command(CLI::App* db, State& st);  // topology_cmd.cpp
void add_manage_commands(CLI::App& app, State& st);    // manage_cmds.cpp: list, info, serial_to_name
void add_push_commands(CLI::App& app, State& st);

}  // namespace flows::emop_app
