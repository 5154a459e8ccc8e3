#include "config/config.hpp"

#include <cctype>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <system_error>

#include <boost/algorithm/string/join.hpp>
#include <libpq-fe.h>
#include <toml.hpp>

#include "core/error.hpp"
#include "core/files.hpp"

namespace flows::config {

namespace fs = std::filesystem;

namespace {

// std::map rather than the default unordered_map: errors, env_list and a
// re-serialised file all come out in a stable order.
using Value = toml::basic_value<toml::discard_comments, std::map, std::vector>;
using CommentedValue = toml::basic_value<toml::preserve_comments, std::map, std::vector>;

constexpr std::array<std::string_view, 16> string_keys{
    "database_url",   "inventory",      "mediator",  "socks_host",    "socks_username",
    "socks_password", "mediator_client_cert", "mediator_client_key", "mediator_ca_cert",
    "smtp_url",       "smtp_from",      "smtp_username", "smtp_password", "smtp_starttls", "smtp_ca_cert",
    "token_command"};
constexpr std::array<std::string_view, 2> int_keys{"timeout_seconds", "socks_port"};

// libpq reads these itself when it connects (conninfo keywords win over them), so
// they are deliberately not turned into settings here; they are only listed by
// env_show so an engineer can see what else shapes the connection.
constexpr std::array<std::string_view, 16> libpq_env_names{
    "PGHOST",     "PGHOSTADDR", "PGPORT",    "PGDATABASE",  "PGUSER",           "PGPASSWORD",
    "PGPASSFILE", "PGSERVICE",  "PGSERVICEFILE", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT",
    "PGSSLKEY",   "PGCONNECT_TIMEOUT", "PGOPTIONS", "PGAPPNAME"};

using boost::algorithm::join;

std::string known_keys() {
  std::vector<std::string> k;
  for (auto s : string_keys) k.emplace_back(s);
  for (auto s : int_keys) k.emplace_back(s);
  return join(k, ", ");
}

// "FILE:LINE" for a value toml11 located, else just "FILE".
std::string where(const fs::path& file, const Value& v) {
  auto line = v.location().line();
  return line ? file.string() + ":" + std::to_string(line) : file.string();
}

std::string octal_mode(fs::perms p) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(p) & 07777u);
  return buf;
}

// The first line of a toml11 message without its "[error] toml::parse_x: "
// prefix. The lines after it quote the file, which may hold secrets.
std::string toml_reason(const char* what) {
  std::string_view s(what);
  s = s.substr(0, s.find('\n'));
  if (s.starts_with("[error] ")) s.remove_prefix(8);
  if (s.starts_with("toml::")) {
    if (auto c = s.find(": "); c != std::string_view::npos) s.remove_prefix(c + 2);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s.empty() ? std::string("syntax error") : std::string(s);
}

// toml11 parses arrays and inline tables recursively, so a file nested tens of
// thousands deep overflows the stack. No configuration needs more than a few
// levels: refuse anything deeper than this before parsing. Brackets inside
// strings and comments do not count; [table] and [[array]] headers count as 1-2.
constexpr int max_toml_nesting = 64;

void check_nesting(const std::string& text, const fs::path& file) {
  int depth = 0;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const bool multi = text.compare(i, 3, std::string(3, c)) == 0;
      const std::string close = multi ? std::string(3, c) : std::string(1, c);
      i += close.size();
      while (i < text.size() && text.compare(i, close.size(), close) != 0) {
        if (text[i] == '\n') {
          ++line;
          if (!multi) break;  // an unterminated one-line string: toml11 reports it
        }
        if (c == '"' && text[i] == '\\') ++i;
        ++i;
      }
      if (multi && i < text.size()) {
        i += close.size() - 1;
        while (i + 1 < text.size() && text[i + 1] == c) ++i;  // """a"""" ends with a quote in the string
      }
    } else if (c == '[' || c == '{') {
      if (++depth > max_toml_nesting)
        throw config_error(file.string() + ":" + std::to_string(line) + ": not valid TOML: arrays or inline tables nested more than " +
                           std::to_string(max_toml_nesting) + " deep");
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
}

template <class V>
V parse_text(const std::string& text, const fs::path& file) {
  check_nesting(text, file);
  std::istringstream in(text);
  try {
    return toml::parse<typename V::comment_type, std::map, std::vector>(in, file.string());
  } catch (const toml::exception& e) {
    auto line = e.location().line();
    throw config_error(file.string() + (line ? ":" + std::to_string(line) : std::string()) +
                       ": not valid TOML: " + toml_reason(e.what()));
  } catch (const std::exception& e) {
    throw config_error(file.string() + ": not valid TOML: " + toml_reason(e.what()));
  }
}

bool parses_to(const std::string& text, const Value& expected) {
  try {
    return parse_text<Value>(text, "check") == expected;
  } catch (const Error&) {
    return false;
  }
}

// A TOML basic string; env names are table keys, so they may hold anything.
std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct ConfigFile {
  fs::path path;
  std::optional<std::string> current;
  std::map<std::string, Value::table_type> environments;
};

// Refuses a file that holds a secret when anyone but its owner may read it. Names
// the key, never the value.
void check_private(const fs::path& file, const Value& root) {
  if (!root.is_table() || !root.contains("environments")) return;
  const Value& envs = root.at("environments");
  if (!envs.is_table()) return;
  std::optional<std::string> secret;
  for (const auto& [name, env] : envs.as_table()) {
    if (!env.is_table()) continue;
    const auto& t = env.as_table();
    if (t.count("socks_password")) secret = "socks_password in environment \"" + name + "\"";
    else if (t.count("smtp_password")) secret = "smtp_password in environment \"" + name + "\"";
    else if (auto it = t.find("database_url"); it != t.end() && it->second.is_string() &&
                                                contains_password(it->second.as_string().str))
      secret = "a password (or a string libpq cannot parse) in the database_url of environment \"" + name + "\"";
    if (secret) break;
  }
  if (!secret) return;
  std::error_code ec;
  auto perms = fs::status(file, ec).permissions();
  if (ec) throw config_error("cannot stat " + file.string() + ": " + ec.message());
  if ((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none) return;
  throw config_error(file.string() + " holds " + *secret + " but group or others may access it (mode " +
                     octal_mode(perms) + "); run: chmod 600 " + file.string());
}

void check_env_value(const fs::path& file, const std::string& env, const std::string& key, const Value& v) {
  std::string name = "environments." + env + "." + key;
  if (std::find(string_keys.begin(), string_keys.end(), key) != string_keys.end()) {
    if (!v.is_string()) throw config_error(where(file, v) + ": " + name + " must be a string");
    return;
  }
  if (key == "timeout_seconds") {
    if (!v.is_integer() || v.as_integer() < 1 || v.as_integer() > std::numeric_limits<int>::max())
      throw config_error(where(file, v) + ": " + name + " must be a positive whole number of seconds");
    return;
  }
  if (key == "socks_port") {
    if (!v.is_integer() || v.as_integer() < 1 || v.as_integer() > 65535)
      throw config_error(where(file, v) + ": " + name + " must be a port number (1-65535)");
    return;
  }
  // Typos must not be silently ignored: a misspelt socks_password would
  // otherwise leave the setting unset without a word.
  throw config_error(where(file, v) + ": unknown key \"" + name + "\" (known: " + known_keys() + ")");
}

ConfigFile validate(const fs::path& file, const Value& root) {
  ConfigFile cf;
  cf.path = file;
  for (const auto& [key, v] : root.as_table()) {
    if (key == "current") {
      if (!v.is_string()) throw config_error(where(file, v) + ": current must be a string");
      cf.current = v.as_string().str;
    } else if (key == "environments") {
      if (!v.is_table())
        throw config_error(where(file, v) + ": environments must be a table of [environments.NAME] tables");
      for (const auto& [name, env] : v.as_table()) {
        if (!env.is_table())
          throw config_error(where(file, env) + ": environments." + name + " must be a table");
        for (const auto& [k, val] : env.as_table()) check_env_value(file, name, k, val);
        cf.environments.emplace(name, env.as_table());
      }
    } else {
      throw config_error(where(file, v) + ": unknown key \"" + key +
                         "\" (the top level holds only current and [environments.NAME] tables)");
    }
  }
  return cf;
}

// nullopt when the file does not exist.
std::optional<ConfigFile> read_config(const fs::path& file, bool check_permissions) {
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory)
      throw config_error("cannot access " + file.string() + ": " + ec.message());
    return std::nullopt;
  }
  Value root = parse_text<Value>(read_text_file(file), file);
  if (check_permissions) check_private(file, root);
  return validate(file, root);
}

std::vector<std::string> names_of(const ConfigFile& cf) {
  std::vector<std::string> names;
  for (const auto& [name, _] : cf.environments) names.push_back(name);
  return names;
}

std::string unknown_env(const ConfigFile& cf, const std::string& env, const std::string& from) {
  auto names = names_of(cf);
  return "no environment \"" + env + "\"" + (from.empty() ? "" : " (from " + from + ")") + " in " +
         cf.path.string() + "; known: " + (names.empty() ? std::string("none") : join(names, ", "));
}

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The file with `current` set in place, everything else byte for byte; nullopt
// when the line is not in a shape this understands (the caller re-serialises).
std::optional<std::string> edit_current(const std::string& text, const std::string& env) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::size_t end = eol == std::string::npos ? text.size() : eol;
    std::string_view line(text.data() + pos, end - pos);
    std::size_t i = line.find_first_not_of(" \t");
    if (i != std::string_view::npos && line[i] == '[') break;  // first table: top level is over
    if (i != std::string_view::npos && line.substr(i).starts_with("current")) {
      std::size_t j = line.find_first_not_of(" \t", i + 7);
      if (j != std::string_view::npos && line[j] == '=') {
        std::size_t vs = line.find_first_not_of(" \t", j + 1);
        if (vs == std::string_view::npos) return std::nullopt;
        std::size_t ve = std::string_view::npos;
        if (line[vs] == '"') {
          for (std::size_t k = vs + 1; k < line.size(); ++k) {
            if (line[k] == '\\') ++k;
            else if (line[k] == '"') {
              ve = k + 1;
              break;
            }
          }
        } else if (line[vs] == '\'') {
          if (auto k = line.find('\'', vs + 1); k != std::string_view::npos) ve = k + 1;
        }
        if (ve == std::string_view::npos) return std::nullopt;
        return text.substr(0, pos + vs) + toml_quote(env) + text.substr(pos + ve);
      }
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return "current = " + toml_quote(env) + "\n" + text;
}

// libpq quotes a value with single quotes when it is empty or holds a space,
// a quote or a backslash; quotes and backslashes inside are backslash-escaped.
std::string conninfo_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Getenv process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
}

Getenv env_from_map(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

std::optional<fs::path> default_config_file() {
  if (auto dir = config_dir()) return *dir / "config.toml";
  return std::nullopt;
}

std::optional<std::vector<ConninfoParam>> parse_conninfo(std::string_view conninfo_or_uri, std::string* error) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo_or_uri).c_str(), &err);
  if (error != nullptr && err != nullptr) *error = err;
  PQfreemem(err);
  if (options == nullptr) return std::nullopt;
  std::vector<ConninfoParam> out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (o->val != nullptr) out.push_back({o->keyword, o->val});
  PQconninfoFree(options);
  return out;
}

bool might_hold_secret(std::string_view s) {
  std::string lower(s);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("pass") != std::string::npos || lower.find("sslkey") != std::string::npos ||
         lower.find('@') != std::string::npos;
}

std::string dbname_option(std::string_view v) {
  if (v.find('=') != std::string_view::npos || v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0)
    return std::string(v);
  std::string quoted = "dbname='";
  for (char c : v) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

bool is_secret_keyword(std::string_view keyword) {
  return keyword == "password" || keyword == "sslpassword" || keyword == "sslkey";
}

std::string redact(std::string_view s) {
  const auto params = parse_conninfo(s);
  if (!params) return "(a connection string libpq cannot parse; not shown)";
  std::string out;
  for (const auto& p : *params) {
    if (!out.empty()) out += ' ';
    out += p.keyword + "=" + (is_secret_keyword(p.keyword) ? std::string("***") : conninfo_value(p.value));
  }
  return out;
}

bool contains_password(std::string_view s) {
  const auto params = parse_conninfo(s);
  if (!params) return true;  // where a password would end in it is unknown
  return std::any_of(params->begin(), params->end(),
                     [](const ConninfoParam& p) { return p.keyword == "password" || p.keyword == "sslpassword"; });
}

Settings load(const LoadOptions& opts) {
  Settings s;
  // An empty variable counts as unset, as a shell's `VAR= cmd` intends.
  auto env = [&](const char* name) -> std::optional<std::string> {
    auto v = opts.getenv ? opts.getenv(name) : std::nullopt;
    if (v && v->empty()) return std::nullopt;
    return v;
  };

  std::optional<fs::path> path = opts.config_file ? opts.config_file : default_config_file();
  std::optional<ConfigFile> cf;
  if (path) {
    s.config_file = *path;
    cf = read_config(*path, true);
  }
  s.config_file_found = cf.has_value();

  if (opts.env_name && !opts.env_name->empty()) {
    s.env_name = *opts.env_name;
    s.sources["env_name"] = "--env";
  } else if (auto v = env("FLOWS_ENV")) {
    s.env_name = *v;
    s.sources["env_name"] = "FLOWS_ENV";
  } else if (cf && cf->current) {
    s.env_name = *cf->current;
    s.sources["env_name"] = "current in config file";
  } else {
    s.env_name = "local";
    s.sources["env_name"] = "default";
  }
  s.sources["timeout_seconds"] = "default";

  // --env names an environment that no file defines: going on would run against
  // the defaults (the local database) without a word. FLOWS_ENV without a file
  // stays allowed (CI sets it with FLOWS_DATABASE_URL and no file).
  if (!cf && s.sources["env_name"] == "--env")
    throw config_error("no environment \"" + s.env_name + "\" (from " + s.sources["env_name"] + "): " +
                       (path ? "no config file " + path->string() : std::string("no config directory")));
  if (cf) {
    auto it = cf->environments.find(s.env_name);
    if (it == cf->environments.end()) throw config_error(unknown_env(*cf, s.env_name, s.sources["env_name"]));
    for (const auto& [key, v] : it->second) {
      std::optional<std::string>* str = nullptr;
      if (key == "database_url") str = &s.database_url;
      else if (key == "inventory") str = &s.inventory;
      else if (key == "mediator") str = &s.mediator;
      else if (key == "mediator_client_cert") str = &s.mediator_client_cert;
      else if (key == "mediator_client_key") str = &s.mediator_client_key;
      else if (key == "mediator_ca_cert") str = &s.mediator_ca_cert;
      else if (key == "socks_host") str = &s.socks_host;
      else if (key == "socks_username") str = &s.socks_username;
      else if (key == "socks_password") str = &s.socks_password;
      else if (key == "smtp_url") str = &s.smtp_url;
      else if (key == "smtp_from") str = &s.smtp_from;
      else if (key == "smtp_username") str = &s.smtp_username;
      else if (key == "smtp_password") str = &s.smtp_password;
      else if (key == "smtp_starttls") str = &s.smtp_starttls;
      else if (key == "smtp_ca_cert") str = &s.smtp_ca_cert;
      else if (key == "token_command") str = &s.token_command;
      if (str) *str = v.as_string().str;
      else if (key == "timeout_seconds") s.timeout_seconds = static_cast<int>(v.as_integer());
      else if (key == "socks_port") s.socks_port = static_cast<int>(v.as_integer());
      s.sources[key] = "config file";
    }
    // Relative to the file, so a cron job finds the inventory whatever its cwd.
    for (auto* file : {&s.inventory, &s.mediator_client_cert, &s.mediator_client_key, &s.mediator_ca_cert,
                       &s.smtp_ca_cert})
      if (*file && !(*file)->empty() && fs::path(**file).is_relative())
        *file = (path->parent_path() / **file).lexically_normal().string();
  }

  auto override_string = [&](const char* var, std::optional<std::string>& field, const char* key) {
    if (auto v = env(var)) {
      field = *v;
      s.sources[key] = var;
    }
  };
  override_string("FLOWS_DATABASE_URL", s.database_url, "database_url");
  if (opts.database_url) {
    s.database_url = *opts.database_url;
    s.sources["database_url"] = "-d/--dbname";
  }
  override_string("MEDIATOR_SERVER", s.mediator, "mediator");
  override_string("SOCKS_HOST", s.socks_host, "socks_host");
  override_string("SOCKS_USERNAME", s.socks_username, "socks_username");
  override_string("SOCKS_PASSWORD", s.socks_password, "socks_password");
  override_string("FLOWS_SMTP_URL", s.smtp_url, "smtp_url");
  override_string("FLOWS_SMTP_FROM", s.smtp_from, "smtp_from");
  override_string("FLOWS_SMTP_PASSWORD", s.smtp_password, "smtp_password");
  override_string("FLOWS_SMTP_STARTTLS", s.smtp_starttls, "smtp_starttls");
  if (s.smtp_starttls && *s.smtp_starttls != "required" && *s.smtp_starttls != "if-offered" &&
      *s.smtp_starttls != "off")
    throw config_error("smtp_starttls (" + s.sources["smtp_starttls"] +
                       ") must be \"required\", \"if-offered\" or \"off\", not \"" + *s.smtp_starttls + "\"");
  override_string("FLOWS_TOKEN_COMMAND", s.token_command, "token_command");
  if (auto v = env("EMLITE_TIMEOUT_SECONDS")) {
    auto t = parse_int(*v);
    if (!t || *t < 1)
      throw config_error("EMLITE_TIMEOUT_SECONDS must be a positive whole number of seconds, not \"" + *v + "\"");
    s.timeout_seconds = *t;
    s.sources["timeout_seconds"] = "EMLITE_TIMEOUT_SECONDS";
  }
  if (auto v = env("SOCKS_PORT")) {
    auto p = parse_int(*v);
    if (!p || *p < 1 || *p > 65535) throw config_error("SOCKS_PORT must be a port number (1-65535), not \"" + *v + "\"");
    s.socks_port = *p;
    s.sources["socks_port"] = "SOCKS_PORT";
  }

  for (auto name : libpq_env_names)
    if (env(std::string(name).c_str())) s.libpq_variables.emplace_back(name);
  return s;
}

std::string Settings::source(std::string_view name) const {
  auto it = sources.find(name);
  return it == sources.end() ? std::string() : it->second;
}

std::vector<Settings::Item> Settings::items() const {
  std::vector<Item> out;
  auto str = [&](const char* name, const std::optional<std::string>& v, bool secret = false) {
    Item i{name, std::nullopt, false, source(name)};
    if (v) i.value = secret ? std::string("***") : *v;
    out.push_back(std::move(i));
  };
  Item db{"database_url", std::nullopt, false, source("database_url")};
  if (database_url) db.value = redact(*database_url);
  out.push_back(std::move(db));
  out.push_back({"timeout_seconds", std::to_string(timeout_seconds), true, source("timeout_seconds")});
  str("inventory", inventory);
  str("mediator", mediator);
  str("mediator_client_cert", mediator_client_cert);
  str("mediator_client_key", mediator_client_key);
  str("mediator_ca_cert", mediator_ca_cert);
  str("socks_host", socks_host);
  Item port{"socks_port", std::nullopt, true, source("socks_port")};
  if (socks_port) port.value = std::to_string(*socks_port);
  out.push_back(std::move(port));
  str("socks_username", socks_username);
  str("socks_password", socks_password, true);
  str("smtp_url", smtp_url);
  str("smtp_from", smtp_from);
  str("smtp_username", smtp_username);
  str("smtp_password", smtp_password, true);
  str("smtp_starttls", smtp_starttls);
  str("smtp_ca_cert", smtp_ca_cert);
  str("token_command", token_command);
  return out;
}

std::vector<std::string> Settings::describe() const {
  auto line = [](std::string name, const std::string& value, const std::string& from) {
    name.resize(std::max<std::size_t>(name.size(), 16), ' ');
    return name + " " + value + (from.empty() ? "" : "  (" + from + ")");
  };
  std::vector<std::string> out;
  out.push_back(line("environment", env_name, source("env_name")));
  out.push_back(line("config_file", config_file.empty() ? "-" : config_file.string(),
                     config_file.empty() ? "no config directory" : config_file_found ? "" : "not found"));
  for (const auto& i : items()) out.push_back(line(i.name, i.value.value_or("-"), i.source));
  if (!libpq_variables.empty())
    out.push_back(line("libpq_variables", join(libpq_variables, " "), "environment, applied by libpq"));
  return out;
}

std::vector<std::string> environment_names(const fs::path& file) {
  auto cf = read_config(file, true);
  return cf ? names_of(*cf) : std::vector<std::string>{};
}

std::optional<std::string> current_environment(const fs::path& file) {
  auto cf = read_config(file, true);
  return cf ? cf->current : std::nullopt;
}

void set_current(const fs::path& file, const std::string& env) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw config_error("cannot set the current environment: " + file.string() + " does not exist");
  // Replace the target of a symlinked config (dotfile managers), not the link.
  fs::path target = fs::canonical(file, ec);
  if (ec) throw config_error("cannot resolve " + file.string() + ": " + ec.message());

  std::string text = read_text_file(target);
  Value root = parse_text<Value>(text, target);
  // No permission check: the rewrite below leaves the file at 0600 anyway.
  ConfigFile cf = validate(target, root);
  if (!cf.environments.count(env)) throw config_error(unknown_env(cf, env, ""));

  Value expected = root;
  expected.as_table()["current"] = env;
  std::string out;
  if (auto edited = edit_current(text, env); edited && parses_to(*edited, expected)) {
    out = std::move(*edited);
  } else {
    // An unusual `current` line (multi-line string, quoted key, …): re-serialise.
    // Keys come out sorted, and only comments toml11 attaches to values survive.
    auto commented = parse_text<CommentedValue>(text, target);
    commented.as_table()["current"] = env;
    out = toml::format(commented, std::numeric_limits<std::size_t>::max());
    if (!parses_to(out, expected))
      throw Error(ExitCode::internal, "re-serialising " + target.string() + " changed its content; left it as it was");
  }
  write_file_atomically(target, out, 0600);
}

void check_toml_nesting(const std::string& text, const std::filesystem::path& file) { check_nesting(text, file); }

}  // namespace flows::config
