#pragma once
// Values for parameterised SQL that libpq only takes as text, and the one way a
// nullable text column is read back.
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace flows::db {

// A uuid[] (or text[]) parameter: "{id1,id2}", for `= ANY($1::uuid[])`. The ids
// are uuids as PostgreSQL prints them, so nothing needs quoting.
std::string uuid_array(const std::vector<std::string>& ids);

// A text[] parameter with every element quoted: {"a b","say \"hi\""}.
std::string text_array(const std::vector<std::string>& items);

// A nullable column as text: nullopt for NULL.
inline std::optional<std::string> text_or_null(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

}  // namespace flows::db
