#include "config/config.hpp"

#include <cstdlib>
#include <map>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/files.hpp"

namespace fs = std::filesystem;
using flows::config::env_from_map;
using flows::config::LoadOptions;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "flows_config_test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text, fs::perms mode = fs::perms(0600)) const {
    fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    fs::permissions(p, mode);
    return p;
  }
};

const char* three_envs = R"(# Flows environments
current = "qa"   # what emop uses by default

[environments.local]
database_url = "host=/tmp/x/sock port=54329 user=flows dbname=flows"
timeout_seconds = 10

[environments.qa]
database_url = "postgresql://flows@qa.example/flows"
timeout_seconds = 20
mediator = "10.0.0.5:7800"

[environments.prod]
database_url = "host=db.example dbname=flows"
timeout_seconds = 30
inventory = "fleet.yaml"
socks_host = "gw.example"
socks_port = 1080
)";

LoadOptions opts(const fs::path& file, std::map<std::string, std::string> env = {},
                 std::optional<std::string> flag = std::nullopt) {
  LoadOptions o;
  o.config_file = file;
  o.getenv = env_from_map(std::move(env));
  o.env_name = std::move(flag);
  return o;
}

// The message of the config error fn throws; fails the test if it throws none.
template <class F>
std::string config_error_of(F&& fn) {
  try {
    fn();
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::config);
    return e.what();
  }
  FAIL("no error thrown");
  return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("config: the environment is --env, else FLOWS_ENV, else current, else local") {
  TempDir d;
  auto file = d.write("config.toml", three_envs);

  auto s = flows::config::load(opts(file, {{"FLOWS_ENV", "local"}}, "prod"));
  CHECK(s.env_name == "prod");
  CHECK(s.source("env_name") == "--env");
  CHECK(s.timeout_seconds == 30);

  s = flows::config::load(opts(file, {{"FLOWS_ENV", "local"}}));
  CHECK(s.env_name == "local");
  CHECK(s.source("env_name") == "FLOWS_ENV");
  CHECK(s.timeout_seconds == 10);

  s = flows::config::load(opts(file));
  CHECK(s.env_name == "qa");
  CHECK(s.source("env_name") == "current in config file");
  CHECK(s.mediator == "10.0.0.5:7800");
  CHECK(s.timeout_seconds == 20);
  CHECK(s.source("timeout_seconds") == "config file");
  CHECK(!s.inventory);
  CHECK(s.source("inventory").empty());

  auto no_current = d.write("nocurrent.toml", "[environments.local]\nmediator = \"127.0.0.1:7800\"\n");
  s = flows::config::load(opts(no_current));
  CHECK(s.env_name == "local");
  CHECK(s.source("env_name") == "default");
  CHECK(s.mediator == "127.0.0.1:7800");
}

TEST_CASE("config: environment variables override the file") {
  TempDir d;
  auto file = d.write("config.toml", three_envs);
  auto s = flows::config::load(opts(file,
                                    {{"FLOWS_DATABASE_URL", "host=other dbname=x"},
                                     {"EMLITE_TIMEOUT_SECONDS", "7"},
                                     {"SOCKS_HOST", "gw2.example"},
                                     {"SOCKS_PORT", "1081"},
                                     {"SOCKS_USERNAME", "op"},
                                     {"SOCKS_PASSWORD", "s3cret"},
                                     {"PGHOST", "ignored-by-us"},
                                     {"PGPASSWORD", "pgsecret"}},
                                    "prod"));
  CHECK(s.database_url == "host=other dbname=x");
  CHECK(s.source("database_url") == "FLOWS_DATABASE_URL");
  CHECK(s.timeout_seconds == 7);
  CHECK(s.source("timeout_seconds") == "EMLITE_TIMEOUT_SECONDS");
  CHECK(s.socks_host == "gw2.example");
  CHECK(s.socks_port == 1081);
  CHECK(s.source("socks_port") == "SOCKS_PORT");
  CHECK(s.socks_username == "op");
  CHECK(s.socks_password == "s3cret");
  // Not overridden: still from the file, a relative inventory resolved beside it.
  CHECK(s.inventory == (d.path / "fleet.yaml").string());
  CHECK(s.source("inventory") == "config file");
  // libpq applies PG* itself; they are only listed, by name.
  CHECK(s.libpq_variables == std::vector<std::string>{"PGHOST", "PGPASSWORD"});

  std::string shown;
  for (auto& l : s.describe()) shown += l + "\n";
  CHECK(contains(shown, "socks_password   ***  (SOCKS_PASSWORD)"));
  CHECK(contains(shown, "environment      prod  (--env)"));
  CHECK(!contains(shown, "s3cret"));
  CHECK(!contains(shown, "pgsecret"));

  // An empty variable counts as unset.
  s = flows::config::load(opts(file, {{"FLOWS_ENV", ""}, {"EMLITE_TIMEOUT_SECONDS", ""}}));
  CHECK(s.env_name == "qa");
  CHECK(s.timeout_seconds == 20);
}

TEST_CASE("config: -d/--dbname overrides FLOWS_DATABASE_URL and the file; a bare name is a dbname") {
  TempDir d;
  auto file = d.write("config.toml", three_envs);
  auto o = opts(file, {{"FLOWS_DATABASE_URL", "host=other dbname=x"}}, "prod");
  o.database_url = flows::config::dbname_option("billing");
  auto s = flows::config::load(o);
  CHECK(s.database_url == "dbname='billing'");
  CHECK(s.source("database_url") == "-d/--dbname");
  CHECK(flows::config::dbname_option("host=/tmp port=5433 dbname=f") == "host=/tmp port=5433 dbname=f");
  CHECK(flows::config::dbname_option("postgresql://u@db/flows") == "postgresql://u@db/flows");
  CHECK(flows::config::dbname_option("it's") == "dbname='it\\'s'");
  CHECK(flows::config::parse_conninfo(flows::config::dbname_option("it's")).has_value());
}

TEST_CASE("config: a missing file gives defaults plus environment variables") {
  TempDir d;
  auto s = flows::config::load(opts(d.path / "absent.toml"));
  CHECK(!s.config_file_found);
  CHECK(s.env_name == "local");
  CHECK(s.timeout_seconds == 10);
  CHECK(s.source("timeout_seconds") == "default");
  CHECK(!s.database_url);
  CHECK(!s.socks_port);

  s = flows::config::load(opts(d.path / "absent.toml", {{"FLOWS_ENV", "ci"}, {"FLOWS_DATABASE_URL", "dbname=ci"}}));
  CHECK(s.env_name == "ci");
  CHECK(s.database_url == "dbname=ci");
  CHECK(flows::config::environment_names(d.path / "absent.toml").empty());

  // --env names an environment: without a file there is none to use.
  auto msg = config_error_of([&] { flows::config::load(opts(d.path / "absent.toml", {}, "nosuch")); });
  CHECK(msg == "no environment \"nosuch\" (from --env): no config file " + (d.path / "absent.toml").string());
}

TEST_CASE("config: an environment not in the file is refused, listing the known ones") {
  TempDir d;
  auto file = d.write("config.toml", three_envs);
  auto msg = config_error_of([&] { flows::config::load(opts(file, {{"FLOWS_ENV", "staging"}})); });
  CHECK(contains(msg, "\"staging\""));
  CHECK(contains(msg, "FLOWS_ENV"));
  CHECK(contains(msg, "known: local, prod, qa"));
  CHECK(flows::config::environment_names(file) == std::vector<std::string>{"local", "prod", "qa"});
  CHECK(flows::config::current_environment(file) == "qa");
}

TEST_CASE("config: timeouts and ports must be in range") {
  TempDir d;
  auto file = d.write("config.toml", three_envs);
  for (auto bad : {"0", "-5", "abc", "10s", " 10", "99999999999"}) {
    auto msg = config_error_of([&] { flows::config::load(opts(file, {{"EMLITE_TIMEOUT_SECONDS", bad}})); });
    CHECK_MESSAGE(contains(msg, "EMLITE_TIMEOUT_SECONDS must be a positive whole number"), bad);
  }
  config_error_of([&] { flows::config::load(opts(file, {{"SOCKS_PORT", "70000"}})); });

  auto zero = d.write("zero.toml", "[environments.local]\n\ntimeout_seconds = 0\n");
  auto msg = config_error_of([&] { flows::config::load(opts(zero)); });
  CHECK(contains(msg, "zero.toml:3: environments.local.timeout_seconds must be a positive whole number"));
  auto text = d.write("text.toml", "[environments.local]\ntimeout_seconds = \"10\"\n");
  config_error_of([&] { flows::config::load(opts(text)); });
}

TEST_CASE("config: a file with secrets that others may read is refused without showing them") {
  TempDir d;
  const std::string socks = "[environments.prod]\nsocks_host = \"gw\"\nsocks_password = \"hunter2\"\n";
  const std::string conninfo = "[environments.prod]\ndatabase_url = \"host=db password='pa ss' dbname=f\"\n";
  const std::string uri = "[environments.prod]\ndatabase_url = \"postgresql://flows:hunter3@db/flows\"\n";
  for (const auto& [text, secret] : {std::pair{socks, "hunter2"}, {conninfo, "pa ss"}, {uri, "hunter3"}}) {
    for (auto mode : {fs::perms(0644), fs::perms(0640), fs::perms(0604)}) {
      auto file = d.write("config.toml", text, mode);
      auto msg = config_error_of([&] { flows::config::load(opts(file, {}, "prod")); });
      CHECK(contains(msg, "chmod 600 " + file.string()));
      CHECK(!contains(msg, secret));
      config_error_of([&] { flows::config::environment_names(file); });
    }
    auto file = d.write("config.toml", text, fs::perms(0600));
    CHECK(flows::config::load(opts(file, {}, "prod")).env_name == "prod");
  }
  // Even the wrong environment name does not get past an unsafe file.
  auto file = d.write("config.toml", socks, fs::perms(0644));
  config_error_of([&] { flows::config::load(opts(file, {}, "local")); });
}

TEST_CASE("config: a file without secrets may be world-readable") {
  TempDir d;
  auto file = d.write("config.toml", three_envs, fs::perms(0644));
  CHECK(flows::config::load(opts(file)).env_name == "qa");
  // A password from the environment is not in the file.
  CHECK(flows::config::load(opts(file, {{"SOCKS_PASSWORD", "x"}})).socks_password == "x");
}

TEST_CASE("config: malformed TOML names the file and line, not the content") {
  TempDir d;
  auto file = d.write("config.toml", "current = \"local\"\n[environments.local]\nsocks_password = \"hunter2\n");
  auto msg = config_error_of([&] { flows::config::load(opts(file)); });
  CHECK(contains(msg, file.string() + ":3: not valid TOML"));
  CHECK(!contains(msg, "hunter2"));
  CHECK(!contains(msg, "\n"));

  file = d.write("dup.toml", "[environments.a]\nmediator = \"x\"\n[environments.a]\n");
  msg = config_error_of([&] { flows::config::load(opts(file)); });
  CHECK(contains(msg, "dup.toml:3: not valid TOML"));
}

TEST_CASE("config: unknown keys are refused by name") {
  TempDir d;
  auto file = d.write("config.toml", "[environments.local]\ntimeout_seconds = 5\ndatabse_url = \"x\"\n");
  auto msg = config_error_of([&] { flows::config::load(opts(file)); });
  CHECK(contains(msg, "config.toml:3: unknown key \"environments.local.databse_url\""));
  CHECK(contains(msg, "database_url"));  // the known keys are listed

  file = d.write("top.toml", "curent = \"local\"\n[environments.local]\n");
  msg = config_error_of([&] { flows::config::load(opts(file)); });
  CHECK(contains(msg, "top.toml:1: unknown key \"curent\""));
}

TEST_CASE("redact shows what libpq parses, in conninfo form, with every secret masked") {
  using flows::config::contains_password;
  using flows::config::redact;
  // key=value form: libpq's keyword order, quoting undone and redone.
  CHECK(redact("host=db user=flows password=hunter2 dbname=flows") == "user=flows password=*** dbname=flows host=db");
  CHECK(redact("host=db password = 'a b\\' c' dbname=x") == "password=*** dbname=x host=db");
  CHECK(redact("password=") == "password=***");
  CHECK(redact("host=/tmp/x/sock port=54329 user=flows dbname=flows") ==
        "user=flows dbname=flows host=/tmp/x/sock port=54329");
  CHECK(redact("host=db application_name='night sync' options='-c x=\\'y\\''") ==
        "host=db options='-c x=\\'y\\'' application_name='night sync'");
  CHECK(redact("host=db application_name=''") == "host=db application_name=''");
  // Every secret libpq knows: password, sslpassword, and the key file's name.
  CHECK(redact("sslkey=/k/client.key sslpassword=kp sslmode=verify-full host=db") ==
        "host=db sslmode=verify-full sslkey=*** sslpassword=***");
  // URI form: percent-decoded by libpq, shown as conninfo.
  CHECK(redact("postgresql://flows:hunter2@db.example:5432/flows?sslmode=require") ==
        "user=flows password=*** dbname=flows host=db.example port=5432 sslmode=require");
  CHECK(redact("postgresql://u:p%20w@h/d?sslpassword=x%27y") == "user=u password=*** dbname=d host=h sslpassword=***");
  CHECK(redact("postgresql://flows@db/flows") == "user=flows dbname=flows host=db");
  CHECK(redact("postgresql://db/flows?user=u&password=hunter2&sslmode=require") ==
        "user=u password=*** dbname=flows host=db sslmode=require");
  CHECK(redact("postgresql://h1:5432,h2:5433/flows") == "dbname=flows host=h1,h2 port=5432,5433");
  // An unencoded '@' in a URI password: libpq takes the first '@', and so does the mask.
  CHECK(redact("postgres://flows:p@ss/w@db/flows") == "user=flows password=*** dbname=w@db/flows host=ss");
  // What libpq refuses is not shown at all (its complaint would quote "pw").
  CHECK(redact("host=/tmp password=s3cret pw") == "(a connection string libpq cannot parse; not shown)");
  CHECK(redact("postgresql://u:pw@h/d?nosuch=1") == "(a connection string libpq cannot parse; not shown)");

  CHECK(contains_password("user=x password=y"));
  CHECK(contains_password("user=x sslpassword=y"));
  CHECK(contains_password("postgresql://u:p@h/d"));
  CHECK(contains_password("postgresql://h/d?password=p"));
  CHECK(contains_password("host=/tmp password=s3cret pw"));  // unparseable: cannot be ruled out
  CHECK(!contains_password("user=x dbname=password"));
  CHECK(!contains_password("postgresql://u@h/d"));
  CHECK(!contains_password("host=db sslkey=/k/client.key"));
}

TEST_CASE("parse_conninfo gives libpq's own reading of both forms") {
  using flows::config::ConninfoParam;
  using flows::config::parse_conninfo;
  auto kv = parse_conninfo("port = 5433 host='/run/my socket' dbname=flows");
  REQUIRE(kv);
  REQUIRE(kv->size() == 3);
  CHECK((*kv)[0].keyword == "dbname");
  CHECK((*kv)[0].value == "flows");
  CHECK((*kv)[1].keyword == "host");
  CHECK((*kv)[1].value == "/run/my socket");
  CHECK((*kv)[2].keyword == "port");
  CHECK((*kv)[2].value == "5433");
  auto uri = parse_conninfo("postgresql://ops:s%40cret@db.example/flows?connect_timeout=5");
  REQUIRE(uri);
  std::map<std::string, std::string> m;
  for (const auto& p : *uri) m[p.keyword] = p.value;
  CHECK(m == std::map<std::string, std::string>{{"user", "ops"}, {"password", "s@cret"}, {"dbname", "flows"},
                                                {"host", "db.example"}, {"connect_timeout", "5"}});
  CHECK_FALSE(parse_conninfo("host=db nonsense"));
  CHECK_FALSE(parse_conninfo("nosuchkeyword=1"));
  CHECK(flows::config::is_secret_keyword("sslkey"));
  CHECK_FALSE(flows::config::is_secret_keyword("sslcert"));
}

TEST_CASE("set_current rewrites current in place, atomically, mode 0600") {
  TempDir d;
  auto file = d.write("config.toml", three_envs, fs::perms(0644));
  flows::config::set_current(file, "prod");
  CHECK((fs::status(file).permissions() & fs::perms::all) == fs::perms(0600));
  std::string expected = three_envs;
  expected.replace(expected.find("\"qa\"   #"), 4, "\"prod\"");
  CHECK(flows::read_text_file(file) == expected);  // comments and layout kept
  CHECK(flows::config::load(opts(file)).env_name == "prod");

  // No temporary files left behind.
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d.path)) ++entries;
  CHECK(entries == 1);

  auto msg = config_error_of([&] { flows::config::set_current(file, "staging"); });
  CHECK(contains(msg, "known: local, prod, qa"));
  CHECK(flows::config::current_environment(file) == "prod");
  config_error_of([&] { flows::config::set_current(d.path / "absent.toml", "local"); });
}

TEST_CASE("set_current adds current when missing and copes with odd layouts") {
  TempDir d;
  auto file = d.write("config.toml", "# mine\n[environments.a]\n[environments.b]\n");
  flows::config::set_current(file, "b");
  CHECK(flows::read_text_file(file) == "current = \"b\"\n# mine\n[environments.a]\n[environments.b]\n");

  // A quoted key is not edited in place; the file is re-serialised instead.
  file = d.write("quoted.toml", "\"current\" = 'a'\n[environments.a]\nmediator = \"m\"\n[environments.b]\n");
  flows::config::set_current(file, "b");
  auto s = flows::config::load(opts(file));
  CHECK(s.env_name == "b");
  CHECK(flows::config::load(opts(file, {}, "a")).mediator == "m");

  // A symlinked config has its target replaced, the link kept.
  auto real = d.write("real.toml", "current = 'a'\n[environments.a]\n[environments.b]\n");
  fs::create_symlink(real, d.path / "link.toml");
  flows::config::set_current(d.path / "link.toml", "b");
  CHECK(fs::is_symlink(d.path / "link.toml"));
  CHECK(flows::config::current_environment(real) == "b");
}

TEST_CASE("config: nesting deeper than toml11 can recurse is refused before parsing, naming the line") {
  TempDir d;
  const int n = 100000;
  for (const auto& text : {"\n\na = " + std::string(n, '[') + std::string(n, ']') + "\n",
                           "\n\na = " + [&] {
                             std::string s;
                             for (int i = 0; i < n; ++i) s += "{a=";
                             return s + "1" + std::string(n, '}');
                           }() + "\n"}) {
    auto file = d.write("config.toml", text);
    auto msg = config_error_of([&] { flows::config::load(opts(file)); });
    CHECK(msg == file.string() + ":3: not valid TOML: arrays or inline tables nested more than 64 deep");
  }
  // Brackets in strings and comments do not count; ordinary nesting is accepted
  // (and then refused as an unknown key, which shows it was parsed).
  const std::string deep_string = "# " + std::string(100, '[') + "\nx = \"" + std::string(100, '{') +
                                  "\"\ny = '''" + std::string(100, '[') + "'''\nz = [[[1]]]\n";
  auto file = d.write("ok.toml", deep_string);
  auto msg = config_error_of([&] { flows::config::load(opts(file)); });
  CHECK(contains(msg, "ok.toml:2: unknown key \"x\""));
}

TEST_CASE("config: SMTP settings, STARTTLS policy and CA file; the password never shown") {
  TempDir d;
  auto file = d.write("config.toml", R"([environments.local]
smtp_url = "smtp://127.0.0.1:2525"
smtp_from = "Billing <billing@example.org>"
smtp_username = "billing"
smtp_password = "hunter2"
smtp_starttls = "required"
smtp_ca_cert = "certs/ca.pem"
)");
  auto s = flows::config::load(opts(file));
  CHECK(s.smtp_url == "smtp://127.0.0.1:2525");
  CHECK(s.smtp_from == "Billing <billing@example.org>");
  CHECK(s.smtp_starttls == "required");
  // Relative to the config file, like the mediator's certificates.
  CHECK(s.smtp_ca_cert == (d.path / "certs/ca.pem").string());
  std::string shown;
  for (auto& l : s.describe()) shown += l + "\n";
  CHECK(contains(shown, "smtp_password    ***  (config file)"));
  CHECK(contains(shown, "smtp_starttls    required  (config file)"));
  CHECK(!contains(shown, "hunter2"));

  s = flows::config::load(opts(file, {{"FLOWS_SMTP_STARTTLS", "off"}, {"FLOWS_SMTP_PASSWORD", "s3cret"},
                                      {"FLOWS_SMTP_URL", "smtps://mail.example:465"}}));
  CHECK(s.smtp_starttls == "off");
  CHECK(s.source("smtp_starttls") == "FLOWS_SMTP_STARTTLS");
  CHECK(s.smtp_password == "s3cret");
  CHECK(s.smtp_url == "smtps://mail.example:465");

  // Unset: the mail code's default (if-offered) applies.
  CHECK(!flows::config::load(opts(d.path / "absent.toml")).smtp_starttls);

  auto msg = config_error_of([&] { flows::config::load(opts(file, {{"FLOWS_SMTP_STARTTLS", "yes"}})); });
  CHECK(msg == "smtp_starttls (FLOWS_SMTP_STARTTLS) must be \"required\", \"if-offered\" or \"off\", not \"yes\"");
  auto bad = d.write("bad.toml", "[environments.local]\nsmtp_starttls = \"maybe\"\n");
  msg = config_error_of([&] { flows::config::load(opts(bad)); });
  CHECK(contains(msg, "\"maybe\""));
  CHECK(!contains(flows::config::load(opts(file)).smtp_url.value_or(""), "hunter2"));
}
