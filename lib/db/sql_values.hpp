#pragma once
// Values for parameterised SQL that libpq only takes as text.
#include <string>
#include <vector>

namespace flows::db {

// A uuid[] (or text[]) parameter: "{id1,id2}", for `= ANY($1::uuid[])`. The ids
// are uuids as PostgreSQL prints them, so nothing needs quoting.
std::string uuid_array(const std::vector<std::string>& ids);

// A text[] parameter with every element quoted: {"a b","say \"hi\""}.
std::string text_array(const std::vector<std::string>& items);

}  // namespace flows::db
