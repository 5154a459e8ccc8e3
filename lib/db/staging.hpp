#pragma once
// Rows COPYed into a temporary table that is dropped at commit, for an
// INSERT … SELECT into a table that COPY cannot fill itself (COPY FROM refuses
// tables under row-level security) or that needs the rows joined or checked
// first. COPY parses each value once; a jsonb or array parameter would parse
// the whole batch as one document first.
#include <functional>
#include <string>
#include <vector>

#include <pqxx/stream_to>
#include <pqxx/transaction_base>

namespace flows::db {

struct StagedColumn {
  std::string name;  // a plain lower-case identifier
  std::string type;  // its SQL type: "uuid", "numeric", "jsonb", …
};

// Creates the temporary table NAME (ON COMMIT DROP) with COLUMNS and calls
// WRITE with a COPY stream on it; WRITE sends tuples in column order (a null
// const char* is NULL). Returns the table's qualified name, "pg_temp.NAME", to
// read it by (so no table of that name elsewhere on the search_path can stand
// in for it). Throws std::invalid_argument for a name or column that is not a
// plain identifier.
std::string stage_rows(pqxx::transaction_base& tx, const std::string& name, const std::vector<StagedColumn>& columns,
                const std::function<void(pqxx::stream_to&)>& write);

}  // namespace flows::db
