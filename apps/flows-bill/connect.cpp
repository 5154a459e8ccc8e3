#include "connect.hpp"

#include "db/connection.hpp"

namespace flows::bill_app {

config::LoadOptions load_options(const std::string& env_name, const std::string& dbname) {
  config::LoadOptions o;
  if (!env_name.empty()) o.env_name = env_name;
  if (!dbname.empty()) o.database_url = config::dbname_option(dbname);
  return o;
}

std::unique_ptr<pqxx::connection> connect_database(const std::string& env_name, const std::string& dbname) {
  return db::connect(config::load(load_options(env_name, dbname)));
}

}  // namespace flows::bill_app
