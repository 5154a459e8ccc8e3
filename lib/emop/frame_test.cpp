#include "emop/frame.hpp"

#include <doctest/doctest.h>

#include "emop/data_field.hpp"

using namespace flows::emop;

namespace {
Bytes hex(const char* h) { return *from_hex(h); }
}  // namespace

TEST_CASE("the public serial read request encodes byte for byte") {
  auto frame = encode_frame(FrameHeader{}, encode_read(0x600100));
  REQUIRE(frame);
  CHECK(to_hex(*frame) == "7e11000000000021ae42050160010000c02f");
}

TEST_CASE("decoding the public request yields every field") {
  auto bytes = hex("7E 11 00 000000 00 21AE42 05 01 600100 00 C02F");
  auto f = decode_frame(bytes);
  REQUIRE(f);
  CHECK(f->length == 0x11);
  CHECK(f->header.destination == Address{0, 0});
  CHECK(f->header.source == Address{0, 2207298});
  CHECK(f->header.control == 5);
  CHECK(f->sequence() == 1);
  CHECK(to_hex(f->data) == "0160010000");
  CHECK(f->crc == 0xC02F);
  CHECK(f->crc_ok());
}

TEST_CASE("frames round trip for every data size, address and control") {
  for (std::size_t n : {0u, 1u, 5u, 100u, 243u}) {
    Bytes data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
    FrameHeader h{{0xc0, 0x6f0093}, {0x12, 0xffffff}, 0x81};
    auto frame = encode_frame(h, data);
    REQUIRE(frame);
    CHECK(frame->size() == n + 13);
    auto f = decode_frame(*frame);
    REQUIRE(f);
    CHECK(f->header.destination == h.destination);
    CHECK(f->header.source == h.source);
    CHECK(f->header.control == h.control);
    CHECK(Bytes(f->data.begin(), f->data.end()) == data);
    CHECK(f->crc_ok());
  }
}

TEST_CASE("a data field over 243 bytes cannot be encoded") {
  Bytes data(244);
  auto frame = encode_frame(FrameHeader{}, data);
  REQUIRE_FALSE(frame);
  CHECK(frame.error() == FrameError::data_too_long);
}

TEST_CASE("every malformed-input class is a typed error") {
  auto good = hex("7e11000000000021ae42050160010000c02f");
  CHECK(decode_frame(Bytes{}).error() == FrameError::empty);
  CHECK(decode_frame(hex("7f11000000000021ae42050160010000c02f")).error() == FrameError::bad_delimiter);
  CHECK(decode_frame(hex("7e")).error() == FrameError::truncated);
  CHECK(decode_frame(ByteView(good).first(good.size() - 1)).error() == FrameError::truncated);
  CHECK(decode_frame(hex("7e0b000000000000000000")).error() == FrameError::length_too_small);
  Bytes longer = good;
  longer.push_back(0);
  CHECK(decode_frame(longer).error() == FrameError::trailing_bytes);
  // Every prefix of a valid frame is rejected without reading past it.
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(decode_frame(ByteView(good).first(n)));
}

TEST_CASE("a CRC mismatch is reported, not hidden") {
  auto bad = hex("7e11000000000021ae42050160010000c030");
  auto f = decode_frame(bad);
  REQUIRE(f);
  CHECK_FALSE(f->crc_ok());
  CHECK(f->crc == 0xC030);
  CHECK(f->crc_computed == 0xC02F);
}

TEST_CASE("NAK codes live in the response control byte (provisional encoding)") {
  for (std::uint8_t code = 0; code < 8; ++code)
    for (std::uint8_t seq = 0; seq < 2; ++seq) {
      auto c = response_control(seq, static_cast<NakCode>(code));
      CHECK((c & 1) == seq);
      CHECK(control_nak_code(c) == static_cast<NakCode>(code));
      CHECK(control_is_nak(c) == (code != 0));
    }
  CHECK(nak_name(NakCode::unknown_object) == "unknown object id");
}
