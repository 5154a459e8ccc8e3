#pragma once
// The one exception type the tools throw across layers. Each carries the exit
// status it maps to, so apps translate errors to statuses in a single place.
#include <stdexcept>
#include <string>

#include "core/exit_codes.hpp"

namespace flows {

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

inline Error usage_error(const std::string& m) { return Error(ExitCode::usage, m); }
inline Error config_error(const std::string& m) { return Error(ExitCode::config, m); }
inline Error protocol_error(const std::string& m) { return Error(ExitCode::protocol, m); }

}  // namespace flows
