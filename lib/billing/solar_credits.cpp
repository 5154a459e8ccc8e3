#include "billing/solar_credits.hpp"

#include "billing/solar.hpp"
#include "billing/tariffs.hpp"
#include "core/error.hpp"

namespace flows::billing {
namespace {

// An installation's shares: its allocations, or the installation's own property, whole.
std::vector<SolarAllocation> shares_of(const SolarInstallation& inst,
                                       const std::map<std::string, std::vector<SolarAllocation>>& allocations) {
  if (auto it = allocations.find(inst.property); it != allocations.end()) return it->second;
  return {{inst.property, inst.property, inst.plot, Decimal(1)}};
}

void add_installation_rows(const Month& month, const SolarInstallation& inst, const std::vector<SolarAllocation>& shares,
                           const SolarTariffRow* tariff, std::vector<SolarCreditRow>& rows) {
  std::vector<Decimal> ratios;
  for (const auto& s : shares) ratios.push_back(s.ratio);
  const std::int64_t base =
      tariff ? monthly_solar_credit(inst.capacity_kw, month, tariff->pence_per_year).credit_pence : 0;
  std::vector<std::int64_t> credits;
  try {
    credits = allocate_solar_credit(base, ratios);
  } catch (const Error& e) {
    throw Error(e.code(), "solar installation of " + inst.plot + ": " + e.what());
  }
  for (std::size_t i = 0; i < shares.size(); ++i) {
    SolarCreditRow row;
    row.property = shares[i].property;
    row.plot = shares[i].plot;
    row.esco = inst.esco;
    row.installation = inst.property;
    row.installation_plot = inst.plot;
    row.capacity_kw = inst.capacity_kw;
    if (tariff) row.pence_per_year = tariff->pence_per_year;
    row.ratio = shares[i].ratio;
    row.credit_pence = credits[i];
    if (!tariff) row.note = "no solar credit tariff";
    rows.push_back(std::move(row));
  }
}

}  // namespace

std::vector<SolarCreditRow> solar_credit_rows(const Month& month, const std::vector<SolarInstallation>& installations,
                                              const std::vector<SolarAllocation>& allocations,
                                              const std::vector<SolarTariffRow>& tariffs,
                                              const std::vector<SolarProperty>& uncredited) {
  const auto in_force = tariffs_in_force(tariffs, &SolarTariffRow::esco, month.first_day());
  std::map<std::string, std::vector<SolarAllocation>> by_installation;
  for (const auto& a : allocations) by_installation[a.installation].push_back(a);
  std::vector<SolarCreditRow> rows;
  for (const auto& inst : installations) {
    const auto t = in_force.find(inst.esco);
    add_installation_rows(month, inst, shares_of(inst, by_installation), t == in_force.end() ? nullptr : &t->second, rows);
  }
  for (const auto& p : uncredited) {
    SolarCreditRow row;
    row.property = p.property;
    row.plot = p.plot;
    row.esco = p.esco;
    row.ratio = 0;
    row.note = "no installation";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::map<std::string, std::int64_t> solar_credit_by_property(const std::vector<SolarCreditRow>& rows) {
  std::map<std::string, std::int64_t> out;
  for (const auto& r : rows) out[r.property] += r.credit_pence;
  return out;
}

}  // namespace flows::billing
