#include "core/yaml_values.hpp"

#include <doctest/doctest.h>

namespace yv = flows::yaml_values;

namespace {
std::string error_of(auto&& fn, flows::ExitCode code) {
  try {
    fn();
  } catch (const flows::Error& e) {
    CHECK(e.code() == code);
    return e.what();
  }
  FAIL("no error thrown");
  return {};
}
}  // namespace

TEST_CASE("yaml_values: keys and scalars of the wrong node type are located errors") {
  const YAML::Node doc = YAML::Load("a: 5\nb: [1, 2]\nc: x\n? [k]\n: v\n");
  CHECK(yv::scalar<int>(doc["a"], "f.yaml", "a", flows::ExitCode::usage) == 5);
  CHECK(error_of([&] { yv::scalar<int>(doc["b"], "f.yaml", "b", flows::ExitCode::usage); }, flows::ExitCode::usage) ==
        "f.yaml:2: b must be a single value, not a list or a mapping");
  CHECK(error_of([&] { yv::scalar<int>(doc["c"], "f.yaml", "c", flows::ExitCode::config); }, flows::ExitCode::config) ==
        "f.yaml:3: c 'x' is not of the right type");
  std::vector<std::string> keys;
  std::string err;
  for (const auto& kv : doc) {
    try {
      keys.push_back(yv::key(kv.first, "f.yaml", flows::ExitCode::config));
    } catch (const flows::Error& e) {
      err = e.what();
    }
  }
  CHECK(keys == std::vector<std::string>{"a", "b", "c"});
  CHECK(err == "f.yaml:4: a key must be plain text, not a list or a mapping");
}
