// Recognising a deployed Flows database from a catalogue snapshot (no database needed).
#include "db/deployed_shape.hpp"

#include <doctest/doctest.h>

#include "db/adoption_plan.hpp"

using namespace flows::db;

namespace {

// The snapshot of a deployed Flows database as the spec describes it: every
// table and column the tools use, real register columns, sqitch 0000..0006.
CatalogueSnapshot deployed() {
  CatalogueSnapshot s;
  s.flows_schema = true;
  for (const auto& [table, cols] : required_flows_columns())
    for (const auto& c : cols) s.columns[table][c] = "text";
  s.columns["flows.meter_shadows"]["import_a"] = "real";
  s.columns["flows.ev_chargers"]["id"] = "uuid";
  s.sqitch_changes = known_sqitch_changes();
  s.functions = {"flows.get_meters_for_cli", "flows.meter_csq_insert"};
  s.row_security = {"flows.escos", "flows.regions"};
  s.role_privileges = {{"flows", {"SELECT", "INSERT", "UPDATE", "DELETE"}}, {"grafanareader", {"SELECT"}},
                       {"tableau", {"SELECT"}}};
  return s;
}

}  // namespace

TEST_CASE("no flows schema: empty; public.flows_migrations alone: managed") {
  CatalogueSnapshot s;
  CHECK(recognise(s).kind == DatabaseKind::empty);
  s.flows_schema = true;
  s.migrations_record = true;
  CHECK(recognise(s).kind == DatabaseKind::managed);
  CHECK(describe(recognise(s), s) == "Flows schema set up by these tools");
}

TEST_CASE("a deployed schema with its sqitch registry, not yet adopted") {
  const auto s = deployed();
  const auto r = recognise(s);
  CHECK(r.kind == DatabaseKind::deployed);
  CHECK(r.origin == "sqitch 0006");
  CHECK(r.differences.empty());
  CHECK(describe(r, s) == "deployed Flows schema (sqitch 0006), not yet adopted");
}

TEST_CASE("a restored dump: recognised by its shape alone") {
  auto s = deployed();
  s.sqitch_changes.reset();
  const auto r = recognise(s);
  CHECK(r.kind == DatabaseKind::deployed);
  CHECK(describe(r, s) == "deployed Flows schema (restored dump, no sqitch registry), not yet adopted");
}

TEST_CASE("an interrupted adoption is still deployed, and says after which step") {
  auto s = deployed();
  s.adoption_record = true;
  s.adoption_steps_done = {"record_baseline", "updated_at_function"};
  const auto r = recognise(s);
  CHECK(r.kind == DatabaseKind::deployed);
  CHECK(describe(r, s) == "deployed Flows schema (sqitch 0006), adoption interrupted after updated_at_function");
  s.adoption_steps_done.push_back(adoption_complete_step);
  s.migrations_record = true;
  CHECK(recognise(s).kind == DatabaseKind::adopted);
  CHECK(describe(recognise(s), s) == "deployed Flows schema (sqitch 0006), adopted");
}

TEST_CASE("an unknown shape: every missing table and column the tools use is listed") {
  auto s = deployed();
  s.columns["flows.meter_shadows"].erase("csq");
  s.columns.erase("flows.meter_event_log");
  s.sqitch_changes->push_back("0007_local_hack");
  const auto r = recognise(s);
  CHECK(r.kind == DatabaseKind::unknown);
  REQUIRE(r.differences.size() == 3);
  CHECK(r.differences[0] == "sqitch change 0007_local_hack is not one of the deployed Flows migrations this tool knows");
  CHECK(r.differences[1] == "missing table flows.meter_event_log");
  CHECK(r.differences[2] == "missing column flows.meter_shadows.csq");
}

TEST_CASE("public tables: all of a group or none; present ones need the tools' columns") {
  auto s = deployed();
  s.columns["public.customers"] = {{"id", "uuid"}, {"email", "text"}, {"status", "text"}, {"fullname", "text"}};
  auto r = recognise(s);
  CHECK(r.kind == DatabaseKind::unknown);
  CHECK(r.differences.front() ==
        "missing table public.account_events (public.customers is there: the public_business tables are partly present)");
  CHECK(r.differences.size() == 8);

  s = deployed();
  s.columns["flows.register_interval_daily"]["day"] = "date";
  r = recognise(s);
  REQUIRE(r.differences.size() == 1);
  CHECK(r.differences[0] == "flows.register_interval_daily exists but was not made by an adoption");
}

TEST_CASE("sqitch_number") { CHECK(sqitch_number("0006_regions_and_escos_region") == "0006"); }
