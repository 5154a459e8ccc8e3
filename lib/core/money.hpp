#pragma once
// Exact money in units of £0.00001 (the meter's own resolution). Never a double.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flows {

class Money {
 public:
  static constexpr std::int64_t scale = 100000;  // units per pound

  constexpr Money() = default;
  static constexpr Money from_units(std::int64_t units) { return Money(units); }
  static constexpr Money from_pounds(std::int64_t pounds) { return Money(pounds * scale); }

  // Parses "12", "-0.5", "0.17587", "+3.10000". At most 5 decimals; anything else
  // (exponents, spaces, more decimals, overflow) is rejected with nullopt.
  static std::optional<Money> parse(std::string_view text);

  constexpr std::int64_t units() const { return units_; }
  // Always 5 decimals: "-333.26400".
  std::string to_string() const;

  constexpr auto operator<=>(const Money&) const = default;
  constexpr Money operator+(Money o) const { return Money(units_ + o.units_); }
  constexpr Money operator-(Money o) const { return Money(units_ - o.units_); }
  constexpr Money operator-() const { return Money(-units_); }

 private:
  constexpr explicit Money(std::int64_t units) : units_(units) {}
  std::int64_t units_ = 0;
};

}  // namespace flows
