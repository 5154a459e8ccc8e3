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

TEST_CASE("parse_csv: quoting, line ends, blank lines and located errors") {
  const auto rows = flows::parse_csv("\xEF\xBB\xBF" "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\n\"two\nlines\",2,3\n", "f.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].line == 1);
  CHECK(rows[0].cells == std::vector<std::string>{"a", "b", "c"});
  CHECK(rows[1].line == 2);
  CHECK(rows[1].cells == std::vector<std::string>{"x, y", "say \"hi\"", ""});
  CHECK(rows[2].line == 4);
  CHECK(rows[2].cells == std::vector<std::string>{"two\nlines", "2", "3"});
  CHECK(flows::parse_csv("", "f.csv").empty());
  CHECK(flows::parse_csv("a,b", "f.csv")[0].cells.size() == 2);
  CHECK_THROWS_WITH(flows::parse_csv("a\n\"open,b\n", "f.csv"), "f.csv:2: a quoted cell is not closed");
  CHECK_THROWS_WITH(flows::parse_csv("\"a\"b,c\n", "f.csv"),
                    "f.csv:1: text after a closing quote (a quote inside a quoted cell is written twice: \"\")");
}
