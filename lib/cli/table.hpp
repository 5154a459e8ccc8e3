#pragma once
// Plain text tables for the tools' list commands: columns padded to their
// widest cell, two spaces apart, no trailing spaces.
#include <string>
#include <vector>

namespace flows::cli {

// One line per row (the header first, when the caller puts one there), each ending in "\n".
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace flows::cli
