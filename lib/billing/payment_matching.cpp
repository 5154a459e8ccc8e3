#include "billing/payment_matching.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

namespace flows::billing {
namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return c >= '0' && c <= '9'; }
char lower_char(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool email_char(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

// The distinct accounts of the known numbers among NUMBERS.
std::set<std::string> known_accounts(const std::vector<std::int64_t>& numbers, const PaymentDirectory& d) {
  std::set<std::string> out;
  for (auto n : numbers)
    if (const auto it = d.accounts.find(n); it != d.accounts.end()) out.insert(it->second);
  return out;
}

LineMatch by_account_number(const PaymentLine& line, const PaymentDirectory& d) {
  NamedNumbers named = account_numbers_in(line.payer_reference);
  const NamedNumbers more = account_numbers_in(line.description);
  named.prefixed.insert(named.prefixed.end(), more.prefixed.begin(), more.prefixed.end());
  named.bare.insert(named.bare.end(), more.bare.begin(), more.bare.end());
  std::set<std::string> found = known_accounts(named.prefixed, d);
  if (found.empty()) found = known_accounts(named.bare, d);
  if (found.size() == 1) return {*found.begin(), MatchedBy::account_number, {}};
  if (found.size() > 1) return {{}, MatchedBy::none, fmt::format("names {} supply accounts", found.size())};
  return {};
}

LineMatch by_email_account(const std::string& email, const PaymentDirectory& d, MatchedBy by) {
  const auto it = d.emails.find(email);
  if (it == d.emails.end()) return {};
  const std::set<std::string> accounts(it->second.begin(), it->second.end());
  if (accounts.size() == 1) return {*accounts.begin(), by, {}};
  return {{}, MatchedBy::none,
          fmt::format("customer {} occupies {} supply accounts", email, accounts.size())};
}

LineMatch by_email(const PaymentLine& line, const PaymentDirectory& d) {
  std::set<std::string> emails;
  for (const auto* text : {&line.payer, &line.payer_reference, &line.description})
    for (auto& e : emails_in(*text))
      if (d.emails.count(e)) emails.insert(e);
  if (emails.size() > 1) return {{}, MatchedBy::none, fmt::format("names {} customers' emails", emails.size())};
  if (emails.empty()) return {};
  return by_email_account(*emails.begin(), d, MatchedBy::email);
}

LineMatch by_rule(const PaymentLine& line, const PaymentDirectory& d, const std::vector<PayerRule>& rules) {
  const std::string payer = payer_key(line.payer);
  if (payer.empty()) return {};
  for (const auto& r : rules)
    if (payer_key(r.payer) == payer) {
      std::string email = r.customer;
      std::transform(email.begin(), email.end(), email.begin(), lower_char);
      return by_email_account(email, d, MatchedBy::rule);
    }
  return {};
}

}  // namespace

const char* to_string(MatchedBy m) {
  switch (m) {
    case MatchedBy::none: return "";
    case MatchedBy::account_number: return "account_number";
    case MatchedBy::email: return "email";
    case MatchedBy::rule: return "rule";
    case MatchedBy::manual: return "manual";
    case MatchedBy::refund: return "refund";
  }
  return "";
}

std::string payer_key(std::string_view name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += lower_char(c);
  }
  return out;
}

NamedNumbers account_numbers_in(std::string_view text) {
  NamedNumbers out;
  auto decimal_point_at = [&](std::size_t k) {  // "12.5": a '.' between digits
    return k < text.size() && text[k] == '.' && k > 0 && digit(text[k - 1]) && k + 1 < text.size() &&
           digit(text[k + 1]);
  };
  for (std::size_t i = 0; i < text.size();) {
    if (!digit(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && digit(text[end])) ++end;
    const bool ends_word = end == text.size() || (!alnum(text[end]) && !decimal_point_at(end));
    const bool bare = i == 0 || (!alnum(text[i - 1]) && !decimal_point_at(i - 1));
    // "FLOWS", "FLOWS-" or "FLOWS " before the digits, FLOWS standing as a word.
    std::size_t p = i;
    if (p > 0 && (text[p - 1] == '-' || text[p - 1] == ' ')) --p;
    bool prefixed = false;
    if (p >= 5) {
      std::string word;
      for (std::size_t k = p - 5; k < p; ++k) word += lower_char(text[k]);
      prefixed = word == "flows" && (p == 5 || !alnum(text[p - 6]));
    }
    if (ends_word && end - i <= 18 && (prefixed || bare)) {
      const std::int64_t n = std::stoll(std::string(text.substr(i, end - i)));
      (prefixed ? out.prefixed : out.bare).push_back(n);
    }
    i = end;
  }
  return out;
}

std::vector<std::string> emails_in(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t b = at, e = at + 1;
    while (b > 0 && email_char(text[b - 1])) --b;
    while (e < text.size() && email_char(text[e])) ++e;
    while (e > at + 1 && text[e - 1] == '.') --e;  // a sentence's full stop
    if (b == at || e == at + 1 || text.substr(at + 1, e - at - 1).find('.') == std::string_view::npos) continue;
    std::string email(text.substr(b, e - b));
    std::transform(email.begin(), email.end(), email.begin(), lower_char);
    out.push_back(std::move(email));
  }
  return out;
}

LineMatch match_line(const PaymentLine& line, const PaymentDirectory& d, const std::vector<PayerRule>& rules) {
  LineMatch m = by_account_number(line, d);
  if (!m.account.empty() || !m.note.empty()) return m;
  m = by_email(line, d);
  if (!m.account.empty() || !m.note.empty()) return m;
  return by_rule(line, d, rules);
}

std::vector<std::string> check_rules(const std::vector<PayerRule>& rules, const PaymentDirectory& d,
                                     const std::string& source) {
  std::vector<std::string> problems;
  for (const auto& r : rules) {
    std::string email = r.customer;
    std::transform(email.begin(), email.end(), email.begin(), lower_char);
    if (!d.emails.count(email))
      problems.push_back(fmt::format("{}:{}: rule for payer \"{}\": no customer {} occupies a supply account", source,
                                     r.line, r.payer, r.customer));
  }
  return problems;
}

bool is_refund(const PaymentLine& line) { return line.amount_pence < 0 || line.status == LineStatus::refunded; }

std::vector<std::string> reference_words(const PaymentLine& line) {
  std::vector<std::string> words;
  static constexpr std::string_view separators = " \t,;:()[]/#";
  for (const auto* text : {&line.payer_reference, &line.description}) {
    const std::string_view t = *text;
    for (std::size_t i = 0; i < t.size();) {
      const std::size_t b = t.find_first_not_of(separators, i);
      if (b == std::string_view::npos) break;
      const std::size_t e = std::min(t.find_first_of(separators, b), t.size());
      const std::string w(t.substr(b, e - b));
      if (w != line.reference && std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
      i = e;
    }
  }
  return words;
}

const std::vector<std::string>& allowed_status_changes() {
  static const std::vector<std::string> changes{"pending>succeeded", "pending>failed", "pending>refunded",
                                                "succeeded>refunded", "failed>succeeded"};
  return changes;
}

bool status_change_allowed(LineStatus from, LineStatus to) {
  const std::string change = std::string(to_string(from)) + ">" + to_string(to);
  const auto& all = allowed_status_changes();
  return std::find(all.begin(), all.end(), change) != all.end();
}

}  // namespace flows::billing
