#include "billing/token_command.hpp"

#include <fmt/format.h>

#include "billing/statement.hpp"
#include "core/error.hpp"

namespace flows::billing {
namespace {

struct Splitter {
  std::string_view line;
  std::size_t i = 0;
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;

  char next() {
    if (i >= line.size()) throw config_error("token_command: a backslash or a quote is not closed");
    return line[i++];
  }
  void single_quoted() {
    for (char c = next(); c != '\''; c = next()) word += c;
  }
  void double_quoted() {
    for (char c = next(); c != '"'; c = next()) {
      if (c == '\\' && i < line.size() && (line[i] == '"' || line[i] == '\\')) c = next();
      word += c;
    }
  }
  void end_word() {
    if (in_word) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  }
  void run() {
    while (i < line.size()) {
      const char c = line[i++];
      if (c == ' ' || c == '\t' || c == '\n') {
        end_word();
        continue;
      }
      in_word = true;
      if (c == '\'') single_quoted();
      else if (c == '"') double_quoted();
      else if (c == '\\') word += next();
      else word += c;
    }
    end_word();
  }
};

std::string substitute(const std::string& word, const TokenRequest& r) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if ((c == '{' || c == '}') && i + 1 < word.size() && word[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') throw config_error("token_command: an unmatched } in '" + word + "' (write }} for a brace)");
    if (c != '{') {
      out += c;
      continue;
    }
    const auto close = word.find('}', i);
    if (close == std::string::npos) throw config_error("token_command: an unmatched { in '" + word + "'");
    const std::string name = word.substr(i + 1, close - i - 1);
    if (name == "serial") out += r.serial;
    else if (name == "amount_pence") out += std::to_string(r.amount_pence);
    else if (name == "amount") out += pence_as_pounds(r.amount_pence);
    else if (name == "topup") out += r.topup_id;
    else if (name == "nonce") out += std::to_string(topup_nonce(r.topup_id));
    else
      throw config_error("token_command: unknown placeholder {" + name +
                         "} (known: {serial} {amount_pence} {amount} {topup} {nonce})");
    i = close;
  }
  return out;
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view line) {
  Splitter s;
  s.line = line;
  s.run();
  if (s.words.empty()) throw config_error("token_command is empty");
  return std::move(s.words);
}

std::vector<std::string> token_argv(const std::vector<std::string>& words, const TokenRequest& r) {
  std::vector<std::string> argv;
  argv.reserve(words.size());
  for (const auto& w : words) argv.push_back(substitute(w, r));
  return argv;
}

void check_token_command(const std::vector<std::string>& words) {
  (void)token_argv(words, TokenRequest{"EML0000000000", 100, "00000000-0000-0000-0000-000000000000"});
}

std::optional<std::string> token_in_output(std::string_view out) {
  if (out.ends_with("\r\n")) out.remove_suffix(2);
  else if (out.ends_with('\n')) out.remove_suffix(1);
  if (out.size() != 20) return std::nullopt;
  for (char c : out)
    if (c < '0' || c > '9') return std::nullopt;
  return std::string(out);
}

std::string masked_token(std::string_view token) {
  if (token.size() <= 4) return "…" + std::string(token);
  return "…" + std::string(token.substr(token.size() - 4));
}

std::uint64_t topup_nonce(std::string_view topup_id) {
  std::uint64_t n = 0;
  int digits = 0;
  for (char c : topup_id) {
    if (digits == 15) break;
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    n = n * 16 + static_cast<std::uint64_t>(v);
    ++digits;
  }
  return n;
}

}  // namespace flows::billing
