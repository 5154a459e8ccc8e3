#pragma once
// The Flows database of the chosen configuration environment.
#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "config/config.hpp"

namespace flows::bill_app {

// What the global options ask of the configuration: --env's environment and
// -d/--dbname's connection string (over FLOWS_DATABASE_URL and the file).
config::LoadOptions load_options(const std::string& env_name, const std::string& dbname);

// config.toml's environment (--env, FLOWS_ENV, current), FLOWS_DATABASE_URL
// overriding its database_url and -d/--dbname both; libpq's PG* variables fill
// in the rest.
std::unique_ptr<pqxx::connection> connect_database(const std::string& env_name, const std::string& dbname);

}  // namespace flows::bill_app
