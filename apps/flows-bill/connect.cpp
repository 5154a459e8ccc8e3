#include "connect.hpp"

#include "config/config.hpp"
#include "db/connection.hpp"

namespace flows::bill_app {

std::unique_ptr<pqxx::connection> connect_database(const std::string& env_name) {
  config::LoadOptions o;
  if (!env_name.empty()) o.env_name = env_name;
  const config::Settings s = config::load(o);
  return db::connect(s.database_url.value_or(""));
}

}  // namespace flows::bill_app
