#pragma once
// One CSV cell, as every CSV the tools write spells it: quoted when it holds a
// comma, a quote or a line break (RFC 4180), and neutralised when a spreadsheet
// would run it as a formula.
#include <string>
#include <string_view>

namespace flows {

// A cell starting with = + - @ a tab or a carriage return is prefixed with a
// single quote (OWASP's advice against CSV injection: "=HYPERLINK(…)" in a
// customer's name stays text), unless the whole cell is a plain number such as
// "-12.50", which a spreadsheet reads as a number and never runs.
std::string csv_cell(std::string_view s);

}  // namespace flows

#include <vector>

namespace flows {

// A CSV document read as RFC 4180 says (quoted cells may hold commas, quotes
// doubled, line breaks), with CRLF or LF line ends; a leading UTF-8 byte order
// mark is dropped. Blank lines are skipped. Each record keeps the 1-based line it
// starts on, for errors.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> cells;
};

// flows::Error (usage) "SOURCE:LINE: …" for a quote left open or text after a
// closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source);

}  // namespace flows
