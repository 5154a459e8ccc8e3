// Interval ingest: the write path of `emop sync intervals` (jobs::write_intervals)
// against the two other ways of getting the same half hours into
// flows.register_interval_hh. Driven by bench/interval_ingest_bench.sh, which
// starts the database, creates the meters, runs \copy and checks the rows; this
// program does the parts that need the library:
//
//   interval_ingest_bench --write library     generate, write_intervals + commit (timed)
//   interval_ingest_bench --write per-row --sample N
//                                             the first N of the same rows, one prepared
//                                             INSERT each, in one transaction (timed)
//   interval_ingest_bench --csv FILE          the same rows as CSV register_id,timestamp,kwh
//
// The intervals are synthetic and deterministic: every half hour of --days days
// from --from for every active meter (by serial), element A, a daily shape plus
// noise from a hash of (meter number, half hour). A --write prints one line:
//   rows=N rows_written=N path=direct|merge|per-row seconds=S rows_per_second=R
//
// Prints figures only; it never fails because a figure is low.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <date/date.h>
#include <pqxx/pqxx>

#include "core/emop_time.hpp"
#include "db/connection.hpp"
#include "db/meters.hpp"
#include "jobs/intervals.hpp"

#ifndef FLOWS_BUILD_TYPE
#define FLOWS_BUILD_TYPE "unknown"
#endif

namespace {

using namespace flows;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Wh in one half hour: a base load, an evening peak, noise.
std::int64_t synthetic_wh(std::size_t meter, std::int64_t half_hour) {
  const auto h = splitmix64((std::uint64_t(meter) << 32) ^ std::uint64_t(half_hour));
  const auto of_day = half_hour % 48;
  const std::int64_t peak = (of_day >= 34 && of_day < 42) ? 450 : 0;
  return 80 + peak + std::int64_t(h % 400);
}

std::vector<std::vector<jobs::Interval>> generate(std::size_t meters, date::sys_days from, int days) {
  std::vector<std::vector<jobs::Interval>> out(meters);
  const std::int64_t n = std::int64_t(days) * 48;
  for (std::size_t i = 0; i < meters; ++i) {
    out[i].reserve(std::size_t(n));
    for (std::int64_t k = 0; k < n; ++k)
      out[i].push_back({'A', UtcTime{from} + k * 30min, synthetic_wh(i, k) * 10});  // whole Wh, in tenths
  }
  return out;
}

std::vector<db::MeterRow> load(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  db::MeterFilter all;
  auto meters = db::load_meters(tx, all);
  tx.commit();
  return meters;
}

// The one A/SINGLE power register of each meter (the bench's meters have one).
std::vector<std::string> single_registers(pqxx::connection& conn, const std::vector<db::MeterRow>& meters) {
  std::map<std::string, std::vector<std::string>> by_meter;
  pqxx::read_transaction tx(conn);
  for (const auto& r : tx.exec(
           "SELECT meter_id::text, register_id::text FROM flows.meter_registers "
           "WHERE nature = 'power' AND status = 'enabled' AND element IN ('A', 'SINGLE')"))
    by_meter[r[0].as<std::string>()].push_back(r[1].as<std::string>());
  tx.commit();
  std::vector<std::string> out;
  for (const auto& m : meters) {
    const auto& regs = by_meter[m.id];
    if (regs.size() != 1)
      throw std::runtime_error("meter " + m.serial + " has " + std::to_string(regs.size()) +
                               " enabled A/SINGLE power registers; the benchmark needs exactly one");
    out.push_back(regs.front());
  }
  return out;
}

// The meters in the order of their register ids: the order write_intervals
// sends its rows in (by register_id, then time), for the CSV and the sample.
std::vector<std::size_t> register_order(const std::vector<std::string>& regs) {
  std::vector<std::size_t> order(regs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return regs[a] < regs[b]; });
  return order;
}

void print(std::size_t rows, std::size_t written, const char* path, Clock::duration total, Clock::duration commit) {
  const double s = std::chrono::duration<double>(total).count();
  std::printf("rows=%zu rows_written=%zu path=%s seconds=%.3f commit_seconds=%.3f rows_per_second=%.0f\n", rows,
              written, path, s, std::chrono::duration<double>(commit).count(), s > 0 ? double(rows) / s : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Interval ingest benchmark: jobs::write_intervals against per-row INSERTs (and CSV for \\copy)."};
  std::string url, from_text = "2025-04-01", write, csv;
  int days = 30;
  std::size_t sample = 20000;
  app.add_option("--database-url", url, "libpq connection string")->envname("FLOWS_DATABASE_URL");
  app.add_option("--from", from_text, "first UTC day of the synthetic month")->capture_default_str();
  app.add_option("--days", days, "days of half hours")->capture_default_str()->check(CLI::Range(1, 366));
  app.add_option("--write", write, "library | per-row")->check(CLI::IsMember({"library", "per-row"}));
  app.add_option("--sample", sample, "rows for --write per-row")->capture_default_str()->check(CLI::Range(1, 100000000));
  app.add_option("--csv", csv, "write the rows as CSV register_id,timestamp,kwh to this file");
  CLI11_PARSE(app, argc, argv);

  try {
    const auto from_day = parse_date(from_text);
    if (!from_day) throw std::runtime_error("--from must be YYYY-MM-DD");
    const date::sys_days from{*from_day};

    auto conn = db::connect(url);
    const auto meters = load(*conn);
    if (meters.empty()) throw std::runtime_error("no active meters in meter_registry");
    const auto intervals = generate(meters.size(), from, days);
    std::size_t expected = 0;
    for (const auto& v : intervals) expected += v.size();
    std::fprintf(stderr, "interval_ingest_bench: %zu meters x %d days = %zu half hours (build %s)\n", meters.size(),
                 days, expected, FLOWS_BUILD_TYPE);

    if (!csv.empty()) {
      const auto regs = single_registers(*conn, meters);
      std::ofstream out(csv, std::ios::binary);
      std::string line;
      for (const auto i : register_order(regs))
        for (const auto& iv : intervals[i]) {
          line = regs[i];
          line += ',';
          line += format_iso_utc(iv.start);
          line += ',';
          line += jobs::tenth_wh_to_kwh(iv.tenth_wh);
          line += '\n';
          out << line;
        }
      out.close();
      if (!out) throw std::runtime_error("cannot write " + csv);
    }

    if (write == "library") {
      const auto t0 = Clock::now();
      pqxx::work tx(*conn, "interval_ingest_bench");
      const auto w = jobs::write_intervals(tx, meters, intervals);
      const auto tc = Clock::now();
      tx.commit();
      const auto t1 = Clock::now();
      print(w.rows, w.rows_written, w.direct ? "direct" : "merge", t1 - t0, t1 - tc);
    } else if (write == "per-row") {
      const auto regs = single_registers(*conn, meters);
      struct Row {
        const std::string* reg;
        std::string ts, kwh;
      };
      std::vector<Row> rows;  // formatted before the clock starts, as COPY's input is
      for (const auto i : register_order(regs))
        for (const auto& iv : intervals[i]) {
          if (rows.size() == sample) break;
          rows.push_back({&regs[i], format_iso_utc(iv.start), jobs::tenth_wh_to_kwh(iv.tenth_wh)});
        }
      conn->prepare("bench_insert_hh",
                    "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh) VALUES ($1, $2, $3)");
      const auto t0 = Clock::now();
      pqxx::work tx(*conn, "interval_ingest_bench_per_row");
      for (const auto& r : rows) tx.exec_prepared0("bench_insert_hh", *r.reg, r.ts, r.kwh);
      const auto tc = Clock::now();
      tx.commit();
      const auto t1 = Clock::now();
      print(rows.size(), rows.size(), "per-row", t1 - t0, t1 - tc);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "interval_ingest_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
