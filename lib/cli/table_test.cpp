#include "cli/table.hpp"

#include <doctest/doctest.h>

TEST_CASE("render_table: columns padded to the widest cell, two spaces apart, nothing trailing") {
  CHECK(flows::cli::render_table({{"name", "esco"}, {"lab", "-"}, {"wlce-main", "wlce"}}) ==
        "name       esco\nlab        -\nwlce-main  wlce\n");
  CHECK(flows::cli::render_table({}).empty());
}
