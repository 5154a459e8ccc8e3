#pragma once
// What a month's billing run reads (lib/jobs/month_run.hpp), for the ESCOs in
// scope (ids): the circuits and their usage per UK day, the occupiers of
// supply accounts and their properties' circuits, topups, payments and
// balances, and solar installations and their allocations. Tariffs are in
// db/tariff_tables.hpp. Set-based reads (one query per kind of row, never one
// per customer); parameterised SQL; columns read by name.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/decimal.hpp"
#include "billing/month_bill.hpp"
#include "billing/solar_credits.hpp"

namespace flows::db {

struct CircuitRow {
  std::string id, name, type;  // name: the id when it has none; type as circuit_type_enum spells it
};

// The circuits linked in `range` to a register of an ESCO's meter.
std::vector<CircuitRow> circuits_in_range(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                          const billing::TimeRange& range);

// The links of those circuits' registers, clipped to `range` (a UK month).
std::vector<billing::CircuitLink> circuit_links(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                const billing::TimeRange& range);

// kWh of one register on one circuit on one UK day of a month.
struct CircuitDay {
  std::string_view circuit;  // valid during the call only
  int day = 0;               // of the month, 1-31
  billing::Decimal kwh;
  int half_hours = 0;
};

// Calls `each` for every register-day that `reads` name (billing::link_reads):
// whole UK days from flows.register_interval_daily (0009, kept with the half
// hours), the part ranges from flows.register_interval_hh. The reads are
// COPYed into temporary tables and joined in one query. Several rows may come
// for one circuit and day (several registers, or a register swapped).
void for_each_circuit_day(pqxx::transaction_base& tx, const std::vector<billing::LinkReads>& reads,
                          const std::function<void(const CircuitDay&)>& each);

// Occupiers of the ESCOs' supply accounts that are open, or closed with an
// end date after the month's start, whose occupancy dates reach into the month,
// ordered by account number, move-in and customer.
std::vector<billing::Occupancy> occupancies(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                            const billing::Month& month);

// Property id → its power and heat circuits linked in `range` to registers of
// its supply meter (ids, ordered).
std::map<std::string, std::vector<std::string>> property_circuits(pqxx::transaction_base& tx,
                                                                  const std::vector<std::string>& escos,
                                                                  const billing::TimeRange& range);

// For each window (an occupancy's billed days): the completed topups of its
// supply meter and the succeeded payments of its account inside it, and the
// meter's last balance reading before its end. One query for all.
billing::AccountLines account_lines(pqxx::transaction_base& tx, const std::vector<billing::OccupancyWindow>& windows);

// Solar installations on the ESCOs' properties, ordered by plot.
std::vector<billing::SolarInstallation> solar_installations(pqxx::transaction_base& tx,
                                                            const std::vector<std::string>& escos);
// Allocations of those installations, ordered by installation and plot.
std::vector<billing::SolarAllocation> solar_allocations(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& escos);
// Solar properties (a solar meter or a solar account) without an installation
// or an allocation, ordered by plot.
std::vector<billing::SolarProperty> uncredited_solar_properties(pqxx::transaction_base& tx,
                                                                const std::vector<std::string>& escos);

}  // namespace flows::db
