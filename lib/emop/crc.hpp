#pragma once
#include <cstdint>

#include "emop/bytes.hpp"

namespace flows::emop {

// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor.
// Check value: "123456789" -> 0x29B1.
std::uint16_t crc16_ccitt_false(ByteView data, std::uint16_t crc = 0xFFFF);

}  // namespace flows::emop
