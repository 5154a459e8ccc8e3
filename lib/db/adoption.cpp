#include "db/adoption.hpp"

#include <cstdlib>
#include <optional>
#include <exception>

#include "core/error.hpp"
#include "db/catalogue.hpp"
#include "db/db_error.hpp"
#include "db/sql_values.hpp"

namespace flows::db {
namespace {

constexpr int lock_timeout_seconds = 60;

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "; ") + i;
  return out;
}

void refuse_unknown(const Recognition& found) {
  if (found.kind != DatabaseKind::unknown) return;
  throw database_error("the flows schema is neither one these tools set up nor a deployed Flows schema they know, "
                       "so nothing was changed: " + joined(found.differences));
}

bool env_names(const char* variable, const std::string& step) {
  const char* v = std::getenv(variable);
  return v != nullptr && step == v;
}

// The failure points of the tests (see adoption.hpp).
void test_hooks(pqxx::transaction_base& tx, const std::string& step) {
  if (env_names("FLOWS_TEST_ADOPT_PAUSE_STEP", step)) {
    // (the server notices a killed client within 100 ms and rolls back)
    tx.exec0("SET LOCAL client_connection_check_interval = '100ms'");
    tx.exec("SELECT pg_catalog.pg_sleep(30)");
  }
  if (env_names("FLOWS_TEST_ADOPT_FAIL_STEP", step))
    tx.exec0("DO $$ BEGIN RAISE EXCEPTION 'injected failure (FLOWS_TEST_ADOPT_FAIL_STEP)'; END $$");
}

void record_step(pqxx::transaction_base& tx, const std::string& step, const std::string& detail) {
  tx.exec_params0(
      "INSERT INTO public.flows_adoption (position, step, detail) "
      "SELECT COALESCE(max(position), 0) + 1, $1, $2 FROM public.flows_adoption "
      "ON CONFLICT (step) DO NOTHING",  // (two adopters at once may both finish the batched step)
      step, detail);
}

std::string baseline_detail(const Survey& now) {
  std::string d = "found a deployed Flows schema (" + now.found.origin + ")";
  if (now.catalogue.sqitch_changes) d += "; sqitch changes: " + joined(*now.catalogue.sqitch_changes);
  return d;
}

Error step_failed(const AdoptionStep& step, const std::vector<std::string>& done, const std::exception& e) {
  const std::string left = done.empty() ? "nothing was changed" : "the database is as step " + done.back() + " left it";
  return database_error("adoption step " + step.name + " failed (" + left + "; `emop db migrate` carries on from there)",
                        e);
}

std::vector<std::string> register_ids(pqxx::connection& conn) {
  pqxx::read_transaction tx{conn, "flows_adopt_registers"};
  std::vector<std::string> ids;
  for (const auto& r : tx.exec("SELECT register_id::text AS id FROM flows.meter_registers ORDER BY register_id"))
    ids.push_back(r["id"].as<std::string>());
  return ids;
}

// The statements of a step's SQL, one per line ending in ';' (the batched
// step's SQL is written so).
std::vector<std::string> statements(const std::string& sql) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (std::size_t end = sql.find(";\n"); end != std::string::npos; end = sql.find(";\n", begin)) {
    out.push_back(sql.substr(begin, end - begin));
    begin = end + 2;
  }
  if (sql.find_first_not_of(" \n", begin) != std::string::npos) out.push_back(sql.substr(begin));
  return out;
}

std::int64_t backfill_batch(pqxx::connection& conn, const AdoptionStep& step, const std::vector<std::string>& ids) {
  pqxx::work tx{conn, "flows_adopt_backfill"};
  lock_schema_changes(tx);  // one batch at a time, whoever runs it
  tx.exec0("SET LOCAL lock_timeout = '" + std::to_string(lock_timeout_seconds) + "s'");
  std::int64_t rows = 0;
  for (const auto& statement : statements(step.sql)) {
    // (a parameter may be bound only to a single statement that uses it)
    const auto r = statement.find("$1") == std::string::npos ? tx.exec(statement)
                                                             : tx.exec_params(statement, uuid_array(ids));
    rows = r.affected_rows();  // the last statement's: the INSERT
  }
  test_hooks(tx, step.name);
  tx.commit();
  return rows;
}

// The batched step: one transaction per rollup_backfill_batch registers, then
// one recording it. Every batch recomputes its registers whole, so a re-run
// after an interruption starts again from the first without harm.
std::int64_t run_backfill(pqxx::connection& conn, const AdoptionStep& step, const Progress& progress) {
  const auto ids = register_ids(conn);
  const std::size_t batches = (ids.size() + rollup_backfill_batch - 1) / rollup_backfill_batch;
  std::int64_t days = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const auto first = ids.begin() + static_cast<std::ptrdiff_t>(b * rollup_backfill_batch);
    const auto last = ids.size() - b * rollup_backfill_batch > rollup_backfill_batch
                          ? first + static_cast<std::ptrdiff_t>(rollup_backfill_batch)
                          : ids.end();
    days += backfill_batch(conn, step, std::vector<std::string>(first, last));
    progress(step.name + ": batch " + std::to_string(b + 1) + " of " + std::to_string(batches) + ", " +
             std::to_string(days) + " register-days");
  }
  pqxx::work tx{conn, "flows_adopt_record"};
  lock_schema_changes(tx);
  record_step(tx, step.name, std::to_string(days) + " register-days from " + std::to_string(ids.size()) + " registers");
  tx.commit();
  return days;
}

void run_step(pqxx::work& tx, const AdoptionStep& step, const Survey& now) {
  tx.exec0("SET LOCAL search_path TO public");
  tx.exec(step.sql);
  record_step(tx, step.name, step.name == "record_baseline" ? baseline_detail(now) : step.description);
  test_hooks(tx, step.name);
}

// The next step to run, read afresh under the lock (another adopter may have
// run it meanwhile); nullopt when none is left. tx stays open for the step.
std::optional<AdoptionStep> next_step(pqxx::work& tx, const AdoptionOptions& options, Survey& now) {
  lock_schema_changes(tx);
  now.catalogue = load_catalogue(tx);
  now.found = recognise(now.catalogue);
  refuse_unknown(now.found);
  if (now.found.kind != DatabaseKind::deployed && now.found.kind != DatabaseKind::adopted) return std::nullopt;
  auto plan = plan_adoption(now.catalogue, options);
  if (plan.empty()) return std::nullopt;
  return plan.front();
}

void adopt(pqxx::connection& conn, const AdoptionOptions& options, const Progress& progress, DatabaseMigration& out) {
  for (;;) {
    Survey now;
    pqxx::work tx{conn, "flows_adopt"};
    const auto step = next_step(tx, options, now);
    if (!step) return tx.commit();
    progress("adopting, " + step->name + ": " + step->description);
    try {
      if (step->batched) {
        tx.commit();
        out.rollup_register_days = run_backfill(conn, *step, progress);
      } else {
        run_step(tx, *step, now);
        tx.commit();
      }
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw step_failed(*step, now.catalogue.adoption_steps_done, e);  // (read under the lock just before)
    }
    out.adopted.push_back(step->name);
  }
}

bool adoptable(const Recognition& found, const AdoptionOptions& options) {
  return found.kind == DatabaseKind::deployed || (found.kind == DatabaseKind::adopted && options.esco_isolation);
}

}  // namespace

Survey survey(pqxx::connection& conn) {
  try {
    pqxx::read_transaction tx{conn, "flows_survey"};
    Survey s;
    s.catalogue = load_catalogue(tx);
    s.found = recognise(s.catalogue);
    return s;
  } catch (const std::exception& e) {
    throw database_error("cannot read the database's catalogue", e);
  }
}

std::vector<AdoptionStep> planned_adoption(pqxx::connection& conn, const AdoptionOptions& options) {
  const Survey s = survey(conn);
  refuse_unknown(s.found);
  if (!adoptable(s.found, options)) return {};
  return plan_adoption(s.catalogue, options);
}

DatabaseMigration migrate_database(pqxx::connection& conn, const AdoptionOptions& options, const Progress& progress) {
  DatabaseMigration out;
  out.found = survey(conn).found;
  refuse_unknown(out.found);
  if (adoptable(out.found, options)) {
    try {
      adopt(conn, options, progress, out);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw database_error("cannot adopt the database", e);
    }
  }
  out.migrated = migrate(conn);
  return out;
}

}  // namespace flows::db
