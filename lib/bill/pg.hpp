#pragma once
// Exact decimals from and for PostgreSQL numeric columns (read as text).
#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

#include "billing/decimal.hpp"

namespace flows::bill::pg {

// A numeric field's exact value; throws std::runtime_error on NULL or on text that
// is not a plain decimal (NaN, say).
inline billing::Decimal decimal(const pqxx::field& f) {
  if (f.is_null()) throw std::runtime_error(std::string("unexpected NULL in ") + f.name());
  auto d = billing::Decimal::parse(f.c_str());
  if (!d) throw std::runtime_error(std::string("not an exact decimal in ") + f.name() + ": " + f.c_str());
  return *d;
}

}  // namespace flows::bill::pg
