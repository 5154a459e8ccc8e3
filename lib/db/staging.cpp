#include "db/staging.hpp"

#include <stdexcept>

namespace flows::db {
namespace {

bool plain_identifier(const std::string& s) {
  if (s.empty() || s.size() > 63 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  for (char c : s)
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool plain_type(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ' ' || c == '[' || c == ']'))
      return false;
  return true;
}

}  // namespace

std::string stage_rows(pqxx::transaction_base& tx, const std::string& name, const std::vector<StagedColumn>& columns,
                const std::function<void(pqxx::stream_to&)>& write) {
  if (!plain_identifier(name)) throw std::invalid_argument("stage_rows: bad table name " + name);
  if (columns.empty()) throw std::invalid_argument("stage_rows: no columns for " + name);
  std::string definition;
  std::vector<std::string> names;
  for (const auto& c : columns) {
    if (!plain_identifier(c.name) || !plain_type(c.type))
      throw std::invalid_argument("stage_rows: bad column " + c.name + " " + c.type);
    definition += (definition.empty() ? "" : ", ") + c.name + " " + c.type;
    names.push_back(c.name);
  }
  const std::string table = "pg_temp." + name;
  tx.exec0("CREATE TEMPORARY TABLE " + name + " (" + definition + ") ON COMMIT DROP");
  pqxx::stream_to copy(tx, table, names);
  write(copy);
  copy.complete();
  return table;
}

}  // namespace flows::db
