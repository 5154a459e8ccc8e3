#pragma once
// What the answers to a meter write mean, for the engineer who asked for it:
// pure, no meter (meter.hpp does the talking).
#include <optional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "transport/failure.hpp"

namespace flows::meter {

// Prepayment mode goes on only with at least this much credit on the meter.
inline constexpr Money prepay_enable_minimum = Money::from_pounds(10);

// Why prepayment mode may not go on at this balance ("balance 9.99000 is under
// 10.00000 (nothing was written)"); nullopt when it may.
std::optional<std::string> prepay_enable_refusal(Money balance);

// What a failed token send means. A NAK is the meter refusing the token (used
// already, or for another meter); any other failure may have come after the
// token went in, so the engineer is told to read the balance before resending.
// The kind and NAK code are kept, so the exit status is the failure's.
transport::MeterError token_send_failure(const transport::MeterError& e);

// A token whose send was delivered but not answered, judged from the meter
// afterwards: its monetary transaction count (16 bits) and balance before the
// send and now. The count moved by one and the balance rose: it landed. The count
// unchanged: it did not (sending it again is safe: a meter refuses a token it
// took). Anything else: unknown.
enum class TokenOutcome { landed, not_landed, unknown };
TokenOutcome token_outcome(int count_before, int count_after, Money balance_before, Money balance_after);

// A future tariff whose read-back differs is a protocol failure naming every
// difference; nullopt when it read back as written.
std::optional<std::string> tariff_read_back_failure(const std::vector<std::string>& mismatches);

}  // namespace flows::meter
