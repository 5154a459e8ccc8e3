// What a token push's meter readings mean, with hand-computed values.
#include "jobs/token_push_decision.hpp"

#include <doctest/doctest.h>

using namespace flows;
using jobs::Resolution;

namespace {
Money pounds(const char* text) { return *Money::parse(text); }
}  // namespace

TEST_CASE("count_delta: forwards, wrapping at 16 bits, backwards") {
  CHECK(jobs::count_delta(7, 7) == 0);
  CHECK(jobs::count_delta(7, 8) == 1);
  CHECK(jobs::count_delta(7, 9) == 2);
  CHECK(jobs::count_delta(65535, 0) == 1);
  CHECK(jobs::count_delta(65534, 1) == 3);
  CHECK(jobs::count_delta(5, 3) == 65534);
}

TEST_CASE("interrupted push: count unchanged means the token did not land: resend") {
  const auto r = jobs::resolve_interrupted(12, 12, pounds("10"), std::nullopt);
  CHECK(r.kind == Resolution::resend);
  CHECK(r.detail == "interrupted attempt did not land (transaction count unchanged at 12); ");
  // The newest transaction's value does not matter then (it is an older topup's).
  CHECK(jobs::resolve_interrupted(12, 12, pounds("10"), pounds("10")).kind == Resolution::resend);
}

TEST_CASE("interrupted push: count +1 needs the last credit; equal to the amount: landed") {
  CHECK(jobs::resolve_interrupted(12, 13, pounds("10"), std::nullopt).kind == Resolution::need_last_credit);
  const auto r = jobs::resolve_interrupted(12, 13, pounds("10"), pounds("10"));
  CHECK(r.kind == Resolution::landed);
  CHECK(r.detail == "token landed during an interrupted attempt (transaction count 12 -> 13, last credit 10.00000)");
  // Across the 16-bit wrap too.
  CHECK(jobs::resolve_interrupted(65535, 0, pounds("2.5"), pounds("2.5")).kind == Resolution::landed);
}

TEST_CASE("interrupted push: count +1 but another amount: failed, never re-sent") {
  const auto r = jobs::resolve_interrupted(12, 13, pounds("10"), pounds("9.99"));
  CHECK(r.kind == Resolution::failed);
  CHECK(r.detail ==
        "interrupted attempt: transaction count rose by 1 but the last credit is 9.99000, not 10.00000; check the meter");
}

TEST_CASE("interrupted push: count moved by two (or backwards): failed, cannot tell") {
  const auto r = jobs::resolve_interrupted(12, 14, pounds("10"), std::nullopt);
  CHECK(r.kind == Resolution::failed);
  CHECK(r.detail ==
        "interrupted attempt: transaction count moved by 2 (12 -> 14); cannot tell whether this token landed; check "
        "the meter");
  const auto back = jobs::resolve_interrupted(12, 11, pounds("10"), pounds("10"));
  CHECK(back.kind == Resolution::failed);
  CHECK(back.detail.find("moved by 65535 (12 -> 11)") != std::string::npos);
}

TEST_CASE("after a send: count +1 and the balance up by the amount within 50p: completed") {
  auto v = jobs::judge_send(pounds("10"), pounds("5"), pounds("15"), 3, 4);
  CHECK(v.completed);
  CHECK(v.detail == "balance 5.00000 -> 15.00000");
  CHECK(jobs::judge_send(pounds("10"), pounds("5"), pounds("14.5"), 3, 4).completed);   // 9.50: exactly 50p short
  CHECK(jobs::judge_send(pounds("10"), pounds("5"), pounds("15.5"), 3, 4).completed);   // 10.50: 50p over
  CHECK(!jobs::judge_send(pounds("10"), pounds("5"), pounds("14.49999"), 3, 4).completed);
  CHECK(!jobs::judge_send(pounds("10"), pounds("5"), pounds("15.50001"), 3, 4).completed);
}

TEST_CASE("after a send: any other count or credit: failed with what the meter shows") {
  auto v = jobs::judge_send(pounds("10"), pounds("5"), pounds("25"), 3, 5);
  CHECK(!v.completed);
  CHECK(v.detail ==
        "token accepted but the meter shows transaction count +2 and balance 5.00000 -> 25.00000 (expected "
        "+10.00000); check the meter");
  // Balance rose by the amount but the count did not move.
  v = jobs::judge_send(pounds("10"), pounds("5"), pounds("15"), 3, 3);
  CHECK(!v.completed);
  CHECK(v.detail.find("transaction count +0") != std::string::npos);
  // Count moved but no credit.
  CHECK(!jobs::judge_send(pounds("10"), pounds("5"), pounds("5"), 3, 4).completed);
}

TEST_CASE("a refused token says why; an already used one says so") {
  CHECK(jobs::refused_detail(emop::NakCode::security_not_granted) ==
        "the meter refused the token (NAK security level not granted: already used)");
  CHECK(jobs::refused_detail(emop::NakCode::format_error) == "the meter refused the token (NAK format error)");
}
