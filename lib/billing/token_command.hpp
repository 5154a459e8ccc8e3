#pragma once
// The token source of topups: config's token_command, a command line whose
// words may hold placeholders, run without a shell (lib/jobs/topup_jobs does
// the running). Pure: splitting, substitution, checking the output, masking.
//
// Words are separated by blanks; '…' keeps everything inside as it is, "…"
// too except that \" and \\ stand for " and \; outside quotes a backslash
// keeps the next character. Placeholders, anywhere in a word:
//   {serial}        the meter's serial
//   {amount_pence}  the amount in pence, e.g. 1766
//   {amount}        the amount in £ with 2 decimals, e.g. 17.66
//   {topup}         the topup's id (a uuid)
//   {nonce}         a number unique to the topup: its id's first 15 hex digits
//                   read as one hexadecimal number, in decimal
//   {{ and }}       a literal { and }
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::billing {

// The words of a command line; flows::Error(config) for an unterminated quote,
// a trailing backslash, or no words at all.
std::vector<std::string> split_command_line(std::string_view line);

struct TokenRequest {
  std::string serial;
  std::int64_t amount_pence = 0;
  std::string topup_id;
};

// The argument vector for one topup; flows::Error(config) for an unknown
// placeholder or an unmatched brace (so a bad setting fails before any topup).
std::vector<std::string> token_argv(const std::vector<std::string>& words, const TokenRequest& r);

// Checks the words substitute (with a sample request): throws as token_argv.
void check_token_command(const std::vector<std::string>& words);

// The token in a command's standard output: exactly 20 digits, optionally
// followed by one newline (\n or \r\n). Nullopt otherwise.
std::optional<std::string> token_in_output(std::string_view out);

// A token as logs may show it: its last 4 digits, "…1234" (as emop -v does).
std::string masked_token(std::string_view token);

// The topup's {nonce}: its id's first 15 hexadecimal digits (dashes skipped).
std::uint64_t topup_nonce(std::string_view topup_id);

}  // namespace flows::billing
