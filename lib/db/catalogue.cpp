#include "db/catalogue.hpp"

#include <string>

namespace flows::db {
namespace {

// By the catalogue rather than to_regclass, which fails on a schema the role
// may not use; readable: and the role may SELECT from it.
bool exists(pqxx::transaction_base& tx, const char* schema, const char* relation, bool readable = false) {
  return tx
      .exec_params1(
          "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relname = $2 AND (NOT $3::boolean OR "
          "(has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')))) AS present",
          schema, relation, readable)["present"]
      .as<bool>();
}

void load_columns(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  for (const auto& r : tx.exec(
           "SELECT n.nspname || '.' || c.relname AS relation, a.attname AS col, "
           "       format_type(a.atttypid, a.atttypmod) AS type, c.relkind::text AS kind "
           "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
           "WHERE n.nspname IN ('flows', 'public') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')")) {
    const auto relation = r["relation"].as<std::string>();
    s.columns[relation][r["col"].as<std::string>()] = r["type"].as<std::string>();
    if (r["kind"].as<std::string>() == "m") s.materialized.insert(relation);
  }
}

void load_functions_and_security(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  for (const auto& r : tx.exec("SELECT DISTINCT n.nspname || '.' || p.proname AS f FROM pg_catalog.pg_proc p "
                               "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'flows'"))
    s.functions.insert(r["f"].as<std::string>());
  for (const auto& r : tx.exec("SELECT n.nspname || '.' || c.relname AS t FROM pg_catalog.pg_class c "
                               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname IN ('flows', 'public') AND c.relrowsecurity"))
    s.row_security.insert(r["t"].as<std::string>());
}

// flows_sqitch.changes holds one row per deployed change (sqitch's registry).
// A role that may not read it (a dashboard's) recognises the schema by its shape.
void load_sqitch(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  if (!exists(tx, "flows_sqitch", "changes", true)) return;
  std::vector<std::string> changes;
  for (const auto& r : tx.exec("SELECT change FROM flows_sqitch.changes WHERE project = 'flows' "
                               "ORDER BY committed_at, change"))
    changes.push_back(r["change"].as<std::string>());
  s.sqitch_changes = std::move(changes);
}

// TimescaleDB's own view of its hypertables; absent without the extension.
void load_hypertables(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  if (!exists(tx, "timescaledb_information", "hypertables", true)) return;
  for (const auto& r : tx.exec("SELECT hypertable_schema || '.' || hypertable_name AS t "
                               "FROM timescaledb_information.hypertables"))
    s.hypertables.insert(r["t"].as<std::string>());
}

void load_roles(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  const bool registry = exists(tx, "flows", "meter_registry");
  for (const auto& r : tx.exec("SELECT rolname FROM pg_catalog.pg_roles "
                               "WHERE rolname IN ('flows', 'grafanareader', 'tableau')")) {
    const auto role = r["rolname"].as<std::string>();
    auto& privileges = s.role_privileges[role];
    if (!registry) continue;
    for (const char* p : {"SELECT", "INSERT", "UPDATE", "DELETE"})
      if (tx.exec_params1("SELECT has_table_privilege($1, 'flows.meter_registry', $2) AS granted", role, p)["granted"]
              .as<bool>())
        privileges.insert(p);
  }
}

void load_records(pqxx::transaction_base& tx, CatalogueSnapshot& s) {
  s.migrations_record = exists(tx, "public", "flows_migrations");
  s.adoption_record = exists(tx, "public", "flows_adoption");
  if (!s.adoption_record) return;
  for (const auto& r : tx.exec("SELECT step FROM public.flows_adoption ORDER BY position"))
    s.adoption_steps_done.push_back(r["step"].as<std::string>());
}

}  // namespace

CatalogueSnapshot load_catalogue(pqxx::transaction_base& tx) {
  CatalogueSnapshot s;
  s.flows_schema = tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'flows') AS f")["f"]
                       .as<bool>();
  load_columns(tx, s);
  load_functions_and_security(tx, s);
  load_sqitch(tx, s);
  load_hypertables(tx, s);
  load_roles(tx, s);
  load_records(tx, s);
  return s;
}

}  // namespace flows::db
