#include "emop/crc.hpp"

#include <doctest/doctest.h>

#include <string_view>

using namespace flows::emop;

TEST_CASE("CRC-16/CCITT-FALSE check value") {
  std::string_view check = "123456789";
  ByteView b(reinterpret_cast<const std::uint8_t*>(check.data()), check.size());
  CHECK(crc16_ccitt_false(b) == 0x29B1);
  CHECK(crc16_ccitt_false({}) == 0xFFFF);  // init, no final xor
}

TEST_CASE("CRC of the public serial read request, length byte to data end") {
  auto frame = *from_hex("7e11000000000021ae42050160010000c02f");
  CHECK(crc16_ccitt_false(ByteView(frame).subspan(1, 15)) == 0xC02F);
}

TEST_CASE("CRC can be computed incrementally") {
  auto bytes = *from_hex("11000000000021ae420501600100");
  auto whole = crc16_ccitt_false(bytes);
  auto part = crc16_ccitt_false(ByteView(bytes).subspan(0, 6));
  CHECK(crc16_ccitt_false(ByteView(bytes).subspan(6), part) == whole);
}
