#pragma once
// Customers to add, from the command line or a customer file, validated before
// anything is written. No I/O.
//
// A customer file is YAML (a list of mappings, or a mapping with `customers:`)
// or CSV (a header row naming the columns, any order), with the fields:
//   email (required), name, esco and plot (the property; both or neither),
//   role (occupier, the default, or owner), account (supply, the default, solar
//   or ev), move_in (YYYY-MM-DD), status (pending, the default, or any status).
// Errors name the file and line: "customers.csv:4: email 'x' is not an email address".
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>

#include "billing/customer_status.hpp"

namespace flows::billing {

struct NewCustomer {
  int line = 0;  // in the file; 0 on the command line
  std::string email, name;
  std::string esco, plot;  // both empty: a customer without a property yet
  std::string role = "occupier";
  std::string account_type = "supply";
  std::optional<date::year_month_day> move_in;
  CustomerStatus status = CustomerStatus::pending;
};

// "SOURCE:LINE: " (or "" on the command line), to prefix a row's errors.
std::string where(const NewCustomer& c, const std::string& source);

// Checks one row: an email address (one @, a dotted domain, no spaces or
// control characters, at most 254 bytes), a name of valid UTF-8 without control
// characters, esco and plot together, role and account as spelt above.
// flows::Error (usage) naming the row.
void validate(const NewCustomer& c, const std::string& source);

// Whether `email` is a plausible address (as validate checks it).
bool valid_email(const std::string& email);

// The rows of a customer file, each validated, no email twice (compared
// without regard to case). The format comes from the name's extension (.csv;
// anything else is YAML).
std::vector<NewCustomer> parse_customers(const std::string& text, const std::string& source);

}  // namespace flows::billing
