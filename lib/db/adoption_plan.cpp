#include "db/adoption_plan.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "db/migrations.hpp"

namespace flows::db {

namespace {

std::string migration_sql(int version) {
  for (const auto& m : embedded_migrations())
    if (m.version == version) return std::string(m.sql);
  throw Error(ExitCode::internal, "no embedded migration " + std::to_string(version));
}

const TableGroup& group(const std::string& name) {
  for (const auto& g : public_table_groups())
    if (g.name == name) return g;
  throw Error(ExitCode::internal, "no table group " + name);
}

std::vector<std::string> tables_of(const TableGroup& g) {
  std::vector<std::string> out;
  for (const auto& [t, cols] : g.tables) out.push_back(t);
  return out;
}

bool group_absent(const CatalogueSnapshot& s, const TableGroup& g) {
  return std::none_of(g.tables.begin(), g.tables.end(), [&](const auto& t) { return s.has_table(t.first); });
}

bool done(const CatalogueSnapshot& s, const std::string& step) {
  return std::count(s.adoption_steps_done.begin(), s.adoption_steps_done.end(), step) > 0;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::vector<std::string> privileges_of(const std::set<std::string>& held, bool read_only) {
  std::vector<std::string> out;
  for (const char* p : {"SELECT", "INSERT", "UPDATE", "DELETE"})
    if (held.count(p) && (!read_only || std::string(p) == "SELECT")) out.push_back(p);
  return out;
}

// Identity columns' sequences: those who may insert may draw from them.
std::string sequence_grant_sql(const CatalogueSnapshot& s, const std::string& table, const std::string& column) {
  std::string out;
  for (const auto& [role, held] : s.role_privileges) {
    if (!held.count("INSERT")) continue;
    out += "DO $$ BEGIN EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', pg_get_serial_sequence('" +
           table + "', '" + column + "'), '" + role + "'); END $$;\n";
  }
  return out;
}

AdoptionStep baseline_step(const CatalogueSnapshot& s) {
  return {"record_baseline", "public.flows_adoption: the record of this adoption, beginning with what was found",
          "CREATE TABLE public.flows_adoption (\n"
          "  position integer CONSTRAINT flows_adoption_pkey PRIMARY KEY,\n"
          "  step text NOT NULL CONSTRAINT flows_adoption_step_unique UNIQUE,\n"
          "  applied_at timestamptz NOT NULL DEFAULT statement_timestamp(),\n"
          "  detail text NOT NULL\n"
          ");\n"
          "COMMENT ON TABLE public.flows_adoption IS 'Steps by which the Flows tools adopted this deployed database "
          "(emop db migrate)';\n" +
              grant_sql(s, {"public.flows_adoption"}, true)};
}

AdoptionStep updated_at_step() {
  return {"updated_at_function", "flows.updated_at_now(): the updated_at trigger function of the tables added",
          section(migration_sql(1), "-- Sets updated_at on every update.", "-- Configuration")};
}

AdoptionStep emop_port_step() {
  return {"meter_registry_emop_port",
          "flows.meter_registry.emop_port (nullable, no default: no rewrite; null means 8080 as deployed)",
          migration_sql(6)};
}

AdoptionStep public_business_step(const CatalogueSnapshot& s) {
  return {"public_business", "customers, properties, accounts, payments, topups (0004) in the public schema",
          migration_sql(4) + "\n" + grant_sql(s, tables_of(group("public_business"))) +
              sequence_grant_sql(s, "public.accounts", "account_number")};
}

AdoptionStep push_jobs_step(const CatalogueSnapshot& s) {
  return {"push_jobs", "token push attempts, customer tariffs, tariff push records (0007)",
          migration_sql(7) + "\n" + grant_sql(s, tables_of(group("push_jobs"))) +
              sequence_grant_sql(s, "public.meter_tariff_pushes", "id")};
}

AdoptionStep billing_step(const CatalogueSnapshot& s) {
  return {"billing", "flows-bill's tariff and monthly tables (0008, without its row-level security)",
          section(migration_sql(8), "", "-- Row-level security per ESCO") + "\n" +
              grant_sql(s, tables_of(group("billing")))};
}

std::string rollup_triggers(const CatalogueSnapshot& s) {
  if (s.hypertables.count("flows.register_interval_hh"))
    return "CREATE TRIGGER register_interval_daily_row\n"
           "  AFTER INSERT OR UPDATE OR DELETE ON flows.register_interval_hh\n"
           "  FOR EACH ROW EXECUTE FUNCTION flows.register_interval_daily_apply_row();\n";
  return "CREATE TRIGGER register_interval_daily_insert\n"
         "  AFTER INSERT ON flows.register_interval_hh REFERENCING NEW TABLE AS new_rows\n"
         "  FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();\n"
         "CREATE TRIGGER register_interval_daily_update\n"
         "  AFTER UPDATE ON flows.register_interval_hh REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows\n"
         "  FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();\n"
         "CREATE TRIGGER register_interval_daily_delete\n"
         "  AFTER DELETE ON flows.register_interval_hh REFERENCING OLD TABLE AS old_rows\n"
         "  FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();\n";
}

// 0009's table and functions; its REVOKEs on the deployed history functions
// (a change to what PUBLIC may execute) and its one-statement backfill are
// left out: the backfill is the next, batched, step.
AdoptionStep rollup_step(const CatalogueSnapshot& s) {
  const std::string sql = migration_sql(9);
  return {"daily_rollup",
          std::string("flows.register_interval_daily, kept by ") +
              (s.hypertables.count("flows.register_interval_hh") ? "a per-row trigger on the hypertable"
                                                                 : "statement triggers") +
              " on flows.register_interval_hh",
          section(sql, "CREATE TABLE flows.register_interval_daily", "-- Only the triggers write it") +
              section(sql, "-- The statement's rows as deltas", "-- Nobody calls these but the owner") +
              "REVOKE EXECUTE ON FUNCTION flows.register_interval_daily_apply(), "
              "flows.register_interval_daily_truncate(),\n"
              "  flows.register_interval_daily_apply_row(), flows.register_interval_daily_rebuild() FROM PUBLIC;\n" +
              rollup_triggers(s) +
              "CREATE TRIGGER register_interval_daily_truncate\n"
              "  AFTER TRUNCATE ON flows.register_interval_hh\n"
              "  FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_truncate();\n" +
              grant_sql(s, {"flows.register_interval_daily"}, true)};
}

// One batch: the registers' rollup recomputed from their half hours, with
// writers of half hours held off for the batch (the triggers are in place, so
// what is written after the batch is added by them).
AdoptionStep backfill_step() {
  return {"daily_rollup_backfill",
          "the daily rollup of the half hours already in flows.register_interval_hh (big table: batched by "
          "register, each batch its own transaction)",
          "LOCK TABLE flows.register_interval_hh IN SHARE MODE;\n"
          "DELETE FROM flows.register_interval_daily WHERE register_id = ANY($1::uuid[]);\n"
          "INSERT INTO flows.register_interval_daily (register_id, day, kwh, half_hours)\n"
          "SELECT register_id, (\"timestamp\" AT TIME ZONE 'Europe/London')::date, sum(kwh), count(*)\n"
          "  FROM flows.register_interval_hh WHERE register_id = ANY($1::uuid[]) GROUP BY 1, 2;\n",
          true};
}

std::string policy_sql(const CatalogueSnapshot& s, const std::string& table) {
  const std::string check = table == "flows.escos"
                                ? "flows.current_esco() IS NULL OR code = flows.current_esco() OR id::text = "
                                  "flows.current_esco()"
                                : "flows.esco_visible(esco)";
  if (s.row_security.count(table))
    return "CREATE POLICY flows_tools_esco_isolation ON " + table + " AS RESTRICTIVE USING (" + check + ");\n";
  return "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY;\nCREATE POLICY flows_tools_esco_isolation ON " +
         table + " USING (" + check + ");\n";
}

AdoptionStep mediator_audit_step(const CatalogueSnapshot& s) {
  return {"mediator_audit", "the gateway's audit of writes to meters, flows.mediator_audit (0010)",
          migration_sql(10) + "\n" + grant_sql(s, {"flows.mediator_audit"}) + sequence_grant_sql(s, "flows.mediator_audit", "id")};
}

// 0011 is idempotent throughout, so it also completes a database where part of
// it exists (a deployed wallets table, say); its row-level security comes with
// the esco_isolation step.
AdoptionStep business_step(const CatalogueSnapshot& s) {
  const std::vector<std::string> tables = tables_of(group("business"));
  std::string grants = grant_sql(s, tables);
  for (const char* t : {"public.payment_lines", "public.statement_deliveries"}) grants += sequence_grant_sql(s, t, "id");
  return {"business",
          "flows-bill's business tables (0011: dated occupancy, wallets, payment lines, solar credit payouts, "
          "statement deliveries), without their row-level security",
          section(migration_sql(11), "", "-- Row-level security per ESCO") + "\n" + grants};
}

// 0013 grants the deployed roles what they hold on flows.meter_registry itself.
AdoptionStep sync_runs_step() {
  return {"sync_runs", "the record of emop sync runs, flows.sync_runs (0013)", migration_sql(13)};
}

bool business_missing(const CatalogueSnapshot& s) {
  const TableGroup& g = group("business");
  return !s.has_column("public.customer_accounts", "move_in") || !s.has_column("public.payments", "provider_reference") ||
         std::any_of(g.tables.begin(), g.tables.end(), [&](const auto& t) { return !s.has_table(t.first); });
}

AdoptionStep esco_isolation_step(const CatalogueSnapshot& s) {
  std::string sql;
  if (!s.functions.count("flows.current_esco") && !s.functions.count("flows.esco_visible"))
    sql = section(migration_sql(5), "-- The ESCO the session is limited to", "ALTER TABLE flows.escos");
  for (const char* t : {"flows.escos", "flows.sites_new", "flows.feeder_registry", "flows.meter_registry",
                        "public.microgrid_tariffs", "public.solar_credit_tariffs", "public.monthly_costs",
                        "public.monthly_solar_credits", "public.monthly_statements", "public.solar_credit_payouts",
                        "public.statement_deliveries"})
    sql += policy_sql(s, t);
  return {"esco_isolation",
          "row-level security per ESCO (flows.esco) on escos, sites_new, feeder_registry, meter_registry and the "
          "ESCO billing tables (asked for with --with-esco-isolation)",
          sql};
}

// 0012's policies on the tables of an ESCO's meters, properties, accounts,
// customers and payments, the read-only roles' tokens masked, and 0014's
// policy on flows.sync_runs (only when asked: on an adopted database 0012 and
// 0014 change no one's access; 0014 applies its policy itself on a database
// whose adoption already ran this step).
AdoptionStep esco_isolation_tables_step() {
  return {"esco_isolation_tables",
          "row-level security per ESCO on the tables of its meters, customers, accounts and payments, and the "
          "read-only roles' tokens masked (public.topups_redacted), and on flows.sync_runs (asked for with "
          "--with-esco-isolation)",
          section(migration_sql(12), "-- The visible ids", "-- Applied here") +
              "SELECT flows.esco_isolation_apply('flows_tools_esco_isolation');\n" +
              section(migration_sql(14), "-- The policies", "-- Applied here") +
              "SELECT flows.sync_runs_isolation_apply('flows_tools_esco_isolation');\n"};
}

AdoptionStep schema_version_step(const CatalogueSnapshot& s) {
  std::vector<std::string> rows;
  for (const auto& m : embedded_migrations())
    rows.push_back("(" + std::to_string(m.version) + ", '" + std::string(m.name) + "', '" + adopted_checksum + "')");
  return {adoption_complete_step,
          "public.flows_migrations: versions 1 to " + std::to_string(latest_version()) +
              " recorded as adopted, so the tools accept the database",
          "CREATE TABLE IF NOT EXISTS public.flows_migrations (\n"
          "  version integer PRIMARY KEY,\n  name text NOT NULL,\n"
          "  applied_at timestamptz NOT NULL DEFAULT now(),\n  checksum text NOT NULL\n);\n"
          "INSERT INTO public.flows_migrations (version, name, checksum) VALUES\n  " +
              join(rows, ",\n  ") + ";\n" + grant_sql(s, {"public.flows_migrations"}, true)};
}

}  // namespace

std::string section(std::string_view sql, std::string_view from, std::string_view to) {
  auto line_at = [&](std::string_view marker, std::size_t start) -> std::size_t {
    for (std::size_t at = sql.find(marker, start); at != std::string_view::npos; at = sql.find(marker, at + 1))
      if (at == 0 || sql[at - 1] == '\n') return at;
    throw Error(ExitCode::internal, "migration text has no line starting with \"" + std::string(marker) + "\"");
  };
  const std::size_t begin = from.empty() ? 0 : line_at(from, 0);
  const std::size_t end = to.empty() ? sql.size() : line_at(to, begin);
  return std::string(sql.substr(begin, end - begin));
}

std::string grant_sql(const CatalogueSnapshot& s, const std::vector<std::string>& tables, bool read_only) {
  std::string out;
  for (const auto& [role, held] : s.role_privileges) {
    const auto privileges = privileges_of(held, read_only);
    if (privileges.empty() || tables.empty()) continue;
    out += "GRANT " + join(privileges, ", ") + " ON TABLE " + join(tables, ", ") + " TO " + role + ";\n";
  }
  return out;
}

std::vector<AdoptionStep> plan_adoption(const CatalogueSnapshot& s, const AdoptionOptions& options) {
  std::vector<AdoptionStep> steps;
  auto want = [&](bool needed, AdoptionStep step) {
    if (needed && !done(s, step.name)) steps.push_back(std::move(step));
  };
  want(!s.adoption_record, baseline_step(s));
  want(!s.functions.count("flows.updated_at_now"), updated_at_step());
  want(!s.has_column("flows.meter_registry", "emop_port"), emop_port_step());
  want(group_absent(s, group("public_business")), public_business_step(s));
  want(group_absent(s, group("push_jobs")), push_jobs_step(s));
  want(group_absent(s, group("billing")), billing_step(s));
  want(!s.has_table("flows.register_interval_daily"), rollup_step(s));
  want(true, backfill_step());
  want(!s.has_table("flows.mediator_audit"), mediator_audit_step(s));
  want(business_missing(s), business_step(s));
  want(!s.has_table("flows.sync_runs"), sync_runs_step());
  want(options.esco_isolation, esco_isolation_step(s));
  want(options.esco_isolation, esco_isolation_tables_step());
  want(true, schema_version_step(s));
  return steps;
}

}  // namespace flows::db
