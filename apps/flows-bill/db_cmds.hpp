#pragma once
// flows-bill's database commands: `tariffs …`, `usage`, `costs`, `solar-credits`,
// `statements` and `run`. The work is in lib/jobs (month_run, tariff_quarter, benchmark_tariffs); these parse, call and print.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace flows::bill_app {

struct Globals {
  std::string env;     // --env: the configuration environment
  std::string dbname;  // -d/--dbname: a connection string, URI or database name
};

void add_tariff_commands(CLI::App& app, Globals& g, std::function<int()>& action);
void add_month_commands(CLI::App& app, Globals& g, std::function<int()>& action);
void add_customer_commands(CLI::App& app, Globals& g, std::function<int()>& action);
// `tariffs check`, under the `tariffs` command (called by add_tariff_commands).
void add_tariff_check_command(CLI::App& tariffs, Globals& g, std::function<int()>& action);
void add_payment_commands(CLI::App& app, Globals& g, std::function<int()>& action);
// topups, wallets and solar-credits apply (after add_month_commands: it adds to solar-credits).
void add_topup_commands(CLI::App& app, Globals& g, std::function<int()>& action);
// `statements send`: a subcommand of `statements` (add_month_commands first).
void add_send_commands(CLI::App& app, Globals& g, std::function<int()>& action);

}  // namespace flows::bill_app
