// mediators certs: the ESCO's certificate authority and the certificates it issues.
// Nothing secret is printed unless --env asks for it; then stdout holds only the
// environment lines (so `… --env >> mediator.env` works) and the summary goes to
// stderr.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "gateway/certs.hpp"

namespace flows::mediators_app {
namespace {

namespace fs = std::filesystem;
namespace gw = flows::gateway;
using json = nlohmann::ordered_json;

struct CertsArgs {
  std::string dir;
  bool force = false, env = false, json = false;
  int days = 0, key_bits = 0, ended_days_ago = 0;
  std::string esco, name = "server", id, role, file, kind;
  std::vector<std::string> sans;
};

fs::path pki_dir(const CertsArgs& a) { return a.dir.empty() ? gw::default_pki_dir() : fs::path(a.dir); }

std::string san_text(const std::vector<gw::SubjectAltName>& sans) {
  std::string out;
  for (const auto& s : sans) {
    if (!out.empty()) out += ", ";
    out += (s.kind == gw::SubjectAltName::Kind::ip ? "IP:" : "DNS:") + s.value;
  }
  return out.empty() ? "-" : out;
}

int print_issued(const gw::Issued& is, bool env) {
  std::ostream& summary = env ? std::cerr : std::cout;
  summary << "key:     " << is.entry.key_path << " (private, mode 0600)\n"
          << "cert:    " << is.entry.cert_path << "\n"
          << "subject: " << is.info.subject << "\n";
  if (is.entry.kind == gw::Kind::server) summary << "names:   " << san_text(is.info.sans) << "\n";
  summary << "expires: " << is.info.not_after << (is.info.expired ? " (expired)" : "") << "\n";
  if (env)
    for (const auto& line : gw::env_lines(is.entry.kind, is.cert_pem, is.key_pem, is.ca_pem)) std::cout << line << "\n";
  return 0;
}

int run_init(const CertsArgs& a) {
  gw::CaRequest r;
  r.esco = a.esco;
  r.validity = {a.days, 0};
  r.key_bits = a.key_bits;
  r.force = a.force;
  return print_issued(gw::init_ca(pki_dir(a), r), a.env);
}

int run_server(const CertsArgs& a) {
  gw::ServerRequest r;
  r.name = a.name;
  r.sans = a.sans;
  r.validity = {a.days, 0};
  r.key_bits = a.key_bits;
  r.force = a.force;
  return print_issued(gw::issue_server(pki_dir(a), r), a.env);
}

int run_client(const CertsArgs& a) {
  gw::ClientRequest r;
  r.id = a.id;
  const auto role = gw::role_from_name(a.role);
  if (!role) throw usage_error("--role '" + a.role + "': one of internal, partner, readonly");
  r.role = *role;
  r.validity = {a.days, a.ended_days_ago};
  r.key_bits = a.key_bits;
  r.force = a.force;
  return print_issued(gw::issue_client(pki_dir(a), r), a.env);
}

bool expired_at_now(const std::string& not_after) { return not_after < gw::now_rfc3339(); }  // same fixed format

std::string short_fingerprint(const std::string& fp) { return fp.substr(0, std::min<std::size_t>(fp.size(), 23)); }

int run_list(const CertsArgs& a) {
  const fs::path dir = pki_dir(a);
  const auto entries = gw::read_registry(dir);
  if (a.json) {
    json out = json::array();
    for (const auto& e : entries) {
      json sans = json::array();
      for (const auto& s : e.sans) sans.push_back((s.kind == gw::SubjectAltName::Kind::ip ? "IP:" : "DNS:") + s.value);
      out.push_back({{"kind", gw::kind_name(e.kind)},
                     {"name", e.name},
                     {"role", e.role ? json(gw::role_name(*e.role)) : json(nullptr)},
                     {"serial", e.serial_hex},
                     {"not_before", e.not_before},
                     {"not_after", e.not_after},
                     {"expired", expired_at_now(e.not_after)},
                     {"sans", sans},
                     {"cert", e.cert_path},
                     {"key", e.key_path},
                     {"sha256_fingerprint", e.fingerprint},
                     {"issued_at", e.issued_at}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (entries.empty()) {
    std::cout << "nothing issued in " << dir.string() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{{"kind", "name", "role", "expires", "fingerprint"}};
  for (const auto& e : entries)
    table.push_back({std::string(gw::kind_name(e.kind)), e.name, e.role ? std::string(gw::role_name(*e.role)) : "-",
                     e.not_after + (expired_at_now(e.not_after) ? " (expired)" : ""), short_fingerprint(e.fingerprint)});
  std::cout << cli::render_table(table);
  return 0;
}

int run_info(const CertsArgs& a) {
  const std::string pem = read_text_file(a.file);
  const gw::CertificateInfo i = gw::inspect_certificate(pem, a.file);
  // The CA to check against: DIR's, when there is one (no home at all is no CA).
  std::optional<fs::path> ca;
  try {
    const fs::path c = pki_dir(a) / "ca.crt";
    if (fs::exists(c)) ca = c;
  } catch (const Error&) {
  }
  std::optional<bool> signed_by_ca;
  if (ca) signed_by_ca = gw::is_signed_by(pem, read_text_file(*ca));
  const std::string status = i.expired ? "expired" : i.not_yet_valid ? "not yet valid" : "valid";
  if (a.json) {
    json sans = json::array();
    for (const auto& s : i.sans) sans.push_back((s.kind == gw::SubjectAltName::Kind::ip ? "IP:" : "DNS:") + s.value);
    json out{{"file", a.file},
             {"subject", i.subject},
             {"issuer", i.issuer},
             {"common_name", i.common_name},
             {"role", i.organizational_unit.empty() ? json(nullptr) : json(i.organizational_unit)},
             {"organization", i.organization.empty() ? json(nullptr) : json(i.organization)},
             {"serial", i.serial_hex},
             {"not_before", i.not_before},
             {"not_after", i.not_after},
             {"status", status},
             {"expired", i.expired},
             {"sans", sans},
             {"is_ca", i.is_ca},
             {"sha256_fingerprint", i.sha256_fingerprint},
             {"ca_file", ca ? json(ca->string()) : json(nullptr)},
             {"signed_by_ca", signed_by_ca ? json(*signed_by_ca) : json(nullptr)}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "subject:      " << i.subject << "\n"
            << "issuer:       " << i.issuer << "\n"
            << "common name:  " << (i.common_name.empty() ? "-" : i.common_name) << "\n"
            << "role (OU):    " << (i.organizational_unit.empty() ? "-" : i.organizational_unit) << "\n"
            << "serial:       " << i.serial_hex << "\n"
            << "not before:   " << i.not_before << "\n"
            << "not after:    " << i.not_after << "\n"
            << "status:       " << status << "\n"
            << "names (SAN):  " << san_text(i.sans) << "\n"
            << "CA:           " << (i.is_ca ? "yes" : "no") << "\n"
            << "sha256:       " << i.sha256_fingerprint << "\n"
            << "signed by CA: "
            << (!ca ? std::string("- (no CA in the directory)")
                    : (*signed_by_ca ? "yes" : "no") + std::string(" (") + ca->string() + ")")
            << "\n";
  return 0;
}

// The latest registry entry named NAME (of KIND when given): "ca" is the CA.
int run_env(const CertsArgs& a) {
  const fs::path dir = pki_dir(a);
  const auto entries = gw::read_registry(dir);
  std::optional<gw::RegistryEntry> found;
  std::optional<gw::Kind> other;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const bool kind_ok = a.kind.empty() ? it->kind != gw::Kind::ca || a.name == "ca"
                                        : gw::kind_name(it->kind) == a.kind;
    const bool name_ok = it->kind == gw::Kind::ca ? a.name == "ca" : it->name == a.name;
    if (!kind_ok || !name_ok) continue;
    if (!found) found = *it;
    else if (found->kind != it->kind) other = it->kind;
  }
  if (!found)
    throw usage_error("nothing named '" + a.name + "' was issued in " + dir.string() + " (see mediators certs list)");
  if (other && a.kind.empty())
    throw usage_error("both a server and a client are named '" + a.name + "'; give --kind server or --kind client");
  const std::string cert = read_text_file(found->cert_path);
  const std::string ca = found->kind == gw::Kind::ca ? cert : read_text_file(dir / "ca.crt");
  const std::string key = found->kind == gw::Kind::ca ? std::string() : read_text_file(found->key_path);
  for (const auto& line : gw::env_lines(found->kind, cert, key, ca)) std::cout << line << "\n";
  return 0;
}

void add_dir(CLI::App* cmd, CertsArgs& a) {
  cmd->add_option("--dir", a.dir,
                  "the CA directory (default $XDG_CONFIG_HOME/flows/mediators/pki, else ~/.config/flows/mediators/pki)")
      ->option_text("DIR");
}

void add_issue_options(CLI::App* cmd, CertsArgs& a, int default_days, int default_bits, const std::string& what) {
  add_dir(cmd, a);
  cmd->add_option("--days", a.days, "days the certificate is valid")
      ->option_text("DAYS")
      ->default_val(default_days)
      ->check(CLI::Range(1, 36500));
  cmd->add_option("--key-bits", a.key_bits, "RSA key size in bits")
      ->option_text("BITS")
      ->default_val(default_bits)
      ->check(CLI::Range(2048, 16384));
  cmd->add_flag("--force", a.force, "replace " + what + " that already exists");
  cmd->add_flag("--env", a.env,
                "print the base64 environment lines (with the private key) on stdout, the summary on stderr");
}

}  // namespace

void add_certs_commands(CLI::App& app, Action& action) {
  // One set of values per command: CLI11 stores an option's default when it is
  // declared, so commands sharing a variable would see each other's defaults.
  static CertsArgs init_a, server_a, client_a, list_a, info_a, env_a;
  auto* certs = app.add_subcommand(
      "certs", "the ESCO's certificate authority for the gateway's mTLS: make it, issue server and client "
               "certificates, list what was issued, inspect a certificate");
  certs->require_subcommand(1);

  auto* init = certs->add_subcommand(
      "init", "create the ESCO CA in DIR: an RSA key and a self-signed CA certificate, CN \"<ESCO> mediator CA\", "
              "O=<ESCO>; refused (exit 2) when DIR has one, unless --force");
  init->add_option("--esco", init_a.esco, "the ESCO's code (the CA's O)")->required()->option_text("CODE");
  add_issue_options(init, init_a, 3650, 4096, "a CA");
  init->callback([&action] { action = [] { return run_init(init_a); }; });

  auto* server = certs->add_subcommand(
      "server", "issue a server key and certificate signed by DIR's CA (serverAuth); its names are cepro-mediators "
                "(what deployed clients verify), localhost, 127.0.0.1 and each --san; files NAME.crt, NAME.key");
  server->add_option("--name", server_a.name, "the files' name")->capture_default_str()->option_text("NAME");
  server->add_option("--san", server_a.sans, "a further DNS name or IP address the server is reached by (repeatable)")
      ->option_text("NAME");
  add_issue_options(server, server_a, 365, 2048, "a server certificate of that name");
  server->callback([&action] { action = [] { return run_server(server_a); }; });

  auto* client = certs->add_subcommand(
      "client", "issue a client key and certificate signed by DIR's CA (clientAuth): CN=ID, OU=ROLE, O=<ESCO>; "
                "files clients/ID.crt, clients/ID.key");
  client->add_option("id", client_a.id, "the client's id, [A-Za-z0-9_-]+ (exit 2 otherwise)")
      ->required()
      ->option_text("ID");
  client->add_option("--role", client_a.role, "what the client may call")
      ->required()
      ->check(CLI::IsMember({"internal", "partner", "readonly"}))
      ->option_text("ROLE");
  add_issue_options(client, client_a, 365, 2048, "a client certificate of that id");
  // Test-only (hidden): a certificate whose validity ended N days ago, for the
  // gateway's TLS tests of an expired client.
  client->add_option("--not-after-days-ago", client_a.ended_days_ago, "issue an already expired certificate")
      ->check(CLI::Range(1, 36500))
      ->group("");
  client->callback([&action] { action = [] { return run_client(client_a); }; });

  auto* list = certs->add_subcommand(
      "list", "what DIR's CA issued (its registry.json): kind, name, role, expiry (expired ones marked), fingerprint");
  add_dir(list, list_a);
  list->add_flag("--json", list_a.json, "print the registry entries as JSON");
  list->callback([&action] { action = [] { return run_list(list_a); }; });

  auto* info = certs->add_subcommand(
      "info", "show a PEM certificate: subject, issuer, CN, role (OU), serial, validity, names, CA or not, "
              "fingerprint, and whether DIR's CA signed it");
  info->add_option("file", info_a.file, "the certificate file")->required()->option_text("FILE");
  add_dir(info, info_a);
  info->add_flag("--json", info_a.json, "print as JSON");
  info->callback([&action] { action = [] { return run_info(info_a); }; });

  auto* env = certs->add_subcommand(
      "env", "print the base64 environment lines of an issued certificate (with its private key): a server's "
             "MEDIATOR_SERVER_CERT/KEY, a client's MEDIATOR_CLIENT_CERT/KEY, and MEDIATOR_CA_CERT; NAME ca prints "
             "only MEDIATOR_CA_CERT");
  env->add_option("name", env_a.name, "the server's name or the client's id, or ca")->required()->option_text("NAME");
  add_dir(env, env_a);
  env->add_option("--kind", env_a.kind, "when a server and a client share NAME")
      ->check(CLI::IsMember({"server", "client"}))
      ->option_text("KIND");
  env->callback([&action] { action = [] { return run_env(env_a); }; });
}

}  // namespace flows::mediators_app
