#include "db/migrations.hpp"

#include <algorithm>
#include <exception>

#include "core/error.hpp"
#include "db/db_error.hpp"

namespace flows::db {
namespace {

// pg_advisory_xact_lock key shared by every migrator: "FlowsMig" in ASCII.
constexpr long long migration_lock_key = 0x466C6F77734D6967;

constexpr const char* create_record_table = R"(
CREATE TABLE IF NOT EXISTS public.flows_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  checksum text NOT NULL
))";

void lock(pqxx::transaction_base& t) { lock_schema_changes(t); }

bool record_table_exists(pqxx::transaction_base& t) {
  return t.exec1("SELECT to_regclass('public.flows_migrations') IS NOT NULL")[0].as<bool>();
}

std::vector<AppliedMigration> read_record(pqxx::transaction_base& t) {
  std::vector<AppliedMigration> applied;
  for (const auto& row :
       t.exec("SELECT version, name, applied_at::text, checksum FROM public.flows_migrations ORDER BY version")) {
    applied.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
  }
  return applied;
}

int last_version(std::span<const Migration> migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

Status compare(std::vector<AppliedMigration> applied, std::span<const Migration> migrations) {
  Status s;
  s.latest_version = last_version(migrations);
  for (const auto& a : applied) {
    s.current_version = std::max(s.current_version, a.version);
    const auto known = std::find_if(migrations.begin(), migrations.end(),
                                    [&](const Migration& m) { return m.version == a.version; });
    if (known == migrations.end()) {
      s.unknown.push_back(a.version);
    } else if (a.checksum == adopted_checksum) {
      s.adopted.push_back(a.version);
    } else if (known->checksum != a.checksum) {
      s.modified.push_back(a.version);
    }
  }
  for (const auto& m : migrations) {
    const bool done = std::any_of(applied.begin(), applied.end(),
                                  [&](const AppliedMigration& a) { return a.version == m.version; });
    if (!done) s.pending.push_back(m);
  }
  s.applied = std::move(applied);
  return s;
}

// Throws unless the tool's migrations and the database's record agree.
void check_agreement(const Status& s, std::span<const Migration> migrations) {
  if (!s.unknown.empty()) {
    throw database_error("database schema is at version " + std::to_string(s.current_version) +
                         ", newer than this tool knows (" + std::to_string(s.latest_version) +
                         "): use a newer version of the Flows tools");
  }
  if (!s.modified.empty()) {
    const int v = s.modified.front();
    const auto m = std::find_if(migrations.begin(), migrations.end(),
                                [&](const Migration& x) { return x.version == v; });
    throw database_error("migration " + label(*m) +
                         " was applied to this database from different SQL than this tool's "
                         "(checksum mismatch): the database and the tool disagree about the schema");
  }
}

void check_list(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      throw Error(ExitCode::internal, "migration list is not numbered 1..N in order (at " +
                                          std::string(migrations[i].name) + ")");
    }
  }
}

// A flows schema made by something other than this runner (a deployed
// database set up by hand) would make migration 0001 fail half way through
// with "already exists"; say what is going on instead.
void refuse_unrecorded_schema(pqxx::transaction_base& t) {
  const bool foreign = t.exec1(
      "SELECT to_regclass('public.flows_migrations') IS NULL AND EXISTS ("
      " SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'flows')")[0]
                            .as<bool>();
  if (foreign) {
    throw database_error(
        "database has a flows schema but no record of migrations (public.flows_migrations): it was not set up "
        "by these tools; `emop db status` says whether it is a deployed Flows database `emop db migrate` can adopt");
  }
}

}  // namespace

const char* const adopted_checksum = "adopted";

void lock_schema_changes(pqxx::transaction_base& t) {
  t.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
}

int latest_version() noexcept { return last_version(embedded_migrations()); }

std::string label(const Migration& m) {
  std::string v = std::to_string(m.version);
  if (v.size() < 4) v.insert(0, 4 - v.size(), '0');
  return v + " " + std::string(m.name);
}

Status status(pqxx::connection& conn) { return status(conn, embedded_migrations()); }

Status status(pqxx::connection& conn, std::span<const Migration> migrations) {
  try {
    pqxx::read_transaction t{conn, "flows_migration_status"};
    std::vector<AppliedMigration> applied;
    if (record_table_exists(t)) applied = read_record(t);
    return compare(std::move(applied), migrations);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw database_error("cannot read the schema version", e);
  }
}

MigrateResult migrate(pqxx::connection& conn) { return migrate(conn, embedded_migrations(), latest_version()); }

MigrateResult migrate(pqxx::connection& conn, int target_version) {
  return migrate(conn, embedded_migrations(), target_version);
}

MigrateResult migrate(pqxx::connection& conn, std::span<const Migration> migrations, int target_version) {
  check_list(migrations);
  const int latest = last_version(migrations);
  if (target_version < 0 || target_version > latest) {
    throw Error(ExitCode::usage, "no schema version " + std::to_string(target_version) +
                                     ": this tool knows versions 0 to " + std::to_string(latest));
  }
  try {
    {
      pqxx::work w{conn, "flows_migrations_bootstrap"};
      lock(w);
      refuse_unrecorded_schema(w);
      w.exec0(create_record_table);
      w.commit();
    }

    // One migration per transaction, each time reading the record afresh under
    // the lock: another migrator may have moved it on while we waited.
    MigrateResult result;
    bool first = true;
    for (;;) {
      pqxx::work w{conn, "flows_migrate"};
      lock(w);
      const Status s = compare(read_record(w), migrations);
      check_agreement(s, migrations);
      if (first) {
        result.from_version = s.current_version;
        first = false;
      }
      const auto next = std::find_if(s.pending.begin(), s.pending.end(),
                                     [&](const Migration& m) { return m.version <= target_version; });
      if (next == s.pending.end()) {
        result.to_version = s.current_version;
        w.commit();
        return result;
      }
      // Names in the migrations are schema-qualified; a fixed search_path
      // keeps anything unqualified from landing in, say, a schema named after
      // the connecting role.
      w.exec0("SET LOCAL search_path TO public");
      try {
        w.exec(std::string(next->sql));
      } catch (const pqxx::sql_error& e) {
        throw database_error("migration " + label(*next) + " failed", e);
      }
      w.exec_params("INSERT INTO public.flows_migrations (version, name, applied_at, checksum) VALUES ($1, $2, now(), $3)",
                    next->version, std::string(next->name), std::string(next->checksum));
      w.commit();
      result.applied.push_back(next->version);
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw database_error("cannot migrate the database", e);
  }
}

void require_current(pqxx::connection& conn) {
  const Status s = status(conn);
  check_agreement(s, embedded_migrations());
  if (!s.pending.empty()) {
    throw database_error("database schema is at version " + std::to_string(s.current_version) +
                         ", this tool needs " + std::to_string(s.latest_version) + ": run `emop db migrate`");
  }
}

}  // namespace flows::db
