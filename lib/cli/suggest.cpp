#include "cli/suggest.hpp"

namespace flows::cli {

std::string unknown_command_message(const std::string& command_path, std::string_view word,
                                    const std::vector<std::string>& candidates) {
  std::string m = command_path + ": unknown command '" + std::string(word) + "'";
  if (auto n = nearest(word, candidates)) m += " (did you mean " + *n + "?)";
  return m + "; see " + command_path + " --help";
}

}  // namespace flows::cli
