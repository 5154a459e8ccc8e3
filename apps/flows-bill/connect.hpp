#pragma once
// The Flows database of the chosen configuration environment.
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace flows::bill_app {

// config.toml's environment (--env, FLOWS_ENV, current), FLOWS_DATABASE_URL
// overriding its database_url; libpq's PG* variables fill in the rest.
std::unique_ptr<pqxx::connection> connect_database(const std::string& env_name);

}  // namespace flows::bill_app
