#include "jobs/tariff_check.hpp"

#include <chrono>

#include "billing/calendar.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "db/meters.hpp"
#include "db/tariff_check.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {

TariffCheckReport check_tariffs(pqxx::connection& conn, const TariffCheckOptions& o) {
  TariffCheckReport report;
  report.as_of = format_date(
      o.as_of.value_or(billing::uk_date(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()))));
  const auto facts = db::in_read_transaction(conn, "tariff check", [&](pqxx::read_transaction& tx) {
    if (o.esco) db::require_esco(tx, *o.esco);
    return db::meter_tariff_facts(tx, o.esco, report.as_of);
  });
  report.meters.reserve(facts.size());
  for (const auto& f : facts) {
    report.meters.push_back(billing::check_meter_tariffs(f, report.as_of));
    switch (report.meters.back().state) {
      case billing::TariffCheckState::matching: ++report.matching; break;
      case billing::TariffCheckState::differs: ++report.differing; break;
      case billing::TariffCheckState::unknown: ++report.unknown; break;
    }
  }
  return report;
}

}  // namespace flows::jobs
