#include "core/csv.hpp"

#include "core/error.hpp"

namespace flows {
namespace {

// [+-]digits[.digits]: what a spreadsheet reads as a number, never a formula.
bool plain_number(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  bool digits = false, point = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') digits = true;
    else if (s[i] == '.' && !point && digits && i + 1 < s.size()) point = true;
    else return false;
  }
  return digits;
}

}  // namespace

std::string csv_cell(std::string_view s) {
  std::string cell;
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos && !plain_number(s))
    cell = "'";
  cell += s;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace flows

namespace flows {

namespace {

// One record from `pos`; advances `pos` and `line` past it.
CsvRecord read_record(std::string_view text, std::size_t& pos, int& line, std::string_view source) {
  CsvRecord rec;
  rec.line = line;
  std::string cell;
  bool quoted = false, after_quote = false;
  auto fail = [&](const std::string& msg) {
    throw usage_error(std::string(source) + ":" + std::to_string(line) + ": " + msg);
  };
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          cell += '"';
          ++pos;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == ',') {
      rec.cells.push_back(std::move(cell));
      cell.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
      ++line;
      rec.cells.push_back(std::move(cell));
      return rec;
    } else if (after_quote) {
      fail("text after a closing quote (a quote inside a quoted cell is written twice: \"\")");
    } else if (c == '"' && cell.empty()) {
      quoted = true;
    } else {
      cell += c;
    }
  }
  if (quoted) throw usage_error(std::string(source) + ":" + std::to_string(rec.line) + ": a quoted cell is not closed");
  rec.cells.push_back(std::move(cell));
  return rec;
}

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  std::size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    CsvRecord rec = read_record(text, pos, line, source);
    if (rec.cells.size() == 1 && rec.cells[0].empty()) continue;  // a blank line
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace flows
