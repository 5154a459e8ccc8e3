#include "db/sql_values.hpp"

namespace flows::db {

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string a = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) a += ',';
    a += ids[i];
  }
  return a + "}";
}

std::string text_array(const std::vector<std::string>& items) {
  std::string a = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    a += i ? ",\"" : "\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') a += '\\';
      a += c;
    }
    a += '"';
  }
  return a + "}";
}

}  // namespace flows::db
