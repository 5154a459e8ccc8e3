#include "emop/bytes.hpp"

#include <doctest/doctest.h>

using namespace flows::emop;

TEST_CASE("hex round trip, tolerant of case, spaces and 0x") {
  CHECK(to_hex(*from_hex("7E 11 00 000000")) == "7e1100000000");
  CHECK(to_hex(*from_hex("0xC02F")) == "c02f");
  CHECK(from_hex("")->empty());
  CHECK_FALSE(from_hex("abc"));   // odd number of digits
  CHECK_FALSE(from_hex("zz"));
  CHECK_FALSE(from_hex("12-34"));
}

TEST_CASE("little and big endian readers") {
  Bytes b{0x52, 0x09, 0x00, 0x80, 0xaa};
  CHECK(get_u16le(b, 0) == 0x0952);
  CHECK(get_u32le(b, 0) == 0x80000952u);
  CHECK(get_s32le(b, 0) == static_cast<std::int32_t>(0x80000952u));
  CHECK(get_u24be(b, 2) == 0x0080aau);
}
