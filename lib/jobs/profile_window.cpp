#include "jobs/profile_window.hpp"

#include <chrono>

namespace flows::jobs {

WindowPage window_page(const std::vector<emop::ProfileLog1Record>& answer, MeterTime asked, MeterTime to) {
  WindowPage page;
  if (answer.empty()) return page;
  for (const auto& r : answer)
    if (r.timestamp >= asked && r.timestamp < to) page.in_window.push_back(r);
  const MeterTime next = answer.back().timestamp + std::chrono::minutes(30);
  if (next > asked && next < to) page.next = next;
  return page;
}

}  // namespace flows::jobs
