#include "sim/token.hpp"

#include "core/error.hpp"

namespace flows::sim {
namespace {

constexpr std::size_t token_digits = 20;
constexpr std::size_t check_position = 11;  // 0-based: d12
constexpr std::size_t class_position = 12;  // 0-based: d13
constexpr std::int64_t units_per_penny = Money::scale / 100;
constexpr std::int64_t max_pence = 9'999'999;

int weighted_sum(std::string_view t) {
  int sum = 0;
  for (std::size_t i = 0; i < token_digits; ++i) sum += (i % 2 == 0 ? 3 : 1) * (t[i] - '0');
  return sum;
}

}  // namespace

std::string make_token(Money amount, std::uint64_t nonce) {
  if (amount.units() % units_per_penny != 0 || amount.units() <= 0 || amount.units() / units_per_penny > max_pence)
    throw usage_error("a token carries a whole number of pence from 0.01 to 99999.99, not " + amount.to_string());
  std::string id = std::to_string(nonce % 100'000'000'000ULL);
  std::string pence = std::to_string(amount.units() / units_per_penny);
  std::string t = std::string(11 - id.size(), '0') + id + "00" + std::string(7 - pence.size(), '0') + pence;
  // The check digit has weight 1, so it is whatever brings the sum to a multiple of 10.
  t[check_position] = static_cast<char>('0' + (10 - weighted_sum(t) % 10) % 10);
  return t;
}

std::optional<Money> token_credit(std::string_view t) {
  if (t.size() != token_digits) return std::nullopt;
  for (char c : t)
    if (c < '0' || c > '9') return std::nullopt;
  if (t[class_position] != '0' || weighted_sum(t) % 10 != 0) return std::nullopt;
  std::int64_t pence = 0;
  for (std::size_t i = class_position + 1; i < token_digits; ++i) pence = pence * 10 + (t[i] - '0');
  if (pence == 0) return std::nullopt;
  return Money::from_units(pence * units_per_penny);
}

}  // namespace flows::sim
