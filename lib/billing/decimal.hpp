#pragma once
// Exact decimal numbers for billing: a 128-bit integer coefficient and a decimal
// scale (value = coefficient × 10^-scale), always kept in canonical form (no
// trailing zeros in the fraction), so equal values are equal objects and the
// scale is the number of significant decimals.
//
// Why not Money: billing needs more decimals than the meter's £0.00001, e.g. a
// microgrid rate (1 − d/100) × benchmark is kept unrounded (a 5-decimal rate times
// a 2-decimal percentage has 9 decimals), and that rate times kWh has more still.
// + − × are exact; the only operations that lose digits say so in their names
// (truncate_to, round_half_away_to, div_trunc). A result that cannot be held
// exactly (coefficient beyond ±1.7e38, or more than max_scale decimals) throws
// DecimalOverflow rather than being silently rounded.
#include <compare>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/money.hpp"

namespace flows::billing {

__extension__ typedef __int128 int128;  // __extension__: quiet under -Wpedantic

class DecimalOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

class Decimal {
 public:
  static constexpr int max_scale = 36;

  constexpr Decimal() = default;
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  constexpr Decimal(T v) : coef_(v) {}  // NOLINT: integers convert implicitly, exactly
  Decimal(double) = delete;                         // never from binary floating point
  Decimal(float) = delete;

  // coefficient × 10^-scale, 0 <= scale <= max_scale.
  static Decimal from_parts(int128 coefficient, int scale);
  static Decimal from_money(Money m) { return from_parts(m.units(), 5); }

  // Plain decimal text: optional sign, digits, optionally '.' and at least one
  // digit ("12", "-0.5", "+3.10", "007.25"). Rejects "", ".5", "1.", exponents,
  // spaces, separators, "NaN"/"inf", more than max_scale decimals, overflow.
  static std::optional<Decimal> parse(std::string_view text);
  // Why parse refused TEXT, to follow the text in a message: "is not a decimal
  // number", "has more than 36 decimals", or "is too large" (well formed, but
  // more digits than the coefficient holds). Empty when parse accepts it.
  static std::string parse_failure(std::string_view text);

  // Exact, with as few decimals as needed: "10", "0.175875", "-0.5".
  std::string to_string() const;
  // Exactly `decimals` decimals, truncated toward zero first: 0.175875 → "0.17587"
  // with 5, 10 → "10.00" with 2. Never prints "-0.00".
  std::string to_string(int decimals) const;
  // Exact, but with at least `min_decimals` decimals: 0.2345 → "0.23450" with 5,
  // 0.175875 → "0.175875".
  std::string to_string_min(int min_decimals) const;

  // The meter's money, when this value is exact at 5 decimals and in range.
  std::optional<Money> to_money() const;

  // Toward zero: 0.175875 → 0.17587, −0.175875 → −0.17587.
  Decimal truncate_to(int decimals) const;
  // Half away from zero: 1.005 → 1.01, −1.005 → −1.01, 1.0049 → 1.00.
  Decimal round_half_away_to(int decimals) const;
  // this / divisor, truncated toward zero to `decimals` decimals. divisor != 0.
  Decimal div_trunc(std::int64_t divisor, int decimals) const;
  // this × 10^places, exactly (places may be negative): 25 shifted −2 = 0.25.
  Decimal shifted(int places) const;
  // The integer part (toward zero), which must fit in 64 bits.
  std::int64_t to_int64_trunc() const;

  int sign() const { return coef_ > 0 ? 1 : coef_ < 0 ? -1 : 0; }
  bool is_integer() const { return scale_ == 0; }
  int decimals() const { return scale_; }  // significant decimals
  int128 coefficient() const { return coef_; }

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  Decimal operator-() const;
  Decimal& operator+=(const Decimal& o) { return *this = *this + o; }
  Decimal& operator-=(const Decimal& o) { return *this = *this - o; }
  Decimal& operator*=(const Decimal& o) { return *this = *this * o; }

  friend bool operator==(const Decimal&, const Decimal&) = default;  // canonical form
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

 private:
  int128 coef_ = 0;
  int scale_ = 0;
};

// For doctest and logs: the exact text.
std::string to_string(const Decimal& d);
std::ostream& operator<<(std::ostream& os, const Decimal& d);

}  // namespace flows::billing
