#include "billing/month_bill.hpp"

#include <set>

#include "core/emop_time.hpp"

namespace flows::billing {
namespace {

std::map<std::string, const Esco*> escos_by_id(const std::vector<Esco>& escos) {
  std::map<std::string, const Esco*> out;
  for (const auto& e : escos) out[e.id] = &e;
  return out;
}

std::map<std::string, int> accounts_occupied(const MonthInputs& in) {
  std::map<std::string, int> out;
  for (const auto& o : in.occupancies)
    if (occupied_days(o.dates, in.month, in.days).count() > 0) out[o.customer_id]++;
  return out;
}

CustomerBill bill_customer(const MonthInputs& in, const Esco& e, const Occupancy& o, const DayRange& days,
                           const PropertyUsage& usage) {
  CustomerBill b;
  b.occupancy = &o;
  b.esco = &e;
  b.days = days;
  b.usage = customer_usage(usage.circuits);
  b.rates = in.customer.at(o.customer_id);
  b.costs = monthly_costs(b.usage, b.rates, in.microgrid.at(e.id), in.benchmark.at(e.region), days.count());
  return b;
}

std::string day_of_month(const Month& month, int day) {
  const auto first = month.first_day();
  return format_date(first.year() / first.month() / date::day{static_cast<unsigned>(day)});
}

template <class Map, class Key>
auto value_or_zero(const Map& m, const Key& k) -> typename Map::mapped_type {
  auto it = m.find(k);
  return it == m.end() ? typename Map::mapped_type{} : it->second;
}

}  // namespace

void require_benchmarks(const MonthInputs& in) {
  const auto by_id = escos_by_id(in.escos);
  std::set<std::string> needed;
  for (const auto& o : in.occupancies) needed.insert(o.esco_id);
  for (const auto& id : needed) benchmark_for(*by_id.at(id), in.benchmark, "in " + in.month.to_string());
}

std::string occupancy_key(const Occupancy& o) { return o.customer_id + " " + o.account_id; }

std::vector<OccupancyWindow> occupancy_windows(const std::vector<Occupancy>& occupancies, const Month& month,
                                               int days_charged) {
  std::vector<OccupancyWindow> out;
  for (const auto& o : occupancies) {
    const DayRange days = occupied_days(o.dates, month, days_charged);
    if (days.count() == 0) continue;
    out.push_back({occupancy_key(o), o.supply_meter, o.account_id, occupied_range(days, month)});
  }
  return out;
}

std::optional<SkipReason> skip_reason(const MonthInputs& in, const Esco& esco, const Occupancy& o,
                                      int accounts_occupied) {
  if (o.status != "live" && o.status != "exiting")
    return SkipReason{"status " + (o.status.empty() ? std::string("unknown") : o.status) +
                          ": only live and exiting customers are billed",
                      ExitCode::partial};
  if (accounts_occupied > 1)
    return SkipReason{"occupies " + std::to_string(accounts_occupied) + " supply accounts; bill them one at a time",
                      ExitCode::config};
  if (!in.microgrid.count(esco.id))
    return SkipReason{"no microgrid tariff in force for ESCO " + esco.code + " in " + in.month.to_string(),
                      ExitCode::config};
  if (!in.customer.count(o.customer_id))
    return SkipReason{"no customer tariff in force in " + in.month.to_string(), ExitCode::config};
  return std::nullopt;
}

std::vector<std::string> charged_days(const Month& month, int days) {
  std::vector<std::string> out;
  const auto first = month.first_day();
  for (int d = 1; d <= days; ++d)
    out.push_back(format_date(first.year() / first.month() / date::day{static_cast<unsigned>(d)}));
  return out;
}

StatementInput statement_input(const MonthInputs& in, const CustomerBill& b, const PropertyUsage& usage) {
  const Occupancy& o = *b.occupancy;
  StatementInput st;
  st.month = in.month;
  st.customer_id = o.customer_id;
  st.customer_name = o.name;
  st.customer_email = o.email;
  st.account_number = o.account_number;
  st.plot = o.plot;
  st.esco = b.esco->code;
  st.esco_name = b.esco->name;
  st.esco_app_url = b.esco->app_url;
  st.days = b.days.count();
  if (b.days.count() != in.days) st.occupied = {{day_of_month(in.month, b.days.first), day_of_month(in.month, b.days.last)}};
  st.circuits = usage.circuits;
  st.customer_rates = b.rates;
  st.microgrid_rates = in.microgrid.at(b.esco->id);
  st.benchmark_rates = in.benchmark.at(b.esco->region);
  st.costs = b.costs;
  // Every billed day; no kWh (not 0) where no circuit recorded anything.
  for (int d = b.days.first; d <= b.days.last; ++d) {
    const auto i = static_cast<std::size_t>(d - 1);
    st.daily.push_back({day_of_month(in.month, d), usage.recorded[i] ? std::optional(usage.daily[i]) : std::nullopt});
  }
  const std::string key = occupancy_key(o);
  // The property's credit is paid to its meter after the month (solar credits
  // apply): it shows on the statement of whoever occupies it at the month's end.
  if (b.days.last == in.days) st.solar_credit_pence = value_or_zero(in.solar_by_property, o.property_id);
  st.topups_pence = value_or_zero(in.account_lines.topups, key);
  st.payments_pence = value_or_zero(in.account_lines.payments, key);
  if (auto it = in.account_lines.balance.find(key); it != in.account_lines.balance.end())
    st.balance_at_month_end = it->second;
  return st;
}

MonthBill bill_month(const MonthInputs& in, const CircuitMonths& circuits, bool statements) {
  static const std::vector<std::string> no_circuits;
  const auto by_id = escos_by_id(in.escos);
  const auto occupied = accounts_occupied(in);
  MonthBill out;
  for (const auto& o : in.occupancies) {
    const DayRange days = occupied_days(o.dates, in.month, in.days);
    if (days.count() == 0) continue;
    const Esco& e = *by_id.at(o.esco_id);
    if (auto skip = skip_reason(in, e, o, occupied.at(o.customer_id))) {
      out.skipped.push_back({o.customer_id, o.email, e.code, o.account_number, std::move(skip->reason), skip->code});
      continue;
    }
    const auto pc = in.property_circuits.find(o.property_id);
    const PropertyUsage usage =
        property_usage(circuits, pc == in.property_circuits.end() ? no_circuits : pc->second, days.first, days.last);
    CustomerBill b = bill_customer(in, e, o, days, usage);
    if (statements) {
      b.statement = statement_json(statement_input(in, b, usage));
      b.statement_total_pence = statement_total_pence(b.statement);
    }
    out.customer_total += b.costs.customer.total();
    out.billed.push_back(std::move(b));
  }
  return out;
}

}  // namespace flows::billing
