#include "sim/token.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace flows;
using namespace flows::sim;

TEST_CASE("token: minted tokens carry their amount and pass the check") {
  const std::string t = make_token(*Money::parse("12.34"), 42);
  // Weights 3 on d1, d3, …: 3·(2+1+3) + 1·(4+2+4) = 28, so the check digit d12 is 2.
  CHECK(t == "00000000042" "2" "0" "0001234");
  CHECK(token_credit(t) == *Money::parse("12.34"));
  CHECK(token_credit(make_token(Money::from_pounds(99999) + *Money::parse("0.99"), 123456789012345ULL)) ==
        *Money::parse("99999.99"));
}

TEST_CASE("token: altered, malformed and zero tokens are refused") {
  std::string t = make_token(Money::from_pounds(20), 7);
  CHECK(token_credit(t));
  std::string altered = t;
  altered[19] = altered[19] == '9' ? '8' : static_cast<char>(altered[19] + 1);  // change the amount
  CHECK_FALSE(token_credit(altered));
  std::string other_class = t;
  other_class[12] = '1';
  other_class[11] = static_cast<char>('0' + (other_class[11] - '0' + 7) % 10);  // -3 keeps the sum
  CHECK_FALSE(token_credit(other_class));
  CHECK_FALSE(token_credit(t.substr(0, 19)));
  CHECK_FALSE(token_credit("0000000000a000001000"));
  CHECK_FALSE(token_credit("00000000000000000000"));  // passes the check, credits nothing
  CHECK_THROWS_AS(make_token(*Money::parse("0.001"), 1), Error);
  CHECK_THROWS_AS(make_token(Money{}, 1), Error);
  CHECK_THROWS_AS(make_token(Money::from_pounds(100000), 1), Error);
}
