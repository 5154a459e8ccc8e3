#pragma once
// Database failures as flows::Error with ExitCode::database and a one-line
// message, from the multi-line texts libpq and libpqxx produce.
#include <exception>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace flows::db {

// One line from a libpq/libpqxx error text: severity prefixes ("ERROR:  ")
// dropped, the statement excerpt and caret lines ("LINE 1: …", "   ^") and
// CONTEXT lines dropped, DETAIL and HINT kept, whitespace runs collapsed.
// Every occurrence of secret (when not empty) is replaced by "***".
std::string one_line(std::string_view text, std::string_view secret = {});

Error database_error(const std::string& message);

// "<context>: <one_line(e.what(), secret)>"
Error database_error(std::string_view context, const std::exception& e, std::string_view secret = {});

}  // namespace flows::db
