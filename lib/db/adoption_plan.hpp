#pragma once
// What adopting a deployed Flows database (db/deployed_shape.hpp) applies, as
// a pure plan over its catalogue snapshot: only what the tools need and the
// database lacks, additively. Never a drop, rename or retype of a deployed
// column, never a replaced function, view, trigger, continuous aggregate or
// hypertable, never a rewritten row; no row-level security or grant change on
// anything deployed unless esco_isolation is asked for. New tables get the
// privileges each deployed role (flows, grafanareader, tableau) holds on
// flows.meter_registry (read-only tables: only SELECT).
//
// The steps, in order, each only when needed (db/adoption.hpp runs each in a
// transaction of its own and records it in public.flows_adoption):
//   record_baseline           public.flows_adoption, with what was found
//   updated_at_function       flows.updated_at_now() (the new tables' updated_at triggers)
//   meter_registry_emop_port  0006: meter_registry.emop_port (nullable, no default: no rewrite)
//   public_business           0004: customers, properties, accounts, payments, topups ...
//   push_jobs                 0007: token push attempts, customer tariffs, tariff pushes
//   billing                   0008 without its row-level security
//   daily_rollup              0009's flows.register_interval_daily and the triggers that keep it
//                             (the per-row one when register_interval_hh is a hypertable)
//   daily_rollup_backfill     the rollup of the half hours already there (batched: big table)
//   business                  0011 without its row-level security
//   sync_runs                 0013: flows.sync_runs (emop sync's record of its runs)
//   esco_isolation            only when asked: 0005's ESCO policies (see below)
//   esco_isolation_tables     only when asked: 0012's policies, the read-only roles' tokens masked,
//                             0014's policy on flows.sync_runs
//   record_schema_version     public.flows_migrations: versions 1..N marked "adopted"
#include <string>
#include <string_view>
#include <vector>

#include "db/deployed_shape.hpp"

namespace flows::db {

struct AdoptionStep {
  std::string name;
  std::string description;  // one line: what it adds
  std::string sql;          // the step's SQL (the batched step: one batch, $1 = the registers' ids)
  bool batched = false;     // touches a big table: runs in batches, each its own transaction
};

struct AdoptionOptions {
  // Row-level security per ESCO (the session setting flows.esco) on escos,
  // sites_new, feeder_registry, meter_registry and the ESCO billing tables: a
  // session that sets flows.esco sees and writes only that ESCO's rows; one
  // that does not sees what it saw before. A table that already has row-level
  // security gets the policy as RESTRICTIVE (it narrows, never widens, what its
  // own policies allow). With it also 0012's policies on every table of an
  // ESCO's meters, customers, accounts and payments, and the read-only roles'
  // tokens masked (step esco_isolation_tables).
  bool esco_isolation = false;
};

// The steps still to run, in order (empty when nothing is left).
std::vector<AdoptionStep> plan_adoption(const CatalogueSnapshot& s, const AdoptionOptions& options);

// GRANTs on tables (schema-qualified, created by adoption) following the
// deployed roles' privileges on flows.meter_registry; read_only grants only
// SELECT. Empty when no deployed role exists.
std::string grant_sql(const CatalogueSnapshot& s, const std::vector<std::string>& tables, bool read_only = false);

// The text of sql from the line starting with from (or the start when empty)
// up to, not including, the line starting with to (or the end when empty).
// Throws flows::Error (internal) when a marker is missing.
std::string section(std::string_view sql, std::string_view from, std::string_view to);

}  // namespace flows::db
