#include "billing/benchmark_document.hpp"

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/emop_time.hpp"
#include "core/error.hpp"

namespace flows::billing {
namespace {

struct Doc {
  std::string source;
  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
    const int line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
    throw usage_error(source + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + msg);
  }
  std::string scalar(const YAML::Node& item, const char* key) const {
    const YAML::Node v = item[key];
    if (!v) fail(item, std::string("missing ") + key);
    if (!v.IsScalar()) fail(v, std::string(key) + " must be a single value");
    return v.Scalar();
  }
};

}  // namespace

std::vector<BenchmarkRow> parse_benchmarks(const std::string& text, const std::string& source, bool allow_unusual) {
  Doc doc{source};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw usage_error(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  YAML::Node list = root;
  if (root.IsMap()) {
    for (const auto& kv : root)
      if (kv.first.Scalar() != "benchmarks") doc.fail(kv.first, "unknown key " + kv.first.Scalar() + " (expected benchmarks)");
    list = root["benchmarks"];
  }
  if (!list || !list.IsSequence()) doc.fail(root, "expected a list of benchmarks (or a mapping with `benchmarks:`)");
  std::vector<BenchmarkRow> rows;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& item : list) {
    if (!item.IsMap()) doc.fail(item, "a benchmark must be a mapping of region, period_start, unit_rate, standing_charge");
    for (const auto& kv : item) {
      const std::string k = kv.first.Scalar();
      if (k != "region" && k != "period_start" && k != "unit_rate" && k != "standing_charge")
        doc.fail(kv.first, "unknown key " + k);
    }
    BenchmarkRow row;
    row.line = item.Mark().line + 1;
    row.tariff.region = doc.scalar(item, "region");
    const std::string start = doc.scalar(item, "period_start");
    auto day = parse_date(start);
    if (!day) doc.fail(item["period_start"], "period_start " + start + " is not a date YYYY-MM-DD");
    row.tariff.period_start = *day;
    for (const char* key : {"unit_rate", "standing_charge"}) {
      const std::string v = doc.scalar(item, key);
      auto d = Decimal::parse(v);
      if (!d) doc.fail(item[key], std::string(key) + " " + v + " " + Decimal::parse_failure(v));
      (std::string_view(key) == "unit_rate" ? row.tariff.rates.unit_rate : row.tariff.rates.standing_charge) = *d;
    }
    try {
      billing::validate(row.tariff);
      billing::validate_plausible(row.tariff.rates, allow_unusual);
    } catch (const Error& e) {
      doc.fail(item, e.what());
    }
    if (!seen.insert({row.tariff.region, start}).second)
      doc.fail(item, "a second benchmark for " + row.tariff.region + " from " + start);
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

std::string where(const BenchmarkRow& row, const std::string& source) {
  return row.line > 0 ? source + ":" + std::to_string(row.line) + ": " : std::string();
}

}  // namespace

void require_known_region(const BenchmarkRow& row, const std::set<std::string>& regions, const std::string& source) {
  if (!regions.count(row.tariff.region))
    throw usage_error(where(row, source) + "unknown region " + row.tariff.region + " (see flows.regions, e.g. london)");
}

BenchmarkChange benchmark_change(const BenchmarkRow& row, const std::optional<Rates>& stored, bool replace,
                                 const std::string& source) {
  const auto& t = row.tariff;
  if (!stored) return BenchmarkChange::insert;
  if (*stored == t.rates) return BenchmarkChange::unchanged;
  if (!replace)
    throw usage_error(where(row, source) + "the benchmark for " + t.region + " from " + format_date(t.period_start) +
                      " is already " + stored->unit_rate.to_string() + " £/kWh, " +
                      stored->standing_charge.to_string() + " £/day; pass --replace to change it (nothing was written)");
  return BenchmarkChange::update;
}

}  // namespace flows::billing
