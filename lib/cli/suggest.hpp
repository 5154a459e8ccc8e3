#pragma once
// The one-line message every Flows tool prints for an unknown command, with the
// nearest known one (core/nearest.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "core/nearest.hpp"

namespace flows::cli {

// "emop db: unknown command 'migrte' (did you mean migrate?); see emop db --help".
// COMMAND_PATH is the tool and the subcommands before the word ("emop db").
std::string unknown_command_message(const std::string& command_path, std::string_view word,
                                    const std::vector<std::string>& candidates);

}  // namespace flows::cli
