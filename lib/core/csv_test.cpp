#include "core/csv.hpp"

#include <doctest/doctest.h>

using flows::csv_cell;

TEST_CASE("csv_cell quotes what RFC 4180 needs quoted") {
  CHECK(csv_cell("Ada Lovelace") == "Ada Lovelace");
  CHECK(csv_cell("Lovelace, Ada") == "\"Lovelace, Ada\"");
  CHECK(csv_cell("the \"mill\"") == "\"the \"\"mill\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("") == "");
}

TEST_CASE("csv_cell neutralises formula-leading cells and leaves numbers as numbers") {
  CHECK(csv_cell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_cell("=1+1") == "'=1+1");
  CHECK(csv_cell("+cmd") == "'+cmd");
  CHECK(csv_cell("-2+3") == "'-2+3");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("\rx") == "\"'\rx\"");
  CHECK(csv_cell("-12.50") == "-12.50");
  CHECK(csv_cell("+3") == "+3");
  CHECK(csv_cell("-") == "'-");
  CHECK(csv_cell("-1.") == "'-1.");
  CHECK(csv_cell("0.17587") == "0.17587");
  CHECK(csv_cell("a=b") == "a=b");
}
