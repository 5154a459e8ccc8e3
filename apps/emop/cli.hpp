#pragma once
// The emop command line: one CLI11 definition that both runs the tool and
// generates its man page and completions.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "emop/object_table.hpp"

namespace flows::emop_app {

// The options that shape how every command runs and prints.
struct GlobalOptions {
  bool json = false;         // --json
  std::string objects_file;  // --objects / EMOP_OBJECTS_FILE
  std::string env_name;      // --env
  std::string dbname;        // -d/--dbname: a connection string, URI or database name (as psql's -d)
  std::string mediator;      // --mediator HOST:PORT (else MEDIATOR_SERVER, else the environment's mediator)
  int timeout_seconds = 0;   // --timeout; 0 = from the configuration (default 10)
  int attempts = 5;          // --attempts (alias --retries): tries in all, the first included
  int concurrency = 1024;    // --concurrency
  int pacing_ms = 100;       // --pace
  bool new_connection_per_request = false;  // --no-reuse
  std::string log_level = "warning";        // --log-level
  bool verbose = false;                     // -v, --verbose
  bool quiet = false;                       // -q, --quiet: no progress line, no summaries
  std::string color = "auto";               // --color auto|always|never
  bool keep_order = false;                  // --keep-order: a batch's results in the order named
};

// Which meters a meter command talks to, and where they are.
struct MeterSelection {
  std::string host;                       // --host HOST[:PORT]: talk to one meter directly
  std::string inventory;                  // --inventory FILE / EMOP_INVENTORY
  std::string serial_flag;                // -s
  std::vector<std::string> serials_list;  // --serials A,B,C
  std::string serials_file;               // --serials-file

  // Whether -s, --serials or --serials-file named the meters (so no positional SERIAL).
  bool serials_by_flag() const { return !serial_flag.empty() || !serials_list.empty() || !serials_file.empty(); }
  // Whether more than one meter may be named (--serials or --serials-file).
  bool may_be_batch() const { return !serials_list.empty() || !serials_file.empty(); }
};

// What the options point at, loaded once, on first use, after parsing.
class Resources {
 public:
  explicit Resources(const GlobalOptions& options) : options_(options) {}
  // The built-in table with any overrides applied.
  const emop::ObjectTable& objects();
  // The configuration for --env.
  const config::Settings& settings();
  const GlobalOptions& global_options() const { return options_; }

 private:
  const GlobalOptions& options_;
  std::optional<emop::ObjectTable> objects_;
  std::optional<config::Settings> settings_;
};

// The command chosen on the command line, set by its subcommand's callback.
using Action = std::function<int()>;

// One run of emop: what parsing fills in, and what the chosen command runs with.
struct Invocation {
  GlobalOptions options;
  MeterSelection selection;
  Resources resources{options};
  Action action;
};

void build_cli(CLI::App& app, Invocation& inv);

// Subcommand groups, one file each.
void add_frame_commands(CLI::App& app, Invocation& inv);
void add_objects_command(CLI::App& app, Invocation& inv);
void add_env_commands(CLI::App& app, Invocation& inv);
void add_meter_commands(CLI::App& app, Invocation& inv);
void add_db_commands(CLI::App& app, Invocation& inv);
void add_sync_commands(CLI::App& app, Invocation& inv);
void add_db_import_command(CLI::App* db, Invocation& inv);  // topology_cmd.cpp
void add_manage_commands(CLI::App& app, Invocation& inv);    // manage_cmds.cpp: list, info, serial_to_name
void add_push_commands(CLI::App& app, Invocation& inv);
void add_status_command(CLI::App& app, Invocation& inv);     // status_cmd.cpp
void add_complete_command(CLI::App& app, Invocation& inv);   // complete_cmd.cpp: the hidden __complete

}  // namespace flows::emop_app
