// emop db migrate / db status: the Flows schema version of the configured database;
// emop db rebuild-rollup: the daily rollup of the half hours recomputed.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/rollups.hpp"

namespace flows::emop_app {
namespace {

// The environment's database_url (FLOWS_DATABASE_URL overrides it); empty lets
// libpq use its own PG* variables.
std::string database_url(Resources& res) { return res.settings().database_url.value_or(""); }

int run_status(const GlobalOptions& options, Resources& res) {
  auto conn = db::connect(database_url(res));
  auto s = db::status(*conn);
  if (options.json) {
    nlohmann::json pending = nlohmann::json::array();
    for (auto& m : s.pending) pending.push_back(db::label(m));
    std::cout << nlohmann::json{{"current_version", s.current_version},
                                {"latest_version", s.latest_version},
                                {"pending", pending},
                                {"unknown", s.unknown},
                                {"modified", s.modified},
                                {"up_to_date", s.up_to_date()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "schema version " << s.current_version << " (this tool knows " << s.latest_version << ")\n";
    for (auto& m : s.pending) std::cout << "pending: " << db::label(m) << "\n";
    for (int v : s.unknown) std::cout << "unknown to this tool: " << v << "\n";
    for (int v : s.modified) std::cout << "modified since applied: " << v << "\n";
  }
  return s.up_to_date() ? 0 : to_int(ExitCode::database);
}

int run_migrate(const GlobalOptions& options, Resources& res) {
  auto conn = db::connect(database_url(res));
  auto r = db::migrate(*conn);
  if (options.json) {
    std::cout << nlohmann::json{{"from_version", r.from_version}, {"to_version", r.to_version}, {"applied", r.applied}}.dump(2)
              << "\n";
  } else if (r.applied.empty()) {
    std::cout << "schema is up to date at version " << r.to_version << "\n";
  } else {
    std::cout << "migrated from version " << r.from_version << " to " << r.to_version << "\n";
  }
  return 0;
}

int run_rebuild_rollup(const GlobalOptions& options, Resources& res) {
  auto conn = db::connect(database_url(res));
  const std::int64_t days = db::rebuild_interval_daily(*conn);
  if (options.json)
    std::cout << nlohmann::json{{"table", "flows.register_interval_daily"}, {"register_days", days}}.dump(2) << "\n";
  else
    std::cout << "register_interval_daily rebuilt from the half hours: " << days << " register-days\n";
  return 0;
}

}  // namespace

void add_db_commands(CLI::App& app, Invocation& inv) {
  auto* db = app.add_subcommand("db", "the Flows database: schema migrations, topology import, rollups");
  db->require_subcommand(1);
  db->add_subcommand("status", "show the schema version; exit 6 when migrations are pending or unknown")
      ->callback([&inv] { inv.action = [&inv] { return run_status(inv.options, inv.resources); }; });
  db->add_subcommand("migrate", "apply pending migrations, each in its own transaction")
      ->callback([&inv] { inv.action = [&inv] { return run_migrate(inv.options, inv.resources); }; });
  db->add_subcommand("rebuild-rollup",
                     "recompute flows.register_interval_daily from the half hours (after writes with triggers "
                     "off, a data-only restore or dropped chunks); needs the schema's owner")
      ->callback([&inv] { inv.action = [&inv] { return run_rebuild_rollup(inv.options, inv.resources); }; });
  add_db_import_command(db, inv);
}

}  // namespace flows::emop_app
