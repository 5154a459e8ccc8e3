#include "core/text.hpp"

#include <string>

#include <doctest/doctest.h>

using flows::text_problem;
using flows::valid_utf8;

TEST_CASE("valid_utf8 accepts well-formed UTF-8 and nothing else") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("Plot 1, North"));
  CHECK(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
  CHECK_FALSE(valid_utf8("\xff"));
  CHECK_FALSE(valid_utf8("caf\xc3"));            // truncated
  CHECK_FALSE(valid_utf8("\xc0\xaf"));           // overlong '/'
  CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));       // overlong
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));       // surrogate U+D800
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));   // past U+10FFFF
  CHECK_FALSE(valid_utf8("a\x80z"));             // lone continuation
}

TEST_CASE("text_problem names NUL bytes, invalid UTF-8 and, when asked, control characters") {
  CHECK(std::string(text_problem("EML1234567890")) == "");
  CHECK(std::string(text_problem(std::string("a\0b", 3))) == "holds a NUL byte");
  CHECK(std::string(text_problem("a\xff")) == "is not valid UTF-8");
  CHECK(std::string(text_problem("a\nb")) == "");
  CHECK(std::string(text_problem("a\nb", true)) == "holds a control character");
  CHECK(std::string(text_problem("a\x7f", true)) == "holds a control character");
}
