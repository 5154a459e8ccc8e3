#include "core/nearest.hpp"

#include <doctest/doctest.h>

using namespace flows;

TEST_CASE("edit_distance counts insertions, deletions, substitutions and neighbour swaps") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("run", "run") == 0);
  CHECK(edit_distance("", "run") == 3);
  CHECK(edit_distance("rn", "run") == 1);                          // insertion
  CHECK(edit_distance("migrte", "migrate") == 1);                  // insertion
  CHECK(edit_distance("prepay_balanse", "prepay_balance") == 1);  // substitution
  CHECK(edit_distance("sycn", "sync") == 1);                       // swap
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("status", "migrate") == 6);
}

TEST_CASE("nearest suggests a command only when the word is near enough to be a typo") {
  const std::vector<std::string> db{"status", "migrate", "import", "rebuild-rollup"};
  CHECK(nearest("migrte", db) == "migrate");
  CHECK(nearest("statsu", db) == "status");
  CHECK(nearest("imprt", db) == "import");
  CHECK_FALSE(nearest("xyzzy", db).has_value());
  CHECK_FALSE(nearest("frobnicate", db).has_value());
  // Short words allow one edit only.
  const std::vector<std::string> bill{"tariffs", "usage", "costs", "run", "quote"};
  CHECK(nearest("rn", bill) == "run");
  CHECK_FALSE(nearest("xy", bill).has_value());
  // Ties go to the first defined.
  CHECK(nearest("ab", {"ac", "bb"}) == "ac");
  CHECK_FALSE(nearest("ab", {}).has_value());
}
