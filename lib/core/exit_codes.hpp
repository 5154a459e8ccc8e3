#pragma once
// Exit statuses shared by every Flows tool. They are documented in the man pages
// and the README; scripts and cron wrappers depend on them, so never renumber.
#include <array>
#include <cstddef>
#include <iterator>
#include <string_view>

namespace flows {

enum class ExitCode : int {
  ok = 0,
  internal = 1,      // a bug or an unexpected failure
  usage = 2,         // bad command line or bad input value
  config = 3,        // configuration missing, unreadable or unsafe
  unreachable = 4,   // meter or mediator unreachable, or timed out
  protocol = 5,      // malformed frame, bad CRC, NAK
  database = 6,      // database unreachable, query failed, schema version wrong
  partial = 7,       // some items of a batch failed (or all, for different reasons)
};

struct ExitCodeDoc {
  ExitCode code;
  std::string_view meaning;
};

inline constexpr std::array<ExitCodeDoc, 8> exit_code_docs{{
    {ExitCode::ok, "success"},
    {ExitCode::internal, "internal error (a bug; please report it)"},
    {ExitCode::usage, "usage error: bad command line, or an input value that is not valid"},
    {ExitCode::config, "configuration error: missing, unreadable or unsafe configuration"},
    {ExitCode::unreachable, "meter or mediator unreachable, or timed out"},
    {ExitCode::protocol, "protocol error: malformed frame, CRC mismatch, or NAK from the meter"},
    {ExitCode::database, "database error"},
    {ExitCode::partial, "items of a batch failed: some of them, or all for different reasons"},
}};

constexpr int to_int(ExitCode c) { return static_cast<int>(c); }

// The status of a batch: 0 when nothing failed; the shared status when every item
// failed alike; otherwise partial. `failures` holds one status per failed item.
template <class Range>
ExitCode batch_exit_code(std::size_t succeeded, const Range& failures) {
  auto it = std::begin(failures);
  if (it == std::end(failures)) return ExitCode::ok;
  const ExitCode first = *it;
  if (succeeded == 0) {
    bool same = true;
    for (; it != std::end(failures); ++it) same = same && *it == first;
    if (same) return first;
  }
  return ExitCode::partial;
}

}  // namespace flows
