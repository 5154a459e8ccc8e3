#pragma once
// The emop command line: one CLI11 definition that both runs the tool and
// generates its man page and completions.
#include <functional>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "emop/object_table.hpp"

namespace flows::emop_app {

struct State {
  bool json = false;
  std::string objects_file;  // --objects / EMOP_OBJECTS_FILE
  std::string docs_kind;     // generate-docs
  std::function<int()> action;

  // The built-in table with any overrides applied (loaded once, on first use).
  const emop::ObjectTable& objects();

 private:
  std::optional<emop::ObjectTable> objects_;
};

void build_cli(CLI::App& app, State& st);

// Subcommand groups, one file each.
void add_frame_commands(CLI::App& app, State& st);
void add_objects_command(CLI::App& app, State& st);

}  // namespace flows::emop_app
