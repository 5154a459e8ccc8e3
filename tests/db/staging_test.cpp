// db::stage_rows against a real PostgreSQL: rows COPYed into a temporary table,
// values that need COPY escaping, NULLs, the pg_temp name it returns, and names
// it refuses before sending anything.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <stdexcept>
#include <string>
#include <tuple>

#include "db/staging.hpp"
#include "test_database.hpp"

using flows::db::stage_rows;
using flows::testing::TestDatabase;

TEST_CASE("stage_rows COPYs rows into a temporary table dropped at commit") {
  TestDatabase db{"staging"};
  {  // a table of the same name on the search path must not stand in for it
    pqxx::work w{db.conn()};
    w.exec0("CREATE TABLE public.staged (id integer, note text, payload jsonb)");
    w.exec0("INSERT INTO public.staged VALUES (99, 'decoy', '{}')");
    w.commit();
  }
  pqxx::work w{db.conn()};
  w.exec0("SET LOCAL search_path = public, pg_temp");
  const std::string odd = "tab\there, newline\nhere, backslash \\ and \\N";
  const std::string table = stage_rows(
      w, "staged", {{"id", "integer"}, {"note", "text"}, {"payload", "jsonb"}}, [&](pqxx::stream_to& copy) {
        copy << std::make_tuple(1, odd.c_str(), "{\"a\": \"x\\ty\", \"b\": [1, 2.50]}");
        copy << std::make_tuple(2, static_cast<const char*>(nullptr), static_cast<const char*>(nullptr));
      });
  CHECK(table == "pg_temp.staged");
  const pqxx::result r = w.exec("SELECT id, note, payload::text, note IS NULL FROM " + table + " ORDER BY id");
  REQUIRE(r.size() == 2);
  CHECK(r[0][0].as<int>() == 1);
  CHECK(r[0][1].as<std::string>() == odd);
  CHECK(r[0][2].as<std::string>() == "{\"a\": \"x\\ty\", \"b\": [1, 2.50]}");
  CHECK(r[1][3].as<bool>());
  CHECK(r[1][2].is_null());
  w.commit();

  pqxx::work after{db.conn()};
  CHECK(after.exec1("SELECT count(*) FROM pg_class WHERE relname = 'staged' AND relpersistence = 't'")[0].as<int>() ==
        0);
  CHECK(after.exec1("SELECT id FROM public.staged")[0].as<int>() == 99);
}

TEST_CASE("stage_rows refuses names and types that are not plain, before any SQL") {
  TestDatabase db{"staging_names"};
  pqxx::work w{db.conn()};
  const auto nothing = [](pqxx::stream_to&) {};
  CHECK_THROWS_AS(stage_rows(w, "x; DROP TABLE y", {{"a", "integer"}}, nothing), std::invalid_argument);
  CHECK_THROWS_AS(stage_rows(w, "Staged", {{"a", "integer"}}, nothing), std::invalid_argument);
  CHECK_THROWS_AS(stage_rows(w, "staged", {{"a\"", "integer"}}, nothing), std::invalid_argument);
  CHECK_THROWS_AS(stage_rows(w, "staged", {{"a", "integer) ; DROP TABLE y; --"}}, nothing), std::invalid_argument);
  CHECK_THROWS_AS(stage_rows(w, "staged", {}, nothing), std::invalid_argument);
  // The transaction is still good: nothing was sent.
  CHECK(w.exec1("SELECT count(*) FROM pg_class WHERE relname = 'staged'")[0].as<int>() == 0);
}
