#pragma once
// Customers, their accounts and dated occupancy, their discounts, and solar
// installations with their allocations (public.customers, accounts,
// customer_accounts, customer_events, customer_tariffs, solar_installation,
// solar_credit_allocation). Parameterised SQL only; columns read by name.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "billing/decimal.hpp"
#include "billing/occupancy.hpp"
#include "billing/tariffs.hpp"

namespace flows::db {

struct CustomerRow {
  std::string id, email, name, status;
};

// By email, without regard to case.
std::optional<CustomerRow> find_customer(pqxx::transaction_base& tx, const std::string& email);
// The customers among `emails` that exist (lower-cased email → row), in one query.
std::vector<CustomerRow> find_customers(pqxx::transaction_base& tx, const std::vector<std::string>& emails);

std::string insert_customer(pqxx::transaction_base& tx, const std::string& email, const std::string& name,
                            const std::string& status);
void set_customer_status(pqxx::transaction_base& tx, const std::string& customer, const std::string& status);
// Appends to public.customer_events.
void customer_event(pqxx::transaction_base& tx, const std::string& customer, const std::string& type,
                    const nlohmann::json& data);

struct PropertyRef {
  std::string id, esco_id, esco_code, plot, region;
  std::string supply_meter;  // "" when none
};
// The property `plot` of the ESCO with code `esco`.
std::optional<PropertyRef> find_property(pqxx::transaction_base& tx, const std::string& esco, const std::string& plot);

// Inserts the ESCO's property `plot`, supplied by the meter `supply_serial`
// (and measuring the solar of `solar_serial`) when given. Returns the id, or
// nothing when the ESCO or a meter is not known (the caller says which).
struct NewProperty {
  std::string esco, plot, supply_serial, solar_serial;
};
struct PropertyRow {
  std::string esco, plot, supply_serial, solar_serial;
  std::string accounts;  // "1001 supply, 1002 solar"
};
std::string insert_property(pqxx::transaction_base& tx, const std::string& esco_id, const std::string& plot,
                            const std::string& supply_meter_id, const std::string& solar_meter_id);
// The ESCO's id by code, and a meter's id by serial ("" when unknown).
std::string esco_id(pqxx::transaction_base& tx, const std::string& code);
std::string meter_id(pqxx::transaction_base& tx, const std::string& serial);
// The property a meter supplies or measures the solar of ("" when none).
std::string property_of_meter(pqxx::transaction_base& tx, const std::string& meter_id);
std::vector<PropertyRow> list_properties(pqxx::transaction_base& tx, const std::optional<std::string>& esco);

struct AccountRef {
  std::string id;
  std::int64_t number = 0;
};
// The property's open (else pending) account of `type`, the oldest first.
std::optional<AccountRef> account_of(pqxx::transaction_base& tx, const std::string& property, const std::string& type);
AccountRef insert_account(pqxx::transaction_base& tx, const std::string& property, const std::string& type);

// The holders of an account with `role`, ordered by move-in.
std::vector<billing::Occupier> holders(pqxx::transaction_base& tx, const std::string& account, const std::string& role);
void insert_holder(pqxx::transaction_base& tx, const std::string& customer, const std::string& account,
                   const std::string& role, const std::optional<date::year_month_day>& move_in);
void set_move_out(pqxx::transaction_base& tx, const std::string& customer, const std::string& account,
                  const std::string& role, date::year_month_day move_out);

// What a customer holds: an account on a property, with a role and dates.
struct Holding {
  std::string account_id, type, role, plot, esco, property_id;
  std::int64_t account_number = 0;
  billing::OccupancyDates dates;
};
std::vector<Holding> holdings(pqxx::transaction_base& tx, const std::string& customer);

// A customer and what they hold (one row per holding; none: holding empty).
struct CustomerListRow {
  CustomerRow customer;
  std::optional<Holding> holding;
};
// Ordered by email, then account number. `esco`: only customers holding an
// account of that ESCO's properties; `status`: only those in that status.
std::vector<CustomerListRow> list_customers(pqxx::transaction_base& tx, const std::optional<std::string>& esco,
                                            const std::optional<std::string>& status);

struct CustomerTariffRow {
  date::year_month_day period_start;
  billing::Decimal discount;
  billing::Rates rates;
};
std::vector<CustomerTariffRow> customer_tariffs(pqxx::transaction_base& tx, const std::string& customer);
// Inserts or replaces the customer's row at `start`; returns the discount it
// replaced, if any.
std::optional<billing::Decimal> upsert_customer_tariff(pqxx::transaction_base& tx, const std::string& customer,
                                                       date::year_month_day start, const billing::Decimal& discount,
                                                       const billing::Rates& rates);

// Solar installations ------------------------------------------------------------

// The installation's capacity before (nullopt: a new one).
std::optional<billing::Decimal> upsert_installation(pqxx::transaction_base& tx, const std::string& property,
                                                    const billing::Decimal& capacity_kw);
bool has_installation(pqxx::transaction_base& tx, const std::string& property);
// The ESCO's solar credit tariff from `start`, inserted or replaced; returns
// the pence a year it replaced, if any.
std::optional<billing::Decimal> upsert_solar_tariff(pqxx::transaction_base& tx, const std::string& esco_id,
                                                    date::year_month_day start, const billing::Decimal& pence_per_year);
// Replaces the installation's allocations (property id, ratio); the database
// checks at commit that they sum to 1.
void replace_allocations(pqxx::transaction_base& tx, const std::string& installation,
                         const std::vector<std::pair<std::string, billing::Decimal>>& shares);

struct InstallationRow {
  std::string esco, plot;
  billing::Decimal capacity_kw;
  std::vector<std::pair<std::string, billing::Decimal>> shares;  // plot, ratio; empty: all to its own property
};
std::vector<InstallationRow> list_installations(pqxx::transaction_base& tx, const std::optional<std::string>& esco);

}  // namespace flows::db
