#include "db/sql_values.hpp"

#include <doctest/doctest.h>

TEST_CASE("array parameters: uuids bare, text quoted and escaped") {
  CHECK(flows::db::uuid_array({}) == "{}");
  CHECK(flows::db::uuid_array({"a", "b"}) == "{a,b}");
  CHECK(flows::db::text_array({"unit rate", "say \"hi\" \\"}) == "{\"unit rate\",\"say \\\"hi\\\" \\\\\"}");
}
