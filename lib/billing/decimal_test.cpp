#include "billing/decimal.hpp"

#include <type_traits>

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

using flows::billing::Decimal;
using flows::billing::DecimalOverflow;

using flows::billing::testing::D;

namespace {
}  // namespace

static_assert(!std::is_constructible_v<Decimal, double>, "never from binary floating point");

TEST_CASE("billing decimal parses plain decimal text exactly") {
  CHECK(D("0.2345").to_string() == "0.2345");
  CHECK(D("+3.10").to_string() == "3.1");
  CHECK(D("007.25").to_string() == "7.25");
  CHECK(D("-0.5").to_string() == "-0.5");
  CHECK(D("-0").to_string() == "0");
  CHECK(D("100.000").to_string() == "100");
  CHECK(D("1.10") == D("1.1"));  // canonical: scale does not matter
  CHECK(D("0.000000000000000000000000000000000001").decimals() == 36);
  CHECK(D("12345678901234567890.123456789012345678").to_string() == "12345678901234567890.123456789012345678");
}

TEST_CASE("billing decimal rejects exponents, junk and overflow") {
  for (auto bad : {"", "-", "+", "1.", ".5", "-.5", "1e3", "1E3", "1,5", " 1", "1 ", "abc", "0x10", "--1", "+-1",
                   "NaN", "inf", "1.2.3", "1..2", "0.0000000000000000000000000000000000001",
                   "1000000000000000000000000000000000000000"})
    CHECK_MESSAGE(!Decimal::parse(bad), bad);
}

TEST_CASE("billing decimal prints with a given number of decimals, truncating") {
  CHECK(D("0.175875").to_string(5) == "0.17587");
  CHECK(D("10").to_string(5) == "10.00000");
  CHECK(D("-1.5").to_string(2) == "-1.50");
  CHECK(D("-0.000001").to_string(5) == "0.00000");  // never "-0.00000"
  CHECK(D("0.99999").to_string(0) == "0");
  CHECK(D("0.2345").to_string_min(5) == "0.23450");
  CHECK(D("0.175875").to_string_min(5) == "0.175875");
  CHECK(D("0").to_string_min(2) == "0.00");
}

TEST_CASE("billing decimal arithmetic is exact") {
  CHECK(D("0.1") + D("0.2") == D("0.3"));
  CHECK(D("0.2345") * D("0.75") == D("0.175875"));
  CHECK(D("0.1") - D("0.3") == D("-0.2"));
  CHECK(-D("0.1") == D("-0.1"));
  CHECK(D("4.0") * Decimal(30) * Decimal(10) == Decimal(1200));
  Decimal sum;
  for (int i = 0; i < 48; ++i) sum += D("0.021");
  CHECK(sum == D("1.008"));
}

TEST_CASE("billing decimal order is by value") {
  CHECK(D("-1.5") < D("-1.2"));
  CHECK(D("-0.5") > Decimal(-1));
  CHECK(D("2") > D("1.99999"));
  CHECK(D("1.99999") < Decimal(2));
  CHECK(D("0.1") <= D("0.10"));
  CHECK(D("100.00001") > Decimal(100));
  CHECK(D("12345678901234567890.5") > D("12345678901234567890.49999999999999999"));
}

TEST_CASE("billing decimal truncates toward zero and rounds half away from zero") {
  CHECK(D("0.175875").truncate_to(5) == D("0.17587"));
  CHECK(D("-0.175875").truncate_to(5) == D("-0.17587"));
  CHECK(D("0.17587").truncate_to(5) == D("0.17587"));  // exact at 5 decimals: unchanged
  CHECK(D("1.005").round_half_away_to(2) == D("1.01"));
  CHECK(D("-1.005").round_half_away_to(2) == D("-1.01"));
  CHECK(D("1.0049").round_half_away_to(2) == Decimal(1));
  CHECK(D("2.675").round_half_away_to(2) == D("2.68"));
  CHECK(D("-0.004").round_half_away_to(2) == Decimal(0));
}

TEST_CASE("billing decimal divides by an integer with truncation") {
  CHECK(Decimal(3650).div_trunc(366, 9) == D("9.972677595"));
  CHECK(Decimal(3650).div_trunc(365, 9) == Decimal(10));
  CHECK(Decimal(-7).div_trunc(2, 0) == Decimal(-3));
  CHECK(Decimal(7).div_trunc(-2, 1) == D("-3.5"));
  CHECK(Decimal(1).div_trunc(3, 5) == D("0.33333"));
  CHECK(D("7.5").div_trunc(2, 0) == Decimal(3));
  CHECK(D("0.123456789").div_trunc(1, 3) == D("0.123"));
  CHECK_THROWS(Decimal(1).div_trunc(0, 2));
}

TEST_CASE("billing decimal shifts by powers of ten and converts to meter money") {
  CHECK(Decimal(25).shifted(-2) == D("0.25"));
  CHECK(D("0.25").shifted(2) == Decimal(25));
  CHECK(D("1.5").shifted(3) == Decimal(1500));
  CHECK(D("0.17587").to_money()->units() == 17587);
  CHECK(!D("0.175875").to_money());
  CHECK(Decimal::from_money(flows::Money::from_units(-1)) == D("-0.00001"));
  CHECK(D("-12.9").to_int64_trunc() == -12);
}

TEST_CASE("billing decimal refuses results it cannot hold exactly") {
  const Decimal big = Decimal(1000000000000000000LL) * Decimal(1000000000000LL);  // 1e30
  CHECK_THROWS_AS(big * big, DecimalOverflow);
  const Decimal tiny = D("0.000000000000000000000000000000000001");
  CHECK_THROWS_AS(tiny * tiny, DecimalOverflow);
  CHECK_THROWS_AS(tiny.shifted(-1), DecimalOverflow);
}

TEST_CASE("billing decimal says why it refused text: not a number, too many decimals, too large") {
  CHECK(Decimal::parse_failure("12.5") == "");
  CHECK(Decimal::parse_failure("1e5") == "is not a decimal number");
  CHECK(Decimal::parse_failure(".5") == "is not a decimal number");
  CHECK(Decimal::parse_failure("") == "is not a decimal number");
  CHECK(Decimal::parse_failure("0." + std::string(37, '1')) == "has more than 36 decimals");
  CHECK(Decimal::parse_failure(std::string(40, '9')) == "is too large");
  CHECK(Decimal::parse_failure("-" + std::string(40, '1') + ".5") == "is too large");
}
