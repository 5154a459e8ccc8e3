// flows-bill tariffs check: meters whose tariffs on the meter (as meter_shadows
// holds them) differ from the customer and microgrid tariffs in force.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "cli/table.hpp"
#include "connect.hpp"
#include "core/text.hpp"
#include "db_cmds.hpp"
#include "jobs/tariff_check.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;

// Documented in the man page's EXIT STATUS: some meters differ or cannot be checked.
constexpr int exit_tariffs_differ = 9;

struct CheckArgs {
  std::optional<std::string> esco, as_of;
  bool json = false;
};

json check_json(const billing::TariffCheck& c) {
  json diffs = json::array();
  for (const auto& d : c.differences)
    diffs.push_back({{"field", d.field}, {"on_meter", d.on_meter}, {"expected", d.expected}});
  return json{{"serial", c.serial},
              {"meter_id", c.meter_id},
              {"esco", c.esco},
              {"customer", c.customer.empty() ? json(nullptr) : json(c.customer)},
              {"state", std::string(billing::to_string(c.state))},
              {"differences", diffs},
              {"unknown", c.unknown}};
}

void print_table(const jobs::TariffCheckReport& r) {
  std::vector<std::vector<std::string>> table{{"SERIAL", "ESCO", "CUSTOMER", "STATE", "FIELD", "ON METER", "EXPECTED"}};
  for (const auto& c : r.meters) {
    const std::string customer = c.customer.empty() ? "-" : c.customer;
    const std::string state(billing::to_string(c.state));
    for (const auto& d : c.differences)
      table.push_back({c.serial, c.esco, customer, state, d.field, d.on_meter, d.expected});
    for (const auto& why : c.unknown) table.push_back({c.serial, c.esco, customer, "unknown", why, "?", "?"});
  }
  if (table.size() > 1) std::cout << cli::render_table(table);
}

int run_check(const Globals& g, const CheckArgs& a) {
  jobs::TariffCheckOptions o;
  o.esco = a.esco;
  if (a.as_of) o.as_of = cli::date_option("--as-of", *a.as_of);
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::check_tariffs(*conn, o);
  if (a.json) {
    json meters = json::array();
    for (const auto& c : r.meters) meters.push_back(check_json(c));
    std::cout << json{{"as_of", r.as_of}, {"matching", r.matching}, {"differing", r.differing},
                      {"unknown", r.unknown}, {"meters", meters}}
                     .dump(2)
              << "\n";
  } else {
    print_table(r);
  }
  std::cerr << fmt::format("tariff check on {}: {}, {} matching, {} differing, {} unknown\n", r.as_of,
                           count_of(static_cast<long long>(r.meters.size()), "meter"), r.matching, r.differing, r.unknown);
  return r.differing + r.unknown == 0 ? 0 : exit_tariffs_differ;
}

}  // namespace

void add_tariff_check_command(CLI::App& tariffs, Globals& g, std::function<int()>& action) {
  auto args = std::make_shared<CheckArgs>();
  auto* check = tariffs.add_subcommand(
      "check",
      "list meters whose active or future tariff (meter_shadows) differs from the customer tariff in force, or "
      "whose prepayment settings differ from the microgrid tariff; exit 9 when any differ or are unknown");
  check->add_option("--esco", args->esco, "only the meters of this ESCO (escos.code)");
  check->add_option("--as-of", args->as_of, "the date checked, YYYY-MM-DD (default: the UK date now)");
  check->add_flag("--json", args->json, "print every meter checked as JSON (matching ones too)");
  check->callback([&g, &action, args] { action = [&g, args] { return run_check(g, *args); }; });
}

}  // namespace flows::bill_app
