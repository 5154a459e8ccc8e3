#include "db/yaml_tree.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/exceptions.h>

using flows::db::YamlTree;

TEST_CASE("YamlTree: maps, sequences, scalars and nulls with their lines, as yaml-cpp reads them") {
  const auto t = YamlTree::parse(
      "escos:\n"
      "  - code: alpha\n"
      "    name: ~\n"
      "    region: \"null\"\n"
      "meters: [ {serial: EML1, emop_port: 8080}, {serial: EML2} ]\n"
      "empty:\n");
  const auto root = t.root();
  REQUIRE(root.IsMap());
  CHECK(root.size() == 3);
  CHECK(root.key(0).Scalar() == "escos");
  const auto escos = root["escos"];
  REQUIRE(escos.IsSequence());
  CHECK(escos.size() == 1);
  CHECK(escos.line() == 2);
  const auto alpha = escos.item(0);
  CHECK(alpha.IsMap());
  CHECK(alpha.line() == 2);
  CHECK(alpha["code"].Scalar() == "alpha");
  CHECK(alpha["name"].IsNull());              // ~ is null
  CHECK(alpha["region"].IsScalar());          // a quoted "null" is text
  CHECK(alpha["region"].Scalar() == "null");
  CHECK(alpha["region"].line() == 4);
  CHECK_FALSE(alpha["missing"].IsDefined());
  CHECK_FALSE(alpha["missing"]);
  const auto meters = root["meters"];
  CHECK(meters.size() == 2);
  CHECK(meters.item(0)["emop_port"].Scalar() == "8080");
  CHECK(meters.item(1)["serial"].Scalar() == "EML2");
  CHECK(meters.item(1).line() == 5);
  CHECK_FALSE(meters.item(2).IsDefined());
  CHECK(root["empty"].IsNull());
  CHECK(root["escos"]["code"].IsDefined() == false);  // a sequence has no keys
  CHECK(alpha["code"]["x"].IsDefined() == false);     // nor a scalar
}

TEST_CASE("YamlTree: anchors and aliases share the anchored node; non-scalar keys are kept as such") {
  const auto t = YamlTree::parse("base: &b {esco: alpha}\nother: *b\n? [a]\n: list-key\n");
  const auto root = t.root();
  CHECK(root["other"]["esco"].Scalar() == "alpha");
  CHECK(root["other"].line() == 1);
  REQUIRE(root.size() == 3);
  CHECK(root.key(2).IsSequence());
  CHECK(root.key(2).item(0).Scalar() == "a");
  CHECK(root.value(2).Scalar() == "list-key");
}

TEST_CASE("YamlTree: an empty document is null; a syntax error is yaml-cpp's, with its position") {
  CHECK(YamlTree::parse("").root().IsNull());
  CHECK(YamlTree::parse("# only a comment\n").root().IsNull());
  CHECK(YamlTree::parse("just text").root().Scalar() == "just text");
  try {
    (void)YamlTree::parse("a: [1, 2\nb: 3\n");
    FAIL("no exception");
  } catch (const YAML::ParserException& e) {
    CHECK(e.mark.line >= 0);
  }
  CHECK_THROWS_AS((void)YamlTree::parse("a: *nowhere\n"), YAML::ParserException);
}
