#pragma once
// The mediators command line: one CLI11 definition that runs the tool and
// generates its man page and completions. Each command group adds itself and, in
// its callback, sets the action that main runs after parsing.
#include <functional>

#include <CLI/CLI.hpp>

namespace flows::mediators_app {

using Action = std::function<int()>;

void add_serve_command(CLI::App& app, Action& action);    // serve_cmd.cpp
void add_certs_commands(CLI::App& app, Action& action);   // certs_cmd.cpp
void add_manage_commands(CLI::App& app, Action& action);  // manage_cmds.cpp: list, start, stop, …

}  // namespace flows::mediators_app
