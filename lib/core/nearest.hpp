#pragma once
// "Did you mean …?": the nearest known name by edit distance, for a mistyped
// command, ESCO code or any other word a tool knows the valid values of.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows {

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of two neighbouring characters each cost 1 ("migrte" → "migrate" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to WORD, when it is near enough to be a typo: at most a
// third of WORD's length away (at least 1, at most 3). Ties go to the earlier
// candidate, so the answer follows definition order.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace flows
