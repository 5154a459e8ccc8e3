#include "mail/message.hpp"

#include <doctest/doctest.h>

using namespace flows::mail;

TEST_CASE("mail: addresses the envelope can carry") {
  CHECK(valid_address("ann@example.org"));
  CHECK(valid_address("ann.b+bills@mail.example.co.uk"));
  CHECK(valid_address("o'neil@x-y.example"));
  CHECK_FALSE(valid_address(""));
  CHECK_FALSE(valid_address("ann"));
  CHECK_FALSE(valid_address("@example.org"));
  CHECK_FALSE(valid_address("ann@"));
  CHECK_FALSE(valid_address("ann..b@example.org"));
  CHECK_FALSE(valid_address(".ann@example.org"));
  CHECK_FALSE(valid_address("ann b@example.org"));
  CHECK_FALSE(valid_address("ann@exa_mple.org"));
  CHECK_FALSE(valid_address("ann@-example.org"));
  CHECK_FALSE(valid_address("ann@example..org"));
  CHECK_FALSE(valid_address("ann@example.org\r\nRCPT TO:<x@y>"));  // no command injection through the envelope
  CHECK_FALSE(valid_address("zoë@example.org"));                   // no SMTPUTF8
  CHECK_FALSE(valid_address("a@b@example.org"));
  CHECK_FALSE(valid_address(std::string(65, 'a') + "@example.org"));
}

TEST_CASE("mail: mailboxes parsed and formatted") {
  auto a = parse_mailbox("  Billing Team <billing@example.org> ");
  REQUIRE(a);
  CHECK(a->name == "Billing Team");
  CHECK(a->address == "billing@example.org");
  a = parse_mailbox("\"Smith, Ann\" <ann@example.org>");
  REQUIRE(a);
  CHECK(a->name == "Smith, Ann");
  a = parse_mailbox("ann@example.org");
  REQUIRE(a);
  CHECK(a->name.empty());
  CHECK_FALSE(parse_mailbox("Ann <ann@example>x"));
  CHECK_FALSE(parse_mailbox("Ann <not an address>"));

  CHECK(format_mailbox({"", "ann@example.org"}) == "ann@example.org");
  CHECK(format_mailbox({"Ann Smith", "ann@example.org"}) == "Ann Smith <ann@example.org>");
  CHECK(format_mailbox({"Smith, Ann \"A\"", "a@x.example"}) == "\"Smith, Ann \\\"A\\\"\" <a@x.example>");
  // "Zoë Ünal" is 5a 6f c3 ab 20 c3 9c 6e 61 6c: base64 Wm/DqyDDnG5hbA==.
  CHECK(format_mailbox({"Zoë Ünal", "z@x.example"}) == "=?UTF-8?B?Wm/DqyDDnG5hbA==?= <z@x.example>");
}

TEST_CASE("mail: header text: ASCII as it is, else encoded-words that never split a character") {
  CHECK(encode_header_text("Your statement for June 2024") == "Your statement for June 2024");
  // A header never breaks early: CR and LF become spaces.
  CHECK(encode_header_text("a\r\nBcc: x@y") == "a  Bcc: x@y");
  // Text that looks like an encoded-word is encoded itself: "=?x?=" is 3d 3f 78 3f 3d -> PT94Pz0=.
  CHECK(encode_header_text("=?x?=") == "=?UTF-8?B?PT94Pz0=?=");
  // 30 x "é" = 60 bytes: 22 characters (44 bytes, the most under 45) in the
  // first word, 8 (16 bytes) in the second; each word at most 75 characters.
  std::string e;
  for (int i = 0; i < 30; ++i) e += "é";
  const std::string out = encode_header_text(e);
  const auto fold = out.find("\r\n ");
  REQUIRE(fold != std::string::npos);
  const std::string first = out.substr(0, fold), second = out.substr(fold + 3);
  CHECK(first.size() <= 75);
  CHECK(second.size() <= 75);
  // 44 bytes -> 60 base64 characters (14 groups + 2 bytes padded): 10 + 60 + 2 = 72.
  CHECK(first.size() == 72);
  CHECK(first.rfind("=?UTF-8?B?w6nDqcOp", 0) == 0);
  // 16 bytes -> 24 base64 characters: 10 + 24 + 2 = 36.
  CHECK(second.size() == 36);
  CHECK(out.find("\r\n ", fold + 1) == std::string::npos);
}

TEST_CASE("mail: base64 in lines of 76") {
  CHECK(base64_lines("Man") == "TWFu\r\n");
  CHECK(base64_lines("Ma") == "TWE=\r\n");
  CHECK(base64_lines("M") == "TQ==\r\n");
  CHECK(base64_lines("") == "");
  // 100 bytes -> 136 characters (33 groups + 1 byte padded): lines of 76 and 60.
  const std::string b = base64_lines(std::string(100, 'x'));
  CHECK(b.size() == 136 + 4);
  CHECK(b.find("\r\n") == 76);
}

TEST_CASE("mail: dates and message ids") {
  // 2024-07-01 00:00 UTC is 1719792000; + 9 h 5 min 3 s (32703 s), a Monday.
  CHECK(rfc5322_date(std::chrono::system_clock::from_time_t(1719824703)) == "Mon, 01 Jul 2024 09:05:03 +0000");
  CHECK(rfc5322_date(std::chrono::system_clock::from_time_t(0)) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(domain_of("billing@example.org") == "example.org");
  CHECK(message_id("statement-2024-06-000042.d17", "example.org") == "<statement-2024-06-000042.d17@example.org>");
}

TEST_CASE("mail: a multipart/mixed message with an html part and a csv attachment") {
  Message m;
  m.from = {"Billing", "billing@example.org"};
  m.to = {"Zoë", "z@x.example"};
  m.subject = "Statement";
  m.date = "Mon, 01 Jul 2024 09:05:03 +0000";
  m.message_id = "<s.d1@example.org>";
  m.html = "<p>Hi</p>";
  m.attachments = {{"s.csv", "text/csv; charset=utf-8", "a,b\r\n1,2\r\n"}};
  const std::string text = render(m);
  // "Zoë" is 5a 6f c3 ab: Wm/Dqw==; "<p>Hi</p>" is PHA+SGk8L3A+; "a,b\r\n1,2\r\n" is YSxiDQoxLDINCg==.
  // The boundary: "=_flows_" and the Message-ID's letters and digits (atext, no dots).
  const std::string boundary = "=_flows_sd1exampleorg";
  CHECK(text ==
        "From: Billing <billing@example.org>\r\n"
        "To: =?UTF-8?B?Wm/Dqw==?= <z@x.example>\r\n"
        "Subject: Statement\r\n"
        "Date: Mon, 01 Jul 2024 09:05:03 +0000\r\n"
        "Message-ID: <s.d1@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n"
        "\r\nThis is a multi-part message in MIME format.\r\n\r\n"
        "--" + boundary + "\r\n"
        "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGk8L3A+\r\n"
        "--" + boundary + "\r\n"
        "Content-Type: text/csv; charset=utf-8; name=\"s.csv\"\r\n"
        "Content-Disposition: attachment; filename=\"s.csv\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nYSxiDQoxLDINCg==\r\n"
        "--" + boundary + "--\r\n");
}
