#include "billing/customer_status.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace flows::billing {

namespace {

using S = CustomerStatus;

constexpr std::array<std::pair<S, const char*>, 8> names{{{S::pending, "pending"},
                                                           {S::preonboarding, "preonboarding"},
                                                           {S::onboarding, "onboarding"},
                                                           {S::prelive, "prelive"},
                                                           {S::live, "live"},
                                                           {S::exiting, "exiting"},
                                                           {S::archived, "archived"},
                                                           {S::suspended, "suspended"}}};

std::string join(const std::vector<S>& statuses) {
  std::string out;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (i) out += i + 1 == statuses.size() ? " or " : ", ";
    out += to_string(statuses[i]);
  }
  return out;
}

}  // namespace

const char* to_string(CustomerStatus s) {
  for (const auto& [v, n] : names)
    if (v == s) return n;
  return "pending";
}

std::optional<CustomerStatus> parse_customer_status(std::string_view text) {
  for (const auto& [v, n] : names)
    if (text == n) return v;
  return std::nullopt;
}

std::string customer_status_names() {
  std::string out;
  for (const auto& [v, n] : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::vector<CustomerStatus> next_statuses(CustomerStatus from) {
  switch (from) {
    case S::pending: return {S::preonboarding, S::archived};
    case S::preonboarding: return {S::onboarding, S::suspended, S::archived};
    case S::onboarding: return {S::prelive, S::live, S::suspended, S::archived};
    case S::prelive: return {S::live, S::suspended, S::archived};
    case S::live: return {S::exiting, S::suspended};
    case S::exiting: return {S::live, S::archived, S::suspended};
    case S::suspended: return {S::live, S::exiting};
    case S::archived: return {};
  }
  return {};
}

std::optional<std::string> transition_refusal(CustomerStatus from, CustomerStatus to) {
  if (from == to) return std::string("is already ") + to_string(to);
  const auto next = next_statuses(from);
  if (std::find(next.begin(), next.end(), to) != next.end()) return std::nullopt;
  std::string why = std::string("cannot move from ") + to_string(from) + " to " + to_string(to) + ": ";
  if (next.empty()) return why + to_string(from) + " is final";
  return why + to_string(from) + " moves on to " + join(next) + " only";
}

bool billed_monthly(CustomerStatus s) { return s == S::live; }

}  // namespace flows::billing
