#pragma once
// Top-up tokens as the simulated meters understand them. Real tokens are
// vendor-encrypted; the simulator uses this simple documented rule instead, so
// tests and demos can mint tokens that the simulated meters accept.
//
// A token is 20 ASCII digits d1 … d20 (1-based):
//   d1-d11   token id (any digits; make_token puts nonce mod 10^11 here)
//   d12      check digit
//   d13      token class, always 0 (credit)
//   d14-d20  amount to credit in pence, 0000001-9999999
// Check: weighting the digits 3, 1, 3, 1, … from d1 (odd positions 3, even 1),
// the weighted sum of all twenty digits is a multiple of 10 (the EAN rule, over
// the whole token so the amount cannot be altered without breaking it).
//
// A meter accepts each token once (see SimMeter: a repeated token is refused with
// NAK security_not_granted, a token that fails this rule with NAK format_error).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.hpp"

namespace flows::sim {

// Throws flows::Error(usage) when the amount is not a whole number of pence in
// 0.01 … 99999.99.
std::string make_token(Money amount, std::uint64_t nonce);

// The credit a token carries, or nullopt when it breaks the rule above.
std::optional<Money> token_credit(std::string_view token);

}  // namespace flows::sim
