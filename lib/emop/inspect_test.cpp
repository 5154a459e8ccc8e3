#include "emop/inspect.hpp"

#include <doctest/doctest.h>

#include "emop/data_field.hpp"
#include "emop/records.hpp"

using namespace flows;
using namespace flows::emop;
using nlohmann::json;

namespace {
// A response frame from a meter (device type c0, address 6f0093) to the client.
Bytes response(ObjectId id, const Bytes& payload, std::uint8_t control = 0x01) {
  FrameHeader h{{0x00, default_source_address}, {0xc0, 0x6f0093}, control};
  return *encode_frame(h, encode_default(id, false, payload));
}
json doc(const Bytes& frame) { return inspect_frame(frame, ObjectTable::builtin())->document; }
}  // namespace

TEST_CASE("the documented JSON keys, for the public request") {
  auto d = doc(*from_hex("7e11000000000021ae42050160010000c02f"));
  CHECK(d["length"] == 17);
  CHECK(d["destination"] == json{{"device_type", "00"}, {"address", "000000"}});
  CHECK(d["source"] == json{{"device_type", "00"}, {"address", "21ae42"}});
  CHECK(d["control"] == 5);
  CHECK(d["sequence"] == 1);
  CHECK(d["format"] == "default");
  CHECK(d["object_id"] == "600100");
  CHECK(d["object"] == "serial");
  CHECK(d["rw"] == "read");
  CHECK(d["payload"] == "");
  CHECK(d["value"].is_null());
  CHECK(d["crc"] == "c02f");
  CHECK(d["crc_ok"] == true);
  CHECK(d["ack"] == true);  // control bit 7 clear
  CHECK(d["nak"].is_null());
  CHECK(d.size() == 15);
}

TEST_CASE("typed values in responses") {
  auto d = doc(response(0xFFC802, *encode_money_s4le(*Money::parse("-333.264"))));
  CHECK(d["destination"] == json{{"device_type", "00"}, {"address", "21ae42"}});
  CHECK(d["source"] == json{{"device_type", "c0"}, {"address", "6f0093"}});
  CHECK(d["value"] == "-333.26400");
  CHECK(doc(response(0x0C0700, *from_hex("5209")))["value"].dump() == "238.6");
  CHECK(doc(response(0xFFFD1D, *from_hex("30")))["value"] == 16);
  CHECK(doc(response(0x600100, *from_hex("454d4c32313337353830373631202020")))["value"] == "EML2137580761");
  CHECK(doc(response(0x000201, *from_hex("33303332")))["value"] == "3_03_2");
  CHECK(doc(response(0x608000, *from_hex("36427700")))["value"] == "6Bw");
  CHECK(doc(response(0x800800, *from_hex("17080615000100")))["value"] == "2023-08-06T21:00:01");
  CHECK(doc(response(0xFFFF24, *from_hex("0085e201")))["value"] == "2001-01-01T00:00:00");
  CHECK(doc(response(0xFFC803, Bytes(20, '7')))["value"] == "77777777777777777777");
  auto unknown = doc(response(0x123456, *from_hex("0102")));
  CHECK(unknown["object"].is_null());
  CHECK(unknown["value"].is_null());
  CHECK(unknown["payload"] == "0102");
}

TEST_CASE("a payload that does not fit its type is reported, frame still shown") {
  auto in = inspect_frame(response(0x0C0700, *from_hex("52")), ObjectTable::builtin());
  REQUIRE(in);
  CHECK_FALSE(in->data_error.empty());
  CHECK(in->document["value"].is_null());
  CHECK(in->document["payload"] == "52");
}

TEST_CASE("profile log responses decode their records") {
  ProfileLog1Record r{*parse_iso("2024-03-31T00:30:00"), ProfileStatus{false, true}, 5000, 0};
  auto records = *encode_profile_log_1({r});
  FrameHeader h{{0, default_source_address}, {0xc0, 1}, 0};
  auto frame = *encode_frame(h, encode_profile_response(RecordFormat::profile_log_1, 7, records));
  auto d = doc(frame);
  CHECK(d["format"] == "profile_log_1");
  CHECK(d["object_id"].is_null());
  CHECK(d["value"]["records"].size() == 1);
  CHECK(d["value"]["records"][0]["import_a_wh"] == 5000);
  CHECK(d["value"]["records"][0]["timestamp"] == "2024-03-31T00:30:00");
  CHECK(d["value"]["records"][0]["status"] == json::array({"valid"}));
}

TEST_CASE("CRC mismatch still yields the document") {
  auto bytes = *from_hex("7e11000000000021ae42050160010000c030");
  auto in = inspect_frame(bytes, ObjectTable::builtin());
  REQUIRE(in);
  CHECK_FALSE(in->crc_ok);
  CHECK(in->document["crc"] == "c030");
  CHECK(in->document["crc_ok"] == false);
  CHECK(render_text(*in).find("MISMATCH") != std::string::npos);
}

TEST_CASE("NAK responses are named in the text dump") {
  auto frame = response(0x123456, {}, response_control(1, NakCode::unknown_object));
  auto in = inspect_frame(frame, ObjectTable::builtin());
  REQUIRE(in);
  CHECK(render_text(*in).find("NAK 5: unknown object id") != std::string::npos);
}

TEST_CASE("NAK responses carry ack false and the NAK's code and name in the document") {
  auto nak = inspect_frame(response(0x123456, {}, response_control(1, NakCode::security_not_granted)),
                           ObjectTable::builtin());
  REQUIRE(nak);
  CHECK(nak->document["ack"] == false);
  CHECK(nak->document["nak"]["code"] == 6);
  CHECK(nak->document["nak"]["name"] == std::string(nak_name(NakCode::security_not_granted)));
  auto ack = inspect_frame(response(0x123456, {}, response_control(1, NakCode::ok)), ObjectTable::builtin());
  REQUIRE(ack);
  CHECK(ack->document["ack"] == true);
  CHECK(ack->document["nak"].is_null());
}
