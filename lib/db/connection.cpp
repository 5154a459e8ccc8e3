#include "db/connection.hpp"

#include <exception>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "db/db_error.hpp"

namespace flows::db {
namespace {

// Every secret value the string carries, to mask in libpq's messages.
std::vector<std::string> secrets_of(const std::vector<config::ConninfoParam>& params) {
  std::vector<std::string> out;
  for (const auto& p : params)
    if (config::is_secret_keyword(p.keyword) && !p.value.empty()) out.push_back(p.value);
  return out;
}

std::string masked(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets)
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  return text;
}

}  // namespace

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) {
  std::string complaint;
  const auto params = config::parse_conninfo(conninfo, &complaint);
  if (!params) {
    // libpq's message quotes the piece it could not parse: shown only when the
    // string holds nothing that could be a secret.
    if (!config::might_hold_secret(conninfo))
      throw database_error("invalid database connection string: " + one_line(complaint));
    throw database_error("invalid database connection string (not shown: libpq cannot parse it, so a password in it "
                         "could not be masked)");
  }
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    const std::string why = masked(one_line(e.what()), secrets_of(*params));
    throw database_error("cannot connect to the database (" + config::redact(conninfo) + ")" +
                         (why.empty() ? "" : ": " + why));
  }
}

}  // namespace flows::db
