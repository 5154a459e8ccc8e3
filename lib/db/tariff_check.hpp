#pragma once
// What a tariff check (billing/tariff_check.hpp) compares, loaded in one query:
// each active meter that is a property's supply meter, its meter_shadows tariffs,
// the occupier of its supply account on the date, that customer's tariff in
// force and next one, and its ESCO's microgrid tariff in force.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/tariff_check.hpp"

namespace flows::db {

// Meters of ESCO `esco` (escos.code; all ESCOs when nullopt), by serial, on
// `as_of` (YYYY-MM-DD). The ESCO is the property's, else the meter's. The
// occupier on a date: role occupier of the property's supply account (not
// closed), customer live, prelive or onboarding, move_in null or <= date and
// move_out null or > date (the first by customer id when several). Customer
// rates are truncated to 5 decimals; microgrid settings are exact. Shadow
// values are the text of the JSON values (jsonb numbers are exact numerics).
std::vector<billing::MeterTariffFacts> meter_tariff_facts(pqxx::transaction_base& tx,
                                                          const std::optional<std::string>& esco,
                                                          const std::string& as_of);

}  // namespace flows::db
