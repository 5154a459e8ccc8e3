#pragma once
// flows-bill's customer commands: customers added (one, or a whole file all or
// nothing), their status moved along the spec's chain, move-in and move-out,
// their discount, and solar installations with their allocations. Each runs in
// one transaction that reads and checks everything before its first write, so a
// refused command writes nothing. Refusals are flows::Error (usage) with one
// line naming the customer (and the file's line); a discount without a
// benchmark in force is ExitCode::config.
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/customer_document.hpp"
#include "billing/decimal.hpp"
#include "db/customers.hpp"

namespace flows::jobs {

struct AddedCustomer {
  std::string email;
  bool created = false;  // false: it existed as given (unchanged)
  std::int64_t account_number = 0;  // 0 without a property
  bool account_created = false;
};

struct AddReport {
  std::vector<AddedCustomer> customers;
  std::size_t created() const;
};

// Adds the customers: each with its account on the property (the property's
// open account of that type, created when it has none) and its role from
// move_in. A customer that exists already holding the same account in the same
// role is unchanged (so an import can be re-run); any other existing email,
// an unknown property, or a move-in onto an account someone else still
// occupies is refused, naming the row. `source` names the rows' file.
AddReport add_customers(pqxx::connection& conn, const std::vector<billing::NewCustomer>& rows,
                        const std::string& source, bool dry_run);

struct StatusChange {
  std::string email, from, to;
  bool changed = false;  // false: it was already `to`
};
StatusChange set_status(pqxx::connection& conn, const std::string& email, billing::CustomerStatus to,
                        const std::string& note);

struct MoveOptions {
  std::string email;
  date::year_month_day day;
  std::string esco, plot;      // move-in: required; move-out: only to say which holding
  std::string role = "occupier";
  std::string account_type = "supply";
};
struct MoveReport {
  std::string email, esco, plot;
  std::int64_t account_number = 0;
  bool account_created = false;
};
MoveReport move_in(pqxx::connection& conn, const MoveOptions& o);
MoveReport move_out(pqxx::connection& conn, const MoveOptions& o);

struct DiscountReport {
  std::string email, period_start;
  billing::Decimal discount;
  std::optional<billing::Decimal> replaced;
  billing::Rates rates;  // as programmed into the meter (truncated to 5 decimals)
};
// The customer's tariff from `start` (the first of a month) at `discount` % off
// the benchmark in force then for their ESCO's region (the ESCO of the supply
// account they occupy on `start`).
DiscountReport set_discount(pqxx::connection& conn, const std::string& email, const billing::Decimal& discount,
                            date::year_month_day start);

struct CustomerDetails {
  db::CustomerRow customer;
  std::vector<db::Holding> holdings;
  std::vector<db::CustomerTariffRow> tariffs;
};
CustomerDetails show_customer(pqxx::connection& conn, const std::string& email);
std::vector<db::CustomerListRow> list_customers(pqxx::connection& conn, const std::optional<std::string>& esco,
                                                const std::optional<std::string>& status);
std::vector<db::PropertyRow> list_properties(pqxx::connection& conn, const std::optional<std::string>& esco);
std::vector<db::InstallationRow> list_installations(pqxx::connection& conn, const std::optional<std::string>& esco);

// A property of an ESCO (public.properties), supplied by a meter of the
// registry. Refused: an unknown ESCO or meter, a plot the ESCO has, a meter
// another property has.
void add_property(pqxx::connection& conn, const db::NewProperty& p);

// Solar ----------------------------------------------------------------------------

struct InstallationReport {
  std::string esco, plot;
  billing::Decimal capacity_kw;
  std::optional<billing::Decimal> replaced;
};
InstallationReport add_installation(pqxx::connection& conn, const std::string& esco, const std::string& plot,
                                    const billing::Decimal& capacity_kw);

// The ESCO's solar credit tariff (pence a year, 0 to 1,000,000) from `start`;
// the pence it replaced, if any.
std::optional<billing::Decimal> set_solar_tariff(pqxx::connection& conn, const std::string& esco,
                                                 date::year_month_day start, const billing::Decimal& pence_per_year);

// `shares`: plot → ratio; the ratios must be in (0, 1] and sum to exactly 1.
void allocate_installation(pqxx::connection& conn, const std::string& esco, const std::string& installation_plot,
                           const std::vector<std::pair<std::string, billing::Decimal>>& shares);

// Why the shares cannot be an installation's allocation, or nothing (pure).
std::optional<std::string> allocation_problem(const std::vector<std::pair<std::string, billing::Decimal>>& shares);

}  // namespace flows::jobs
