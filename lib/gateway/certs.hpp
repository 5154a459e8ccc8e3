#pragma once
// The ESCO's certificate authority for the mediator gateway's mTLS, on OpenSSL 3:
// the CA, the server and client certificates it issues, the registry of what it
// issued, and reading PEM material back (from files or, as deployed tools keep
// it, base64 in the environment). See ../shared/spec/mediator.md, "Security as
// deployed": the client's CN is its id, its OU its role; deployed clients verify
// the server as `cepro-mediators`.
//
// A CA directory holds:
//   ca.crt, ca.key                 the CA (key mode 0600; the directory 0700)
//   NAME.crt, NAME.key             server certificates ("server" unless named)
//   clients/ID.crt, clients/ID.key client certificates
//   registry.json                  one entry per certificate issued, oldest first
// Every file is written whole (temporary file renamed over it).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::gateway {

// --- Reading PEM material (used by the gateway and emop) ---------------------

// PEM text from a base64 environment value (deployed tools' format: base64 of the
// PEM; a value whose decoded text has literal "\n" sequences is turned into
// newlines, as the deployed client does). Whitespace in the value (a wrapped
// `base64` output) is ignored. Throws flows::Error(config) naming the variable,
// never printing the value.
std::string pem_from_base64_env(const std::string& variable_name, const std::string& value);

struct PeerIdentity {
  std::string common_name;
  std::string organizational_unit;
};
// CN and OU of a PEM certificate (the first certificate in the text); nullopt when
// it does not parse. A missing OU is an empty string.
std::optional<PeerIdentity> identity_of_pem(const std::string& pem);

// Standard base64 of DATA on one line, no newline (what the env values hold).
std::string base64_encode(std::string_view data);

// --- Names, without I/O -------------------------------------------------------

enum class Role { internal, partner, readonly };
std::string_view role_name(Role r);
std::optional<Role> role_from_name(std::string_view name);

// A client id, server name or ESCO code: [A-Za-z0-9_-]+.
bool valid_client_id(std::string_view id);

struct SubjectAltName {
  enum class Kind { dns, ip };
  Kind kind;
  std::string value;  // "cepro-mediators", "127.0.0.1", "::1" (IPv6 in canonical form)
  bool operator==(const SubjectAltName&) const = default;
};
// An IPv4 or IPv6 address is an IP SAN, anything else a DNS name, which must be
// letters, digits, '-', '.' and a leading "*." at most; flows::Error(usage) otherwise.
SubjectAltName classify_san(const std::string& name);
// The names every server certificate carries, in this order.
inline constexpr std::string_view default_server_names[] = {"cepro-mediators", "localhost", "127.0.0.1"};
// The defaults followed by GIVEN, classified, without duplicates, in order.
std::vector<SubjectAltName> server_sans(const std::vector<std::string>& given);

// --- Certificates -------------------------------------------------------------

struct CertificateInfo {
  std::string subject;  // "CN=wlce mediator CA, O=wlce": the entries in the order the certificate holds them
  std::string issuer;
  std::string common_name, organizational_unit, organization;
  std::string serial_hex;   // upper-case hex, as `openssl x509 -serial` prints it
  std::string not_before, not_after;  // RFC 3339 UTC, "2026-12-02T01:00:00Z"
  std::vector<SubjectAltName> sans;
  bool is_ca = false;
  std::string sha256_fingerprint;  // "AB:CD:…", as `openssl x509 -fingerprint -sha256` prints it
  bool expired = false;            // notAfter is in the past, at the time of reading
  bool not_yet_valid = false;
};
// The first certificate of PEM; flows::Error(usage) "WHAT is not a PEM certificate".
CertificateInfo inspect_certificate(const std::string& pem, const std::string& what);
// Whether CERT_PEM names CA_PEM's subject as its issuer and carries a signature
// CA_PEM's key verifies (validity dates are not considered). False when either
// does not parse.
bool is_signed_by(const std::string& cert_pem, const std::string& ca_pem);

enum class Kind { ca, server, client };
std::string_view kind_name(Kind k);

// How long a certificate is valid. Normally from now (less 5 minutes, for clocks
// a little behind) for DAYS days. Test-only: with ended_days_ago N > 0 the
// certificate is already expired: valid from N+DAYS days ago until N days ago
// (the gateway's TLS tests need an expired client certificate; the CLI offers
// this as the hidden `certs client --not-after-days-ago N`).
struct Validity {
  int days = 365;
  int ended_days_ago = 0;
};

struct CaRequest {
  std::string esco;  // ESCO code: the CA's O, and its CN "<ESCO> mediator CA"
  Validity validity{3650, 0};
  int key_bits = 4096;  // RSA; as deployed. Tests use 2048 to be fast.
  bool force = false;   // replace an existing CA (else flows::Error(usage))
};
struct ServerRequest {
  std::string name = "server";      // files NAME.crt, NAME.key
  std::vector<std::string> sans;    // added to default_server_names
  Validity validity;
  int key_bits = 2048;
  bool force = false;  // replace existing files of that name (else flows::Error(usage))
};
struct ClientRequest {
  std::string id;  // CN; files clients/ID.crt, clients/ID.key
  Role role = Role::readonly;  // OU
  Validity validity;
  int key_bits = 2048;
  bool force = false;
};

struct RegistryEntry {
  Kind kind = Kind::client;
  std::string name;  // the CA's ESCO code, the server's name, the client's id
  std::optional<Role> role;  // clients only
  std::string serial_hex, not_before, not_after, fingerprint;
  std::vector<SubjectAltName> sans;
  std::string cert_path, key_path;  // as written (absolute when DIR was)
  std::string issued_at;            // RFC 3339 UTC
};

// What an issue wrote: its registry entry and the PEM texts (the key's only to
// print as --env asks; never otherwise shown).
struct Issued {
  RegistryEntry entry;
  CertificateInfo info;
  std::string cert_pem, key_pem, ca_pem;
};

// Each creates DIR (0700) as needed, writes the key (0600), the certificate
// (0644) and appends to DIR/registry.json. Without a CA in DIR, server and
// client throw flows::Error(config); a bad request value is flows::Error(usage).
Issued init_ca(const std::filesystem::path& dir, const CaRequest& r);
Issued issue_server(const std::filesystem::path& dir, const ServerRequest& r);
Issued issue_client(const std::filesystem::path& dir, const ClientRequest& r);

// DIR/registry.json's entries, oldest first; empty when there is none.
// flows::Error(config) when it is unreadable or not a registry.
std::vector<RegistryEntry> read_registry(const std::filesystem::path& dir);

// Environment file lines for an issue: MEDIATOR_SERVER_CERT, MEDIATOR_SERVER_KEY,
// MEDIATOR_CA_CERT (server); MEDIATOR_CLIENT_CERT, MEDIATOR_CLIENT_KEY,
// MEDIATOR_CA_CERT (client); MEDIATOR_CA_CERT (ca). Each "NAME=<base64 of PEM>".
std::vector<std::string> env_lines(Kind kind, const std::string& cert_pem, const std::string& key_pem,
                                   const std::string& ca_pem);

// $XDG_CONFIG_HOME/flows/mediators/pki, else ~/.config/flows/mediators/pki;
// flows::Error(config) when neither variable is set.
std::filesystem::path default_pki_dir();

// Now as RFC 3339 UTC.
std::string now_rfc3339();

}  // namespace flows::gateway
