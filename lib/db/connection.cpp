#include "db/connection.hpp"

#include <libpq-fe.h>

#include <exception>

#include "config/config.hpp"
#include "db/db_error.hpp"

namespace flows::db {
namespace {

struct Parsed {
  bool ok = false;
  std::string password;  // "" when none
  std::string error;     // libpq's complaint when not ok
};

// Parses conninfo as libpq will, to learn the password it carries.
Parsed parse(const std::string& conninfo) {
  Parsed p;
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &err);
  if (options == nullptr) {
    p.error = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    return p;
  }
  p.ok = true;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) p.password = o->val;
  }
  PQconninfoFree(options);
  return p;
}

}  // namespace

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) {
  const Parsed parsed = parse(conninfo);
  if (!parsed.ok) {
    // libpq's message quotes the piece it could not parse, which can be (part of)
    // a password, and where a password ends in a string libpq cannot parse is
    // unknown: so neither the string nor the message is shown.
    throw database_error("invalid database connection string (not shown: libpq cannot parse it, so a password in it "
                         "could not be masked)");
  }
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    throw database_error("cannot connect to the database (" + config::redact(conninfo) + ")", e, parsed.password);
  }
}

}  // namespace flows::db
