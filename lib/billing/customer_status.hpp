#pragma once
// A customer's status and the moves between statuses (billing spec): pending →
// preonboarding → onboarding → (prelive →) live → exiting → archived; a
// customer may be suspended from any status between preonboarding and exiting
// and resumed to live (or sent on to exiting); one who never went live may be
// archived; an exit may be called off (exiting → live). No I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::billing {

enum class CustomerStatus { pending, preonboarding, onboarding, prelive, live, exiting, archived, suspended };

// As public.customer_status_enum spells them.
const char* to_string(CustomerStatus s);
std::optional<CustomerStatus> parse_customer_status(std::string_view text);
// "pending, preonboarding, …" for messages and help.
std::string customer_status_names();

// The statuses `from` may move to, in the chain's order.
std::vector<CustomerStatus> next_statuses(CustomerStatus from);

// Why `from` may not move to `to`, naming the moves it may make; nothing when
// it may. Staying in the same status is no move: refused too (the caller says
// "unchanged" instead when it wants a re-run to succeed).
std::optional<std::string> transition_refusal(CustomerStatus from, CustomerStatus to);

// Billed for a month (and given a new quarter's tariff): live only in monthly
// bills; live, prelive and onboarding for a new quarter (billing spec).
bool billed_monthly(CustomerStatus s);

}  // namespace flows::billing
