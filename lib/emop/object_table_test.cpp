#include "emop/object_table.hpp"

#include <doctest/doctest.h>

#include <set>

#include "core/error.hpp"

using namespace flows::emop;

TEST_CASE("every public id is in the table under its name") {
  const auto& t = ObjectTable::builtin();
  struct Known {
    const char* name;
    ObjectId id;
  };
  for (auto k : {Known{"time", 0x800800}, Known{"serial", 0x600100}, Known{"hardware_version", 0x608000},
                 Known{"firmware_version", 0x000201}, Known{"prepay_balance", 0xFFC802},
                 Known{"prepay_enabled_flag", 0xFFFF0D}, Known{"csq_net_op", 0xFFFD1D},
                 Known{"prepay_token_send", 0xFFC803}, Known{"instantaneous_voltage", 0x0C0700},
                 Known{"three_phase_serial", 0xD7FF10}, Known{"tariff_future_activation_datetime", 0xFFFF24},
                 Known{"tariff_future_block_8_rate_1", 0xFFF839}, Known{"tariff_active_element_b_tou_rate_4", 0xFFF704},
                 Known{"tariff_future_element_b_tou_rate_1", 0xFFF601},
                 Known{"tariff_future_prepayment_debt_recovery_rate", 0xFFC80A}}) {
    auto* e = t.find(k.name);
    REQUIRE_MESSAGE(e, k.name);
    CHECK(e->id == k.id);
    CHECK(t.find(k.id) == e);
    CHECK_FALSE(e->provisional);
  }
  CHECK(t.find("element_a")->provisional);
  CHECK(t.find("backlight")->provisional);
  CHECK(t.find("event_log")->provisional);
}

TEST_CASE("names and ids are unique") {
  std::set<std::string> names;
  std::set<ObjectId> ids;
  for (auto& e : ObjectTable::builtin().entries()) {
    CHECK_MESSAGE(names.insert(e.name).second, e.name);
    CHECK_MESSAGE(ids.insert(e.id).second, e.name);
  }
}

TEST_CASE("OBIS triplets and hex ids") {
  CHECK(obis_of(0x600100) == "96.1.0");
  CHECK(*parse_obis("96.1.0") == 0x600100u);
  CHECK(*parse_obis("255.255.253") == 0xFFFFFDu);
  for (auto bad : {"96.1", "96.1.0.0", "256.1.0", "a.b.c", "96..0", "-1.0.0", ""})
    CHECK_MESSAGE(!parse_obis(bad), bad);
  CHECK(*parse_object_hex("FFC802") == 0xFFC802u);
  CHECK(*parse_object_hex("0xffc802") == 0xFFC802u);
  CHECK_FALSE(parse_object_hex("FFC80"));
  CHECK(object_hex(0x000201) == "000201");
}

TEST_CASE("resolve takes a name, a hex id or an OBIS triplet") {
  const auto& t = ObjectTable::builtin();
  CHECK(t.resolve("serial")->id == 0x600100u);
  CHECK(t.resolve("600100")->name == "serial");
  CHECK(t.resolve("96.1.0")->name == "serial");
  auto anon = t.resolve("1.2.3");
  REQUIRE(anon);
  CHECK(anon->name.empty());
  CHECK(anon->type == ValueType::bytes);
  CHECK_FALSE(t.resolve("no_such_thing"));
}

TEST_CASE("overrides correct and extend the table from YAML") {
  ObjectTable t = ObjectTable::builtin();
  t.apply_overrides(R"(objects:
  backlight: { id: "ffc850", provisional: false }
  my_register: { id: "1.8.9", type: wh_u32le, description: "from the vendor sheet" }
)",
                    "test.yaml");
  CHECK(t.find("backlight")->id == 0xFFC850u);
  CHECK_FALSE(t.find("backlight")->provisional);
  CHECK(t.find("backlight")->type == ValueType::backlight);  // untouched keys kept
  CHECK(t.find("my_register")->id == 0x010809u);
  CHECK(t.find("my_register")->type == ValueType::wh_u32le);
}

TEST_CASE("bad overrides are refused whole, naming the line") {
  ObjectTable t = ObjectTable::builtin();
  auto before = t.entries().size();
  auto refuse = [&](const char* yaml, const char* needle) {
    try {
      t.apply_overrides(yaml, "o.yaml");
      FAIL("accepted: " << yaml);
    } catch (const flows::Error& e) {
      CHECK(e.code() == flows::ExitCode::config);
      CHECK_MESSAGE(std::string(e.what()).find(needle) != std::string::npos, e.what());
    }
  };
  refuse("objects:\n  serial: { id: \"zz\" }\n", "o.yaml:2");
  refuse("objects:\n  a: { id: \"123456\", type: bytes }\n  serial: { type: nonsense }\n", "o.yaml:3");
  refuse("objects:\n  new_one: { id: \"123456\" }\n", "needs both");
  refuse("objects:\n  serial: { id: \"800800\" }\n", "share id");
  refuse("objects: [1, 2]\n", "o.yaml");
  refuse("objects: {a: [\n", "o.yaml");
  CHECK(t.entries().size() == before);
  CHECK(t.find("serial")->id == 0x600100u);
}

TEST_CASE("value type names round trip") {
  for (auto& e : ObjectTable::builtin().entries())
    CHECK(value_type_from_name(value_type_name(e.type)) == e.type);
}
