#pragma once
// "Run this in a transaction and turn a database failure into one line": the one
// way repositories' callers scope their work. The function gets the transaction;
// it commits when the function returns and rolls back when anything throws.
// Every libpqxx exception (a server error, a lost connection, and also a NULL or
// an unconvertible value read from a row, a statement returning no row where
// one was expected) becomes flows::Error(database) "<context>: <one line>";
// every other exception (a flows::Error from a decision, a bug) passes through.
#include <string_view>
#include <type_traits>
#include <utility>

#include <pqxx/pqxx>

#include "db/db_error.hpp"

namespace flows::db {

template <class Tx = pqxx::work, class F>
auto in_transaction(pqxx::connection& conn, std::string_view context, F&& f) {
  using R = std::invoke_result_t<F&, Tx&>;
  try {
    Tx tx(conn);
    if constexpr (std::is_void_v<R>) {
      f(tx);
      tx.commit();
    } else {
      R result = f(tx);
      tx.commit();
      return result;
    }
  } catch (const pqxx::pqxx_exception& e) {
    throw database_error(context, e.base());
  }
}

// The same for reads: a read-only transaction (nothing to commit).
template <class F>
auto in_read_transaction(pqxx::connection& conn, std::string_view context, F&& f) {
  return in_transaction<pqxx::read_transaction>(conn, context, std::forward<F>(f));
}

}  // namespace flows::db
