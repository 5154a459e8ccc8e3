#pragma once
// What statement.cpp and statement_html.cpp share to read a stored statement's
// values and write them as text: internal to the statement files.
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "billing/decimal.hpp"

namespace flows::billing::statement_text {

// A decimal string of the document; std::invalid_argument for anything else.
inline Decimal dec(const nlohmann::json& j) {
  if (!j.is_string()) throw std::invalid_argument("statement: expected a decimal string");
  auto d = Decimal::parse(j.get<std::string>());
  if (!d) throw std::invalid_argument("statement: not a decimal: " + j.get<std::string>());
  return *d;
}

// A value as text: strings as they are, null as "", others as JSON.
inline std::string str(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace flows::billing::statement_text
