#include "billing/decimal.hpp"

#include <algorithm>
#include <limits>
#include <ostream>

namespace flows::billing {
namespace {

__extension__ typedef unsigned __int128 uint128;

constexpr int128 pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

int128 mul(int128 a, int128 b) {
  int128 r;
  if (__builtin_mul_overflow(a, b, &r)) throw DecimalOverflow("decimal overflow in a product");
  return r;
}

int128 add(int128 a, int128 b) {
  int128 r;
  if (__builtin_add_overflow(a, b, &r)) throw DecimalOverflow("decimal overflow in a sum");
  return r;
}

uint128 magnitude(int128 v) { return v < 0 ? ~static_cast<uint128>(v) + 1 : static_cast<uint128>(v); }

std::string digits_of(uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

// "-" + whole + "." + fraction of coef × 10^-scale, with exactly `scale` decimals.
std::string format(int128 coef, int scale) {
  std::string digits = digits_of(magnitude(coef));
  if (static_cast<int>(digits.size()) <= scale) digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
  std::string out = coef < 0 ? "-" : "";
  const std::size_t whole = digits.size() - static_cast<std::size_t>(scale);
  out.append(digits, 0, whole);
  if (scale > 0) {
    out += '.';
    out.append(digits, whole, std::string::npos);
  }
  return out;
}

void check_decimals(int decimals) {
  if (decimals < 0 || decimals > Decimal::max_scale)
    throw std::invalid_argument("decimals must be 0-" + std::to_string(Decimal::max_scale));
}

}  // namespace

Decimal Decimal::from_parts(int128 coefficient, int scale) {
  check_decimals(scale);
  Decimal d;
  while (scale > 0 && coefficient % 10 == 0) {
    coefficient /= 10;
    --scale;
  }
  d.coef_ = coefficient;
  d.scale_ = scale;
  return d;
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int128 coef = 0;
  int whole_digits = 0, frac_digits = 0;
  bool in_fraction = false;
  for (char c : text) {
    if (c == '.') {
      if (in_fraction || whole_digits == 0) return std::nullopt;  // "1.2.3", ".5"
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(coef, 10, &coef) || __builtin_add_overflow(coef, c - '0', &coef)) return std::nullopt;
    if (in_fraction) {
      if (++frac_digits > max_scale) return std::nullopt;
    } else {
      ++whole_digits;
    }
  }
  if (whole_digits == 0 || (in_fraction && frac_digits == 0)) return std::nullopt;  // "", "-", "3."
  return from_parts(negative ? -coef : coef, frac_digits);
}

std::string Decimal::parse_failure(std::string_view text) {
  if (parse(text)) return {};
  std::string_view t = text;
  if (!t.empty() && (t.front() == '-' || t.front() == '+')) t.remove_prefix(1);
  const auto point = t.find('.');
  const std::string_view whole = t.substr(0, point);
  const std::string_view frac = point == std::string_view::npos ? std::string_view() : t.substr(point + 1);
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (point != std::string_view::npos && !digits(frac))) return "is not a decimal number";
  if (static_cast<int>(frac.size()) > max_scale) return "has more than " + std::to_string(max_scale) + " decimals";
  return "is too large";
}

std::string Decimal::to_string() const { return format(coef_, scale_); }

std::string Decimal::to_string(int decimals) const {
  const Decimal t = truncate_to(decimals);
  return format(mul(t.coef_, pow10(decimals - t.scale_)), decimals);
}

std::string Decimal::to_string_min(int min_decimals) const {
  check_decimals(min_decimals);
  return scale_ >= min_decimals ? to_string() : to_string(min_decimals);
}

std::optional<Money> Decimal::to_money() const {
  if (scale_ > 5) return std::nullopt;
  int128 units;
  if (__builtin_mul_overflow(coef_, pow10(5 - scale_), &units)) return std::nullopt;
  if (units > std::numeric_limits<std::int64_t>::max() || units < std::numeric_limits<std::int64_t>::min())
    return std::nullopt;
  return Money::from_units(static_cast<std::int64_t>(units));
}

Decimal Decimal::truncate_to(int decimals) const {
  check_decimals(decimals);
  if (scale_ <= decimals) return *this;
  return from_parts(coef_ / pow10(scale_ - decimals), decimals);  // C++ division truncates toward zero
}

Decimal Decimal::round_half_away_to(int decimals) const {
  check_decimals(decimals);
  if (scale_ <= decimals) return *this;
  const int128 p = pow10(scale_ - decimals);
  int128 q = coef_ / p;
  const int128 r = coef_ % p;  // same sign as coef_
  if (magnitude(r) * 2 >= magnitude(p)) q += sign();
  return from_parts(q, decimals);
}

Decimal Decimal::div_trunc(std::int64_t divisor, int decimals) const {
  check_decimals(decimals);
  if (divisor == 0) throw std::domain_error("decimal division by zero");
  // trunc(coef × 10^(decimals − scale) / divisor). When digits are dropped first,
  // truncating twice equals truncating once: trunc(trunc(a/b)/c) = trunc(a/(b·c)).
  const int128 num = decimals >= scale_ ? mul(coef_, pow10(decimals - scale_)) : coef_ / pow10(scale_ - decimals);
  return from_parts(num / divisor, decimals);
}

Decimal Decimal::shifted(int places) const {
  if (places >= 0) {
    const int up = std::min(places, scale_);  // first absorb decimals
    Decimal d = from_parts(coef_, scale_ - up);
    if (places > up) {
      if (places - up > 38) throw DecimalOverflow("decimal overflow in a shift");
      d = from_parts(mul(d.coef_, pow10(places - up)), 0);
    }
    return d;
  }
  if (scale_ - places > max_scale) {
    throw DecimalOverflow("decimal has more than " + std::to_string(max_scale) + " decimals");
  }
  return from_parts(coef_, scale_ - places);
}

std::int64_t Decimal::to_int64_trunc() const {
  const int128 whole = coef_ / pow10(scale_);
  if (whole > std::numeric_limits<std::int64_t>::max() || whole < std::numeric_limits<std::int64_t>::min())
    throw DecimalOverflow("decimal does not fit in 64 bits");
  return static_cast<std::int64_t>(whole);
}

Decimal operator+(const Decimal& a, const Decimal& b) {
  const int s = std::max(a.scale_, b.scale_);
  return Decimal::from_parts(add(mul(a.coef_, pow10(s - a.scale_)), mul(b.coef_, pow10(s - b.scale_))), s);
}

Decimal operator-(const Decimal& a, const Decimal& b) { return a + (-b); }

Decimal operator*(const Decimal& a, const Decimal& b) {
  const int s = a.scale_ + b.scale_;  // both canonical, so the product's trailing zeros come only from the integers
  int128 c = mul(a.coef_, b.coef_);
  int scale = s;
  while (scale > Decimal::max_scale && c % 10 == 0) {
    c /= 10;
    --scale;
  }
  if (scale > Decimal::max_scale)
    throw DecimalOverflow("decimal product has more than " + std::to_string(Decimal::max_scale) + " decimals");
  return Decimal::from_parts(c, scale);
}

Decimal Decimal::operator-() const {
  if (coef_ == std::numeric_limits<int128>::min()) throw DecimalOverflow("decimal overflow in a negation");
  Decimal d = *this;
  d.coef_ = -coef_;
  return d;
}

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.sign() != b.sign()) return a.sign() <=> b.sign();
  // Integer parts, then the fractions at the larger scale (below 10^36, so they
  // cannot overflow the way aligning whole coefficients could).
  const int128 pa = pow10(a.scale_), pb = pow10(b.scale_);
  if (auto c = a.coef_ / pa <=> b.coef_ / pb; c != 0) return c;
  const int s = std::max(a.scale_, b.scale_);
  return (a.coef_ % pa) * pow10(s - a.scale_) <=> (b.coef_ % pb) * pow10(s - b.scale_);
}

std::string to_string(const Decimal& d) { return d.to_string(); }

std::ostream& operator<<(std::ostream& os, const Decimal& d) { return os << d.to_string(); }

}  // namespace flows::billing
