#pragma once
// Values the shell completions ask the tool for while the user types (serials,
// control verbs): an option or argument marked with complete_with() makes the
// generated bash, zsh and fish scripts run `TOOL [ROOT OPTIONS] __complete KIND
// WORD…` (WORDs: the argument's words before the cursor) and offer the lines it
// prints. The tool defines the hidden `__complete` command (add_complete_subcommand).
#include <chrono>
#include <filesystem>
#include <optional>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace flows::cli {

// Marks O as completed by `__complete KIND` (a no-op validator named "complete:KIND";
// it changes neither parsing nor help). Returns O.
CLI::Option* complete_with(CLI::Option* o, const std::string& kind);

// The KIND complete_with() gave O, or "".
std::string dynamic_kind(const CLI::Option& o);

// The lister of each kind: given the argument's words before the cursor, the candidates.
using Completers = std::map<std::string, std::function<std::vector<std::string>(const std::vector<std::string>& words)>>;

// Adds the hidden `__complete KIND [WORD…]`, which sets ACTION to print the candidates
// one a line. It never fails: an unknown kind or any error prints nothing, status 0.
void add_complete_subcommand(CLI::App& app, Completers completers, std::function<int()>& action);

// $XDG_CACHE_HOME/flows, or ~/.cache/flows; nullopt when neither is known.
std::optional<std::filesystem::path> cache_dir();

// Whether a cache file written at MTIME is still to be used at NOW: younger than
// MAX_AGE, and not from the future (a clock set back makes it stale).
bool cache_fresh(std::chrono::system_clock::time_point mtime, std::chrono::system_clock::time_point now,
                 std::chrono::seconds max_age);

// The cache file name for the serials of environment ENV whose database is
// DATABASE_URL: "serials-ENV-HASH.txt", ENV reduced to [A-Za-z0-9_.-] ("default"
// when empty) and HASH the FNV-1a hash of DATABASE_URL in hex (so that a -d or
// FLOWS_DATABASE_URL pointing elsewhere has a cache of its own).
std::string serials_cache_name(std::string_view env, std::string_view database_url);

}  // namespace flows::cli
