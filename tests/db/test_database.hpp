#pragma once
// Databases and roles of a test's own on the server FLOWS_DATABASE_URL points
// at (a superuser connection, as scripts/pg-local.sh gives): created fresh and
// dropped again, so tests run in parallel without seeing each other's rows.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace flows::testing {

// FLOWS_DATABASE_URL; the test fails when it is not set.
std::string admin_url();

// prefix + a suffix no other test process picks ("test_migrate_4711_3_83621").
std::string unique_name(std::string_view prefix);

// conninfo (keywords or URI) with dbname replaced.
std::string with_dbname(const std::string& conninfo, const std::string& dbname);

class TestDatabase {
 public:
  // CREATE DATABASE <unique name from prefix> TEMPLATE template0, and a connection to it.
  explicit TestDatabase(std::string_view prefix);
  // Closes the connection and drops the database (with any other connections to it).
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  pqxx::connection& conn() { return *conn_; }
  // Another connection to the same database.
  std::unique_ptr<pqxx::connection> connect() const;

 private:
  std::string name_;
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
};

// A NOLOGIN role of the test's own, dropped in the destructor. Declare it before
// the TestDatabase it has privileges in, so the database goes first.
class TestRole {
 public:
  explicit TestRole(std::string_view prefix);
  ~TestRole();
  TestRole(const TestRole&) = delete;
  TestRole& operator=(const TestRole&) = delete;

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Collects the notices and warnings the server sends on a connection while it lives.
class NoticeCollector : public pqxx::errorhandler {
 public:
  explicit NoticeCollector(pqxx::connection_base& conn) : pqxx::errorhandler(conn) {}
  bool operator()(const char msg[]) noexcept override {
    messages.emplace_back(msg);
    return false;  // swallowed: tests print what they check
  }
  std::vector<std::string> messages;
};

}  // namespace flows::testing
