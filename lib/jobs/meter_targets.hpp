#pragma once
// Rows that name meters (db::MeterRow, or any row with serial, host, port, dst
// and hardware) -> the targets a batch talks to, and the rows it cannot talk to
// because the meter has no address. A meter named by several rows is one
// target (one conversation per meter).
#include <set>
#include <string>
#include <vector>

#include "transport/target.hpp"

namespace flows::jobs {

struct TargetSplit {
  std::vector<transport::MeterTarget> targets;  // in the rows' order, each serial once
  std::vector<std::size_t> without_address;     // indices of the rows whose meter has no host
};

// meter_of(row) gives the row's meter (anything with the fields above).
template <class Row, class MeterOf>
TargetSplit meter_targets(const std::vector<Row>& rows, MeterOf meter_of) {
  TargetSplit out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& m = meter_of(rows[i]);
    if (m.host.empty()) {
      out.without_address.push_back(i);
      continue;
    }
    if (seen.insert(m.serial).second) out.targets.push_back({m.serial, {m.host, m.port}, m.dst, m.hardware});
  }
  return out;
}

template <class Row>
TargetSplit meter_targets(const std::vector<Row>& rows) {
  return meter_targets(rows, [](const Row& r) -> const Row& { return r; });
}

}  // namespace flows::jobs
