#pragma once
// Checks on text that reaches the database or an error line from a file or the
// command line: PostgreSQL refuses invalid UTF-8 (a database error, after the
// first query) and NUL bytes, so the tools refuse them first, as usage errors.
#include <cstddef>
#include <string>
#include <string_view>

namespace flows {

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n + 1 > s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// Why TEXT cannot be stored or printed as it is, or empty: "holds a NUL byte",
// "is not valid UTF-8", and with no_controls "holds a control character".
inline const char* text_problem(std::string_view s, bool no_controls = false) {
  if (s.find('\0') != std::string_view::npos) return "holds a NUL byte";
  if (!valid_utf8(s)) return "is not valid UTF-8";
  if (no_controls)
    for (char c : s)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "holds a control character";
  return "";
}

// S without the spaces and tabs at either end.
// "1 meter", "3 meters": a count and its noun (English plurals by -s; NOUN singular).
inline std::string count_of(long long n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace flows
