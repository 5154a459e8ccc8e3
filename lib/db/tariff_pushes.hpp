#pragma once
// Customers' next tariffs as a tariff push sends them to meters, and the record
// of each push in public.meter_tariff_pushes.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "db/meters.hpp"

namespace flows::db {

// The next customer tariff of one meter, as the database holds it.
struct NextCustomerTariff {
  MeterRow meter;               // id, serial, host, port, dst, hardware
  std::string customer;         // uuid text
  std::string period_start;     // YYYY-MM-DD
  std::string unit_rate;        // £/kWh, truncated to 5 decimals (text)
  std::string standing_charge;  // £/day, truncated to 5 decimals (text)
};

// Each active meter of the ESCO (its own or its property's) whose supply account
// (not closed) has an occupier with a live, prelive or onboarding customer: that
// customer's public.customer_tariffs row with the earliest period_start after
// today (UK date). One row per meter, by meter id.
std::vector<NextCustomerTariff> next_customer_tariffs(pqxx::transaction_base& tx, const std::string& esco);

struct TariffPushRecord {
  std::string meter_id, customer, period_start, unit_rate, standing_charge;
  std::string activation;               // ISO meter-clock time
  std::string outcome;                  // ok | mismatch | failed
  std::vector<std::string> mismatches;
  std::optional<std::string> read_back; // JSON
  std::optional<std::string> error;
};

void record_tariff_push(pqxx::transaction_base& tx, const TariffPushRecord& r);

}  // namespace flows::db
