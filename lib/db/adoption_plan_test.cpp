// What adopting a deployed database applies, from its catalogue snapshot (no database needed).
#include "db/adoption_plan.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "core/error.hpp"
#include "db/migrations.hpp"

using namespace flows::db;

namespace {

CatalogueSnapshot deployed() {
  CatalogueSnapshot s;
  s.flows_schema = true;
  for (const auto& [table, cols] : required_flows_columns())
    for (const auto& c : cols) s.columns[table][c] = "text";
  s.sqitch_changes = known_sqitch_changes();
  s.row_security = {"flows.escos", "flows.regions"};
  s.role_privileges = {{"flows", {"SELECT", "INSERT", "UPDATE", "DELETE"}}, {"grafanareader", {"SELECT"}},
                       {"tableau", {"SELECT"}}};
  return s;
}

std::vector<std::string> names(const std::vector<AdoptionStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.name);
  return out;
}

const AdoptionStep& step(const std::vector<AdoptionStep>& steps, const std::string& name) {
  const auto it = std::find_if(steps.begin(), steps.end(), [&](const AdoptionStep& s) { return s.name == name; });
  REQUIRE(it != steps.end());
  return *it;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a deployed database without anything of the tools' gets every step, in order") {
  const auto plan = plan_adoption(deployed(), {});
  CHECK(names(plan) == std::vector<std::string>{"record_baseline", "updated_at_function", "meter_registry_emop_port",
                                                "public_business", "push_jobs", "billing", "daily_rollup",
                                                "daily_rollup_backfill", "mediator_audit", "business", "sync_runs",
                                                "record_schema_version"});
  CHECK(step(plan, "daily_rollup_backfill").batched);
  CHECK(std::count_if(plan.begin(), plan.end(), [](const AdoptionStep& s) { return s.batched; }) == 1);
}

TEST_CASE("steps already recorded, or whose objects are there, are left out") {
  auto s = deployed();
  s.adoption_record = true;
  s.adoption_steps_done = {"record_baseline", "updated_at_function", "meter_registry_emop_port"};
  s.functions.insert("flows.updated_at_now");
  s.columns["flows.meter_registry"]["emop_port"] = "integer";
  for (const auto& g : public_table_groups())
    if (g.name != "billing")
      for (const auto& [t, cols] : g.tables) s.columns[t]["id"] = "uuid";
  CHECK(names(plan_adoption(s, {})) ==
        std::vector<std::string>{"billing", "daily_rollup", "daily_rollup_backfill", "mediator_audit", "business",
                                 "sync_runs", "record_schema_version"});
  s.adoption_steps_done.push_back("daily_rollup_backfill");
  s.columns["flows.mediator_audit"]["id"] = "bigint";
  s.columns["flows.sync_runs"]["id"] = "bigint";
  s.adoption_steps_done.push_back("business");
  s.adoption_steps_done.push_back("record_schema_version");
  s.columns["flows.register_interval_daily"]["day"] = "date";
  for (const auto& [t, cols] : public_table_groups()[2].tables) s.columns[t]["id"] = "uuid";
  s.columns["public.customer_accounts"]["move_in"] = "date";
  s.columns["public.payments"]["provider_reference"] = "text";
  CHECK(plan_adoption(s, {}).empty());
  CHECK(names(plan_adoption(s, {true})) == std::vector<std::string>{"esco_isolation", "esco_isolation_tables"});
}

TEST_CASE("no row-level security unless asked; billing without 0008's policies") {
  const auto plan = plan_adoption(deployed(), {});
  for (const auto& st : plan) {
    CHECK_MESSAGE(!has(st.sql, "ROW LEVEL SECURITY"), st.name);
    CHECK_MESSAGE(!has(st.sql, "CREATE POLICY"), st.name);
    CHECK_MESSAGE(!has(st.sql, "DROP "), st.name);
    CHECK_MESSAGE(!has(st.sql, "ALTER COLUMN"), st.name);
    CHECK_MESSAGE(!has(st.sql, "CREATE OR REPLACE FUNCTION"), st.name);
  }
  CHECK(has(step(plan, "billing").sql, "CREATE TABLE public.monthly_statements"));
}

TEST_CASE("identity sequences of new tables: usage for the roles that may insert") {
  const auto plan = plan_adoption(deployed(), {});
  const auto& sql = step(plan, "public_business").sql;
  CHECK(has(sql, "pg_get_serial_sequence('public.accounts', 'account_number'), 'flows');"));
  CHECK(!has(sql, "'grafanareader'"));
  CHECK(has(step(plan, "push_jobs").sql, "pg_get_serial_sequence('public.meter_tariff_pushes', 'id'), 'flows');"));
}

TEST_CASE("esco isolation: permissive where there was no row-level security, restrictive where there was") {
  const auto plan = plan_adoption(deployed(), {true});
  const auto& sql = step(plan, "esco_isolation").sql;
  CHECK(has(sql, "CREATE FUNCTION flows.esco_visible"));
  CHECK(has(sql, "CREATE POLICY flows_tools_esco_isolation ON flows.escos AS RESTRICTIVE USING (flows.current_esco() "
                 "IS NULL OR code = flows.current_esco() OR id::text = flows.current_esco());"));
  CHECK(has(sql, "ALTER TABLE flows.meter_registry ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "
                 "flows_tools_esco_isolation ON flows.meter_registry USING (flows.esco_visible(esco));"));
  CHECK(names(plan).back() == "record_schema_version");
  // 0012's policies and token masking, under the adoption's policy name.
  const auto& tables = step(plan, "esco_isolation_tables").sql;
  CHECK(has(tables, "CREATE OR REPLACE FUNCTION flows.esco_isolation_apply(policy text)"));
  CHECK(has(tables, "\nSELECT flows.esco_isolation_apply('flows_tools_esco_isolation');\n"));
  CHECK(!has(tables, "PERFORM flows.esco_isolation_apply('esco_isolation')"));
  // 0014's policy on flows.sync_runs, under the same name.
  CHECK(has(tables, "CREATE OR REPLACE FUNCTION flows.sync_runs_isolation_apply(policy text)"));
  CHECK(has(tables, "\nSELECT flows.sync_runs_isolation_apply('flows_tools_esco_isolation');\n"));
  CHECK(!has(tables, "PERFORM flows.sync_runs_isolation_apply('esco_isolation')"));
}

TEST_CASE("new tables get the deployed roles' privileges; read-only tables only SELECT") {
  const auto s = deployed();
  CHECK(grant_sql(s, {"public.a", "public.b"}) ==
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.a, public.b TO flows;\n"
        "GRANT SELECT ON TABLE public.a, public.b TO grafanareader;\n"
        "GRANT SELECT ON TABLE public.a, public.b TO tableau;\n");
  CHECK(grant_sql(s, {"flows.register_interval_daily"}, true) ==
        "GRANT SELECT ON TABLE flows.register_interval_daily TO flows;\n"
        "GRANT SELECT ON TABLE flows.register_interval_daily TO grafanareader;\n"
        "GRANT SELECT ON TABLE flows.register_interval_daily TO tableau;\n");
  CatalogueSnapshot none;
  CHECK(grant_sql(none, {"public.a"}).empty());
  auto reader_only = s;
  reader_only.role_privileges = {{"tableau", {}}};
  CHECK(grant_sql(reader_only, {"public.a"}).empty());
}

TEST_CASE("the daily rollup: statement triggers on a plain table, the per-row trigger on a hypertable") {
  auto s = deployed();
  auto sql = step(plan_adoption(s, {}), "daily_rollup").sql;
  CHECK(has(sql, "REFERENCING NEW TABLE AS new_rows"));
  CHECK(!has(sql, "register_interval_daily_row"));
  CHECK(!has(sql, "flows.meter_csq_insert"));  // 0009's REVOKEs on deployed functions are not applied
  CHECK(!has(sql, "INSERT INTO flows.register_interval_daily (register_id, day, kwh, half_hours)\nSELECT"));
  s.hypertables = {"flows.register_interval_hh"};
  sql = step(plan_adoption(s, {}), "daily_rollup").sql;
  CHECK(has(sql, "CREATE TRIGGER register_interval_daily_row\n  AFTER INSERT OR UPDATE OR DELETE ON "
                 "flows.register_interval_hh\n  FOR EACH ROW EXECUTE FUNCTION flows.register_interval_daily_apply_row();"));
  CHECK(!has(sql, "REFERENCING"));
}

TEST_CASE("the last step records every version as adopted") {
  const auto& sql = step(plan_adoption(deployed(), {}), "record_schema_version").sql;
  CHECK(has(sql, "(1, 'flows_core', 'adopted')"));
  CHECK(has(sql, "(" + std::to_string(latest_version()) + ", '"));
  CHECK(has(sql, "GRANT SELECT ON TABLE public.flows_migrations TO grafanareader;"));
}

TEST_CASE("section: from a line to a line; a missing marker is an internal error") {
  const std::string sql = "-- a\nx;\n-- b\ny;\n";
  CHECK(section(sql, "-- b", "") == "-- b\ny;\n");
  CHECK(section(sql, "", "-- b") == "-- a\nx;\n");
  CHECK(section(sql, "x;", "-- b") == "x;\n");
  CHECK_THROWS_AS(section(sql, "-- c", ""), flows::Error);
  CHECK_THROWS_AS(section(sql, "b", ""), flows::Error);  // not at a line's start
}
