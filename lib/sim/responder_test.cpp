// The simulated meter's answer on the line, faults included.
#include "sim/responder.hpp"

#include <doctest/doctest.h>

#include "emop/data_field.hpp"
#include "emop/exchange.hpp"
#include "sim/token.hpp"

using namespace flows;
using namespace flows::sim;

namespace {

const emop::ObjectTable& table() { return emop::ObjectTable::builtin(); }
emop::ObjectId id(const char* name) { return table().at(name).id; }

SimMeter meter() {
  MeterSpec s;
  s.serial = "EML2137580761";
  s.profile = LoadShape::flat;
  s.installed_at = *parse_utc("2024-03-01T00:00:00Z");
  return SimMeter(s, table());
}

emop::Bytes request(const emop::Bytes& data) { return *emop::encode_request(data); }

}  // namespace

TEST_CASE("responder: an ordinary read is answered with its value") {
  SimMeter m = meter();
  std::mt19937_64 rng(1);
  const UtcTime now = *parse_utc("2024-03-02T00:00:00Z");
  const auto data = emop::encode_read(id("prepay_balance"));
  Answer a = answer(m, 7, request(data), now, Faults{}, rng);
  CHECK(a.send == Answer::Send::frame);
  CHECK(a.nak == emop::NakCode::ok);
  CHECK(a.faults.empty());
  auto f = emop::decode_frame(a.bytes);
  REQUIRE(f);
  // Addressed as a real meter's captured answer: destination c0, source 00.
  CHECK(f->header.source == emop::Address{0x00, 7});
  CHECK(f->header.destination == emop::Address{0xc0, emop::default_source_address});
  CHECK(f->data.size() == 9);  // 01 id 00 + s4le balance
  CHECK(emop::check_response(data, a.bytes));
}

TEST_CASE("responder: an injected NAK is a refusal: nothing applied, no value carried") {
  SimMeter m = meter();
  std::mt19937_64 rng(1);
  const UtcTime now = *parse_utc("2024-03-02T00:00:00Z");
  Faults nak;
  nak.nak = emop::NakCode::security_not_granted;

  const auto token = make_token(Money::from_pounds(10), 3);
  const auto write = emop::encode_write(id("prepay_token_send"), emop::Bytes(token.begin(), token.end()));
  Answer a = answer(m, 1, request(write), now, nak, rng);
  CHECK(a.nak == emop::NakCode::security_not_granted);
  CHECK(m.tokens_accepted() == 0);
  CHECK(m.transaction_count() == 0);
  auto f = emop::decode_frame(a.bytes);
  REQUIRE(f);
  CHECK(emop::control_is_nak(f->header.control));
  CHECK(emop::to_hex(f->data) == "01ffc80301");  // the write's header, no payload

  const auto read = emop::encode_read(id("prepay_balance"));
  Answer r = answer(m, 1, request(read), now, nak, rng);
  auto rf = emop::decode_frame(r.bytes);
  REQUIRE(rf);
  CHECK(emop::to_hex(rf->data) == "01ffc80200");
  auto checked = emop::check_response(read, r.bytes);
  REQUIRE(!checked);
  CHECK(checked.error().nak == emop::NakCode::security_not_granted);

  // Without the fault the same token is accepted once.
  Answer ok = answer(m, 1, request(write), now, Faults{}, rng);
  CHECK(ok.nak == emop::NakCode::ok);
  CHECK(m.tokens_accepted() == 1);
}

TEST_CASE("responder: silent, reset, bad CRC and garbage") {
  SimMeter m = meter();
  std::mt19937_64 rng(1);
  const UtcTime now = *parse_utc("2024-03-02T00:00:00Z");
  const auto data = emop::encode_read(id("serial"));
  Faults f;
  f.silent = true;
  CHECK(answer(m, 1, request(data), now, f, rng).send == Answer::Send::nothing);
  f = {};
  f.reset = true;
  CHECK(answer(m, 1, request(data), now, f, rng).send == Answer::Send::half_then_reset);
  f = {};
  f.bad_crc = true;
  auto crc = answer(m, 1, request(data), now, f, rng);
  REQUIRE(emop::decode_frame(crc.bytes));
  CHECK(!emop::decode_frame(crc.bytes)->crc_ok());
  f = {};
  f.garbage = true;
  auto g = answer(m, 1, request(data), now, f, rng);
  CHECK(g.bytes[0] != emop::frame_delimiter);
  CHECK(g.faults == std::vector<std::string>{"garbage answer"});
}
