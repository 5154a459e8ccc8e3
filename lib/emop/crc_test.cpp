#include "emop/crc.hpp"

#include <boost/crc.hpp>
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

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

TEST_CASE("the table-driven CRC agrees with boost::crc_optimal over random inputs of random lengths") {
  // CRC-16/CCITT-FALSE as Boost spells it: 16 bits, poly 0x1021, init 0xFFFF,
  // no final xor, input and output not reflected.
  using Reference = boost::crc_optimal<16, 0x1021, 0xFFFF, 0x0000, false, false>;
  std::mt19937 rng(20261201);  // seeded: a failure names a case that reproduces
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 600);
  std::vector<std::uint8_t> data;
  int cases = 0;
  for (int i = 0; i < 5000; ++i) {
    data.resize(length(rng));
    for (auto& b : data) b = static_cast<std::uint8_t>(byte(rng));
    Reference ref;
    ref.process_bytes(data.data(), data.size());
    const std::uint16_t ours = crc16_ccitt_false(ByteView(data));
    if (ours != ref.checksum()) {
      FAIL_CHECK("case " << i << ", " << data.size() << " bytes: ours 0x" << std::hex << ours << ", Boost 0x"
                         << ref.checksum());
      break;
    }
    // Split anywhere, the incremental form gives the same.
    const std::size_t cut = data.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, data.size())(rng);
    const auto head = crc16_ccitt_false(ByteView(data).subspan(0, cut));
    CHECK(crc16_ccitt_false(ByteView(data).subspan(cut), head) == ours);
    ++cases;
  }
  CHECK(cases == 5000);
  // Boost's own check value for the parameters, to show the reference is the right CRC.
  Reference check;
  const std::string_view digits = "123456789";
  check.process_bytes(digits.data(), digits.size());
  CHECK(check.checksum() == 0x29B1);
}
