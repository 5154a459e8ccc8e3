#include "db/connection.hpp"

#include <cstdlib>
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

// Opens the connection. In a failure, FROM says where CONNINFO came from ("" when
// not known), and UNSET what was used when it is empty.
std::unique_ptr<pqxx::connection> open(const std::string& conninfo, const std::string& from, const std::string& unset) {
  const std::string origin = from.empty() ? "" : " from " + from;
  std::string complaint;
  const auto params = config::parse_conninfo(conninfo, &complaint);
  if (!params) {
    // libpq's message quotes the piece it could not parse: shown only when the
    // string holds nothing that could be a secret.
    if (!config::might_hold_secret(conninfo))
      throw config_error("invalid database connection string" + origin + ": " + one_line(complaint));
    throw config_error("invalid database connection string" + origin + " (not shown: libpq cannot parse it, so a password in it "
                         "could not be masked)");
  }
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    const std::string why = masked(one_line(e.what()), secrets_of(*params));
    const std::string which = conninfo.empty() ? unset : " (" + config::redact(conninfo) + origin + ")";
    throw database_error("cannot connect to the database" + which + (why.empty() ? "" : ": " + why));
  }
}

}  // namespace

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) { return open(conninfo, "", " ()"); }

std::unique_ptr<pqxx::connection> connect(const config::Settings& s) {
  const std::string conninfo = s.database_url.value_or("");
  if (!conninfo.empty()) return open(conninfo, s.source("database_url"), "");
  std::string unset = ": no connection string is set (-d/--dbname, FLOWS_DATABASE_URL, or database_url in "
                      "environment \"" + s.env_name + "\" of config.toml), so libpq's defaults were used";
  if (!s.libpq_variables.empty()) {
    unset += " with";
    for (const auto& v : s.libpq_variables) unset += " " + v;
  }
  return open("", "", unset);
}

std::unique_ptr<pqxx::connection> connect_briefly(const config::Settings& settings, int seconds) {
  setenv("PGCONNECT_TIMEOUT", std::to_string(seconds).c_str(), 1);  // libpq reads it for every form of conninfo
  auto conn = connect(settings);
  pqxx::nontransaction tx(*conn);
  tx.exec("SELECT set_config('statement_timeout', " + tx.quote(std::to_string(seconds * 1000)) + ", false)");
  return conn;
}

}  // namespace flows::db
