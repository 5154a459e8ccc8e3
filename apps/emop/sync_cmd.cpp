// emop sync [--frequency F] [--esco CODE] [--serials A,B]: the syncers enabled in
// flows.meter_metrics for F over every active meter, results into the database.
// emop sync intervals --from DATE --to DATE: half-hourly kWh from the profile logs.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "cli/run.hpp"
#include "cli.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/connection.hpp"
#include "jobs/ingest_range.hpp"
#include "jobs/intervals.hpp"
#include "jobs/sync.hpp"
#include "batch_view.hpp"
#include "targets.hpp"

namespace flows::emop_app {
namespace {

struct SyncArgs {
  std::string frequency = "hourly";
  std::string esco;
  std::vector<std::string> serials;
  std::string from, to;
};

db::MeterFilter filter_of(const SyncArgs& a) {
  db::MeterFilter f;
  if (!a.esco.empty()) f.esco = a.esco;
  f.serials = a.serials;
  f.active_only = true;
  return f;
}

std::string seconds(std::chrono::milliseconds d) {
  std::ostringstream s;
  s << d.count() / 1000 << "." << (d.count() % 1000) / 100 << " s";
  return s.str();
}

nlohmann::json failures_json(const std::vector<jobs::SyncFailure>& fs) {
  auto a = nlohmann::json::array();
  for (const auto& f : fs) a.push_back({{"serial", f.serial}, {"status", to_int(f.code)}, {"error", f.error}});
  return a;
}

void print_failures(const std::vector<jobs::SyncFailure>& fs) {
  for (const auto& f : fs) std::cerr << "emop: " << cli::one_line(f.serial + ": " + f.error) << "\n";
}

int run_sync_cmd(const GlobalOptions& options, Resources& res, const SyncArgs& a) {
  jobs::SyncOptions o;
  o.frequency = a.frequency;
  o.filter = filter_of(a);
  o.batch = batch_options(options, res);
  o.objects = &res.objects();
  auto conn = db::connect(res.settings());
  BatchView view(options, "sync " + a.frequency);
  o.batch.observer = &view;
  auto r = jobs::run_sync(*conn, o);
  view.done();
  print_failures(r.failures);
  if (options.json) {
    std::cout << nlohmann::json{{"frequency", r.frequency},
                                {"syncers", r.syncers},
                                {"meters", r.meters},
                                {"ok", r.ok},
                                {"failed", r.failed},
                                {"failures", failures_json(r.failures)},
                                {"events_inserted", r.events_inserted},
                                {"round_trips", r.round_trips},
                                {"duration_ms", r.duration.count()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "sync " << r.frequency << ": " << count_of(r.meters, "meter") << ", " << r.ok << " ok, " << r.failed
              << " failed, " << r.events_inserted << " new events, in " << seconds(r.duration) << "\n";
  }
  return to_int(jobs::sync_status(r));
}

int run_intervals_cmd(const GlobalOptions& options, Resources& res, const SyncArgs& a) {
  jobs::IngestOptions o;
  const auto range = jobs::ingest_range(date::sys_days{cli::date_option("--from", a.from)},
                                        date::sys_days{cli::date_option("--to", a.to)},
                                        date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (!range.warning.empty()) std::cerr << "emop: warning: " << range.warning << "\n";
  o.from = range.from;
  o.to = range.to;
  o.filter = filter_of(a);
  o.batch = batch_options(options, res);
  o.objects = &res.objects();
  auto conn = db::connect(res.settings());
  BatchView view(options, "sync intervals");
  o.batch.observer = &view;
  auto r = jobs::ingest_intervals(*conn, o);
  view.done();
  print_failures(r.failures);
  if (options.json) {
    auto missing = nlohmann::json::array();
    for (const auto& m : r.missing)
      missing.push_back({{"register_id", m.register_id},
                         {"serial", m.serial},
                         {"element", m.element},
                         {"date", m.date},
                         {"record_count", m.record_count},
                         {"missing_count", m.missing_count}});
    std::cout << nlohmann::json{{"from", r.from},
                                {"to", r.to},
                                {"meters", r.meters},
                                {"ok", r.ok},
                                {"failed", r.failed},
                                {"failures", failures_json(r.failures)},
                                {"intervals_read", r.intervals_read},
                                {"rows_written", r.rows_written},
                                {"missing_half_hours", r.missing_half_hours},
                                {"missing", missing},
                                {"duration_ms", r.duration.count()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "intervals " << r.from << " to " << r.to << ": " << count_of(r.meters, "meter") << ", " << r.ok << " ok, "
              << r.failed << " failed, " << r.intervals_read << " half hours read, " << r.rows_written
              << " rows written, " << r.missing_half_hours << " half hours missing, in " << seconds(r.duration)
              << "\n";
    for (const auto& m : r.missing)
      std::cout << "missing " << m.serial << " " << m.element << " " << m.register_id << " " << m.date << " "
                << m.missing_count << "/48\n";
  }
  return to_int(jobs::ingest_status(r));
}

}  // namespace

void add_sync_commands(CLI::App& app, Invocation& inv) {
  auto args = std::make_shared<SyncArgs>();
  auto* sync = app.add_subcommand(
      "sync", "sync active meters into the Flows database (the syncers of meter_metrics for a frequency); one sync "
              "or sync intervals at a time per database, a second is refused (exit 6)");
  sync->add_option("--frequency", args->frequency, "which syncers run: those of meter_metrics at this frequency")
      ->capture_default_str()
      ->check(CLI::IsMember({"hourly", "12hourly", "daily"}));
  sync->add_option("--esco", args->esco, "only the meters of this ESCO (escos.code)");
  sync->add_option("--serials", args->serials, "only these meters, comma separated")->delimiter(',');
  auto* intervals = sync->add_subcommand(
      "intervals", "half-hourly kWh from the profile logs into register_interval_hh, and the missing half hours");
  intervals->add_option("--from", args->from, "first UTC day, YYYY-MM-DD")->required();
  intervals->add_option("--to", args->to,
                        "UTC day after the last, YYYY-MM-DD; a range ending in the future is read up to now (with a "
                        "warning), one starting in the future is refused (exit 2)")
      ->required();
  intervals->callback([&inv, args] {
    inv.action = [&inv, args] { return run_intervals_cmd(inv.options, inv.resources, *args); };
  });
  sync->callback([&inv, args, intervals] {
    if (!intervals->parsed()) inv.action = [&inv, args] { return run_sync_cmd(inv.options, inv.resources, *args); };
  });
}

}  // namespace flows::emop_app
