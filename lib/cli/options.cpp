#include "cli/options.hpp"

#include "core/emop_time.hpp"
#include "core/error.hpp"

namespace flows::cli {

date::year_month_day date_option(const std::string& option, const std::string& text) {
  auto d = parse_date(text);
  if (!d) throw usage_error(option + " '" + text + "' is not a date YYYY-MM-DD");
  return *d;
}

}  // namespace flows::cli
