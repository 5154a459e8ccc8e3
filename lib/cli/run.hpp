#pragma once
// What every Flows executable's main does the same way: parse, run the chosen
// action, and turn every error into one line on stderr and its documented exit
// status; plus the hidden `generate-docs` subcommand behind man/ and completions/.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/docs.hpp"

namespace flows::cli {

// `action` is set by the subcommand callbacks during parsing. Without one, prints
// the help and returns the usage status.
int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& action);

// MESSAGE made safe to print as one line: \n \r \t as those escapes, other
// control characters (C0 and DEL) as \xNN, so an input value (a serial, a file
// name) cannot end an error line and forge another.
std::string one_line(std::string_view message);

// Where a failed parse of ARGS (argv without the program name) met a word that is
// not a command: the command path before it ("emop db"), the word, and the visible
// subcommands it could have been. Empty WORD: a command is required and none came.
struct UnknownCommand {
  std::string command_path;
  std::string word;
  std::vector<std::string> commands;
};
std::optional<UnknownCommand> find_unknown_command(const CLI::App& app, const std::vector<std::string>& args);

// The one-line message for it ("emop db: unknown command 'migrte' (did you mean
// migrate?); see emop db --help").
std::string unknown_command_line(const UnknownCommand& u);

// Adds `help [COMMAND…]`, which prints what `COMMAND… --help` prints (the tool's
// help without one), and for a word that is not a command says so (status 2).
void add_help_subcommand(CLI::App& app, std::function<int()>& action);

// The help of the command WORDS name under APP, as `--help` shows it; an unknown
// word is an UnknownCommand.
struct HelpText {
  std::string text;
  std::optional<UnknownCommand> unknown;
};
HelpText help_for(const CLI::App& app, const std::vector<std::string>& words);

// Adds the hidden `generate-docs man|bash|zsh|fish` and the visible `completion
// bash|zsh|fish`, which prints the same completion scripts; both set `action`.
// Returns the `completion` command (for its group).
CLI::App* add_docs_subcommand(CLI::App& app, std::function<ManPage()> page, std::function<int()>& action);

// Runs ADD, which adds subcommands to APP, and puts those it added in GROUP (the
// heading --help and the man page list them under; groups in the order first
// used). Hidden ones (group "") stay hidden.
void add_grouped(CLI::App& app, const std::string& group, const std::function<void()>& add);

// The tail of a subcommand's help listing ROOT's options, one line each:
// "Global options (before or after the command):" when the subcommand falls
// through to ROOT (AFTER_TOO), else "(before the command)". Empty when ROOT has no
// visible options other than --help and --version.
std::string global_options_help(const CLI::App& root, bool after_too);

// Ends the help of every visible subcommand of APP, at every depth, with
// global_options_help (run_tool does this before parsing).
void add_global_options_footers(CLI::App& app);

}  // namespace flows::cli
