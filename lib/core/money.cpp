#include "core/money.hpp"

#include <cstdlib>
#include <limits>

namespace flows {

std::optional<Money> Money::parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  std::int64_t whole = 0;
  std::size_t i = 0;
  std::size_t whole_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (whole > (std::numeric_limits<std::int64_t>::max() / scale - 9) / 10) return std::nullopt;
    whole = whole * 10 + (c - '0');
    ++whole_digits;
  }
  std::int64_t frac = 0;
  std::size_t frac_digits = 0;
  if (i < text.size()) {  // at '.'
    ++i;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c < '0' || c > '9') return std::nullopt;
      if (++frac_digits > 5) return std::nullopt;
      frac = frac * 10 + (c - '0');
    }
    if (frac_digits == 0) return std::nullopt;  // "3." is a typo, not a number
  }
  if (whole_digits == 0) return std::nullopt;  // ".5" is rejected: write 0.5
  for (std::size_t d = frac_digits; d < 5; ++d) frac *= 10;
  std::int64_t units = whole * scale + frac;
  return Money(negative ? -units : units);
}

std::string Money::to_string() const {
  // Work in unsigned so the most negative value prints correctly.
  bool negative = units_ < 0;
  std::uint64_t mag = negative ? (~static_cast<std::uint64_t>(units_) + 1) : static_cast<std::uint64_t>(units_);
  std::string frac = std::to_string(mag % scale);
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / scale);
  out += '.';
  out.append(5 - frac.size(), '0');
  out += frac;
  return out;
}

}  // namespace flows
