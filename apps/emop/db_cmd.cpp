// emop db migrate / db status: the Flows schema version of the configured database
// (and the adoption of a deployed one);
// emop db rebuild-rollup: the daily rollup of the half hours recomputed.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/adoption.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/rollups.hpp"

namespace flows::emop_app {
namespace {

const char* kind_name(db::DatabaseKind k) {
  switch (k) {
    case db::DatabaseKind::empty: return "empty";
    case db::DatabaseKind::managed: return "managed";
    case db::DatabaseKind::adopted: return "adopted";
    case db::DatabaseKind::deployed: return "deployed";
    case db::DatabaseKind::unknown: break;
  }
  return "unknown";
}

nlohmann::json step_names(const std::vector<db::AdoptionStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& st : steps) out.push_back(st.name);
  return out;
}

void print_status_json(const db::Survey& found, const db::Status& s, const std::vector<db::AdoptionStep>& plan) {
  nlohmann::json pending = nlohmann::json::array();
  for (auto& m : s.pending) pending.push_back(db::label(m));
  std::cout << nlohmann::json{{"database", kind_name(found.found.kind)},
                              {"found", db::describe(found.found, found.catalogue)},
                              {"origin", found.found.origin},
                              {"differences", found.found.differences},
                              {"adoption_steps_done", found.catalogue.adoption_steps_done},
                              {"adoption_would_add", step_names(plan)},
                              {"current_version", s.current_version},
                              {"latest_version", s.latest_version},
                              {"pending", pending},
                              {"unknown", s.unknown},
                              {"modified", s.modified},
                              {"adopted", s.adopted},
                              {"up_to_date", s.up_to_date()}}
                   .dump(2)
            << "\n";
}

void print_status_text(const db::Survey& found, const db::Status& s, const std::vector<db::AdoptionStep>& plan) {
  const auto kind = found.found.kind;
  if (kind != db::DatabaseKind::managed && kind != db::DatabaseKind::empty)
    std::cout << db::describe(found.found, found.catalogue) << "\n";
  for (const auto& d : found.found.differences) std::cout << "difference: " << d << "\n";
  for (const auto& st : plan) std::cout << "adoption would add: " << st.name << ": " << st.description << "\n";
  if (kind == db::DatabaseKind::deployed || kind == db::DatabaseKind::unknown) return;
  std::cout << "schema version " << s.current_version << " (this tool knows " << s.latest_version << ")\n";
  for (auto& m : s.pending) std::cout << "pending: " << db::label(m) << "\n";
  for (int v : s.unknown) std::cout << "unknown to this tool: " << v << "\n";
  for (int v : s.modified) std::cout << "modified since applied: " << v << "\n";
}

int run_status(const GlobalOptions& options, Resources& res) {
  auto conn = db::connect(res.settings());
  const auto found = db::survey(*conn);
  const auto plan = found.found.kind == db::DatabaseKind::deployed ? db::planned_adoption(*conn, {})
                                                                    : std::vector<db::AdoptionStep>{};
  const auto s = db::status(*conn);
  if (options.json)
    print_status_json(found, s, plan);
  else
    print_status_text(found, s, plan);
  const bool ready = s.up_to_date() && found.found.kind != db::DatabaseKind::deployed &&
                     found.found.kind != db::DatabaseKind::unknown;
  return ready ? 0 : to_int(ExitCode::database);
}

struct MigrateArgs {
  bool dry_run = false;
  bool esco_isolation = false;
};

int run_dry_run(const GlobalOptions& options, Resources& res, const MigrateArgs& args) {
  auto conn = db::connect(res.settings());
  const auto plan = db::planned_adoption(*conn, {args.esco_isolation});
  const auto pending = db::status(*conn).pending;
  if (options.json) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& st : plan)
      steps.push_back({{"step", st.name}, {"description", st.description}, {"batched", st.batched}, {"sql", st.sql}});
    nlohmann::json migrations = nlohmann::json::array();
    if (plan.empty())
      for (const auto& m : pending) migrations.push_back({{"migration", db::label(m)}, {"sql", m.sql}});
    std::cout << nlohmann::json{{"adoption", steps}, {"migrations", migrations}}.dump(2) << "\n";
    return 0;
  }
  for (const auto& st : plan) {
    std::cout << "-- adoption step " << st.name << ": " << st.description << "\n";
    if (st.batched)
      std::cout << "-- (batched: one transaction per " << db::rollup_backfill_batch
                << " registers, $1 = their register_ids)\n";
    std::cout << st.sql << "\n";
  }
  if (plan.empty())
    for (const auto& m : pending) std::cout << "-- migration " << db::label(m) << "\n" << m.sql << "\n";
  if (plan.empty() && pending.empty()) std::cout << "-- nothing to do: the schema is up to date\n";
  return 0;
}

int run_migrate(const GlobalOptions& options, Resources& res, const MigrateArgs& args) {
  if (args.dry_run) return run_dry_run(options, res, args);
  auto conn = db::connect(res.settings());
  const auto out = db::migrate_database(*conn, {args.esco_isolation},
                                        [](const std::string& line) { std::cerr << line << "\n"; });
  const auto& r = out.migrated;
  if (args.esco_isolation && out.found.kind != db::DatabaseKind::deployed &&
      out.found.kind != db::DatabaseKind::adopted)
    std::cerr << "emop: warning: --with-esco-isolation is for adopted databases: this one's schema (0005, 0012) has it already\n";
  if (options.json) {
    std::cout << nlohmann::json{{"database", kind_name(out.found.kind)},
                                {"adopted_steps", out.adopted},
                                {"rollup_register_days", out.rollup_register_days},
                                {"from_version", r.from_version},
                                {"to_version", r.to_version},
                                {"applied", r.applied}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (!out.adopted.empty())
    std::cout << "adopted the deployed Flows schema (" << out.found.origin << "): " << count_of(static_cast<long long>(out.adopted.size()), "step")
              << ", schema version " << r.to_version << "\n";
  if (!r.applied.empty())
    std::cout << "migrated from version " << r.from_version << " to " << r.to_version << "\n";
  else if (out.adopted.empty())
    std::cout << "schema is up to date at version " << r.to_version << "\n";
  return 0;
}

int run_rebuild_rollup(const GlobalOptions& options, Resources& res) {
  auto conn = db::connect(res.settings());
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
  db->add_subcommand("status",
                     "show what the database is (set up by these tools, a deployed Flows schema, adopted) and its "
                     "schema version; exit 6 when migrations or an adoption are pending, or the shape is unknown")
      ->callback([&inv] { inv.action = [&inv] { return run_status(inv.options, inv.resources); }; });
  static MigrateArgs migrate_args;
  auto* migrate = db->add_subcommand(
      "migrate",
      "apply pending migrations, each in its own transaction; a deployed Flows database is adopted first "
      "(additive steps, each recorded; see `emop db status`)");
  migrate->add_flag("--dry-run", migrate_args.dry_run, "print the SQL that would run, change nothing");
  migrate->add_flag("--with-esco-isolation", migrate_args.esco_isolation,
                    "when adopting: also add row-level security per ESCO (the session setting flows.esco) to "
                    "escos, sites_new, feeder_registry, meter_registry, the ESCO billing tables and (0012) every "
                    "table of an ESCO's meters, customers, accounts, payments and topups, and mask tokens for the "
                    "read-only roles (public.topups_redacted)");
  migrate->callback([&inv] { inv.action = [&inv] { return run_migrate(inv.options, inv.resources, migrate_args); }; });
  db->add_subcommand("rebuild-rollup",
                     "recompute flows.register_interval_daily from the half hours (after writes with triggers "
                     "off, a data-only restore or dropped chunks); needs the schema's owner")
      ->callback([&inv] { inv.action = [&inv] { return run_rebuild_rollup(inv.options, inv.resources); }; });
  add_db_import_command(db, inv);
}

}  // namespace flows::emop_app
