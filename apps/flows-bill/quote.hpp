#pragma once
// `flows-bill quote …`: the billing maths on values given on the command line,
// without a database (what a tariff or a solar credit comes to).
#include <functional>

#include <CLI/CLI.hpp>

namespace flows::bill_app {

// Adds `quote tariff` and `quote solar-credit`; parsing one sets `action`.
void add_quote_commands(CLI::App& app, std::function<int()>& action);

}  // namespace flows::bill_app
