#include "billing/statement.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "billing/statement_text.hpp"
#include "core/csv.hpp"
#include "core/text.hpp"

namespace flows::billing {
namespace {

std::string pounds(const Decimal& d) { return d.to_string(2); }

nlohmann::json rates_json(const Rates& r) {
  return {{"unit_rate", r.unit_rate.to_string_min(5)}, {"standing_charge", r.standing_charge.to_string_min(5)}};
}

nlohmann::json lines_json(const StatementLines& s) {
  return {{"power", pounds(s.power)},
          {"heat", pounds(s.heat)},
          {"standing_charge", pounds(s.standing_charge)},
          {"total", pounds(s.total)}};
}

std::int64_t pence(const Decimal& pounds_value) { return pounds_value.shifted(2).to_int64_trunc(); }

nlohmann::json daily_json(const std::vector<DailyUse>& days) {
  nlohmann::json daily = nlohmann::json::array();
  for (const auto& d : days)
    daily.push_back({{"day", d.day}, {"kwh", d.kwh ? nlohmann::json(d.kwh->to_string()) : nlohmann::json(nullptr)}});
  return daily;
}

std::string kwh3(const nlohmann::json& j) { return statement_text::dec(j).round_half_away_to(3).to_string(3); }

}  // namespace

nlohmann::json statement_json(const StatementInput& in) {
  const StatementLines customer = statement_lines(in.costs.customer);
  const StatementLines microgrid = statement_lines(in.costs.microgrid);
  const StatementLines benchmark = statement_lines(in.costs.benchmark);
  const CustomerUsage usage = customer_usage(in.circuits);

  nlohmann::json circuits = nlohmann::json::array();
  for (const auto& c : in.circuits)
    circuits.push_back({{"name", c.circuit}, {"type", to_string(c.type)}, {"kwh", c.kwh.to_string()}});

  nlohmann::json doc = {
      {"month", in.month.to_string()},
      {"days", in.days},
      {"customer", {{"id", in.customer_id}, {"name", in.customer_name}, {"email", in.customer_email}}},
      {"account_number", in.account_number},
      {"plot", in.plot},
      {"esco", in.esco},
      {"esco_name", in.esco_name.empty() ? in.esco : in.esco_name},
      {"esco_app_url", in.esco_app_url},
      {"usage", {{"power_kwh", usage.power_kwh.to_string()}, {"heat_kwh", usage.heat_kwh.to_string()}, {"circuits", circuits}}},
      {"rates",
       {{"customer", rates_json(in.customer_rates)},
        {"microgrid", rates_json(in.microgrid_rates)},
        {"benchmark", rates_json(in.benchmark_rates)}}},
      {"costs", {{"customer", lines_json(customer)}, {"microgrid", lines_json(microgrid)}, {"benchmark", lines_json(benchmark)}}},
      {"saving", pounds(saving(customer, benchmark))},
      {"solar_credit_gbp", pence_as_pounds(in.solar_credit_pence)},
      {"topups_gbp", pence_as_pounds(in.topups_pence)},
      {"payments_gbp", pence_as_pounds(in.payments_pence)},
      {"balance_at_month_end",
       in.balance_at_month_end ? nlohmann::json(in.balance_at_month_end->to_string_min(2)) : nlohmann::json(nullptr)},
      {"daily", daily_json(in.daily)},
      {"total_gbp", pounds(customer.total)},
  };
  if (in.occupied) doc["occupied"] = {{"from", in.occupied->first}, {"to", in.occupied->second}};
  return doc;
}

nlohmann::json upgrade_statement(nlohmann::json s) {
  for (const char* name : {"solar_credit", "topups", "payments", "total"}) {
    const std::string old_key = std::string(name) + "_pence", new_key = std::string(name) + "_gbp";
    auto it = s.find(old_key);
    if (it == s.end()) continue;
    if (!s.contains(new_key) && it->is_number_integer()) s[new_key] = pence_as_pounds(it->get<std::int64_t>());
    s.erase(old_key);
  }
  if (!s.contains("esco_name") && s.contains("esco")) s["esco_name"] = s["esco"];
  if (!s.contains("esco_app_url")) s["esco_app_url"] = "";
  return s;
}

std::int64_t statement_total_pence(const nlohmann::json& s) { return pence(statement_text::dec(s.at("total_gbp"))); }

bool statement_adds_up(const nlohmann::json& s) {
  using statement_text::dec;
  for (const char* who : {"customer", "microgrid", "benchmark"}) {
    const auto& l = s.at("costs").at(who);
    if (dec(l.at("power")) + dec(l.at("heat")) + dec(l.at("standing_charge")) != dec(l.at("total"))) return false;
  }
  const auto& c = s.at("costs");
  if (dec(s.at("saving")) != dec(c.at("benchmark").at("total")) - dec(c.at("customer").at("total"))) return false;
  return dec(c.at("customer").at("total")) == dec(s.at("total_gbp"));
}

std::string statements_csv(const std::vector<nlohmann::json>& statements) {
  using statement_text::str;
  std::string out =
      "month,account_number,customer_id,customer_name,email,esco,esco_name,plot,days,power_kwh,heat_kwh,"
      "unit_rate_gbp_per_kwh,standing_charge_gbp_per_day,power_cost_gbp,heat_cost_gbp,standing_charge_gbp,total_gbp,"
      "microgrid_total_gbp,benchmark_total_gbp,saving_gbp,solar_credit_gbp,topups_gbp,payments_gbp,"
      "balance_at_month_end_gbp\r\n";
  for (const auto& s : statements) {
    const auto& c = s.at("costs");
    const auto& bal = s.at("balance_at_month_end");
    const std::vector<std::string> fields = {
        str(s.at("month")),
        std::to_string(s.at("account_number").get<std::int64_t>()),
        str(s.at("customer").at("id")),
        str(s.at("customer").at("name")),
        str(s.at("customer").at("email")),
        str(s.at("esco")),
        str(s.at("esco_name")),
        str(s.at("plot")),
        std::to_string(s.at("days").get<int>()),
        kwh3(s.at("usage").at("power_kwh")),
        kwh3(s.at("usage").at("heat_kwh")),
        str(s.at("rates").at("customer").at("unit_rate")),
        str(s.at("rates").at("customer").at("standing_charge")),
        str(c.at("customer").at("power")),
        str(c.at("customer").at("heat")),
        str(c.at("customer").at("standing_charge")),
        str(c.at("customer").at("total")),
        str(c.at("microgrid").at("total")),
        str(c.at("benchmark").at("total")),
        str(s.at("saving")),
        str(s.at("solar_credit_gbp")),
        str(s.at("topups_gbp")),
        str(s.at("payments_gbp")),
        bal.is_null() ? std::string(no_balance_reading) : statement_text::dec(bal).to_string(2),
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += csv_cell(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

std::string pence_as_pounds(std::int64_t p) {
  const char* sign = p < 0 ? "-" : "";
  const std::int64_t a = p < 0 ? -p : p;
  return fmt::format("{}{}.{:02}", sign, a / 100, a % 100);
}

std::string pence_rate(const Decimal& pounds_per_unit) { return pounds_per_unit.shifted(2).to_string_min(2); }

std::string statement_basename(const nlohmann::json& s) {
  return fmt::format("statement-{}-{:06}", statement_text::str(s.at("month")),
                     s.at("account_number").get<std::int64_t>());
}

AxisTicks axis_ticks(std::int64_t max_wh) {
  if (max_wh <= 0) return {};
  for (std::int64_t magnitude = 1;; magnitude *= 10) {
    for (std::int64_t m : {1, 2, 5}) {
      const std::int64_t step = m * magnitude;
      const std::int64_t steps = (max_wh + step - 1) / step;
      if (steps <= 5) return {step, steps * step};
    }
  }
}

std::string coverage_note(const nlohmann::json& daily) {
  const int n = static_cast<int>(daily.size());
  int recorded = 0, first = -1, last = -1;
  for (int i = 0; i < n; ++i) {
    if (daily[static_cast<std::size_t>(i)].at("kwh").is_null()) continue;
    ++recorded;
    if (first < 0) first = i;
    last = i;
  }
  if (recorded == n) return "";
  const std::string head = fmt::format("Usage recorded on {} of {} (the standing charge is for {})", recorded,
                                       count_of(n, "day"), n == 1 ? "that day" : "all " + std::to_string(n));
  if (recorded == 0) return head + (n == 1 ? ": the meter reported no readings that day." : ": the meter reported no readings for these days.");
  const auto day = [&](int i) { return long_date(statement_text::str(daily[static_cast<std::size_t>(i)].at("day"))); };
  if (last - first + 1 == recorded) {  // one run of days with readings
    if (first > 0 && last == n - 1) return head + ": the meter reported from " + day(first) + ".";
    if (first == 0) return head + ": the meter reported until " + day(last) + ".";
    return head + ": the meter reported from " + day(first) + " until " + day(last) + ".";
  }
  return head + ": the days without readings are marked on the chart.";
}

bool microgrid_differs(const nlohmann::json& s) {
  using statement_text::dec;
  const auto& r = s.at("rates");
  for (const char* k : {"unit_rate", "standing_charge"})
    if (dec(r.at("customer").at(k)).truncate_to(5) != dec(r.at("microgrid").at(k)).truncate_to(5)) return true;
  return false;
}

bool heat_shown(const nlohmann::json& s) {
  const auto& u = s.at("usage");
  for (const auto& c : u.at("circuits"))
    if (statement_text::str(c.at("type")) == "heat") return true;
  return statement_text::dec(u.at("heat_kwh")).sign() != 0;
}

std::optional<std::int64_t> discount_tenths_of_percent(const Decimal& rate, const Decimal& benchmark) {
  // Both at 9 decimals as integers: rates are at most £100, so this fits.
  const std::int64_t b = benchmark.shifted(9).to_int64_trunc(), r = rate.shifted(9).to_int64_trunc();
  if (b <= 0) return std::nullopt;
  return (b - r) * 1000 / b;
}

}  // namespace flows::billing
