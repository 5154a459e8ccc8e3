// The unknown-ESCO message, pure (the lookup is tested against PostgreSQL in tests/db).
#include "db/meters.hpp"

#include <doctest/doctest.h>

using namespace flows;

TEST_CASE("an unknown ESCO is named, with the nearest known code when it looks like a typo") {
  const std::vector<std::string> known{"alpha", "beta", "wlce"};
  CHECK(db::unknown_esco_message("alhpa", known) == "unknown ESCO 'alhpa' (no such code in flows.escos; did you mean alpha?)");
  CHECK(db::unknown_esco_message("wcle", known) == "unknown ESCO 'wcle' (no such code in flows.escos; did you mean wlce?)");
  CHECK(db::unknown_esco_message("zzzzzz", known) == "unknown ESCO 'zzzzzz' (no such code in flows.escos)");
  CHECK(db::unknown_esco_message("alpha2", {}) == "unknown ESCO 'alpha2' (no such code in flows.escos)");
}
