#pragma once
// The gateway's one connection to its database, shared by its callers under a
// mutex, opened on first use and again after a database failure.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/transaction.hpp"

namespace flows::gateway {

class DbSession {
 public:
  explicit DbSession(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // f(transaction) in one transaction of type Tx; flows::Error(database) on failure.
  template <class Tx = pqxx::work, class F>
  auto run(std::string_view what, F&& f) {
    std::lock_guard g(mutex_);
    if (!conn_ || !conn_->is_open()) conn_ = db::connect(conninfo_);
    try {
      return db::in_transaction<Tx>(*conn_, what, std::forward<F>(f));
    } catch (const Error& e) {
      if (e.code() == ExitCode::database) conn_.reset();
      throw;
    }
  }

 private:
  std::string conninfo_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace flows::gateway
