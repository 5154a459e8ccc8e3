#pragma once
// What a token push's meter readings mean: pure, no meter, no database
// (push_tokens.hpp has the whole protocol).
#include <optional>
#include <string>

#include "core/money.hpp"
#include "emop/frame.hpp"

namespace flows::jobs {

// How far the credit seen on the meter may be from the topup's amount (the
// balance keeps falling with use while the token goes in): £0.50.
inline const Money credit_tolerance = Money::from_units(50000);

// How far the meter's monetary transaction count moved, modulo its 16 bits.
int count_delta(int before, int after);

// What an attempt left unfinished by an earlier run means, from the meter now.
struct Resolution {
  enum Kind {
    resend,            // the token did not land: send it again as a new attempt
    need_last_credit,  // the count moved by one: ask again with the newest transaction's value
    landed,            // completed
    failed,            // failed_token_push, for an operator; never re-sent
  } kind;
  std::string detail;  // for landed and failed: the reason; for resend: the prefix of the new attempt's detail
};

// before_count: the count claimed before the interrupted send; count: now.
//   * count unchanged → resend (whatever the balance did: a balance that rose
//     without the count moving is use going down and no token, or a change of
//     another kind; the meter refuses a token it already took, so a resend is safe);
//   * moved by 1 → need_last_credit without last_credit; with it: equal to the
//     amount → landed, otherwise failed;
//   * moved by any other amount (2 and more, or backwards) → failed.
Resolution resolve_interrupted(int before_count, int count, Money amount, std::optional<Money> last_credit);

// What a send followed by a read means.
struct SendVerdict {
  bool completed = false;
  std::string detail;
};

// Completed when the count moved by exactly 1 and the balance rose by the amount
// within credit_tolerance; otherwise failed with what the meter shows.
SendVerdict judge_send(Money amount, Money balance_before, Money balance_after, int count_before, int count_after);

// The detail of a token the meter refused with a NAK.
std::string refused_detail(emop::NakCode nak);

}  // namespace flows::jobs
