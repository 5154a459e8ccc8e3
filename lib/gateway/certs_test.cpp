#include "gateway/certs.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <functional>
#include <iomanip>
#include <sstream>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/files.hpp"

namespace fs = std::filesystem;
using namespace flows;
using namespace flows::gateway;

namespace {

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "flows_certs_test.XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

// Seconds since the epoch of an RFC 3339 UTC time "2026-12-02T01:00:00Z".
long seconds_of(const std::string& t) {
  std::tm tm{};
  std::istringstream in(t);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  REQUIRE_MESSAGE(!in.fail(), t);
  return static_cast<long>(timegm(&tm));
}

// One CA with a partner client and a server, made once (RSA keys take a moment).
struct Pki {
  ScratchDir scratch;
  fs::path dir = scratch.path / "pki";
  Issued ca, client, server;
  Pki() {
    CaRequest c;
    c.esco = "wlce";
    c.key_bits = 2048;
    ca = init_ca(dir, c);
    ClientRequest r;
    r.id = "app_back-end1";
    r.role = Role::partner;
    client = issue_client(dir, r);
    ServerRequest s;
    s.sans = {"gw.example.org", "10.1.2.3", "localhost"};
    server = issue_server(dir, s);
  }
};
Pki& pki() {
  static Pki p;
  return p;
}

std::string error_of(const std::function<void()>& f, ExitCode* code = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("cert env: base64 of a PEM decodes to the PEM, wrapped or not") {
  const std::string pem = pki().client.cert_pem;
  const std::string b64 = base64_encode(pem);
  CHECK(b64.find('\n') == std::string::npos);
  CHECK(pem_from_base64_env("MEDIATOR_CLIENT_CERT", b64) == pem);
  // `base64` without -w0 wraps at 76 columns; the value may also end in a newline.
  std::string wrapped;
  for (std::size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\n";
  CHECK(pem_from_base64_env("MEDIATOR_CLIENT_CERT", wrapped) == pem);
  CHECK(base64_encode("ab") == "YWI=");
  CHECK(base64_encode("abc") == "YWJj");
  CHECK(base64_encode("") == "");
}

TEST_CASE("cert env: literal \\n sequences in the decoded text become newlines") {
  const std::string escaped = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n";
  CHECK(pem_from_base64_env("MEDIATOR_CA_CERT", base64_encode(escaped)) ==
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
}

TEST_CASE("cert env: a bad value is a config error naming the variable, never showing the value") {
  const std::string secret = "c2VjcmV0IGtleSBtYXRlcmlhbA=";  // 27 characters: not base64
  ExitCode code = ExitCode::ok;
  std::string m = error_of([&] { pem_from_base64_env("MEDIATOR_CLIENT_KEY", secret); }, &code);
  CHECK(code == ExitCode::config);
  CHECK(m.find("MEDIATOR_CLIENT_KEY") != std::string::npos);
  CHECK(m.find(secret) == std::string::npos);
  CHECK(error_of([] { pem_from_base64_env("MEDIATOR_CA_CERT", "!!!!"); }) == "MEDIATOR_CA_CERT is not base64");
  CHECK(error_of([] { pem_from_base64_env("MEDIATOR_CA_CERT", "  \n"); }).starts_with("MEDIATOR_CA_CERT is empty"));
  // Valid base64 of something that is not PEM.
  m = error_of([] { pem_from_base64_env("MEDIATOR_SERVER_KEY", base64_encode("top secret words")); });
  CHECK(m == "MEDIATOR_SERVER_KEY does not decode to PEM text (no -----BEGIN line)");
}

TEST_CASE("cert identity: CN and OU of a client certificate; nullopt for what does not parse") {
  const auto id = identity_of_pem(pki().client.cert_pem);
  REQUIRE(id);
  CHECK(id->common_name == "app_back-end1");
  CHECK(id->organizational_unit == "partner");
  // The first certificate of a chain is the one read.
  const auto first = identity_of_pem(pki().client.cert_pem + pki().ca.cert_pem);
  REQUIRE(first);
  CHECK(first->common_name == "app_back-end1");
  const auto ca = identity_of_pem(pki().ca.cert_pem);
  REQUIRE(ca);
  CHECK(ca->common_name == "wlce mediator CA");
  CHECK(ca->organizational_unit == "");
  CHECK_FALSE(identity_of_pem("not a certificate"));
  CHECK_FALSE(identity_of_pem(pki().client.key_pem));
  CHECK_FALSE(identity_of_pem(""));
}

TEST_CASE("cert SANs: IP addresses are IP SANs, everything else DNS names") {
  using K = SubjectAltName::Kind;
  CHECK(classify_san("127.0.0.1") == SubjectAltName{K::ip, "127.0.0.1"});
  CHECK(classify_san("10.20.30.40") == SubjectAltName{K::ip, "10.20.30.40"});
  CHECK(classify_san("0:0:0:0:0:0:0:1") == SubjectAltName{K::ip, "::1"});
  CHECK(classify_san("cepro-mediators") == SubjectAltName{K::dns, "cepro-mediators"});
  CHECK(classify_san("GW.Example.org") == SubjectAltName{K::dns, "gw.example.org"});
  CHECK(classify_san("*.example.org") == SubjectAltName{K::dns, "*.example.org"});
  CHECK(classify_san("10.0.0.256") == SubjectAltName{K::dns, "10.0.0.256"});  // not an address: a (numeric) name
  for (const char* bad : {"", "two words", "a..b", ".lead", "trail.", "x,DNS:evil", "*", "é.example"}) {
    ExitCode code = ExitCode::ok;
    const std::string m = error_of([&] { classify_san(bad); }, &code);
    CHECK_MESSAGE(code == ExitCode::usage, bad);
    CHECK(m == std::string("--san '") + bad + "' is neither an IP address nor a DNS name");
  }
}

TEST_CASE("cert SANs: the defaults come first, then the names given, without duplicates") {
  using K = SubjectAltName::Kind;
  const std::vector<SubjectAltName> want = {{K::dns, "cepro-mediators"}, {K::dns, "localhost"}, {K::ip, "127.0.0.1"},
                                            {K::dns, "gw.example.org"},  {K::ip, "10.1.2.3"}};
  CHECK(server_sans({"gw.example.org", "10.1.2.3", "localhost", "GW.example.org"}) == want);
  CHECK(server_sans({}).size() == 3);
  // And the issued server certificate carries exactly them.
  CHECK(pki().server.info.sans == want);
  CHECK(pki().server.info.common_name == "gw.example.org");
  CHECK_FALSE(pki().server.info.is_ca);
}

TEST_CASE("cert names: client ids and roles") {
  CHECK(valid_client_id("app_back-end1"));
  CHECK(valid_client_id("A"));
  for (const char* bad : {"", "a b", "a/b", "a.b", "../x", "é", "a\n"}) CHECK_FALSE_MESSAGE(valid_client_id(bad), bad);
  CHECK(role_from_name("internal") == Role::internal);
  CHECK(role_from_name("partner") == Role::partner);
  CHECK(role_from_name("readonly") == Role::readonly);
  CHECK_FALSE(role_from_name("Internal"));
  CHECK_FALSE(role_from_name("admin"));
  CHECK_FALSE(role_from_name(""));
  CHECK(role_name(Role::partner) == "partner");
}

TEST_CASE("cert CA: subject, CA flag, files and modes, registry") {
  Pki& p = pki();
  CHECK(p.ca.info.subject == "CN=wlce mediator CA, O=wlce");
  CHECK(p.ca.info.issuer == p.ca.info.subject);
  CHECK(p.ca.info.is_ca);
  CHECK(p.ca.info.serial_hex.size() <= 32);
  CHECK(p.ca.info.serial_hex.size() >= 20);  // 127 random bits: fewer than 20 hex digits is vanishingly rare
  CHECK(p.ca.info.sha256_fingerprint.size() == 32 * 3 - 1);
  CHECK(mode_of(p.dir) == 0700u);
  CHECK(mode_of(p.dir / "ca.key") == 0600u);
  CHECK(mode_of(p.dir / "clients") == 0700u);
  CHECK(mode_of(p.dir / "clients" / "app_back-end1.key") == 0600u);
  CHECK(mode_of(p.dir / "server.key") == 0600u);
  CHECK(read_text_file(p.dir / "ca.crt") == p.ca.cert_pem);
  CHECK(read_text_file(p.dir / "clients" / "app_back-end1.key") == p.client.key_pem);
  CHECK(p.client.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  // The CA is valid 3650 days from 5 minutes ago (the slack for clocks behind).
  CHECK(seconds_of(p.ca.info.not_after) - seconds_of(p.ca.info.not_before) == 3650L * 86400 + 300);
  CHECK(seconds_of(p.client.info.not_after) - seconds_of(p.client.info.not_before) == 365L * 86400 + 300);

  const auto reg = read_registry(p.dir);
  REQUIRE(reg.size() == 3);
  CHECK(reg[0].kind == Kind::ca);
  CHECK(reg[0].name == "wlce");
  CHECK(reg[1].kind == Kind::client);
  CHECK(reg[1].name == "app_back-end1");
  CHECK(reg[1].role == Role::partner);
  CHECK(reg[1].serial_hex == p.client.info.serial_hex);
  CHECK(reg[1].fingerprint == p.client.info.sha256_fingerprint);
  CHECK(reg[1].cert_path == (p.dir / "clients" / "app_back-end1.crt").string());
  CHECK(reg[2].kind == Kind::server);
  CHECK(reg[2].sans.size() == 5);
  CHECK(reg[2].not_after == p.server.info.not_after);
}

TEST_CASE("cert CA: a second init is refused unless forced; no CA is a config error") {
  Pki& p = pki();
  CaRequest c;
  c.esco = "other";
  c.key_bits = 2048;
  ExitCode code = ExitCode::ok;
  const std::string m = error_of([&] { init_ca(p.dir, c); }, &code);
  CHECK(code == ExitCode::usage);
  CHECK(m.starts_with("a CA already exists in " + p.dir.string()));
  CHECK(read_text_file(p.dir / "ca.crt") == p.ca.cert_pem);  // untouched

  ScratchDir empty;
  ClientRequest r;
  r.id = "x";
  code = ExitCode::ok;
  error_of([&] { issue_client(empty.path, r); }, &code);
  CHECK(code == ExitCode::config);
  r.id = "bad id";
  code = ExitCode::ok;
  error_of([&] { issue_client(p.dir, r); }, &code);
  CHECK(code == ExitCode::usage);
  // Re-issuing a client needs --force too.
  r.id = "app_back-end1";
  code = ExitCode::ok;
  error_of([&] { issue_client(p.dir, r); }, &code);
  CHECK(code == ExitCode::usage);
}

TEST_CASE("cert signatures: issued certificates are signed by their CA and no other") {
  Pki& p = pki();
  CHECK(is_signed_by(p.client.cert_pem, p.ca.cert_pem));
  CHECK(is_signed_by(p.server.cert_pem, p.ca.cert_pem));
  CHECK(is_signed_by(p.ca.cert_pem, p.ca.cert_pem));
  CHECK_FALSE(is_signed_by(p.ca.cert_pem, p.client.cert_pem));
  CHECK_FALSE(is_signed_by("junk", p.ca.cert_pem));

  ScratchDir other;
  CaRequest c;
  c.esco = "wlce";  // the same name, another key: not the same CA
  c.key_bits = 2048;
  const Issued other_ca = init_ca(other.path, c);
  CHECK_FALSE(is_signed_by(p.client.cert_pem, other_ca.cert_pem));
}

TEST_CASE("cert expiry: a certificate whose validity ended days ago (test-only) is expired") {
  Pki& p = pki();
  ClientRequest r;
  r.id = "expired1";
  r.role = Role::readonly;
  r.validity = {1, 3};
  const Issued is = issue_client(p.dir, r);
  CHECK(is.info.expired);
  CHECK_FALSE(p.client.info.expired);
  CHECK_FALSE(p.client.info.not_yet_valid);
  CHECK(is.info.not_after < now_rfc3339());
  CHECK(seconds_of(is.info.not_after) - seconds_of(is.info.not_before) == 86400);
  CHECK(seconds_of(now_rfc3339()) - seconds_of(is.info.not_after) >= 3 * 86400);
  CHECK(seconds_of(now_rfc3339()) - seconds_of(is.info.not_after) < 3 * 86400 + 60);
  CHECK(inspect_certificate(is.cert_pem, "x").expired);
  CHECK(is.entry.role == Role::readonly);
}

TEST_CASE("cert env lines: the variables deployed tools read, base64 of the PEM texts") {
  Pki& p = pki();
  const auto server = env_lines(Kind::server, p.server.cert_pem, p.server.key_pem, p.ca.cert_pem);
  REQUIRE(server.size() == 3);
  CHECK(server[0] == "MEDIATOR_SERVER_CERT=" + base64_encode(p.server.cert_pem));
  CHECK(server[1] == "MEDIATOR_SERVER_KEY=" + base64_encode(p.server.key_pem));
  CHECK(server[2] == "MEDIATOR_CA_CERT=" + base64_encode(p.ca.cert_pem));
  const auto client = env_lines(Kind::client, p.client.cert_pem, p.client.key_pem, p.client.ca_pem);
  REQUIRE(client.size() == 3);
  CHECK(client[0].starts_with("MEDIATOR_CLIENT_CERT="));
  CHECK(pem_from_base64_env("MEDIATOR_CLIENT_KEY", client[1].substr(client[1].find('=') + 1)) == p.client.key_pem);
  CHECK(client[2] == server[2]);
  CHECK(env_lines(Kind::ca, p.ca.cert_pem, "", p.ca.cert_pem) ==
        std::vector<std::string>{"MEDIATOR_CA_CERT=" + base64_encode(p.ca.cert_pem)});
}

TEST_CASE("cert registry: a file that is not a registry is a config error") {
  ScratchDir s;
  write_file_atomically(s.path / "registry.json", "{\"not\": \"a list\"}\n", 0644);
  ExitCode code = ExitCode::ok;
  const std::string m = error_of([&] { read_registry(s.path); }, &code);
  CHECK(code == ExitCode::config);
  CHECK(m.find("is not a certificate registry") != std::string::npos);
  CHECK(read_registry(s.path / "nothing-here").empty());
}
