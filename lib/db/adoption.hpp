#pragma once
// Adopting a deployed Flows database (see db/deployed_shape.hpp for what is
// recognised and db/adoption_plan.hpp for what is applied), and `emop db
// migrate` as a whole: adopt what is deployed, migrate what these tools set up,
// refuse what is neither.
//
// Each step of the plan runs in a transaction of its own, under the migrators'
// advisory lock, with its row in public.flows_adoption; the batched step
// (daily_rollup_backfill) runs one transaction per batch and is recorded when
// the last batch is done. A failure leaves the database as the last completed
// step (or batch) left it and names the step; running again carries on from
// there; once complete, running again does nothing. Every failure is a
// flows::Error with ExitCode::database and a one-line message.
//
// Tests only: FLOWS_TEST_ADOPT_FAIL_STEP=<step> makes that step fail after its
// SQL ran (so it is rolled back); FLOWS_TEST_ADOPT_PAUSE_STEP=<step> makes it
// wait 30 s before committing (for a test that kills the process meanwhile).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "db/adoption_plan.hpp"
#include "db/deployed_shape.hpp"
#include "db/migrations.hpp"

namespace flows::db {

struct Survey {
  CatalogueSnapshot catalogue;
  Recognition found;
};

// What the database is (read only).
Survey survey(pqxx::connection& conn);

// One line of progress (a step begun, a batch done), for stderr.
using Progress = std::function<void(const std::string&)>;

struct DatabaseMigration {
  Recognition found;                  // before anything was done
  std::vector<std::string> adopted;   // adoption steps this call ran, in order
  std::int64_t rollup_register_days = 0;  // rows the backfill wrote
  MigrateResult migrated;             // the migrations applied after (or instead of) adoption
};

// `emop db migrate`: adopts a deployed database (and, with esco_isolation, adds
// that to an adopted one), then applies pending migrations; an empty or
// managed database is only migrated. A flows schema of unknown shape is
// refused, with its differences, before anything is changed.
DatabaseMigration migrate_database(pqxx::connection& conn, const AdoptionOptions& options, const Progress& progress);

// `emop db migrate --dry-run`: the adoption steps that would run (empty for a
// database that needs none), without changing anything. Throws for an unknown shape.
std::vector<AdoptionStep> planned_adoption(pqxx::connection& conn, const AdoptionOptions& options);

// Registers per transaction of the batched backfill.
constexpr std::size_t rollup_backfill_batch = 200;

}  // namespace flows::db
