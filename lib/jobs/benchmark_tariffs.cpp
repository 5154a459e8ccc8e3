#include "jobs/benchmark_tariffs.hpp"

#include "db/migrations.hpp"
#include "db/tariff_tables.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {

BenchmarkImport import_benchmarks(pqxx::connection& conn, const std::vector<billing::BenchmarkRow>& rows, bool replace,
                                  const std::string& source) {
  db::require_current(conn);
  BenchmarkImport r;
  db::in_transaction(conn, "cannot write the benchmark tariffs (nothing was written)", [&](pqxx::work& tx) {
    const auto regions = db::region_codes(tx);
    for (const auto& row : rows) {
      billing::require_known_region(row, regions, source);
      const auto& t = row.tariff;
      switch (billing::benchmark_change(row, db::benchmark_at(tx, t.region, t.period_start), replace, source)) {
        case billing::BenchmarkChange::insert:
          db::insert_benchmark(tx, t);
          r.inserted++;
          break;
        case billing::BenchmarkChange::unchanged: r.unchanged++; break;
        case billing::BenchmarkChange::update:
          db::update_benchmark(tx, t);
          r.updated++;
          break;
      }
    }
  });
  return r;
}

std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::connection& conn, const std::optional<std::string>& region) {
  db::require_current(conn);
  return db::in_read_transaction(conn, "cannot list the benchmark tariffs",
                                 [&](pqxx::read_transaction& tx) { return db::list_benchmarks(tx, region); });
}

}  // namespace flows::jobs
