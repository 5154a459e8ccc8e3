#include "billing/token_command.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace flows;
using namespace flows::billing;

TEST_CASE("token command: words and quotes") {
  using V = std::vector<std::string>;
  CHECK(split_command_line("emlite-sim token --amount {amount}") == V{"emlite-sim", "token", "--amount", "{amount}"});
  CHECK(split_command_line("  a   'b c'  \"d \\\" e\" f\\ g ''") == V{"a", "b c", "d \" e", "f g", ""});
  CHECK(split_command_line("'it''s'") == V{"its"});
  CHECK_THROWS_AS(split_command_line("a 'b"), Error);
  CHECK_THROWS_AS(split_command_line("a \\"), Error);
  CHECK_THROWS_AS(split_command_line("   "), Error);
}

TEST_CASE("token command: placeholders") {
  const TokenRequest r{"EML1234567890", 1766, "0123abcd-ef01-2345-6789-abcdefabcdef"};
  const auto argv = token_argv(
      {"vend", "--meter={serial}", "{amount_pence}", "{amount}", "{topup}", "{nonce}", "{{x}}"}, r);
  REQUIRE(argv.size() == 7);
  CHECK(argv[1] == "--meter=EML1234567890");
  CHECK(argv[2] == "1766");
  CHECK(argv[3] == "17.66");
  CHECK(argv[4] == "0123abcd-ef01-2345-6789-abcdefabcdef");
  // 0x0123abcdef01234 = 5131132449329716
  CHECK(argv[5] == "5131132449329716");
  CHECK(argv[6] == "{x}");
  CHECK(token_argv({"{amount}"}, {"S", 5, "x"})[0] == "0.05");
  CHECK_THROWS_AS(token_argv({"{amout}"}, r), Error);
  CHECK_THROWS_AS(token_argv({"{serial"}, r), Error);
  CHECK_THROWS_AS(token_argv({"a}"}, r), Error);
  CHECK_THROWS_AS(check_token_command({"x", "{bad}"}), Error);
  CHECK_NOTHROW(check_token_command({"x", "{serial}"}));
}

TEST_CASE("token command: output and masking") {
  CHECK(token_in_output("12345678901234567890\n") == "12345678901234567890");
  CHECK(token_in_output("12345678901234567890\r\n") == "12345678901234567890");
  CHECK(token_in_output("12345678901234567890") == "12345678901234567890");
  CHECK_FALSE(token_in_output("1234567890123456789\n"));
  CHECK_FALSE(token_in_output("123456789012345678901\n"));
  CHECK_FALSE(token_in_output("1234567890123456789x\n"));
  CHECK_FALSE(token_in_output("12345678901234567890\n\n"));
  CHECK_FALSE(token_in_output(" 12345678901234567890"));
  CHECK_FALSE(token_in_output(""));
  CHECK(masked_token("12345678901234567890") == "…7890");
  CHECK(topup_nonce("00000000-0000-0000-0000-000000000001") == 0);
  CHECK(topup_nonce("00000000-0000-0010-0000-000000000001") == 1);  // the 15th hex digit
}
