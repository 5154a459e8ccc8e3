#include "jobs/tariff_quarter.hpp"

#include "billing/scope.hpp"
#include "billing/tariffs.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/tariff_tables.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

void count(const billing::QuarterRow& row, QuarterReport& r) { (row.created ? r.created : r.kept)++; }

// The ESCO's microgrid row, then its customers' rows.
void quarter_of(pqxx::work& tx, const QuarterOptions& o, const billing::Esco& e, const billing::Rates& bench,
                QuarterReport& r) {
  // A row already there is kept, and reported as it stands (the quarter's
  // advisory lock keeps another run from adding one meanwhile).
  const auto previous = db::microgrid_before(tx, e.id, o.start);
  const auto mg = billing::microgrid_quarter(e, bench, previous, db::microgrid_at(tx, e.id, o.start));
  if (mg.row.created && !o.dry_run) db::insert_microgrid_tariff(tx, e.id, o.start, mg);
  count(mg.row, r);
  r.microgrid.push_back(mg.row);

  for (const auto& c : db::quarter_customers(tx, e.id, o.start)) {
    billing::QuarterRow row = billing::customer_quarter(e, bench, c);
    if (row.created && !o.dry_run) db::insert_customer_tariff(tx, c.id, o.start, row);
    count(row, r);
    r.customers.push_back(std::move(row));
  }
}

}  // namespace

QuarterReport new_quarter(pqxx::connection& conn, const QuarterOptions& o) {
  if (o.start.day() != date::day{1})
    throw usage_error("--start " + format_date(o.start) + " is not the first day of a month");
  db::require_current(conn);
  QuarterReport report;
  report.start = format_date(o.start);
  // A dry run writes nothing, so committing it changes nothing either.
  db::in_transaction(conn, "cannot create the quarter's tariffs (nothing was written)", [&](pqxx::work& tx) {
    db::lock_quarters(tx);
    const std::vector<billing::Esco> escos = db::load_escos(tx, o.esco);
    billing::require_found(o.esco, escos);
    const auto benchmarks = billing::rates_in_force(db::benchmarks_until(tx, o.start), o.start);
    for (const auto& e : escos)
      quarter_of(tx, o, e, billing::benchmark_for(e, benchmarks, "on " + report.start), report);
  });
  return report;
}

}  // namespace flows::jobs
