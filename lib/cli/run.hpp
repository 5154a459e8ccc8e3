#pragma once
// What every Flows executable's main does the same way: parse, run the chosen
// action, and turn every error into one line on stderr and its documented exit
// status; plus the hidden `generate-docs` subcommand behind man/ and completions/.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/docs.hpp"

namespace flows::cli {

// `action` is set by the subcommand callbacks during parsing. Without one, prints
// the help and returns the usage status.
int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& action);

// Adds the hidden `generate-docs man|bash|zsh|fish`, which sets `action`.
void add_docs_subcommand(CLI::App& app, std::function<ManPage()> page, std::function<int()>& action);

}  // namespace flows::cli
