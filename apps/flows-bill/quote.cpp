#include "quote.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "billing/calendar.hpp"
#include "billing/solar.hpp"
#include "billing/tariffs.hpp"
#include "core/error.hpp"

namespace flows::bill_app {
namespace {

using billing::Decimal;
using json = nlohmann::ordered_json;

// Rates are shown with at least 5 decimals (the meter's resolution) and exactly:
// a microgrid rate keeps all of its decimals ("0.175875").
constexpr int rate_decimals = 5;
// Pence per day is an exact quotient that may not end (3650/366): shown truncated
// to 9 decimals, trailing zeros dropped ("10", "9.972677595").
constexpr int pence_per_day_decimals = 9;
// The text table's microgrid rates: at most this many decimals (JSON is exact).
constexpr int table_decimals = 9;

Decimal parse_decimal(const std::string& option, const std::string& text) {
  auto d = Decimal::parse(text);
  if (!d) throw usage_error(option + " '" + text + "' " + Decimal::parse_failure(text));
  return *d;
}

struct TariffArgs {
  std::string unit_rate, standing_charge, discount;
  bool json = false, allow_unusual = false;
};

int run_tariff(const TariffArgs& a) {
  const billing::Rates bench{parse_decimal("--benchmark-unit-rate", a.unit_rate),
                             parse_decimal("--benchmark-standing-charge", a.standing_charge)};
  const Decimal discount = parse_decimal("--discount", a.discount);
  const billing::Rates customer = billing::customer_rates(bench, discount);  // validates
  billing::validate_plausible(bench, a.allow_unusual);
  const billing::Rates microgrid = billing::microgrid_rates(bench, discount);
  auto rates_json = [](const billing::Rates& r, auto&& show) {
    return json{{"unit_rate", show(r.unit_rate)}, {"standing_charge", show(r.standing_charge)}};
  };
  auto fixed = [](const Decimal& d) { return d.to_string(rate_decimals); };
  auto exact = [](const Decimal& d) { return d.to_string_min(rate_decimals); };
  if (a.json) {
    std::cout << json{{"customer", rates_json(customer, fixed)}, {"microgrid", rates_json(microgrid, exact)}}.dump(2)
              << "\n";
    return 0;
  }
  // The table shows the microgrid at most 9 decimals, truncated and marked "…"
  // when there were more (a discount with many decimals gives 30); --json keeps
  // the exact value. Columns are at least two spaces apart whatever the width.
  bool cut = false;
  auto shown = [&](const Decimal& d) {
    const Decimal t = d.truncate_to(table_decimals);
    if (t == d) return exact(d);
    cut = true;
    return t.to_string(table_decimals) + "…";
  };
  const std::string mg_unit = shown(microgrid.unit_rate), mg_standing = shown(microgrid.standing_charge);
  std::size_t width = 16;  // the layout before a wider value
  for (const auto& v : {exact(bench.unit_rate), fixed(customer.unit_rate), mg_unit}) width = std::max(width, v.size());
  auto row = [&](std::string_view name, const std::string& unit, const std::string& standing) {
    // Pads by bytes: "…" is three bytes for one column, "£" two.
    const auto cols = [](const std::string& t) {
      std::size_t n = 0;
      for (unsigned char c : t) n += (c & 0xc0) != 0x80;
      return n;
    };
    std::cout << fmt::format("{:<11}{}{}{}\n", name, unit, std::string(width + 2 - cols(unit), ' '), standing);
  };
  row("", "unit rate £/kWh", "standing charge £/day");
  row("benchmark", exact(bench.unit_rate), exact(bench.standing_charge));
  row("customer", fixed(customer.unit_rate), fixed(customer.standing_charge));
  row("microgrid", mg_unit, mg_standing);
  if (cut) std::cout << "… truncated to " << table_decimals << " decimals; --json gives the exact values\n";
  return 0;
}

struct SolarArgs {
  std::string capacity_kw, month, pence_per_year, ratio;
  bool json = false;
};

int run_solar(const SolarArgs& a) {
  const Decimal capacity = parse_decimal("--capacity-kw", a.capacity_kw);
  const auto month = billing::Month::parse(a.month);
  if (!month) throw usage_error("--month '" + a.month + "' is not a month YYYY-MM");
  const Decimal per_year = parse_decimal("--pence-per-year", a.pence_per_year);
  std::optional<Decimal> ratio;
  if (!a.ratio.empty()) ratio = parse_decimal("--ratio", a.ratio);

  const billing::SolarCredit c = billing::monthly_solar_credit(capacity, *month, per_year);
  std::optional<std::int64_t> share;
  if (ratio) share = billing::solar_share(c.credit_pence, *ratio);
  const std::string per_day = c.pence_per_day.truncated(pence_per_day_decimals).to_string();

  if (a.json) {
    json j{{"pence_per_day", per_day}, {"days", c.days}, {"credit_pence", c.credit_pence}};
    if (ratio) {
      j["ratio"] = ratio->to_string();
      j["share_pence"] = *share;
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const bool per_day_exact = c.pence_per_day.truncated(pence_per_day_decimals) * Decimal(c.pence_per_day.days_in_year) == per_year;
  std::cout << fmt::format("{:<15}{} ({} / {} days{})\n", "pence per day", per_day, per_year.to_string(),
                           c.pence_per_day.days_in_year, per_day_exact ? "" : ", truncated");
  std::cout << fmt::format("{:<15}{}\n", "days", c.days);
  std::cout << fmt::format("{:<15}{} p\n", "credit", c.credit_pence);
  if (ratio) std::cout << fmt::format("{:<15}{} p (ratio {})\n", "share", *share, ratio->to_string());
  return 0;
}

}  // namespace

void add_quote_commands(CLI::App& app, std::function<int()>& action) {
  auto* quote = app.add_subcommand("quote", "what a tariff or a solar credit comes to (no database)");
  quote->require_subcommand(1);

  auto tariff = std::make_shared<TariffArgs>();
  auto* t = quote->add_subcommand("tariff", "customer and microgrid rates from a benchmark and a discount");
  t->add_option("--benchmark-unit-rate", tariff->unit_rate, "benchmark unit rate, £/kWh (0-1, to 100 with --allow-unusual-rate; at most 5 decimals)")
      ->option_text("RATE")
      ->required();
  t->add_option("--benchmark-standing-charge", tariff->standing_charge,
                "benchmark standing charge, £/day (0-2, to 100 with --allow-unusual-rate; at most 5 decimals)")
      ->option_text("RATE")
      ->required();
  t->add_option("--discount", tariff->discount, "discount against the benchmark, percent (0-100)")
      ->option_text("PERCENT")
      ->required();
  t->add_flag("--allow-unusual-rate", tariff->allow_unusual,
              "accept a unit rate over 1 £/kWh or a standing charge over 2 £/day (a real exception)");
  t->add_flag("--json", tariff->json, "print JSON");
  t->callback([&action, tariff] { action = [tariff] { return run_tariff(*tariff); }; });

  auto solar = std::make_shared<SolarArgs>();
  auto* s = quote->add_subcommand("solar-credit", "one month's solar credit for an installation");
  s->add_option("--capacity-kw", solar->capacity_kw, "declared net capacity, kW")->option_text("KW")->required();
  s->add_option("--month", solar->month, "the month credited, YYYY-MM")->option_text("YYYY-MM")->required();
  s->add_option("--pence-per-year", solar->pence_per_year, "solar credit tariff, pence per kW per year")
      ->option_text("PENCE")
      ->required();
  s->add_option("--ratio", solar->ratio, "a property's allocation ratio (0-1): also show its share")
      ->option_text("RATIO");
  s->add_flag("--json", solar->json, "print JSON");
  s->callback([&action, solar] { action = [solar] { return run_solar(*solar); }; });
}

}  // namespace flows::bill_app
