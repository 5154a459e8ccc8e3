#pragma once
// One connection shared by a long-running process's callers (the gateway's
// meter source and audit) under a mutex, opened on first use and again after a
// database failure.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/transaction.hpp"

namespace flows::db {

class Session {
 public:
  explicit Session(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // f(transaction) in one transaction of type Tx; flows::Error(database) on failure.
  template <class Tx = pqxx::work, class F>
  auto run(std::string_view what, F&& f) {
    std::lock_guard g(mutex_);
    if (!conn_ || !conn_->is_open()) conn_ = connect(conninfo_);
    try {
      return in_transaction<Tx>(*conn_, what, std::forward<F>(f));
    } catch (const Error& e) {
      if (e.code() == ExitCode::database) conn_.reset();
      throw;
    }
  }

  // The same in a read-only transaction.
  template <class F>
  auto read(std::string_view what, F&& f) {
    return run<pqxx::read_transaction>(what, std::forward<F>(f));
  }

 private:
  std::string conninfo_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace flows::db
