#include "gateway/certs.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/files.hpp"

namespace flows::gateway {

namespace fs = std::filesystem;

namespace {

// --- RAII over OpenSSL's objects ---------------------------------------------

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using Asn1IntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
struct OpenSslFree {
  void operator()(char* p) const noexcept { OPENSSL_free(p); }
};
using OsslString = std::unique_ptr<char, OpenSslFree>;

// OpenSSL's most recent error, for a message; clears the queue.
std::string ssl_error() {
  unsigned long e = ERR_get_error();
  std::string text;
  if (e != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    text = buf.data();
  }
  ERR_clear_error();
  return text.empty() ? "OpenSSL failed" : text;
}

// A failure of OpenSSL itself (not of the input): an internal error.
[[noreturn]] void fail(const std::string& what) { throw Error(ExitCode::internal, what + ": " + ssl_error()); }

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

BioPtr memory_bio(const std::string& text) {
  BioPtr b(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!b) fail("BIO_new_mem_buf");
  return b;
}

std::string bio_text(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(n > 0 ? n : 0));
}

X509Ptr parse_certificate(const std::string& pem) {
  auto bio = memory_bio(pem);
  X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return x;
}

std::string certificate_pem(X509* x) {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_X509(b.get(), x) != 1) fail("PEM_write_bio_X509");
  return bio_text(b.get());
}

std::string private_key_pem(EVP_PKEY* k) {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("PEM_write_bio_PrivateKey");
  return bio_text(b.get());
}

PkeyPtr parse_private_key(const std::string& pem, const fs::path& path) {
  auto bio = memory_bio(pem);
  PkeyPtr k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) {
    ERR_clear_error();
    throw config_error(path.string() + " is not a PEM private key");
  }
  return k;
}

PkeyPtr rsa_key(int bits) {
  if (bits < 2048 || bits > 16384)
    throw usage_error("--key-bits " + std::to_string(bits) + ": RSA keys of 2048 to 16384 bits");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx) fail("EVP_PKEY_CTX_new_from_name(RSA)");
  check(EVP_PKEY_keygen_init(ctx.get()), "EVP_PKEY_keygen_init");
  check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits), "EVP_PKEY_CTX_set_rsa_keygen_bits");
  EVP_PKEY* raw = nullptr;
  check(EVP_PKEY_generate(ctx.get(), &raw), "EVP_PKEY_generate");
  return PkeyPtr(raw);
}

// A random positive 128-bit serial (top bit clear, so its DER needs no sign byte
// and it stays within RFC 5280's 20 octets; never zero).
Asn1IntPtr random_serial() {
  std::array<unsigned char, 16> bytes{};
  BnPtr bn;
  do {
    check(RAND_bytes(bytes.data(), static_cast<int>(bytes.size())), "RAND_bytes");
    bytes[0] &= 0x7f;
    bn.reset(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn) fail("BN_bin2bn");
  } while (BN_is_zero(bn.get()));
  Asn1IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial) fail("BN_to_ASN1_INTEGER");
  return serial;
}

void add_entry(X509_NAME* name, const char* field, const std::string& value) {
  check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0),
        "X509_NAME_add_entry_by_txt");
}

std::string name_entry(const X509_NAME* name, int nid) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

std::string name_text(const X509_NAME* name) {
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b) fail("BIO_new");
  // One line, "CN=x, O=y", in the certificate's order, UTF-8 as is.
  const unsigned long flags = (XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
  if (X509_NAME_print_ex(b.get(), name, 0, flags) < 0) fail("X509_NAME_print_ex");
  return bio_text(b.get());
}

std::string rfc3339(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) fail("ASN1_TIME_to_tm");
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

std::string serial_hex(const X509* x) {
  BnPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (!bn) fail("ASN1_INTEGER_to_BN");
  OsslString hex(BN_bn2hex(bn.get()));
  if (!hex) fail("BN_bn2hex");
  return hex.get();
}

std::string fingerprint(const X509* x) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  check(X509_digest(x, EVP_sha256(), md.data(), &n), "X509_digest");
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xf];
  }
  return out;
}

std::vector<SubjectAltName> sans_of(const X509* x) {
  std::vector<SubjectAltName> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
    if (g->type == GEN_DNS) {
      const ASN1_IA5STRING* s = g->d.dNSName;
      out.push_back({SubjectAltName::Kind::dns,
                     std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<std::size_t>(ASN1_STRING_length(s)))});
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = g->d.iPAddress;
      std::array<char, INET6_ADDRSTRLEN> buf{};
      const int len = ASN1_STRING_length(s);
      const int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
      if (family && inet_ntop(family, ASN1_STRING_get0_data(s), buf.data(), buf.size()))
        out.push_back({SubjectAltName::Kind::ip, buf.data()});
    }
  }
  return out;
}

CertificateInfo info_of(const X509* x) {
  CertificateInfo i;
  const X509_NAME* subject = X509_get_subject_name(x);
  i.subject = name_text(subject);
  i.issuer = name_text(X509_get_issuer_name(x));
  i.common_name = name_entry(subject, NID_commonName);
  i.organizational_unit = name_entry(subject, NID_organizationalUnitName);
  i.organization = name_entry(subject, NID_organizationName);
  i.serial_hex = serial_hex(x);
  i.not_before = rfc3339(X509_get0_notBefore(x));
  i.not_after = rfc3339(X509_get0_notAfter(x));
  i.sans = sans_of(x);
  i.is_ca = X509_check_ca(const_cast<X509*>(x)) != 0;
  i.sha256_fingerprint = fingerprint(x);
  i.expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
  i.not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(x)) > 0;
  return i;
}

void add_extension(X509* x, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  if (!ext) fail(std::string("extension ") + OBJ_nid2sn(nid) + "=" + value);
  check(X509_add_ext(x, ext.get(), -1), "X509_add_ext");
}

void add_san_extension(X509* x, const std::vector<SubjectAltName>& sans) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) fail("GENERAL_NAMES_new");
  for (const auto& s : sans) {
    GENERAL_NAME* g = nullptr;
    if (s.kind == SubjectAltName::Kind::ip) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(s.value.c_str());
      if (!ip) fail("a2i_IPADDRESS " + s.value);
      g = GENERAL_NAME_new();
      if (!g) fail("GENERAL_NAME_new");
      GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (!dns || ASN1_STRING_set(dns, s.value.data(), static_cast<int>(s.value.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        fail("ASN1_STRING_set");
      }
      g = GENERAL_NAME_new();
      if (!g) fail("GENERAL_NAME_new");
      GENERAL_NAME_set0_value(g, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), g) <= 0) {
      GENERAL_NAME_free(g);
      fail("sk_GENERAL_NAME_push");
    }
  }
  check(X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT), "X509_add1_ext_i2d(SAN)");
}

void check_validity(const Validity& v) {
  if (v.days < 1) throw usage_error("--days " + std::to_string(v.days) + ": a certificate is valid for at least 1 day");
  if (v.ended_days_ago < 0) throw usage_error("--not-after-days-ago must not be negative");
}

void set_validity(X509* x, const Validity& v) {
  check_validity(v);
  const long clock_slack = 5 * 60;  // a verifier whose clock is a little behind still accepts a new certificate
  if (v.ended_days_ago > 0) {
    if (!X509_time_adj_ex(X509_getm_notBefore(x), -(v.ended_days_ago + v.days), 0, nullptr) ||
        !X509_time_adj_ex(X509_getm_notAfter(x), -v.ended_days_ago, 0, nullptr))
      fail("X509_time_adj_ex");
    return;
  }
  if (!X509_time_adj_ex(X509_getm_notBefore(x), 0, -clock_slack, nullptr) ||
      !X509_time_adj_ex(X509_getm_notAfter(x), v.days, 0, nullptr))
    fail("X509_time_adj_ex");
}

struct Signer {
  X509* cert;     // the issuer's certificate (the new certificate itself when self-signed)
  EVP_PKEY* key;  // the issuer's key
};

// A certificate for KEY with SUBJECT, signed by SIGNER (self-signed when
// signer.cert is null), with the extensions EXTENSIONS (nid, conf value) and SANS.
X509Ptr make_certificate(EVP_PKEY* key, const X509_NAME* subject, std::optional<Signer> signer, const Validity& v,
                         const std::vector<std::pair<int, const char*>>& extensions,
                         const std::vector<SubjectAltName>& sans) {
  X509Ptr x(X509_new());
  if (!x) fail("X509_new");
  check(X509_set_version(x.get(), X509_VERSION_3), "X509_set_version");
  check(X509_set_serialNumber(x.get(), random_serial().get()), "X509_set_serialNumber");
  set_validity(x.get(), v);
  check(X509_set_subject_name(x.get(), subject), "X509_set_subject_name");
  check(X509_set_issuer_name(x.get(), signer ? X509_get_subject_name(signer->cert) : subject), "X509_set_issuer_name");
  check(X509_set_pubkey(x.get(), key), "X509_set_pubkey");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer ? signer->cert : x.get(), x.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) add_extension(x.get(), &ctx, nid, value);
  if (!sans.empty()) add_san_extension(x.get(), sans);
  EVP_PKEY* signing_key = signer ? signer->key : key;
  if (X509_sign(x.get(), signing_key, EVP_sha256()) <= 0) fail("X509_sign");
  return x;
}

// --- The CA directory ------------------------------------------------------

void make_private_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw config_error("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw config_error("cannot make " + dir.string() + " private (0700): " + ec.message());
}

struct LoadedCa {
  X509Ptr cert;
  PkeyPtr key;
  std::string pem;
  std::string esco;
};

LoadedCa load_ca(const fs::path& dir) {
  const fs::path crt = dir / "ca.crt", key = dir / "ca.key";
  if (!fs::exists(crt) || !fs::exists(key))
    throw config_error("no CA in " + dir.string() + " (run mediators certs init --esco CODE --dir " + dir.string() + ")");
  LoadedCa ca;
  ca.pem = read_text_file(crt);
  ca.cert = parse_certificate(ca.pem);
  if (!ca.cert) throw config_error(crt.string() + " is not a PEM certificate");
  ca.key = parse_private_key(read_text_file(key), key);
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    ERR_clear_error();
    throw config_error(key.string() + " is not the key of " + crt.string());
  }
  ca.esco = name_entry(X509_get_subject_name(ca.cert.get()), NID_organizationName);
  return ca;
}

using json = nlohmann::ordered_json;

json sans_json(const std::vector<SubjectAltName>& sans) {
  json out = json::array();
  for (const auto& s : sans) out.push_back((s.kind == SubjectAltName::Kind::ip ? "IP:" : "DNS:") + s.value);
  return out;
}

json entry_json(const RegistryEntry& e) {
  return json{{"kind", kind_name(e.kind)},
              {"name", e.name},
              {"role", e.role ? json(role_name(*e.role)) : json(nullptr)},
              {"serial", e.serial_hex},
              {"not_before", e.not_before},
              {"not_after", e.not_after},
              {"sans", sans_json(e.sans)},
              {"cert", e.cert_path},
              {"key", e.key_path},
              {"sha256_fingerprint", e.fingerprint},
              {"issued_at", e.issued_at}};
}

RegistryEntry entry_from_json(const json& j) {
  RegistryEntry e;
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "ca") e.kind = Kind::ca;
  else if (kind == "server") e.kind = Kind::server;
  else if (kind == "client") e.kind = Kind::client;
  else throw std::invalid_argument("kind " + kind);
  e.name = j.at("name").get<std::string>();
  if (!j.at("role").is_null()) {
    e.role = role_from_name(j.at("role").get<std::string>());
    if (!e.role) throw std::invalid_argument("role");
  }
  e.serial_hex = j.at("serial").get<std::string>();
  e.not_before = j.at("not_before").get<std::string>();
  e.not_after = j.at("not_after").get<std::string>();
  for (const auto& s : j.at("sans")) {
    const std::string text = s.get<std::string>();
    if (text.starts_with("IP:")) e.sans.push_back({SubjectAltName::Kind::ip, text.substr(3)});
    else if (text.starts_with("DNS:")) e.sans.push_back({SubjectAltName::Kind::dns, text.substr(4)});
  }
  e.cert_path = j.at("cert").get<std::string>();
  e.key_path = j.at("key").get<std::string>();
  e.fingerprint = j.at("sha256_fingerprint").get<std::string>();
  e.issued_at = j.value("issued_at", "");
  return e;
}

void append_registry(const fs::path& dir, const RegistryEntry& e) {
  json all = json::array();
  for (const auto& old : read_registry(dir)) all.push_back(entry_json(old));
  all.push_back(entry_json(e));
  write_file_atomically(dir / "registry.json", all.dump(2) + "\n", 0644);
}

// Writes the key (0600) then the certificate (0644), and records them.
Issued record(const fs::path& dir, Kind kind, const std::string& name, std::optional<Role> role, X509* cert,
              EVP_PKEY* key, const fs::path& crt_path, const fs::path& key_path, std::string ca_pem) {
  Issued out;
  out.cert_pem = certificate_pem(cert);
  out.key_pem = private_key_pem(key);
  out.ca_pem = kind == Kind::ca ? out.cert_pem : std::move(ca_pem);
  out.info = info_of(cert);
  write_file_atomically(key_path, out.key_pem, 0600);
  write_file_atomically(crt_path, out.cert_pem, 0644);
  RegistryEntry& e = out.entry;
  e.kind = kind;
  e.name = name;
  e.role = role;
  e.serial_hex = out.info.serial_hex;
  e.not_before = out.info.not_before;
  e.not_after = out.info.not_after;
  e.fingerprint = out.info.sha256_fingerprint;
  e.sans = out.info.sans;
  e.cert_path = crt_path.string();
  e.key_path = key_path.string();
  e.issued_at = now_rfc3339();
  append_registry(dir, e);
  return out;
}

void refuse_existing(const fs::path& crt, const fs::path& key, bool force, const std::string& what) {
  if (force) return;
  for (const auto& p : {crt, key})
    if (fs::exists(p))
      throw usage_error(what + " already exists in " + p.parent_path().string() + " (" + p.filename().string() +
                        "); --force replaces it");
}

const char* const leaf_key_usage = "critical,digitalSignature,keyEncipherment";

}  // namespace

// --- Reading PEM material ----------------------------------------------------

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string pem_from_base64_env(const std::string& variable_name, const std::string& value) {
  std::string b64;
  for (char c : value)
    if (!std::isspace(static_cast<unsigned char>(c))) b64 += c;
  if (b64.empty()) throw config_error(variable_name + " is empty (it should hold the base64 of a PEM file)");
  if (b64.size() % 4 != 0) throw config_error(variable_name + " is not base64 (its length is not a multiple of 4)");
  std::string text(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) throw config_error(variable_name + " is not base64");
  // EVP_DecodeBlock counts the bytes the padding stands for; they are not data.
  std::size_t len = static_cast<std::size_t>(n);
  if (b64.ends_with("==")) len -= 2;
  else if (b64.ends_with("=")) len -= 1;
  text.resize(len);
  // Values made with an escaped PEM ("-----BEGIN …-----\nMII…") carry the two
  // characters '\' 'n' where the newlines were.
  for (std::size_t pos = 0; (pos = text.find("\\n", pos)) != std::string::npos;) text.replace(pos, 2, "\n");
  if (text.find("-----BEGIN ") == std::string::npos)
    throw config_error(variable_name + " does not decode to PEM text (no -----BEGIN line)");
  return text;
}

std::optional<PeerIdentity> identity_of_pem(const std::string& pem) {
  X509Ptr x = parse_certificate(pem);
  if (!x) return std::nullopt;
  const X509_NAME* subject = X509_get_subject_name(x.get());
  return PeerIdentity{name_entry(subject, NID_commonName), name_entry(subject, NID_organizationalUnitName)};
}

// --- Names -------------------------------------------------------------------

std::string_view role_name(Role r) {
  switch (r) {
    case Role::internal: return "internal";
    case Role::partner: return "partner";
    case Role::readonly: return "readonly";
  }
  return "?";
}

std::optional<Role> role_from_name(std::string_view name) {
  for (Role r : {Role::internal, Role::partner, Role::readonly})
    if (role_name(r) == name) return r;
  return std::nullopt;
}

bool valid_client_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

SubjectAltName classify_san(const std::string& name) {
  std::array<unsigned char, 16> addr{};
  std::array<char, INET6_ADDRSTRLEN> canonical{};
  if (inet_pton(AF_INET, name.c_str(), addr.data()) == 1) return {SubjectAltName::Kind::ip, name};
  if (inet_pton(AF_INET6, name.c_str(), addr.data()) == 1) {
    inet_ntop(AF_INET6, addr.data(), canonical.data(), canonical.size());
    return {SubjectAltName::Kind::ip, canonical.data()};
  }
  std::string_view rest = name;
  if (rest.starts_with("*.")) rest.remove_prefix(2);
  const bool ok = !rest.empty() && rest.size() <= 253 && rest.front() != '.' && rest.front() != '-' &&
                  rest.back() != '.' && rest.find("..") == std::string_view::npos &&
                  std::all_of(rest.begin(), rest.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
                  });
  if (!ok) throw usage_error("--san '" + name + "' is neither an IP address nor a DNS name");
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return {SubjectAltName::Kind::dns, lower};
}

std::vector<SubjectAltName> server_sans(const std::vector<std::string>& given) {
  std::vector<SubjectAltName> out;
  auto add = [&](const std::string& n) {
    SubjectAltName s = classify_san(n);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  for (std::string_view d : default_server_names) add(std::string(d));
  for (const auto& g : given) add(g);
  return out;
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::ca: return "ca";
    case Kind::server: return "server";
    case Kind::client: return "client";
  }
  return "?";
}

// --- Certificates ------------------------------------------------------------

CertificateInfo inspect_certificate(const std::string& pem, const std::string& what) {
  X509Ptr x = parse_certificate(pem);
  if (!x) throw usage_error(what + " is not a PEM certificate");
  return info_of(x.get());
}

bool is_signed_by(const std::string& cert_pem, const std::string& ca_pem) {
  X509Ptr cert = parse_certificate(cert_pem), ca = parse_certificate(ca_pem);
  if (!cert || !ca) return false;
  const bool ok = X509_check_issued(ca.get(), cert.get()) == X509_V_OK &&
                  X509_verify(cert.get(), X509_get0_pubkey(ca.get())) == 1;
  ERR_clear_error();
  return ok;
}

Issued init_ca(const fs::path& dir, const CaRequest& r) {
  if (!valid_client_id(r.esco)) throw usage_error("--esco '" + r.esco + "': an ESCO code is letters, digits, '_' and '-'");
  const fs::path crt = dir / "ca.crt", key_path = dir / "ca.key";
  if (!r.force && (fs::exists(crt) || fs::exists(key_path)))
    throw usage_error("a CA already exists in " + dir.string() + "; --force replaces it (and orphans what it issued)");
  check_validity(r.validity);
  PkeyPtr key = rsa_key(r.key_bits);
  NamePtr subject(X509_NAME_new());
  if (!subject) fail("X509_NAME_new");
  add_entry(subject.get(), "CN", r.esco + " mediator CA");
  add_entry(subject.get(), "O", r.esco);
  X509Ptr x = make_certificate(key.get(), subject.get(), std::nullopt, r.validity,
                               {{NID_basic_constraints, "critical,CA:TRUE"},
                                {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                {NID_subject_key_identifier, "hash"}},
                               {});
  make_private_dir(dir);
  return record(dir, Kind::ca, r.esco, std::nullopt, x.get(), key.get(), crt, key_path, {});
}

Issued issue_server(const fs::path& dir, const ServerRequest& r) {
  if (!valid_client_id(r.name) || r.name == "ca" || r.name == "registry")
    throw usage_error("--name '" + r.name + "': a server name is letters, digits, '_' and '-', and not 'ca'");
  const auto sans = server_sans(r.sans);
  LoadedCa ca = load_ca(dir);
  const fs::path crt = dir / (r.name + ".crt"), key_path = dir / (r.name + ".key");
  refuse_existing(crt, key_path, r.force, "server certificate '" + r.name + "'");
  check_validity(r.validity);
  PkeyPtr key = rsa_key(r.key_bits);
  NamePtr subject(X509_NAME_new());
  if (!subject) fail("X509_NAME_new");
  // The CN is the first name given, else the name deployed clients verify.
  add_entry(subject.get(), "CN", r.sans.empty() ? std::string(default_server_names[0]) : classify_san(r.sans[0]).value);
  if (!ca.esco.empty()) add_entry(subject.get(), "O", ca.esco);
  X509Ptr x = make_certificate(key.get(), subject.get(), Signer{ca.cert.get(), ca.key.get()}, r.validity,
                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                {NID_key_usage, leaf_key_usage},
                                {NID_ext_key_usage, "serverAuth"},
                                {NID_subject_key_identifier, "hash"},
                                {NID_authority_key_identifier, "keyid:always"}},
                               sans);
  return record(dir, Kind::server, r.name, std::nullopt, x.get(), key.get(), crt, key_path, ca.pem);
}

Issued issue_client(const fs::path& dir, const ClientRequest& r) {
  if (!valid_client_id(r.id))
    throw usage_error("client id '" + r.id + "': letters, digits, '_' and '-' only ([A-Za-z0-9_-]+)");
  LoadedCa ca = load_ca(dir);
  const fs::path clients = dir / "clients";
  const fs::path crt = clients / (r.id + ".crt"), key_path = clients / (r.id + ".key");
  refuse_existing(crt, key_path, r.force, "client certificate '" + r.id + "'");
  check_validity(r.validity);
  PkeyPtr key = rsa_key(r.key_bits);
  NamePtr subject(X509_NAME_new());
  if (!subject) fail("X509_NAME_new");
  add_entry(subject.get(), "CN", r.id);
  add_entry(subject.get(), "OU", std::string(role_name(r.role)));
  if (!ca.esco.empty()) add_entry(subject.get(), "O", ca.esco);
  X509Ptr x = make_certificate(key.get(), subject.get(), Signer{ca.cert.get(), ca.key.get()}, r.validity,
                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                {NID_key_usage, leaf_key_usage},
                                {NID_ext_key_usage, "clientAuth"},
                                {NID_subject_key_identifier, "hash"},
                                {NID_authority_key_identifier, "keyid:always"}},
                               {});
  make_private_dir(clients);
  return record(dir, Kind::client, r.id, r.role, x.get(), key.get(), crt, key_path, ca.pem);
}

std::vector<RegistryEntry> read_registry(const fs::path& dir) {
  const fs::path path = dir / "registry.json";
  if (!fs::exists(path)) return {};
  std::vector<RegistryEntry> out;
  try {
    const json all = json::parse(read_text_file(path));
    if (!all.is_array()) throw std::invalid_argument("not an array");
    for (const auto& j : all) out.push_back(entry_from_json(j));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw config_error(path.string() + " is not a certificate registry (" + e.what() + ")");
  }
  return out;
}

std::vector<std::string> env_lines(Kind kind, const std::string& cert_pem, const std::string& key_pem,
                                   const std::string& ca_pem) {
  std::vector<std::string> out;
  if (kind == Kind::server) {
    out.push_back("MEDIATOR_SERVER_CERT=" + base64_encode(cert_pem));
    out.push_back("MEDIATOR_SERVER_KEY=" + base64_encode(key_pem));
  } else if (kind == Kind::client) {
    out.push_back("MEDIATOR_CLIENT_CERT=" + base64_encode(cert_pem));
    out.push_back("MEDIATOR_CLIENT_KEY=" + base64_encode(key_pem));
  }
  out.push_back("MEDIATOR_CA_CERT=" + base64_encode(ca_pem));
  return out;
}

fs::path default_pki_dir() {
  const auto base = config_dir();
  if (!base) throw config_error("neither XDG_CONFIG_HOME nor HOME is set; give --dir");
  return *base / "mediators" / "pki";
}

std::string now_rfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

}  // namespace flows::gateway
