#include "jobs/token_push_decision.hpp"

namespace flows::jobs {
namespace {

Money abs_money(Money m) { return m < Money{} ? -m : m; }

std::string counts(int before, int after) { return std::to_string(before) + " -> " + std::to_string(after); }

}  // namespace

int count_delta(int before, int after) { return ((after - before) % 65536 + 65536) % 65536; }

Resolution resolve_interrupted(int before_count, int count, Money amount, std::optional<Money> last_credit) {
  const int delta = count_delta(before_count, count);
  if (delta == 0)
    return {Resolution::resend,
            "interrupted attempt did not land (transaction count unchanged at " + std::to_string(count) + "); "};
  if (delta != 1)
    return {Resolution::failed, "interrupted attempt: transaction count moved by " + std::to_string(delta) + " (" +
                                    counts(before_count, count) +
                                    "); cannot tell whether this token landed; check the meter"};
  if (!last_credit) return {Resolution::need_last_credit, ""};
  if (*last_credit == amount)
    return {Resolution::landed, "token landed during an interrupted attempt (transaction count " +
                                    counts(before_count, count) + ", last credit " + last_credit->to_string() + ")"};
  return {Resolution::failed, "interrupted attempt: transaction count rose by 1 but the last credit is " +
                                  last_credit->to_string() + ", not " + amount.to_string() + "; check the meter"};
}

SendVerdict judge_send(Money amount, Money before, Money after, int count_before, int count_after) {
  const int delta = count_delta(count_before, count_after);
  if (delta == 1 && abs_money(after - before - amount) <= credit_tolerance)
    return {true, "balance " + before.to_string() + " -> " + after.to_string()};
  return {false, "token accepted but the meter shows transaction count +" + std::to_string(delta) + " and balance " +
                     before.to_string() + " -> " + after.to_string() + " (expected +" + amount.to_string() +
                     "); check the meter"};
}

std::string refused_detail(emop::NakCode nak) {
  return std::string("the meter refused the token (NAK ") + std::string(emop::nak_name(nak)) +
         (nak == emop::NakCode::security_not_granted ? ": already used" : "") + ")";
}

}  // namespace flows::jobs
