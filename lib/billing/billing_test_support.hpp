#pragma once
// What the billing unit tests share: exact decimals from text, and the message
// of a usage error a call throws.
#include <string>

#include <doctest/doctest.h>

#include "billing/decimal.hpp"
#include "core/error.hpp"

namespace flows::billing::testing {

inline Decimal D(const char* text) {
  auto d = Decimal::parse(text);
  REQUIRE_MESSAGE(d, text);
  return *d;
}

// The message of the usage error (exit 2) that f throws; "(no error)" when none.
std::string usage_message(auto&& f) {
  try {
    f();
  } catch (const flows::Error& e) {
    CHECK(e.code() == flows::ExitCode::usage);
    return e.what();
  }
  return "(no error)";
}

}  // namespace flows::billing::testing
