#include "cli/table.hpp"

#include <doctest/doctest.h>

TEST_CASE("render_table: columns padded to the widest cell, two spaces apart, nothing trailing") {
  CHECK(flows::cli::render_table({{"name", "esco"}, {"lab", "-"}, {"wlce-main", "wlce"}}) ==
        "name       esco\nlab        -\nwlce-main  wlce\n");
  CHECK(flows::cli::render_table({}).empty());
}

TEST_CASE("render_table: widths in characters (UTF-8), and empty last cells leave no trailing spaces") {
  CHECK(flows::cli::render_table({{"amount", "note"}, {"£10.00", ""}, {"£5", "x"}}) ==
        "amount  note\n£10.00\n£5      x\n");
}
