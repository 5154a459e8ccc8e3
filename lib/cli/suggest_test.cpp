#include "cli/suggest.hpp"

#include <doctest/doctest.h>

using namespace flows::cli;

TEST_CASE("unknown_command_message names the word, the suggestion and the help to read") {
  CHECK(unknown_command_message("emop", "prepay_balanse", {"prepay_balance", "prepay_enabled"}) ==
        "emop: unknown command 'prepay_balanse' (did you mean prepay_balance?); see emop --help");
  CHECK(unknown_command_message("emop db", "migrte", {"status", "migrate"}) ==
        "emop db: unknown command 'migrte' (did you mean migrate?); see emop db --help");
  CHECK(unknown_command_message("flows-bill", "zzzz", {"run"}) == "flows-bill: unknown command 'zzzz'; see flows-bill --help");
}
