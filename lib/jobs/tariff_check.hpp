#pragma once
// `flows-bill tariffs check` and `emop push tariffs --only-differing`: load the
// facts (db/tariff_check.hpp) and check each meter (billing/tariff_check.hpp).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/tariff_check.hpp"

namespace flows::jobs {

struct TariffCheckOptions {
  std::optional<std::string> esco;           // escos.code; all ESCOs when unset
  std::optional<date::year_month_day> as_of; // default: the UK date now
};

struct TariffCheckReport {
  std::string as_of;                         // YYYY-MM-DD
  std::vector<billing::TariffCheck> meters;  // by serial
  std::size_t matching = 0, differing = 0, unknown = 0;
};

// An unknown ESCO is a usage error (nothing is read).
TariffCheckReport check_tariffs(pqxx::connection& conn, const TariffCheckOptions& options);

}  // namespace flows::jobs
