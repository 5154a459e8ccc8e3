#include "billing/usage.hpp"

#include <unordered_map>

namespace flows::billing {

std::map<std::string, Decimal> usage_by_circuit(const std::vector<HalfHourReading>& readings,
                                                const std::vector<CircuitRegister>& links, TimeRange month) {
  std::map<std::string, Decimal> usage;
  std::unordered_map<std::string, std::vector<const CircuitRegister*>> by_register;
  for (const auto& l : links) {
    usage.try_emplace(l.circuit);
    by_register[l.register_id].push_back(&l);
  }
  for (const auto& r : readings) {
    if (!month.contains(r.timestamp)) continue;
    auto it = by_register.find(r.register_id);
    if (it == by_register.end()) continue;
    for (const CircuitRegister* l : it->second)
      if (l->covers(r.timestamp)) usage[l->circuit] += r.kwh;
  }
  return usage;
}

}  // namespace flows::billing
