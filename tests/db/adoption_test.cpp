// The catalogue snapshot and the adoption runner against a real PostgreSQL 15,
// on the deployed-shape fixture (deployed_flows_fixture.sql); the CLI side is
// adopt_cli_test.sh.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/adoption.hpp"
#include "db/catalogue.hpp"
#include "test_database.hpp"

using flows::testing::TestDatabase;
namespace db = flows::db;

namespace {

void load_fixture(pqxx::connection& conn) {
  std::ifstream in(FLOWS_ADOPT_FIXTURE);
  REQUIRE(in.good());
  std::stringstream sql;
  sql << in.rdbuf();
  pqxx::nontransaction n{conn};
  n.exec(sql.str());
}

db::CatalogueSnapshot snapshot(pqxx::connection& conn) {
  pqxx::read_transaction tx{conn};
  return db::load_catalogue(tx);
}

std::vector<std::string> steps_recorded(pqxx::connection& conn) {
  pqxx::read_transaction tx{conn};
  std::vector<std::string> out;
  for (const auto& r : tx.exec("SELECT step FROM public.flows_adoption ORDER BY position")) out.push_back(r[0].c_str());
  return out;
}

}  // namespace

TEST_CASE("the catalogue of a deployed database, as the fixture builds it") {
  TestDatabase tdb{"adopt_catalogue"};
  load_fixture(tdb.conn());
  const auto s = snapshot(tdb.conn());
  CHECK(s.flows_schema);
  CHECK_FALSE(s.migrations_record);
  CHECK_FALSE(s.adoption_record);
  REQUIRE(s.sqitch_changes);
  CHECK(*s.sqitch_changes == db::known_sqitch_changes());
  CHECK(s.columns.at("flows.meter_shadows").at("import_a") == "real");
  CHECK(s.columns.at("flows.register_import").at("read") == "real");
  CHECK(s.columns.at("flows.register_interval_hh").at("kwh") == "numeric");
  CHECK(s.has_table("flows.ev_chargers"));
  CHECK_FALSE(s.has_column("flows.meter_registry", "emop_port"));
  CHECK(s.functions.count("flows.get_meters_for_cli") == 1);
  CHECK(s.functions.count("flows.updated_at_now") == 0);
  CHECK(s.row_security == std::set<std::string>{"flows.escos", "flows.regions"});
  CHECK(s.materialized.count("flows.circuit_interval_daily") == 1);
  CHECK(s.role_privileges.at("grafanareader") == std::set<std::string>{"SELECT"});
  CHECK(s.role_privileges.at("tableau") == std::set<std::string>{"SELECT"});
  CHECK(s.hypertables.empty());
  CHECK(db::recognise(s).kind == db::DatabaseKind::deployed);
  {
    pqxx::work w{tdb.conn()};
    w.exec0("CREATE SCHEMA timescaledb_information");
    w.exec0("CREATE VIEW timescaledb_information.hypertables AS SELECT 'flows'::name AS hypertable_schema, "
            "'register_interval_hh'::name AS hypertable_name");
    w.commit();
  }
  CHECK(snapshot(tdb.conn()).hypertables == std::set<std::string>{"flows.register_interval_hh"});
}

TEST_CASE("migrate_database adopts step by step, carries on after a failure, then does nothing") {
  TestDatabase tdb{"adopt_runner"};
  load_fixture(tdb.conn());
  std::vector<std::string> progress;
  auto record = [&](const std::string& line) { progress.push_back(line); };
  setenv("FLOWS_TEST_ADOPT_FAIL_STEP", "daily_rollup_backfill", 1);
  try {
    db::migrate_database(tdb.conn(), {}, record);
    FAIL("the injected failure did not fail");
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::database);
    CHECK(std::string(e.what()).find("adoption step daily_rollup_backfill failed (the database is as step "
                                     "daily_rollup left it") != std::string::npos);
  }
  unsetenv("FLOWS_TEST_ADOPT_FAIL_STEP");
  CHECK(steps_recorded(tdb.conn()).size() == 7);
  CHECK(db::survey(tdb.conn()).found.kind == db::DatabaseKind::deployed);

  progress.clear();
  const auto out = db::migrate_database(tdb.conn(), {}, record);
  CHECK(out.found.origin == "sqitch 0006");
  CHECK(out.adopted ==
        std::vector<std::string>{"daily_rollup_backfill", "mediator_audit", "business", "sync_runs",
                                 "record_schema_version"});
  CHECK(out.rollup_register_days == 198);
  CHECK(out.migrated.applied.empty());
  CHECK(out.migrated.to_version == db::latest_version());
  REQUIRE(progress.size() == 6);
  CHECK(progress[1] == "daily_rollup_backfill: batch 1 of 1, 198 register-days");
  CHECK(db::survey(tdb.conn()).found.kind == db::DatabaseKind::adopted);
  db::require_current(tdb.conn());

  const auto again = db::migrate_database(tdb.conn(), {}, record);
  CHECK(again.adopted.empty());
  CHECK(again.found.kind == db::DatabaseKind::adopted);
  CHECK(steps_recorded(tdb.conn()).size() == 12);
  CHECK(db::planned_adoption(tdb.conn(), {}).empty());
  CHECK(db::planned_adoption(tdb.conn(), {true}).size() == 2);
}
