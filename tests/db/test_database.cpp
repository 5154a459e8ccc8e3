#include "test_database.hpp"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <random>
#include <stdexcept>

namespace flows::testing {
namespace {

// A conninfo value, quoted when libpq needs it.
std::string quoted(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}


}  // namespace

std::string admin_url() {
  const char* url = std::getenv("FLOWS_DATABASE_URL");
  REQUIRE_MESSAGE(url != nullptr, "FLOWS_DATABASE_URL is not set; run the db tests through ctest (fixture pg)");
  return url;
}

std::string unique_name(std::string_view prefix) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::string(prefix) + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(rd() % 100000);
}

std::string with_dbname(const std::string& conninfo, const std::string& dbname) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (options == nullptr) {
    std::string why = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    throw std::runtime_error("cannot parse FLOWS_DATABASE_URL: " + why);
  }
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    out += std::string(o->keyword) + "=" + quoted(o->val) + " ";
  }
  PQconninfoFree(options);
  return out + "dbname=" + quoted(dbname);
}

TestDatabase::TestDatabase(std::string_view prefix) : name_(unique_name("test_" + std::string(prefix))) {
  {
    pqxx::connection admin{admin_url()};
    pqxx::nontransaction n{admin};
    // template0: nobody is ever connected to it, so parallel creations never
    // trip over "source database is being accessed by other users".
    n.exec0("CREATE DATABASE " + n.quote_name(name_) + " TEMPLATE template0");
  }
  url_ = with_dbname(admin_url(), name_);
  conn_ = connect();
}

TestDatabase::~TestDatabase() {
  conn_.reset();
  try {
    pqxx::connection admin{admin_url()};
    pqxx::nontransaction n{admin};
    n.exec0("DROP DATABASE IF EXISTS " + n.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    MESSAGE("could not drop test database " << name_ << ": " << e.what());
  }
}

std::unique_ptr<pqxx::connection> TestDatabase::connect() const { return std::make_unique<pqxx::connection>(url_); }

TestRole::TestRole(std::string_view prefix) : name_(unique_name("test_" + std::string(prefix))) {
  pqxx::connection admin{admin_url()};
  pqxx::nontransaction n{admin};
  n.exec0("CREATE ROLE " + n.quote_name(name_) + " NOLOGIN");
}

TestRole::~TestRole() {
  try {
    pqxx::connection admin{admin_url()};
    pqxx::nontransaction n{admin};
    n.exec0("DROP ROLE IF EXISTS " + n.quote_name(name_));
  } catch (const std::exception& e) {
    MESSAGE("could not drop test role " << name_ << ": " << e.what());
  }
}

}  // namespace flows::testing
