#include "emop/exchange.hpp"

#include <doctest/doctest.h>

#include "emop/data_field.hpp"

using namespace flows;
using namespace flows::emop;

namespace {

const ObjectId serial_id = 0x600100;

// A meter's answer to a read of `id`: data field 01 id 00 value.
Bytes answer(ObjectId id, ByteView value, NakCode nak = NakCode::ok) {
  Bytes data = encode_read(id);
  data.insert(data.end(), value.begin(), value.end());
  FrameHeader h{{0, default_source_address}, {0xc0, 1}, response_control(1, nak)};
  return *encode_frame(h, nak == NakCode::ok ? ByteView(data) : ByteView(data).first(5));
}

}  // namespace

TEST_CASE("encode_request: control 0x05, the public client's source, a checkable frame") {
  auto frame = encode_request(encode_read(serial_id));
  REQUIRE(frame);
  CHECK(to_hex(*frame) == "7e11000000000021ae42050160010000c02f");
  auto f = decode_frame(*frame);
  REQUIRE(f);
  CHECK(f->crc_ok());
  CHECK(f->header.control == 0x05);
  CHECK(f->header.source.address == default_source_address);
  CHECK(!encode_request(Bytes(244, 0)));
}

TEST_CASE("frame_size_from_prefix: the whole frame's size from delimiter and length") {
  CHECK(*frame_size_from_prefix(0x7e, 0x11) == 18);
  CHECK(*frame_size_from_prefix(0x7e, 12) == 13);
  CHECK(frame_size_from_prefix(0x55, 0x11).error() == FrameError::bad_delimiter);
  CHECK(frame_size_from_prefix(0x7e, 11).error() == FrameError::length_too_small);
}

TEST_CASE("check_response: the data field of a right answer") {
  const Bytes request = encode_read(serial_id);
  const Bytes value{'E', 'M', 'L', '1'};
  const Bytes frame = answer(serial_id, value);
  auto r = check_response(request, frame);
  REQUIRE(r);
  CHECK(to_hex(*r) == "0160010000454d4c31");
}

TEST_CASE("check_response: a real meter's captured answer (firmware read) is taken as it is") {
  // Destination device type c0, source device type 00; neither address is the
  // requester's. emop checks neither: this is what a real meter sends.
  const Bytes frame = *from_hex("7e15c06f0093000018b0010100020100333032309dbd");
  auto f = decode_frame(frame);
  REQUIRE(f);
  CHECK(f->crc_ok());
  CHECK(f->header.destination == Address{0xc0, 0x6f0093});
  CHECK(f->header.source == Address{0x00, 0x0018b0});
  CHECK(f->header.control == 0x01);  // sequence 1, ACK
  auto r = check_response(encode_read(0x000201), frame);
  REQUIRE(r);
  CHECK(to_hex(*r) == "010002010033303230");
}

TEST_CASE("check_response: each way an answer is refused") {
  const Bytes request = encode_read(serial_id);
  const Bytes value{1, 2};

  SUBCASE("not a frame") {
    auto r = check_response(request, Bytes{0x55, 1, 2});
    REQUIRE(!r);
    CHECK(r.error().problem == ResponseProblem::malformed);
    CHECK(r.error().detail == describe(FrameError::bad_delimiter));
  }
  SUBCASE("CRC mismatch") {
    Bytes frame = answer(serial_id, value);
    frame.back() ^= 0xff;
    auto r = check_response(request, frame);
    REQUIRE(!r);
    CHECK(r.error().problem == ResponseProblem::crc_mismatch);
  }
  SUBCASE("NAK, with its code") {
    auto r = check_response(request, answer(serial_id, value, NakCode::security_not_granted));
    REQUIRE(!r);
    CHECK(r.error().problem == ResponseProblem::nak);
    CHECK(r.error().nak == NakCode::security_not_granted);
    CHECK(r.error().detail == nak_name(NakCode::security_not_granted));
  }
  SUBCASE("an answer to another object") {
    auto r = check_response(request, answer(0x600200, value));
    REQUIRE(!r);
    CHECK(r.error().problem == ResponseProblem::mismatched);
  }
  SUBCASE("a data field that does not decode") {
    FrameHeader h{{0, default_source_address}, {0xc0, 1}, response_control(0, NakCode::ok)};
    auto r = check_response(request, *encode_frame(h, Bytes{0x01, 0x60}));
    REQUIRE(!r);
    CHECK(r.error().problem == ResponseProblem::bad_data);
  }
}

TEST_CASE("loggable_hex: a token write's digits masked but the last four; other frames as they are") {
  const Bytes token{'1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
  const Bytes frame = *encode_request(encode_default(0xFFC803, true, token));
  const std::string hex = loggable_hex(frame);
  CHECK(hex.size() == to_hex(frame).size());
  CHECK(hex.find("3132333435") == std::string::npos);
  CHECK(hex.find(std::string(32, '*') + "37383930") != std::string::npos);  // 16 bytes masked, "7890" shown
  const Bytes read = *encode_request(encode_read(serial_id));
  CHECK(loggable_hex(read) == to_hex(read));
}
