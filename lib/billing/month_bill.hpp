#pragma once
// A month's bill for the ESCOs in scope, decided from values (no I/O): who is
// billed and who is skipped and why, each billed customer's usage and costs at
// the three tariffs, and their statement.
//
// Who is billed: the occupier of each supply account (as loaded: open, or closed
// after the month's start) whose property belongs to an ESCO in scope, on the
// property's power and heat circuits, for the days of the month they occupied it
// (occupied_days: usage of those days, standing charge for those days). An
// occupancy with no day in the month's charged days is not billed. Customers
// that cannot be billed are skipped with the reason, never billed at zero: a
// status other than live or exiting (exiting customers get their final bill),
// more than one supply account occupied in the month, no microgrid tariff in
// force for their ESCO, no customer tariff in force (checked in that order). An ESCO with customers and without a benchmark
// in force fails the whole month (require_benchmarks).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "billing/calendar.hpp"
#include "billing/costs.hpp"
#include "billing/month_usage.hpp"
#include "billing/occupancy.hpp"
#include "billing/scope.hpp"
#include "billing/statement.hpp"
#include "billing/tariffs.hpp"
#include "core/exit_codes.hpp"

namespace flows::billing {

// An occupier of a supply account, over the dates of their occupancy.
struct Occupancy {
  std::string customer_id, email, name;
  std::string account_id, property_id, plot, esco_id;
  std::string supply_meter;  // "" when the property has none
  std::int64_t account_number = 0;
  std::string status;        // as customer_status_enum spells it
  OccupancyDates dates;
};

// The key of an occupancy in AccountLines: one customer on one account.
std::string occupancy_key(const Occupancy& o);

// The part of the month an occupancy is billed for, as instants: what its
// topups, payments and closing balance are read over (db::account_lines).
struct OccupancyWindow {
  std::string key;  // occupancy_key
  std::string supply_meter, account_id;
  TimeRange range;
};
std::vector<OccupancyWindow> occupancy_windows(const std::vector<Occupancy>& occupancies, const Month& month,
                                               int days_charged);

// What a statement shows besides costs, per occupancy (occupancy_key) over the
// days it is billed for: completed topups of the supply meter, succeeded
// payments of the account, and the meter's last balance reading before the
// occupancy's last billed day ends.
struct AccountLines {
  std::map<std::string, std::int64_t> topups;    // pence
  std::map<std::string, std::int64_t> payments;  // pence
  std::map<std::string, Decimal> balance;        // £
};

// Everything a month's bill is decided from.
struct MonthInputs {
  Month month{2000, 1};
  int days = 0;  // days charged (days_elapsed)
  std::vector<Esco> escos;
  std::vector<Occupancy> occupancies;                               // by account number
  std::map<std::string, std::vector<std::string>> property_circuits;  // property id → power and heat circuit ids
  std::map<std::string, Rates> benchmark;  // by region, in force
  std::map<std::string, Rates> microgrid;  // by ESCO id, in force
  std::map<std::string, Rates> customer;   // by customer id, in force, as on the meter (as_on_meter)
  AccountLines account_lines;                            // for statements
  std::map<std::string, std::int64_t> solar_by_property;  // pence, for statements
};

// flows::Error (config) when an ESCO with occupancies to bill has no region or
// no benchmark in force (benchmark_for), naming the first such ESCO by id order.
void require_benchmarks(const MonthInputs& in);

struct SkippedCustomer {
  std::string customer_id, email, esco;  // esco: code
  std::int64_t account_number = 0;
  std::string reason;
  // The run's status were every customer skipped like this one: a missing tariff
  // or an ambiguous occupancy is configuration (3); a status that is not billed, 7.
  ExitCode code = ExitCode::partial;
};

struct SkipReason {
  std::string reason;
  ExitCode code = ExitCode::partial;
};

// Why `o` cannot be billed, or nothing. `accounts_occupied`: how many supply
// accounts the customer occupies on some day of the month.
std::optional<SkipReason> skip_reason(const MonthInputs& in, const Esco& esco, const Occupancy& o,
                                       int accounts_occupied);

struct CustomerBill {
  const Occupancy* occupancy = nullptr;  // into MonthInputs
  const Esco* esco = nullptr;
  DayRange days;  // of the month, billed
  CustomerUsage usage;
  Rates rates;  // the customer's
  MonthlyCosts costs;
  nlohmann::json statement;  // null unless statements were asked for
  std::int64_t statement_total_pence = 0;
};

struct MonthBill {
  std::vector<CustomerBill> billed;  // in occupancy order
  std::vector<SkippedCustomer> skipped;
  Decimal customer_total;  // exact sum of the billed customers' totals, £
};

// The month's bill. With `statements`, each billed customer's statement too
// (topups, payments and balance of the days they occupied from the inputs; the
// property's solar credit on the statement of whoever occupies it on the last
// charged day).
MonthBill bill_month(const MonthInputs& in, const CircuitMonths& circuits, bool statements);

// The statement's input for a billed customer (costs, usage and lines filled in;
// `usage` over the billed days).
StatementInput statement_input(const MonthInputs& in, const CustomerBill& bill, const PropertyUsage& usage);

// "YYYY-MM-DD" of each charged day of the month.
std::vector<std::string> charged_days(const Month& month, int days);

}  // namespace flows::billing
