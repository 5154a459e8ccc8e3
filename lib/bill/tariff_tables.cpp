#include "bill/tariff_tables.hpp"

#include <set>

#include <yaml-cpp/yaml.h>

#include "bill/pg.hpp"
#include "bill/scope.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::bill {
namespace {

using billing::Decimal;

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

std::vector<BenchmarkRow> parse_benchmarks(const std::string& text, const std::string& source) {
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
      if (!d) doc.fail(item[key], std::string(key) + " " + v + " is not a decimal number");
      (std::string_view(key) == "unit_rate" ? row.tariff.rates.unit_rate : row.tariff.rates.standing_charge) = *d;
    }
    try {
      billing::validate(row.tariff);
    } catch (const Error& e) {
      doc.fail(item, e.what());
    }
    if (!seen.insert({row.tariff.region, start}).second)
      doc.fail(item, "a second benchmark for " + row.tariff.region + " from " + start);
    rows.push_back(std::move(row));
  }
  return rows;
}

BenchmarkImport import_benchmarks(pqxx::connection& conn, const std::vector<BenchmarkRow>& rows, bool replace,
                                  const std::string& source) {
  db::require_current(conn);
  BenchmarkImport r;
  auto where = [&](const BenchmarkRow& row) {
    return row.line > 0 ? source + ":" + std::to_string(row.line) + ": " : std::string();
  };
  try {
    pqxx::work tx(conn, "flows_bill_benchmarks");
    std::set<std::string> regions;
    for (const auto& row : tx.exec("SELECT code FROM flows.regions")) regions.insert(row[0].as<std::string>());
    for (const auto& row : rows) {
      const auto& t = row.tariff;
      if (!regions.count(t.region))
        throw usage_error(where(row) + "unknown region " + t.region + " (see flows.regions, e.g. london)");
      auto found = tx.exec_params(
          "SELECT unit_rate::text, standing_charge::text FROM public.benchmark_tariffs "
          "WHERE region = $1 AND period_start = $2::date",
          t.region, format_date(t.period_start));
      const std::string ur = t.rates.unit_rate.to_string(), sc = t.rates.standing_charge.to_string();
      if (found.empty()) {
        tx.exec_params("INSERT INTO public.benchmark_tariffs (region, period_start, unit_rate, standing_charge) "
                       "VALUES ($1, $2::date, $3::numeric, $4::numeric)",
                       t.region, format_date(t.period_start), ur, sc);
        r.inserted++;
        continue;
      }
      const billing::Rates old{pg::decimal(found[0][0]), pg::decimal(found[0][1])};
      if (old == t.rates) {
        r.unchanged++;
        continue;
      }
      if (!replace)
        throw usage_error(where(row) + "the benchmark for " + t.region + " from " + format_date(t.period_start) +
                          " is already " + old.unit_rate.to_string() + " £/kWh, " + old.standing_charge.to_string() +
                          " £/day; pass --replace to change it (nothing was written)");
      tx.exec_params("UPDATE public.benchmark_tariffs SET unit_rate = $3::numeric, standing_charge = $4::numeric "
                     "WHERE region = $1 AND period_start = $2::date",
                     t.region, format_date(t.period_start), ur, sc);
      r.updated++;
    }
    tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error("cannot write the benchmark tariffs (nothing was written)", e);
  }
  return r;
}

std::vector<billing::BenchmarkTariff> list_benchmarks(pqxx::connection& conn, const std::optional<std::string>& region) {
  db::require_current(conn);
  std::vector<billing::BenchmarkTariff> out;
  try {
    pqxx::read_transaction tx(conn);
    for (const auto& r : tx.exec_params(
             "SELECT region, period_start::text, unit_rate::text, standing_charge::text FROM public.benchmark_tariffs "
             "WHERE $1 = '' OR region = $1 ORDER BY region, period_start",
             region.value_or(""))) {
      billing::BenchmarkTariff t;
      t.region = r[0].as<std::string>();
      t.period_start = *parse_date(r[1].as<std::string>());
      t.rates = {pg::decimal(r[2]), pg::decimal(r[3])};
      out.push_back(std::move(t));
    }
  } catch (const std::exception& e) {
    throw db::database_error("cannot list the benchmark tariffs", e);
  }
  return out;
}

QuarterReport new_quarter(pqxx::connection& conn, const QuarterOptions& o) {
  if (o.start.day() != date::day{1})
    throw usage_error("--start " + format_date(o.start) + " is not the first day of a month");
  db::require_current(conn);
  QuarterReport report;
  report.start = format_date(o.start);
  try {
    pqxx::work tx(conn, "flows_bill_quarter");
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('flows-bill quarter'), 0)");
    const std::vector<Esco> escos = load_escos(tx, o.esco);
    const auto benchmarks = benchmarks_in_force(tx, o.start);

    for (const auto& e : escos) {
      const billing::Rates& bench = benchmark_for(e, benchmarks, "on " + report.start);

      // The ESCO's microgrid row.
      QuarterRow mg;
      mg.esco = e.code;
      billing::PrepaymentSettings prepay;
      auto prev = tx.exec_params(
          "SELECT discount::text, emergency_credit::text, ecredit_button_threshold::text, debt_recovery_rate::text "
          "FROM public.microgrid_tariffs WHERE esco = $1::uuid AND period_start < $2::date "
          "ORDER BY period_start DESC LIMIT 1",
          e.id, report.start);
      if (!prev.empty()) {
        mg.discount = pg::decimal(prev[0][0]);
        prepay = {pg::decimal(prev[0][1]), pg::decimal(prev[0][2]), pg::decimal(prev[0][3])};
        mg.carried_over = true;
      } else {
        mg.discount = billing::default_discount;
      }
      billing::validate_prepayment(prepay);
      mg.rates = billing::microgrid_rates(bench, mg.discount);
      // A row already there is kept, and reported as it stands (the quarter's
      // advisory lock keeps another run from adding one meanwhile).
      const auto kept = tx.exec_params(
          "SELECT discount::text, unit_rate::text, standing_charge::text FROM public.microgrid_tariffs "
          "WHERE esco = $1::uuid AND period_start = $2::date",
          e.id, report.start);
      mg.created = kept.empty();
      if (!mg.created) {
        mg.discount = pg::decimal(kept[0][0]);
        mg.rates = {pg::decimal(kept[0][1]), pg::decimal(kept[0][2])};
      } else if (!o.dry_run) {
        tx.exec_params(
            "INSERT INTO public.microgrid_tariffs (esco, period_start, discount, unit_rate, standing_charge, "
            "  emergency_credit, ecredit_button_threshold, debt_recovery_rate) "
            "VALUES ($1::uuid, $2::date, $3::numeric, $4::numeric, $5::numeric, $6::numeric, $7::numeric, $8::numeric)",
            e.id, report.start, mg.discount.to_string(), mg.rates.unit_rate.to_string(),
            mg.rates.standing_charge.to_string(), prepay.emergency_credit.to_string(),
            prepay.ecredit_threshold.to_string(), prepay.debt_recovery_rate.to_string());
      }
      (mg.created ? report.created : report.kept)++;
      report.microgrid.push_back(std::move(mg));

      // Its customers: live, prelive and onboarding occupiers of its supply accounts.
      for (const auto& r : tx.exec_params(
               "SELECT DISTINCT ON (c.id) c.id::text, c.email, prev.discount::text, cur.customer IS NOT NULL, "
               "       cur.discount::text, cur.unit_rate::text, cur.standing_charge::text "
               "FROM public.customer_accounts ca "
               "JOIN public.customers c ON c.id = ca.customer "
               "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
               "JOIN public.properties p ON p.id = a.property "
               "LEFT JOIN LATERAL (SELECT t.discount FROM public.customer_tariffs t "
               "  WHERE t.customer = c.id AND t.period_start < $2::date ORDER BY t.period_start DESC LIMIT 1) prev ON true "
               "LEFT JOIN public.customer_tariffs cur ON cur.customer = c.id AND cur.period_start = $2::date "
               "WHERE ca.role = 'occupier' AND p.esco = $1::uuid AND c.status IN ('live', 'prelive', 'onboarding') "
               "ORDER BY c.id",
               e.id, report.start)) {
        QuarterRow row;
        row.esco = e.code;
        row.customer = r[1].as<std::string>();
        row.carried_over = !r[2].is_null();
        row.discount = row.carried_over ? pg::decimal(r[2]) : billing::default_discount;
        row.rates = billing::customer_rates(bench, row.discount);
        const bool exists = r[3].as<bool>();
        if (!exists && !o.dry_run)
          tx.exec_params(
              "INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge) "
              "VALUES ($1::uuid, $2::date, $3::numeric, $4::numeric, $5::numeric) "
              "ON CONFLICT (customer, period_start) DO NOTHING",
              r[0].as<std::string>(), report.start, row.discount.to_string(), row.rates.unit_rate.to_string(),
              row.rates.standing_charge.to_string());
        row.created = !exists;
        if (exists) {  // the row as it stands (rates as meters and bills use them: 5 decimals)
          row.discount = pg::decimal(r[4]);
          row.rates = {pg::decimal(r[5]).truncate_to(5), pg::decimal(r[6]).truncate_to(5)};
        }
        (row.created ? report.created : report.kept)++;
        report.customers.push_back(std::move(row));
      }
    }
    if (o.dry_run) tx.abort();
    else tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error("cannot create the quarter's tariffs (nothing was written)", e);
  }
  return report;
}

}  // namespace flows::bill
