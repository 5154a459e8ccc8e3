#pragma once
// Schema migrations: the ordered SQL files of schema/ (NNNN_name.sql), embedded
// in the binary at build time, applied to a database one transaction each and
// recorded in public.flows_migrations:
//
//   flows_migrations(version int primary key, name text, applied_at timestamptz,
//                    checksum text)   -- checksum: SHA-256 of the SQL, hex
//
// Migrators serialise on a transaction-scoped advisory lock, so two running at
// once apply each migration once. A deployed Flows database adopted by these
// tools (db/adoption.hpp) has versions 1..N recorded with the checksum
// "adopted": their SQL was not run, the adoption made the database fit them,
// and later migrations apply to it as to any other. A database whose record is newer than this
// tool, or whose recorded checksum differs from the embedded SQL, is refused:
// the tool and the database would disagree about the schema. Every failure is
// a flows::Error with ExitCode::database and a one-line message.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace flows::db {

struct Migration {
  int version;                // NNNN of the file name
  std::string_view name;      // "flows_core" for schema/0001_flows_core.sql
  std::string_view sql;
  std::string_view checksum;  // SHA-256 of sql, lowercase hex (computed at build time)
};

// The checksum recorded for the versions an adoption stands for.
extern const char* const adopted_checksum;

// Takes the transaction-scoped advisory lock every migrator (and adopter) holds
// while it changes the schema.
void lock_schema_changes(pqxx::transaction_base& t);

// The migrations of schema/, ordered by version 1..N (generated source).
std::span<const Migration> embedded_migrations() noexcept;

// N: the schema version this build of the tools needs.
int latest_version() noexcept;

// "0003 flows_views"
std::string label(const Migration& m);

struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string applied_at;  // as PostgreSQL prints a timestamptz
  std::string checksum;
};

struct Status {
  int current_version = 0;  // highest recorded version; 0 for a database never migrated
  int latest_version = 0;   // the highest version the tool knows
  std::vector<AppliedMigration> applied;  // as recorded, by version
  std::vector<Migration> pending;         // known and not yet applied, in order
  std::vector<int> unknown;   // recorded versions the tool does not know (a newer tool migrated)
  std::vector<int> modified;  // recorded with another checksum than the tool's SQL
  std::vector<int> adopted;   // recorded as stood for by an adoption (checksum "adopted")

  // Nothing pending and nothing the tool disagrees with.
  bool up_to_date() const noexcept { return pending.empty() && unknown.empty() && modified.empty(); }
};

// What the database has recorded against the embedded migrations. Read only;
// a database without flows_migrations is at version 0 with everything pending.
Status status(pqxx::connection& conn);
Status status(pqxx::connection& conn, std::span<const Migration> migrations);

struct MigrateResult {
  int from_version = 0;
  int to_version = 0;
  std::vector<int> applied;  // versions this call applied, in order (empty: nothing to do)
};

// Applies every pending embedded migration, in order, each in its own
// transaction together with its flows_migrations row. Refuses (before applying
// anything more) a database with unknown or modified recorded migrations.
MigrateResult migrate(pqxx::connection& conn);

// Applies pending migrations up to and including target_version only (for
// staged roll-outs and for tests that need a database at an older version).
// target_version is 0..latest_version(); 0 only creates flows_migrations.
MigrateResult migrate(pqxx::connection& conn, int target_version);

// As above with a list of one's own (versions 1..N in order), for tests of the
// runner itself.
MigrateResult migrate(pqxx::connection& conn, std::span<const Migration> migrations, int target_version);

// For tools that use the database: returns when its schema is exactly what this
// tool knows, and otherwise throws a flows::Error (ExitCode::database) that says
// what to do, e.g. "database schema is at version 3, this tool needs 5: run
// `emop db migrate`".
void require_current(pqxx::connection& conn);

}  // namespace flows::db
