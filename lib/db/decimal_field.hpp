#pragma once
// Exact decimals from PostgreSQL numeric columns (selected as text), and dates
// from date columns (text, ISO), for the billing repositories.
#include <optional>
#include <string>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/decimal.hpp"
#include "core/emop_time.hpp"

namespace flows::db {

// A numeric field's exact value. NULL, or text that is not a plain decimal
// (NaN, say), is data the schema does not allow: pqxx::failure, so the caller's
// transaction reports it as a database error (db/transaction.hpp).
inline billing::Decimal decimal_field(const pqxx::field& f) {
  if (f.is_null()) throw pqxx::failure(std::string("unexpected NULL in ") + f.name());
  auto d = billing::Decimal::parse(f.c_str());
  if (!d) throw pqxx::failure(std::string("not an exact decimal in ") + f.name() + ": " + f.c_str());
  return *d;
}

inline std::optional<billing::Decimal> optional_decimal_field(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return decimal_field(f);
}

// A date field (YYYY-MM-DD); anything else is pqxx::failure as above.
inline date::year_month_day date_field(const pqxx::field& f) {
  auto d = parse_date(f.is_null() ? std::string() : f.c_str());
  if (!d) throw pqxx::failure(std::string("not a date in ") + f.name() + ": " + (f.is_null() ? "NULL" : f.c_str()));
  return *d;
}

}  // namespace flows::db
