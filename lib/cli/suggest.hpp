#pragma once
// "Did you mean …?" for a mistyped command: the nearest known name by edit
// distance, and the one-line message every Flows tool prints for an unknown command.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::cli {

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two neighbouring characters each cost 1 ("migrte" → "migrate" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to WORD, when it is near enough to be a typo: at most a
// third of WORD's length away (at least 1, at most 3). Ties go to the earlier
// candidate, so the answer follows definition order.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

// "emop db: unknown command 'migrte' (did you mean migrate?); see emop db --help".
// COMMAND_PATH is the tool and the subcommands before the word ("emop db").
std::string unknown_command_message(const std::string& command_path, std::string_view word,
                                    const std::vector<std::string>& candidates);

}  // namespace flows::cli
