#include "billing/month_usage.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/error.hpp"

namespace flows::billing {
namespace {

date::year_month_day uk_day_of(Instant t) { return uk_date(date::floor<std::chrono::seconds>(t)); }

Instant uk_midnight(date::year_month_day d) {
  // Local midnight is never inside a UK clock change (those happen at 01:00 UTC).
  return to_utc(MeterTime{date::local_days{d}}, ClockKind::uk_local);
}

}  // namespace

LinkReads link_reads(const CircuitLink& link) {
  LinkReads out{link.circuit, link.register_id, std::nullopt, {}};
  const Instant s = link.start, e = link.end;
  // The first whole day starts at s when s is a UK midnight, else the next midnight.
  date::year_month_day d0 = uk_day_of(s);
  if (uk_midnight(d0) != s) d0 = date::sys_days{d0} + date::days{1};
  const date::year_month_day d1 = uk_day_of(e);  // the day e falls in: not whole
  const Instant m0 = uk_midnight(d0), m1 = uk_midnight(d1);
  if (d0 < d1) out.whole_days = UkDays{d0, d1};
  if (s < std::min(e, m0)) out.part.emplace_back(s, std::min(e, m0));
  if (const Instant from = std::max({s, m0, m1}); from < e) out.part.emplace_back(from, e);
  return out;
}

void MonthUsage::add_circuit(const std::string& id, const std::string& name, std::string_view type) {
  CircuitMonth c;
  c.name = name;
  c.type = parse_circuit_type(type).value_or(CircuitType::power);
  circuits_.emplace(id, std::move(c));
  last_ = nullptr;
  last_id_.clear();
}

void MonthUsage::add(std::string_view circuit, int day, const Decimal& kwh, int half_hours) {
  if (!last_ || circuit != last_id_) {
    auto it = circuits_.find(circuit);
    if (it == circuits_.end()) throw std::logic_error("usage of a circuit out of scope: " + std::string(circuit));
    last_id_ = circuit;
    last_ = &it->second;
  }
  if (day < 1 || day > 31) throw std::logic_error("usage row for day " + std::to_string(day) + " of a month");
  last_->daily[static_cast<std::size_t>(day - 1)] += kwh;
  last_->daily_half_hours[static_cast<std::size_t>(day - 1)] += half_hours;
  last_->kwh += kwh;
  last_->half_hours += half_hours;
}

std::vector<CircuitUsageRow> usage_rows(const CircuitMonths& circuits, const Month& month) {
  std::vector<CircuitUsageRow> rows;
  rows.reserve(circuits.size());
  for (const auto& [id, c] : circuits) {
    if (c.kwh.sign() < 0)
      throw config_error("circuit " + c.name + " used " + c.kwh.to_string() + " kWh in " + month.to_string() +
                         ": negative, so its half-hourly data is wrong; nothing was written");
    rows.push_back({id, c.name, to_string(c.type), c.kwh, c.half_hours});
  }
  return rows;
}

PropertyUsage property_usage(const CircuitMonths& circuits, const std::vector<std::string>& circuit_ids) {
  PropertyUsage out;
  for (const auto& id : circuit_ids) {
    auto it = circuits.find(id);
    if (it == circuits.end()) continue;  // its meter belongs to an ESCO out of scope
    out.circuits.push_back({it->second.name, it->second.type, it->second.kwh});
    for (std::size_t d = 0; d < out.daily.size(); ++d) {
      out.daily[d] += it->second.daily[d];
      out.recorded[d] = out.recorded[d] || it->second.daily_half_hours[d] > 0;
    }
  }
  return out;
}

PropertyUsage property_usage(const CircuitMonths& circuits, const std::vector<std::string>& circuit_ids,
                             int first_day, int last_day) {
  PropertyUsage out;
  for (const auto& id : circuit_ids) {
    auto it = circuits.find(id);
    if (it == circuits.end()) continue;
    Decimal kwh;
    for (int d = std::max(first_day, 1); d <= std::min(last_day, 31); ++d) {
      const auto i = static_cast<std::size_t>(d - 1);
      kwh += it->second.daily[i];
      out.daily[i] += it->second.daily[i];
      out.recorded[i] = out.recorded[i] || it->second.daily_half_hours[i] > 0;
    }
    out.circuits.push_back({it->second.name, it->second.type, kwh});
  }
  return out;
}

UsageTotals usage_totals(const std::vector<CircuitUsageRow>& rows) {
  UsageTotals t;
  for (const auto& r : rows) (r.type == to_string(CircuitType::solar) ? t.generation_kwh : t.consumption_kwh) += r.kwh;
  return t;
}

}  // namespace flows::billing
