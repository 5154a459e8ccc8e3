#pragma once
// Opening a connection to the Flows database.
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace flows::db {

// Connects with a libpq connection string ("host=… dbname=…") or URI
// ("postgresql://…"); libpq's PG* environment variables fill in the rest.
// Failures are a flows::Error with ExitCode::database and a one-line message
// that shows the connection string with its password masked and never the
// password itself.
std::unique_ptr<pqxx::connection> connect(const std::string& conninfo);

}  // namespace flows::db
