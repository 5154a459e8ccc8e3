#pragma once
// The Flows configuration: named environments in $XDG_CONFIG_HOME/flows/config.toml,
// overridden by environment variables.
//
//   current = "local"
//   [environments.local]
//   database_url = "host=/tmp/x/sock port=54329 user=flows dbname=flows"
//   timeout_seconds = 10
//   inventory = "fleet.yaml"        # relative paths are relative to the config file
//   mediator = "127.0.0.1:50051"     # every meter call through this gateway
//   mediator_client_cert = "client.crt"  mediator_client_key = "client.key"  mediator_ca_cert = "ca.crt"
//   socks_host = "..."  socks_port = 1080  socks_username = "..."  socks_password = "..."
//
// Every failure is a flows::Error with ExitCode::config, one line, and never
// contains a secret (a password from the file or from the environment).
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::config {

// Looks an environment variable up; nullopt when unset. Injectable so tests
// never touch the process environment.
using Getenv = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (::getenv).
Getenv process_env();
// A fixed set of variables, for tests.
Getenv env_from_map(std::map<std::string, std::string> vars);

// config_dir()/config.toml, or nullopt when neither XDG_CONFIG_HOME nor HOME is set.
std::optional<std::filesystem::path> default_config_file();

struct LoadOptions {
  std::optional<std::string> env_name;                // --env
  std::optional<std::string> database_url;            // -d/--dbname, over FLOWS_DATABASE_URL and the file
  std::optional<std::filesystem::path> config_file;   // default: default_config_file()
  Getenv getenv = process_env();
};

struct Settings {
  std::string env_name;
  std::optional<std::string> database_url;  // libpq conninfo or URI
  std::optional<std::string> inventory;
  std::optional<std::string> mediator;              // HOST:PORT of a gateway (MEDIATOR_SERVER overrides)
  std::optional<std::string> mediator_client_cert;  // PEM files for a TLS gateway; relative to the config file
  std::optional<std::string> mediator_client_key;
  std::optional<std::string> mediator_ca_cert;
  std::optional<std::string> socks_host;
  std::optional<std::string> socks_username;
  std::optional<std::string> socks_password;
  std::optional<int> socks_port;
  // flows-bill: statements by email (smtp://HOST:PORT or smtps://…; STARTTLS is
  // asked for on smtp:// when the server offers it) and the token source of
  // topups (a command printing a 20-digit token for a meter and an amount).
  std::optional<std::string> smtp_url;       // FLOWS_SMTP_URL overrides
  std::optional<std::string> smtp_from;       // FLOWS_SMTP_FROM overrides
  std::optional<std::string> smtp_username;
  std::optional<std::string> smtp_password;  // secret: FLOWS_SMTP_PASSWORD overrides; masked in env_show
  // STARTTLS on smtp://: "required" (refuse a server that does not offer it),
  // "if-offered" (the default) or "off"; smtps:// is TLS from the first byte.
  std::optional<std::string> smtp_starttls;  // FLOWS_SMTP_STARTTLS overrides; validated
  std::optional<std::string> smtp_ca_cert;   // PEM CA bundle to verify the server with; relative to the config file
  std::optional<std::string> token_command;  // FLOWS_TOKEN_COMMAND overrides
  int timeout_seconds = 10;

  std::filesystem::path config_file;  // empty when no config directory is known
  bool config_file_found = false;

  // Where each value came from, by setting name ("env_name", "database_url", …):
  // "--env", "FLOWS_ENV", "current in config file", "config file", "default", or
  // the name of the environment variable. Absent for unset settings.
  std::map<std::string, std::string, std::less<>> sources;

  // The standard libpq variables (PGHOST, PGPASSWORD, …) set in the environment:
  // names only. libpq applies them itself; they are listed for env_show.
  std::vector<std::string> libpq_variables;

  std::string source(std::string_view name) const;

  // One setting for display, secrets masked.
  struct Item {
    std::string name;
    std::optional<std::string> value;  // nullopt when unset
    bool numeric = false;              // value is a number (for JSON)
    std::string source;                // "" when unset
  };
  std::vector<Item> items() const;
  // "name  value  (source)" lines for env_show; secrets masked.
  std::vector<std::string> describe() const;
};

// Resolves the settings: the environment is --env, else FLOWS_ENV, else `current`
// in the file, else "local". A missing file gives the defaults plus environment
// variables; a file that exists is validated whole (syntax, unknown keys, types,
// permissions when it holds secrets) and must contain the chosen environment.
Settings load(const LoadOptions& options = {});

// Refuses TOML nested deeper than any configuration needs (toml11 recurses and
// would overflow the stack): flows::Error(config) naming FILE:LINE. Every TOML
// the tools read goes through it before parsing.
void check_toml_nesting(const std::string& text, const std::filesystem::path& file);

// Names of the environments in the file, sorted; empty when the file does not
// exist. Validates the file as load() does.
std::vector<std::string> environment_names(const std::filesystem::path& file);

// The `current` key of the file, if any (nullopt also when the file does not exist).
std::optional<std::string> current_environment(const std::filesystem::path& file);

// Makes env the file's current environment. env must exist in the file. The rest
// of the file is kept byte for byte when `current` can be edited in place;
// otherwise the file is re-serialised (keys sorted, comments kept only where
// toml11 attaches them to values). Written atomically with mode 0600; a symlink is
// followed and its target replaced.
void set_current(const std::filesystem::path& file, const std::string& env);

// A connection string (conninfo "k=v ..." or postgresql:// URI) as libpq itself
// parses it (PQconninfoParse, the only parser of connection strings here): the
// keywords given, in libpq's order. nullopt when libpq refuses the string.
struct ConninfoParam {
  std::string keyword, value;
};
// nullopt when libpq cannot parse it; libpq's complaint then goes to *error when
// given (it quotes the piece it could not parse: show it only when that cannot
// be a secret, see might_hold_secret).
std::optional<std::vector<ConninfoParam>> parse_conninfo(std::string_view conninfo_or_uri,
                                                         std::string* error = nullptr);
// Whether the text could carry a secret anywhere: a secret keyword, or a URI's
// user information.
bool might_hold_secret(std::string_view conninfo_or_uri);

// What -d/--dbname means, as in psql: a connection string or URI as given, or else
// a database name ("flows" becomes dbname='flows', quoted as libpq reads it).
std::string dbname_option(std::string_view value);

// The keywords whose values are never shown: password, sslpassword, sslkey.
bool is_secret_keyword(std::string_view keyword);

// The string as libpq parses it, in conninfo form ("host=db user=u
// password=*** dbname=flows", a URI too), with every secret masked. A string
// libpq cannot parse is not shown at all: where a password in it ends is unknown.
std::string redact(std::string_view conninfo_or_uri);
// Whether it carries a password or sslpassword; true for a string libpq cannot
// parse, since a password in it cannot be ruled out.
bool contains_password(std::string_view conninfo_or_uri);

}  // namespace flows::config
