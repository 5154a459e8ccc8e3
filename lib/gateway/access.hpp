#pragma once
// Who may call what on the gateway: the deployed roles (internal: everything;
// partner: readElement, GetInfo, GetMeters; readonly: GetInfo, GetMeters) and
// per-client overrides of a role's set from an access file:
//
//   [clients.billing-app]          # the client id (certificate CN)
//   methods = ["readElement", "GetInfo", "GetMeters"]
//
// Pure: the server asks `permitted` with the caller its TLS layer found.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "gateway/certs.hpp"
#include "gateway/wire.hpp"

namespace flows::gateway {

// Role, role_from_name and valid_client_id are certs.hpp's (a certificate's OU names the role).
std::set<Method> methods_of(Role r);

// The caller of one call: from the client certificate (CN, OU) with TLS; without
// TLS (loopback only) every caller is "local" with the internal role.
struct Caller {
  std::string client_id;
  std::string role;  // as the certificate says it, possibly unknown
};
Caller local_caller();

struct AccessPolicy {
  std::map<std::string, std::set<Method>, std::less<>> overrides;  // by client id
};

// Whether `caller` may call `m`: the client's override when there is one, else its
// role's methods; an unknown or missing role may call nothing.
bool permitted(const AccessPolicy& policy, const Caller& caller, Method m);

// The access file's overrides; a flows::Error(config) naming the file and what is
// wrong (an unknown method name, a client id outside [A-Za-z0-9_-]+).
AccessPolicy parse_access_file(const std::string& text, const std::string& path);

}  // namespace flows::gateway
