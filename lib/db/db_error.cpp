#include "db/db_error.hpp"

#include <cctype>
#include <vector>

namespace flows::db {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Lines that only point into the statement text: noise on one line.
bool is_excerpt(std::string_view line) {
  if (starts_with(line, "LINE ") || starts_with(line, "CONTEXT:") || starts_with(line, "QUERY:")) return true;
  const std::string_view t = trim(line);
  return !t.empty() && t.find_first_not_of('^') == std::string_view::npos;
}

std::string_view without_severity(std::string_view line) {
  for (std::string_view p : {"ERROR:", "FATAL:", "PANIC:", "WARNING:", "NOTICE:"}) {
    if (starts_with(line, p)) return trim(line.substr(p.size()));
  }
  return line;
}

}  // namespace

std::string one_line(std::string_view text, std::string_view secret) {
  std::string joined;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (is_excerpt(line)) continue;
    const std::string_view kept = trim(without_severity(line));
    if (kept.empty()) continue;
    if (!joined.empty()) joined += ' ';
    joined += kept;
  }
  // Collapse the whitespace left inside lines (tabs, double spaces).
  std::string out;
  bool space = false;
  for (char c : joined) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  if (!secret.empty()) {
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3)) {
      out.replace(pos, secret.size(), "***");
    }
  }
  return out;
}

Error database_error(const std::string& message) { return Error(ExitCode::database, message); }

Error database_error(std::string_view context, const std::exception& e, std::string_view secret) {
  std::string message(context);
  const std::string why = one_line(e.what(), secret);
  if (!why.empty()) message += ": " + why;
  return database_error(message);
}

}  // namespace flows::db
