#pragma once
// A month's solar credit rows (monthly_solar_credits) for the ESCOs in scope:
// each installation's credit (solar.hpp) shared among the properties of its
// allocation (itself, whole, when it has none); no tariff in force → credit 0
// with the note "no solar credit tariff"; a solar property (a solar meter or a
// solar account) that nothing credits → a row with credit 0, "no installation".
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"

namespace flows::billing {

struct SolarInstallation {
  std::string property, plot, esco;  // the property it is on; esco: id
  Decimal capacity_kw;               // declared net capacity
};

struct SolarAllocation {
  std::string installation;  // the installation's property
  std::string property, plot;
  Decimal ratio;
};

struct SolarProperty {  // a solar property that no installation or allocation credits
  std::string property, plot, esco;
};

struct SolarTariffRow {
  std::string esco;  // id
  date::year_month_day period_start;
  Decimal pence_per_year;
};

struct SolarCreditRow {
  std::string property, plot, esco;
  std::optional<std::string> installation, installation_plot;  // property id and plot
  std::optional<Decimal> capacity_kw, pence_per_year;
  Decimal ratio;
  std::int64_t credit_pence = 0;
  std::string note;  // empty, "no solar credit tariff" or "no installation"
};

// Rows in the order given: installations (each with its shares in allocation
// order), then the uncredited properties. `tariffs`: rows of any period; the
// one in force on the month's first day applies. Ratios that do not sum to 1
// are flows::Error (usage) naming the installation's plot.
std::vector<SolarCreditRow> solar_credit_rows(const Month& month, const std::vector<SolarInstallation>& installations,
                                              const std::vector<SolarAllocation>& allocations,
                                              const std::vector<SolarTariffRow>& tariffs,
                                              const std::vector<SolarProperty>& uncredited);

// Pence credited per property (a property may have shares of several installations).
std::map<std::string, std::int64_t> solar_credit_by_property(const std::vector<SolarCreditRow>& rows);

}  // namespace flows::billing
