#include "emop/data_field.hpp"

#include <doctest/doctest.h>

using namespace flows::emop;

TEST_CASE("default format: read request, read response, write") {
  auto req_bytes = encode_read(0x600100);
  auto req = decode_data_field(req_bytes);
  REQUIRE(req);
  CHECK(req->format == RecordFormat::default_format);
  CHECK(*req->object_id == 0x600100u);
  CHECK(*req->write == false);
  CHECK(req->payload.empty());

  Bytes value{0x52, 0x09};
  auto resp_bytes = encode_default(0x0C0700, false, value);  // views point into it
  auto resp = decode_data_field(resp_bytes);
  REQUIRE(resp);
  CHECK(to_hex(resp->payload) == "5209");

  auto w_bytes = encode_write(0xFFFF0D, Bytes{1});
  auto w = decode_data_field(w_bytes);
  REQUIRE(w);
  CHECK(*w->write == true);
  CHECK(to_hex(w->payload) == "01");

  std::uint8_t buf[5];
  CHECK(encode_read_into(0x600100, buf) == 5);
  CHECK(to_hex(buf) == to_hex(encode_read(0x600100)));
}

TEST_CASE("profile logs: request carries a u4le timestamp, response 80 bytes more") {
  auto req = encode_profile_request(RecordFormat::profile_log_1, 31622400);
  CHECK(to_hex(req) == "030085e201");
  auto d = decode_data_field(req);
  REQUIRE(d);
  CHECK(d->format == RecordFormat::profile_log_1);
  CHECK(*d->timestamp == 31622400u);
  CHECK(d->payload.empty());

  Bytes records(80, 0xAB);
  auto resp = encode_profile_response(RecordFormat::profile_log_2, 7, records);
  CHECK(resp.size() == 85);
  auto r = decode_data_field(resp);
  REQUIRE(r);
  CHECK(r->format == RecordFormat::profile_log_2);
  CHECK(r->payload.size() == 80);

  Bytes short_resp = encode_profile_request(RecordFormat::profile_log_1, 7);
  short_resp.resize(5 + 79, 0);
  CHECK(decode_data_field(short_resp).error() == DataFieldError::bad_profile_size);
}

TEST_CASE("event log (provisional format): object id and block 0-9") {
  auto ev_bytes = encode_event_log_request(0xFFE006, 9);
  auto req = decode_data_field(ev_bytes);
  REQUIRE(req);
  CHECK(req->format == RecordFormat::event_log);
  CHECK(*req->block == 9);
  CHECK(*req->object_id == 0xFFE006u);
  CHECK(decode_data_field(encode_event_log_request(0xFFE006, 10)).error() == DataFieldError::bad_event_block);
}

TEST_CASE("malformed data fields are typed errors") {
  CHECK(decode_data_field(Bytes{}).error() == DataFieldError::empty);
  CHECK(decode_data_field(Bytes{0x09, 1, 2, 3, 0}).error() == DataFieldError::unknown_format);
  CHECK(decode_data_field(Bytes{0x01, 0x60, 0x01}).error() == DataFieldError::too_short);
  CHECK(decode_data_field(Bytes{0x01, 0x60, 0x01, 0x00, 0x02}).error() == DataFieldError::bad_rw_flag);
  CHECK(decode_data_field(Bytes{0x03, 1, 2}).error() == DataFieldError::too_short);
}

TEST_CASE("is_write_request: a default-format write, nothing else") {
  CHECK(is_write_request(encode_default(0xFFC803, true, Bytes{'1', '2'})));
  CHECK(!is_write_request(encode_read(0xFFC802)));
  CHECK(!is_write_request(Bytes{}));
  CHECK(!is_write_request(Bytes{0x03, 0, 0, 0, 0}));  // a profile log request
}
