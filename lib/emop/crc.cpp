#include "emop/crc.hpp"

#include <array>

namespace flows::emop {
namespace {

// Slicing-by-8: tables[k][x] is the CRC contribution (from a zero register) of
// byte x followed by k zero bytes. Eight bytes then cost eight independent table
// loads instead of a chain of eight dependent ones, which is what bounds the
// byte-at-a-time loop; the codec benchmark spends most of its time here.
using Tables = std::array<std::array<std::uint16_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (unsigned i = 0; i < 256; ++i) {
    std::uint16_t c = static_cast<std::uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit)
      c = static_cast<std::uint16_t>((c & 0x8000) ? (c << 1) ^ 0x1021 : (c << 1));
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < t.size(); ++k)
    for (unsigned i = 0; i < 256; ++i) {
      const std::uint16_t c = t[k - 1][i];
      t[k][i] = static_cast<std::uint16_t>((c << 8) ^ t[0][c >> 8]);
    }
  return t;
}
constexpr Tables tables = make_tables();

}  // namespace

std::uint16_t crc16_ccitt_false(ByteView data, std::uint16_t crc) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  for (; n >= 8; n -= 8, p += 8) {
    crc = static_cast<std::uint16_t>(tables[7][(crc >> 8) ^ p[0]] ^ tables[6][(crc & 0xFF) ^ p[1]] ^
                                     tables[5][p[2]] ^ tables[4][p[3]] ^ tables[3][p[4]] ^ tables[2][p[5]] ^
                                     tables[1][p[6]] ^ tables[0][p[7]]);
  }
  for (; n > 0; --n, ++p) crc = static_cast<std::uint16_t>((crc << 8) ^ tables[0][((crc >> 8) ^ *p) & 0xFF]);
  return crc;
}

}  // namespace flows::emop
