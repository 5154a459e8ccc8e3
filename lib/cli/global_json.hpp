#pragma once
// One --json convention for every tool: the flag is accepted before the command
// (`flows-bill --json customers list`) as well as after it, and means the chosen
// command's own --json. A command without JSON output refuses it, naming itself.
#include <CLI/CLI.hpp>

namespace flows::cli {

// Adds the tool-wide --json to APP (call before the subcommands are added).
void add_global_json(CLI::App& app);

// After parsing: when the tool-wide --json was given, sets the chosen command's
// own --json; throws flows::Error(usage) when that command has none.
void forward_global_json(CLI::App& app);

}  // namespace flows::cli
