// The migration runner against a real PostgreSQL 15: every test case migrates a
// database of its own (see test_database.hpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "test_database.hpp"

using flows::testing::TestDatabase;
namespace db = flows::db;

namespace {

std::vector<int> versions(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}

// The error a call throws, which must be a flows::Error.
template <class F>
flows::Error error_of(F&& f) {
  try {
    f();
  } catch (const flows::Error& e) {
    return e;
  }
  FAIL("expected a flows::Error");
  return flows::Error(flows::ExitCode::ok, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

int count(pqxx::connection& conn, const std::string& sql) {
  pqxx::work w{conn};
  return w.exec1(sql)[0].as<int>();
}

bool relation_exists(pqxx::connection& conn, const std::string& name) {
  pqxx::work w{conn};
  return !w.exec_params1("SELECT to_regclass($1)", name)[0].is_null();
}

}  // namespace

TEST_CASE("the embedded migrations are schema/0001.. in order, each with the SHA-256 of its text") {
  const auto ms = db::embedded_migrations();
  REQUIRE(ms.size() >= 5);
  CHECK(db::latest_version() == static_cast<int>(ms.size()));
  CHECK(ms[0].name == "flows_core");
  CHECK(db::label(ms[0]) == "0001 flows_core");

  pqxx::connection conn{flows::testing::admin_url()};
  pqxx::work w{conn};
  for (std::size_t i = 0; i < ms.size(); ++i) {
    CAPTURE(db::label(ms[i]));
    CHECK(ms[i].version == static_cast<int>(i) + 1);
    const auto sha = w.exec_params1("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", std::string(ms[i].sql));
    CHECK(sha[0].as<std::string>() == std::string(ms[i].checksum));
  }
}

TEST_CASE("an empty database migrates to the latest version, and a second run changes nothing") {
  TestDatabase tdb{"migrate_empty"};
  const int latest = db::latest_version();

  const db::Status before = db::status(tdb.conn());
  CHECK(before.current_version == 0);
  CHECK(before.latest_version == latest);
  CHECK(before.applied.empty());
  CHECK(static_cast<int>(before.pending.size()) == latest);
  CHECK_FALSE(before.up_to_date());
  CHECK_FALSE(relation_exists(tdb.conn(), "public.flows_migrations"));  // status only reads

  const db::MigrateResult first = db::migrate(tdb.conn());
  CHECK(first.from_version == 0);
  CHECK(first.to_version == latest);
  CHECK(first.applied == versions(1, latest));

  const db::Status after = db::status(tdb.conn());
  CHECK(after.current_version == latest);
  CHECK(after.pending.empty());
  CHECK(after.up_to_date());
  REQUIRE(static_cast<int>(after.applied.size()) == latest);
  for (const auto& a : after.applied) {
    const auto& m = db::embedded_migrations()[static_cast<std::size_t>(a.version - 1)];
    CHECK(a.name == std::string(m.name));
    CHECK(a.checksum == std::string(m.checksum));
    CHECK_FALSE(a.applied_at.empty());
  }
  CHECK_NOTHROW(db::require_current(tdb.conn()));
  CHECK(relation_exists(tdb.conn(), "flows.meter_registry"));
  CHECK(relation_exists(tdb.conn(), "flows.register_interval_hh_missing"));
  CHECK(relation_exists(tdb.conn(), "public.topups"));

  const db::MigrateResult second = db::migrate(tdb.conn());
  CHECK(second.applied.empty());
  CHECK(second.from_version == latest);
  CHECK(second.to_version == latest);
  const db::Status again = db::status(tdb.conn());
  REQUIRE(again.applied.size() == after.applied.size());
  for (std::size_t i = 0; i < again.applied.size(); ++i) {
    CHECK(again.applied[i].applied_at == after.applied[i].applied_at);
  }
}

TEST_CASE("a database at every earlier version migrates to the latest") {
  const int latest = db::latest_version();
  for (int k = 0; k < latest; ++k) {
    CAPTURE(k);
    TestDatabase tdb{"migrate_from_" + std::to_string(k)};

    const db::MigrateResult partial = db::migrate(tdb.conn(), k);
    CHECK(partial.to_version == k);
    CHECK(partial.applied == versions(1, k));

    const db::Status s = db::status(tdb.conn());
    CHECK(s.current_version == k);
    REQUIRE(static_cast<int>(s.pending.size()) == latest - k);
    CHECK(s.pending.front().version == k + 1);

    const flows::Error behind = error_of([&] { db::require_current(tdb.conn()); });
    CHECK(behind.code() == flows::ExitCode::database);
    CHECK(std::string(behind.what()) == "database schema is at version " + std::to_string(k) +
                                            ", this tool needs " + std::to_string(latest) +
                                            ": run `emop db migrate`");

    const db::MigrateResult rest = db::migrate(tdb.conn());
    CHECK(rest.from_version == k);
    CHECK(rest.to_version == latest);
    CHECK(rest.applied == versions(k + 1, latest));
    CHECK(db::status(tdb.conn()).up_to_date());
    CHECK_NOTHROW(db::require_current(tdb.conn()));
  }
}

TEST_CASE("a database recorded at a version newer than the tool knows is refused") {
  TestDatabase tdb{"migrate_newer"};
  db::migrate(tdb.conn());
  const int latest = db::latest_version();
  {
    pqxx::work w{tdb.conn()};
    w.exec_params("INSERT INTO public.flows_migrations (version, name, checksum) VALUES ($1, 'from_a_newer_tool', 'ab')",
                  latest + 1);
    w.commit();
  }

  const db::Status s = db::status(tdb.conn());
  CHECK(s.current_version == latest + 1);
  CHECK(s.unknown == std::vector<int>{latest + 1});
  CHECK_FALSE(s.up_to_date());

  for (const flows::Error& e : {error_of([&] { db::migrate(tdb.conn()); }),
                                error_of([&] { db::require_current(tdb.conn()); })}) {
    CHECK(e.code() == flows::ExitCode::database);
    const std::string m = e.what();
    CHECK(m == "database schema is at version " + std::to_string(latest + 1) + ", newer than this tool knows (" +
                   std::to_string(latest) + "): use a newer version of the Flows tools");
  }
}

TEST_CASE("a migration recorded with another checksum than the tool's is refused") {
  TestDatabase tdb{"migrate_tampered"};
  db::migrate(tdb.conn(), 2);
  {
    pqxx::work w{tdb.conn()};
    w.exec0("UPDATE public.flows_migrations SET checksum = repeat('0', 64) WHERE version = 1");
    w.commit();
  }

  CHECK(db::status(tdb.conn()).modified == std::vector<int>{1});
  const flows::Error e = error_of([&] { db::migrate(tdb.conn()); });
  CHECK(e.code() == flows::ExitCode::database);
  CHECK(contains(e.what(), "migration 0001 flows_core"));
  CHECK(contains(e.what(), "checksum mismatch"));
  CHECK(std::string(e.what()).find('\n') == std::string::npos);
  CHECK(db::status(tdb.conn()).current_version == 2);  // nothing more applied
  CHECK(error_of([&] { db::require_current(tdb.conn()); }).code() == flows::ExitCode::database);
}

TEST_CASE("a failing migration is rolled back and not recorded") {
  TestDatabase tdb{"migrate_failing"};
  const auto embedded = db::embedded_migrations();
  std::vector<db::Migration> list(embedded.begin(), embedded.end());
  const int broken = static_cast<int>(list.size()) + 1;
  list.push_back({broken, "broken", "CREATE TABLE public.half_done (x integer);\nSELECT 1 / 0;", "0"});

  const flows::Error e = error_of([&] { db::migrate(tdb.conn(), list, broken); });
  CHECK(e.code() == flows::ExitCode::database);
  CHECK(std::string(e.what()) == "migration " + db::label(list.back()) + " failed: division by zero");

  const db::Status s = db::status(tdb.conn(), list);
  CHECK(s.current_version == broken - 1);  // the ones before it are kept
  REQUIRE(s.pending.size() == 1);
  CHECK(s.pending[0].version == broken);
  CHECK_FALSE(relation_exists(tdb.conn(), "public.half_done"));
}

TEST_CASE("two migrators at once apply each migration exactly once") {
  TestDatabase tdb{"migrate_concurrent"};
  const int latest = db::latest_version();
  std::vector<db::MigrateResult> results(3);
  std::vector<std::string> failures(3);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        auto conn = tdb.connect();
        results[i] = db::migrate(*conn);
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();

  std::vector<int> all;
  for (std::size_t i = 0; i < results.size(); ++i) {
    CAPTURE(i);
    CHECK(failures[i].empty());
    CHECK(results[i].to_version == latest);
    all.insert(all.end(), results[i].applied.begin(), results[i].applied.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(all == versions(1, latest));
  CHECK(count(tdb.conn(), "SELECT count(*) FROM public.flows_migrations") == latest);
}

TEST_CASE("a target version outside 0..latest is a usage error") {
  TestDatabase tdb{"migrate_target"};
  const flows::Error e = error_of([&] { db::migrate(tdb.conn(), db::latest_version() + 1); });
  CHECK(e.code() == flows::ExitCode::usage);
  CHECK(error_of([&] { db::migrate(tdb.conn(), -1); }).code() == flows::ExitCode::usage);
  CHECK(db::migrate(tdb.conn(), 0).to_version == 0);  // only the record table
  CHECK(relation_exists(tdb.conn(), "public.flows_migrations"));
}

TEST_CASE("a flows schema these tools did not set up is refused, not half migrated") {
  TestDatabase tdb{"migrate_foreign"};
  {
    pqxx::work w{tdb.conn()};
    w.exec0("CREATE SCHEMA flows");
    w.exec0("CREATE TABLE flows.meter_registry (id uuid PRIMARY KEY)");
    w.commit();
  }
  const flows::Error e = error_of([&] { db::migrate(tdb.conn()); });
  CHECK(e.code() == flows::ExitCode::database);
  CHECK(contains(e.what(), "not set up by these tools"));
  CHECK_FALSE(relation_exists(tdb.conn(), "public.flows_migrations"));
}

TEST_CASE("versions recorded as adopted satisfy the tools; later ones still apply; a fresh database is managed") {
  TestDatabase tdb{"migrate_adopted"};
  {
    pqxx::work w{tdb.conn()};
    w.exec0("CREATE TABLE public.flows_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now(), checksum text NOT NULL)");
    for (int v = 1; v < db::latest_version(); ++v)
      w.exec_params0("INSERT INTO public.flows_migrations (version, name, checksum) VALUES ($1, 'x', $2)", v,
                     db::adopted_checksum);
    w.commit();
  }
  auto s = db::status(tdb.conn());
  CHECK(s.adopted == versions(1, db::latest_version() - 1));
  CHECK(s.modified.empty());
  REQUIRE(s.pending.size() == 1);
  CHECK(s.pending[0].version == db::latest_version());
  CHECK(error_of([&] { db::require_current(tdb.conn()); }).code() == flows::ExitCode::database);
  {
    pqxx::work w{tdb.conn()};
    w.exec_params0("INSERT INTO public.flows_migrations (version, name, checksum) VALUES ($1, 'x', $2)",
                   db::latest_version(), db::adopted_checksum);
    w.commit();
  }
  s = db::status(tdb.conn());
  CHECK(s.up_to_date());
  CHECK(s.current_version == db::latest_version());
  db::require_current(tdb.conn());
}

TEST_CASE("connect opens the database, and its failures never show the password") {
  auto conn = db::connect(flows::testing::admin_url());
  {
    pqxx::work w{*conn};
    CHECK(w.exec1("SELECT 1 + 1")[0].as<int>() == 2);
  }

  const flows::Error refused = error_of(
      [] { db::connect("host=/nonexistent-flows-test port=1 user=someone password=s3cretpw dbname=nowhere"); });
  CHECK(refused.code() == flows::ExitCode::database);
  const std::string m = refused.what();
  CHECK(contains(m, "cannot connect to the database (user=someone password=*** dbname=nowhere "
                    "host=/nonexistent-flows-test port=1): "));
  CHECK_FALSE(contains(m, "s3cretpw"));
  CHECK(m.find('\n') == std::string::npos);

  const flows::Error uri = error_of(
      [] { db::connect("postgresql://someone:s3cretpw@/nowhere?host=/nonexistent-flows-test&port=1"); });
  CHECK(uri.code() == flows::ExitCode::database);
  CHECK(contains(uri.what(), "(user=someone password=*** dbname=nowhere host=/nonexistent-flows-test port=1)"));
  CHECK_FALSE(contains(uri.what(), "s3cretpw"));

  // libpq's complaint would quote "pw", part of what the user meant as the password.
  const flows::Error malformed = error_of([] { db::connect("host=/tmp password=s3cret pw"); });
  CHECK(malformed.code() == flows::ExitCode::config);
  CHECK_FALSE(contains(malformed.what(), "s3cret"));
  CHECK_FALSE(contains(malformed.what(), "pw"));

  // Nothing in it can be a secret: libpq's reason is shown.
  const flows::Error bad = error_of([] { db::connect("host=/tmp nonsense"); });
  CHECK(bad.code() == flows::ExitCode::config);
  CHECK(std::string(bad.what()) ==
        "invalid database connection string: missing \"=\" after \"nonsense\" in connection info string");
  // A password may be in it, and libpq quotes what it cannot parse: nothing is shown.
  const flows::Error secret = error_of([] { db::connect("host=/tmp password=hunter2 nonsense"); });
  CHECK(secret.code() == flows::ExitCode::config);
  CHECK(std::string(secret.what()).find("hunter2") == std::string::npos);
  CHECK(std::string(secret.what()) ==
        "invalid database connection string (not shown: libpq cannot parse it, so a password in it could not be "
        "masked)");
}

TEST_CASE("server errors become one line") {
  CHECK(db::one_line("ERROR:  relation \"flows.nope\" does not exist\nLINE 1: SELECT * FROM flows.nope\n"
                     "                      ^\n") == "relation \"flows.nope\" does not exist");
  CHECK(db::one_line("ERROR:  duplicate key value violates unique constraint \"x\"\nDETAIL:  Key (serial)=(A) "
                     "already exists.\n") ==
        "duplicate key value violates unique constraint \"x\" DETAIL: Key (serial)=(A) already exists.");
  CHECK(db::one_line("connection to server failed: FATAL:  password authentication failed for user \"u\" (pw "
                     "hunter2)\n",
                     "hunter2") ==
        "connection to server failed: FATAL: password authentication failed for user \"u\" (pw ***)");
}

TEST_CASE("in_transaction: every database failure is one line of exit status 6; work commits or rolls back") {
  TestDatabase t("in_transaction");
  auto& conn = t.conn();
  db::in_transaction(conn, "setup", [](pqxx::work& tx) { tx.exec0("CREATE TABLE t (v text)"); });
  SUBCASE("a server error") {
    auto e = error_of([&] { db::in_transaction(conn, "ctx", [](pqxx::work& tx) { tx.exec0("SELECT nope FROM t"); }); });
    CHECK(e.code() == flows::ExitCode::database);
    CHECK(std::string(e.what()).rfind("ctx: column \"nope\" does not exist", 0) == 0);
  }
  SUBCASE("a NULL read as text, and no row where one was expected, are database errors too") {
    auto null = error_of([&] {
      db::in_read_transaction(conn, "ctx", [](pqxx::read_transaction& tx) {
        return tx.exec1("SELECT NULL::text AS v")["v"].as<std::string>();
      });
    });
    CHECK(null.code() == flows::ExitCode::database);
    CHECK(std::string(null.what()).rfind("ctx: ", 0) == 0);
    auto none = error_of([&] {
      db::in_read_transaction(conn, "ctx", [](pqxx::read_transaction& tx) { return tx.exec1("SELECT v FROM t").size(); });
    });
    CHECK(none.code() == flows::ExitCode::database);
  }
  SUBCASE("a flows::Error from the work passes through, and the work is rolled back") {
    auto e = error_of([&] {
      db::in_transaction(conn, "ctx", [](pqxx::work& tx) {
        tx.exec0("INSERT INTO t VALUES ('x')");
        throw flows::usage_error("bad value");
      });
    });
    CHECK(e.code() == flows::ExitCode::usage);
    CHECK(std::string(e.what()) == "bad value");
    const auto n = db::in_read_transaction(conn, "count", [](pqxx::read_transaction& tx) {
      return tx.exec1("SELECT count(*) AS n FROM t")["n"].as<int>();
    });
    CHECK(n == 0);
  }
  SUBCASE("work that returns commits") {
    const int inserted = db::in_transaction(conn, "ctx", [](pqxx::work& tx) {
      return static_cast<int>(tx.exec0("INSERT INTO t VALUES ('y')").affected_rows());
    });
    CHECK(inserted == 1);
    const auto n = db::in_read_transaction(conn, "count", [](pqxx::read_transaction& tx) {
      return tx.exec1("SELECT count(*) AS n FROM t")["n"].as<int>();
    });
    CHECK(n == 1);
  }
}
