#pragma once
// A month's bill for the ESCOs in scope, decided from values (no I/O): who is
// billed and who is skipped and why, each billed customer's usage and costs at
// the three tariffs, and their statement.
//
// Who is billed: the occupier of each supply account (as loaded: open, or closed
// after the month's start) whose property belongs to an ESCO in scope, on the
// property's power and heat circuits. Customers that cannot be billed are
// skipped with the reason, never billed at zero: more than one supply account
// occupied, no microgrid tariff in force for their ESCO, no customer tariff in
// force (checked in that order). An ESCO with customers and without a benchmark
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
#include "billing/scope.hpp"
#include "billing/statement.hpp"
#include "billing/tariffs.hpp"

namespace flows::billing {

// An occupier of a supply account.
struct Occupancy {
  std::string customer_id, email, name;
  std::string account_id, property_id, plot, esco_id;
  std::string supply_meter;  // "" when the property has none
  std::int64_t account_number = 0;
};

// What a statement shows besides costs: completed topups of each supply meter
// and succeeded payments of each account in the month, and each meter's last
// balance reading before the month's end.
struct AccountLines {
  std::map<std::string, std::int64_t> topups;    // by meter id, pence
  std::map<std::string, std::int64_t> payments;  // by account id, pence
  std::map<std::string, Decimal> balance;        // by meter id, £
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
};

// Why `o` cannot be billed, or nothing. `accounts_occupied`: how many supply
// accounts of the month the customer occupies.
std::optional<std::string> skip_reason(const MonthInputs& in, const Esco& esco, const Occupancy& o,
                                       int accounts_occupied);

struct CustomerBill {
  const Occupancy* occupancy = nullptr;  // into MonthInputs
  const Esco* esco = nullptr;
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
// (solar credit, topups, payments and balance from the inputs).
MonthBill bill_month(const MonthInputs& in, const CircuitMonths& circuits, bool statements);

// The statement's input for a billed customer (costs, usage and lines filled in).
StatementInput statement_input(const MonthInputs& in, const CustomerBill& bill, const PropertyUsage& usage);

// "YYYY-MM-DD" of each charged day of the month.
std::vector<std::string> charged_days(const Month& month, int days);

}  // namespace flows::billing
