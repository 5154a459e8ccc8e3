// Smoke test of the throwaway PostgreSQL from scripts/pg-local.sh: connects with
// the conninfo in FLOWS_DATABASE_URL and round-trips a value through a table in
// a schema of its own, which it drops again.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>

namespace {

std::string database_url() {
  const char* url = std::getenv("FLOWS_DATABASE_URL");
  return url == nullptr ? std::string{} : std::string{url};
}

// A schema name no other run (or parallel test process) will pick.
std::string unique_schema_name() {
  std::random_device rd;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "flows_smoke_" + std::to_string(::getpid()) + "_" + std::to_string(now % 1000000) + "_" +
         std::to_string(rd() % 100000);
}

// Drops the schema if a failed assertion left it behind.
struct schema_guard {
  pqxx::connection& conn;
  std::string name;
  ~schema_guard() {
    try {
      pqxx::work w{conn};
      w.exec0("DROP SCHEMA IF EXISTS " + w.quote_name(name) + " CASCADE");
      w.commit();
    } catch (const std::exception&) {
      // Best effort only: the connection may be the thing that failed.
    }
  }
};

}  // namespace

TEST_CASE("PostgreSQL 15 from FLOWS_DATABASE_URL round-trips a bound value") {
  const std::string url = database_url();
  REQUIRE_MESSAGE(!url.empty(),
                  "FLOWS_DATABASE_URL is not set; run `eval \"$(scripts/pg-local.sh start DIR)\"` first");

  pqxx::connection conn{url};
  REQUIRE(conn.is_open());

  {
    pqxx::nontransaction n{conn};
    const std::string version = n.exec1("SHOW server_version_num")[0].as<std::string>();
    INFO("server_version_num = " << version);
    CHECK(version.size() == 6);
    CHECK(version.rfind("15", 0) == 0);
  }

  const std::string schema = unique_schema_name();
  schema_guard guard{conn, schema};
  const std::string table = conn.quote_name(schema) + ".reading";
  const std::string label = "Flat 3 — meter EML2137580826 'kWh'";

  {
    pqxx::work w{conn};
    w.exec0("CREATE SCHEMA " + w.quote_name(schema));
    w.exec0("CREATE TABLE " + table + " (id integer PRIMARY KEY, label text NOT NULL, kwh numeric(12,3) NOT NULL)");
    const pqxx::result inserted =
        w.exec_params("INSERT INTO " + table + " (id, label, kwh) VALUES ($1, $2, $3)", 7, label, "1234.567");
    CHECK(inserted.affected_rows() == 1);
    w.commit();
  }

  {
    pqxx::work w{conn};
    const pqxx::result r = w.exec_params("SELECT label, kwh::text FROM " + table + " WHERE id = $1", 7);
    REQUIRE(r.size() == 1);
    CHECK(r[0][0].as<std::string>() == label);
    CHECK(r[0][1].as<std::string>() == "1234.567");
    w.commit();
  }

  {
    pqxx::work w{conn};
    w.exec0("DROP SCHEMA " + w.quote_name(schema) + " CASCADE");
    w.commit();
  }

  {
    pqxx::work w{conn};
    const pqxx::row count =
        w.exec_params1("SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema);
    CHECK(count[0].as<long>() == 0);
    w.commit();
  }
}
