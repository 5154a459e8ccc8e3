#pragma once
// Option values the Flows executables parse the same way, with the same
// one-line usage errors.
#include <string>

#include <date/date.h>

namespace flows::cli {

// TEXT as a date YYYY-MM-DD; flows::Error (usage) "OPTION 'TEXT' is not a date
// YYYY-MM-DD" otherwise.
date::year_month_day date_option(const std::string& option, const std::string& text);

}  // namespace flows::cli
