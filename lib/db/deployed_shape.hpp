#pragma once
// What kind of Flows database a connection points at, decided from a snapshot
// of its catalogue (loaded by db/catalogue.hpp; pure here, unit-tested):
//
//   empty     no flows schema: `emop db migrate` installs the schema from 0001
//   managed   this project's migrations (public.flows_migrations) set it up
//   adopted   a deployed database these tools adopted (public.flows_adoption complete)
//   deployed  built by the public Flows migrations (sqitch project "flows",
//             0000_initial .. 0006_regions_and_escos_region), or a restored
//             dump of such a flows schema (no registry): adoption applies
//   unknown   a flows schema that is neither: refused, with the differences
//             that matter (the tables and columns the tools use that it lacks)
//
// See the schema spec, "Deployed databases the tools must adopt".
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace flows::db {

// The parts of a database's catalogue the recognition and the adoption plan read.
struct CatalogueSnapshot {
  bool flows_schema = false;
  bool migrations_record = false;  // public.flows_migrations exists
  bool adoption_record = false;    // public.flows_adoption exists
  std::vector<std::string> adoption_steps_done;  // its steps, in the order recorded
  // The changes of sqitch project "flows" in flows_sqitch.changes, in deploy
  // order; nullopt when there is no flows_sqitch registry.
  std::optional<std::vector<std::string>> sqitch_changes;
  // "schema.relation" -> column -> type (format_type), for tables, views and
  // materialized views of the flows and public schemas.
  std::map<std::string, std::map<std::string, std::string>> columns;
  std::set<std::string> functions;       // "flows.get_meters_for_cli" (schema.name, any arguments)
  std::set<std::string> row_security;    // "schema.table" with row-level security enabled
  std::set<std::string> hypertables;     // "schema.table", from timescaledb_information.hypertables
  std::set<std::string> materialized;    // materialized views (and continuous aggregates' views), "schema.name"
  // Of the deployed roles flows, grafanareader and tableau: those that exist,
  // and their privileges on flows.meter_registry ("SELECT", "INSERT", ...).
  std::map<std::string, std::set<std::string>> role_privileges;

  bool has_table(const std::string& qualified) const { return columns.count(qualified) > 0; }
  bool has_column(const std::string& qualified, const std::string& column) const;
};

enum class DatabaseKind { empty, managed, adopted, deployed, unknown };

struct Recognition {
  DatabaseKind kind = DatabaseKind::empty;
  // deployed/adopted: "sqitch 0006" or "restored dump, no sqitch registry"
  std::string origin;
  // unknown: one line per difference that matters, e.g.
  // "missing column flows.meter_shadows.csq"
  std::vector<std::string> differences;
};

// The sqitch changes of the deployed Flows migrations, in order.
const std::vector<std::string>& known_sqitch_changes();

// "0006" for "0006_regions_and_escos_region".
std::string sqitch_number(const std::string& change);

// The flows tables and columns the tools read or write, which a deployed shape
// must have ("flows.meter_shadows" -> {"id", "csq", ...}).
const std::map<std::string, std::vector<std::string>>& required_flows_columns();

// Of the public tables the tools use, those that come as a group from one
// migration (all there or all missing; see adoption_plan.hpp) and the columns
// the tools need when they are there.
struct TableGroup {
  std::string name;  // "public_business"
  bool all_or_none;  // its migration creates them without IF NOT EXISTS
  std::map<std::string, std::vector<std::string>> tables;
};
const std::vector<TableGroup>& public_table_groups();

// The name of the step that ends an adoption (see adoption_plan.hpp).
extern const char* const adoption_complete_step;

Recognition recognise(const CatalogueSnapshot& s);

// "deployed Flows schema (sqitch 0006), not yet adopted" and the like: what
// `emop db status` says it found.
std::string describe(const Recognition& r, const CatalogueSnapshot& s);

}  // namespace flows::db
