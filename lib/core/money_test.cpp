#include "core/money.hpp"

#include <doctest/doctest.h>

using flows::Money;

TEST_CASE("money parses decimal text exactly") {
  CHECK(Money::parse("0.765")->units() == 76500);
  CHECK(Money::parse("0.0765")->units() == 7650);
  CHECK(Money::parse("-333.264")->units() == -33326400);
  CHECK(Money::parse("+3.1")->units() == 310000);
  CHECK(Money::parse("15")->units() == 1500000);
  CHECK(Money::parse("0.00001")->units() == 1);
}

TEST_CASE("money rejects what is not a plain decimal with at most 5 places") {
  for (auto bad : {"", "-", "1.", ".5", "0.000001", "1e3", "1,5", " 1", "1 ", "abc", "0x10", "--1",
                   "99999999999999999999"})
    CHECK_MESSAGE(!Money::parse(bad), bad);
}

TEST_CASE("money prints five decimals, sign first") {
  CHECK(Money::from_units(-33326400).to_string() == "-333.26400");
  CHECK(Money::from_units(76500).to_string() == "0.76500");
  CHECK(Money::from_units(-1).to_string() == "-0.00001");
  CHECK(Money::from_units(0).to_string() == "0.00000");
  CHECK(Money::from_units(INT64_MIN).to_string() == "-92233720368547.75808");
}

TEST_CASE("money arithmetic and order are exact") {
  auto a = *Money::parse("0.1");
  auto b = *Money::parse("0.2");
  CHECK((a + b) == *Money::parse("0.3"));
  CHECK((b - a - a).units() == 0);
  CHECK(a < b);
  CHECK((-a).to_string() == "-0.10000");
}
