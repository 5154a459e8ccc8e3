#include "billing/payment_matching.hpp"

#include <doctest/doctest.h>

using namespace flows::billing;

namespace {

PaymentDirectory directory() {
  PaymentDirectory d;
  d.accounts = {{1001, "acc-1001"}, {1002, "acc-1002"}, {7, "acc-7"}};
  d.emails = {{"ann@example.org", {"acc-1001"}}, {"bob@example.org", {"acc-1002"}},
              {"two@example.org", {"acc-7", "acc-1002"}}};
  return d;
}

PaymentLine line(std::string payer, std::string payer_reference, std::string description) {
  PaymentLine l;
  l.reference = "TX1";
  l.amount_pence = 1000;
  l.payer = std::move(payer);
  l.payer_reference = std::move(payer_reference);
  l.description = std::move(description);
  return l;
}

}  // namespace

TEST_CASE("account numbers named in a text: FLOWS-prefixed or whole words") {
  const auto n = account_numbers_in("FLOWS-1001 flows 12 Flows1003 x 1004, INV10012 1001.5 5.1001 2024-06 AFLOWS-9");
  CHECK(n.prefixed == std::vector<std::int64_t>{1001, 12, 1003});
  // 1004 and the parts of 2024-06 stand alone; INV10012, 1001.5, 5.1001 and
  // AFLOWS-9 (FLOWS not a word of its own; 9 after '-' is bare) do not name 1001.
  CHECK(n.bare == std::vector<std::int64_t>{1004, 2024, 6, 9});
  CHECK(account_numbers_in("").bare.empty());
}

TEST_CASE("emails in a text, lower case") {
  CHECK(emails_in("from Ann@Example.ORG. thanks") == std::vector<std::string>{"ann@example.org"});
  CHECK(emails_in("a@b c@d.e, @x y@") == std::vector<std::string>{"c@d.e"});
}

TEST_CASE("a payment line is matched by account number, then email, then rule") {
  const auto d = directory();
  const std::vector<PayerRule> rules{{"J  Smith ", "Bob@example.org", 3}};

  auto m = match_line(line("", "FLOWS-1001", ""), d, rules);
  CHECK(m.account == "acc-1001");
  CHECK(m.by == MatchedBy::account_number);
  m = match_line(line("", "", "energy 1002 June"), d, rules);  // bare whole word
  CHECK(m.account == "acc-1002");
  // The prefixed number wins over a bare one (7 is an account too).
  m = match_line(line("", "7", "FLOWS-1001"), d, rules);
  CHECK(m.account == "acc-1001");
  // Two prefixed numbers of different accounts: unmatched, with the reason.
  m = match_line(line("", "FLOWS-1001", "FLOWS-1002"), d, rules);
  CHECK(m.account.empty());
  CHECK(m.note == "names 2 supply accounts");
  // An unknown number falls through to the email.
  m = match_line(line("", "FLOWS-555", "from ann@example.org"), d, rules);
  CHECK(m.account == "acc-1001");
  CHECK(m.by == MatchedBy::email);
  m = match_line(line("", "two@example.org", ""), d, rules);
  CHECK(m.account.empty());
  CHECK(m.note == "customer two@example.org occupies 2 supply accounts");
  // The rule: the payer's name, case and runs of spaces ignored.
  m = match_line(line("j smith", "", "BGC"), d, rules);
  CHECK(m.account == "acc-1002");
  CHECK(m.by == MatchedBy::rule);
  m = match_line(line("J Smithson", "", ""), d, rules);
  CHECK(m.account.empty());
  CHECK(m.by == MatchedBy::none);
  CHECK(m.note.empty());
}

TEST_CASE("rules naming unknown customers are refused") {
  const auto d = directory();
  const auto problems = check_rules({{"X", "ann@example.org", 2}, {"Y", "zed@example.org", 3}}, d, "m.yaml");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "m.yaml:3: rule for payer \"Y\": no customer zed@example.org occupies a supply account");
}

TEST_CASE("refunds and the words that may name the payment refunded") {
  PaymentLine r = line("", "RF-9", "refund of TX0 (June); ref:TX-A/2");
  r.reference = "RF-9";
  r.amount_pence = -500;
  CHECK(is_refund(r));
  CHECK(reference_words(r) == std::vector<std::string>{"refund", "of", "TX0", "June", "ref", "TX-A", "2"});
  PaymentLine p = line("", "", "");
  CHECK_FALSE(is_refund(p));
  p.status = LineStatus::refunded;
  CHECK(is_refund(p));
}

TEST_CASE("a status seen again only moves forward") {
  CHECK(status_change_allowed(LineStatus::pending, LineStatus::succeeded));
  CHECK(status_change_allowed(LineStatus::succeeded, LineStatus::refunded));
  CHECK(status_change_allowed(LineStatus::failed, LineStatus::succeeded));
  CHECK_FALSE(status_change_allowed(LineStatus::succeeded, LineStatus::pending));
  CHECK_FALSE(status_change_allowed(LineStatus::refunded, LineStatus::succeeded));
  CHECK_FALSE(status_change_allowed(LineStatus::succeeded, LineStatus::succeeded));
}
