#include "meter/write_outcomes.hpp"

namespace flows::meter {

std::optional<std::string> prepay_enable_refusal(Money balance) {
  if (!(balance < prepay_enable_minimum)) return std::nullopt;
  return "balance " + balance.to_string() + " is under " + prepay_enable_minimum.to_string() + " (nothing was written)";
}

transport::MeterError token_send_failure(const transport::MeterError& e) {
  if (e.kind() == transport::FailureKind::nak)
    return transport::MeterError(
        e.kind(), std::string("the meter refused the token (already used, or not for this meter): ") + e.what(), e.nak());
  return transport::MeterError(e.kind(),
                               std::string(e.what()) +
                                   " — the token may or may not have reached the meter; read prepay_balance "
                                   "before sending it again",
                               e.nak());
}

std::optional<std::string> tariff_read_back_failure(const std::vector<std::string>& mismatches) {
  if (mismatches.empty()) return std::nullopt;
  std::string all;
  for (const auto& s : mismatches) all += (all.empty() ? "" : "; ") + s;
  return "future tariff read back differs: " + all;
}

TokenOutcome token_outcome(int count_before, int count_after, Money balance_before, Money balance_after) {
  const int delta = ((count_after - count_before) % 65536 + 65536) % 65536;
  if (delta == 0) return TokenOutcome::not_landed;
  if (delta == 1 && balance_after > balance_before) return TokenOutcome::landed;
  return TokenOutcome::unknown;
}

}  // namespace flows::meter
