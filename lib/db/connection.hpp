#pragma once
// Opening a connection to the Flows database.
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "config/config.hpp"

namespace flows::db {

// Connects with a libpq connection string ("host=… dbname=…") or URI
// ("postgresql://…"); libpq's PG* environment variables fill in the rest.
// Failures are a flows::Error with ExitCode::database and a one-line message
// that shows the connection string with its password masked and never the
// password itself.
// A connection string libpq cannot parse is a configuration error (status 3).
std::unique_ptr<pqxx::connection> connect(const std::string& conninfo);

// Connects to the database the settings name (-d/--dbname, FLOWS_DATABASE_URL or
// the environment's database_url; with none, libpq's defaults and PG* variables),
// and says in a failure where the connection string came from, or that none is set.
std::unique_ptr<pqxx::connection> connect(const config::Settings& settings);

// As connect(settings), for work that must not keep a user waiting (shell
// completion): at most SECONDS to connect, and every statement cancelled after SECONDS.
std::unique_ptr<pqxx::connection> connect_briefly(const config::Settings& settings, int seconds);

}  // namespace flows::db
