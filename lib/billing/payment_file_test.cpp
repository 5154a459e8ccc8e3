#include "billing/payment_file.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

using namespace flows::billing;
using flows::billing::testing::usage_message;

TEST_CASE("payment amounts parse exactly to pence") {
  CHECK(parse_amount_pence("12.34") == 1234);
  CHECK(parse_amount_pence("-5.00") == -500);
  CHECK(parse_amount_pence("\xC2\xA3" "12.34") == 1234);
  CHECK(parse_amount_pence("-\xC2\xA3" "5") == -500);
  CHECK(parse_amount_pence("\xC2\xA3-5") == -500);
  CHECK(parse_amount_pence("1,234.56") == 123456);
  CHECK(parse_amount_pence("12,345,678.90") == 1234567890);
  CHECK(parse_amount_pence("12.3") == 1230);  // one decimal: 12.30
  CHECK(parse_amount_pence(" +7 ") == 700);
  CHECK(parse_amount_pence("0.01") == 1);
  CHECK_FALSE(parse_amount_pence("12.3.4"));
  CHECK_FALSE(parse_amount_pence("12.345"));  // a fraction of a penny
  CHECK_FALSE(parse_amount_pence("12,34"));
  CHECK_FALSE(parse_amount_pence("1234,567"));
  CHECK_FALSE(parse_amount_pence(",123"));
  CHECK_FALSE(parse_amount_pence("12."));
  CHECK_FALSE(parse_amount_pence(".5"));
  CHECK_FALSE(parse_amount_pence(""));
  CHECK_FALSE(parse_amount_pence("1e3"));
  CHECK_FALSE(parse_amount_pence("--5"));
  CHECK_FALSE(parse_amount_pence("\xC2\xA3\xC2\xA3" "5"));
  CHECK_FALSE(parse_amount_pence("1234567890"));  // ten digits of pounds
}

TEST_CASE("payment dates are UK days or RFC 3339 instants") {
  CHECK(parse_booked("2024-06-10")->date == "2024-06-10");
  CHECK(parse_booked("10/06/2024")->date == "2024-06-10");  // DD/MM/YYYY, the UK order
  CHECK(parse_booked("2024-06-10T12:00:00Z")->at == "2024-06-10T12:00:00Z");
  // 00:30 at +01:00 is 23:30 UTC the day before.
  CHECK(parse_booked("2024-06-10T00:30+01:00")->at == "2024-06-09T23:30:00Z");
  CHECK(parse_booked("2024-06-10T12:00:00.123-02:30")->at == "2024-06-10T14:30:00Z");
  CHECK(parse_booked("2024-02-29")->date == "2024-02-29");
  CHECK_FALSE(parse_booked("2023-02-29"));
  CHECK_FALSE(parse_booked("2024-13-01"));
  CHECK_FALSE(parse_booked("31/04/2024"));
  CHECK_FALSE(parse_booked("2024-06-10 12:00"));  // a local time without offset
  CHECK_FALSE(parse_booked("2024-06-10T12:00"));
  CHECK_FALSE(parse_booked("10.06.2024"));
  CHECK_FALSE(parse_booked(""));
}

TEST_CASE("payment files: the default mapping, statuses and every error naming its line") {
  const std::string text =
      "\xEF\xBB\xBF" "Date, Amount ,Reference,Payer,Payer_Reference,Description,Status,Extra\n"
      "2024-06-10,12.34,TX1,Ann A,FLOWS-1001,June,paid,x\n"
      "11/06/2024,\"\xC2\xA3" "500.00\",TX2,,,\"rent, June\",Pending\n"
      "2024-06-12T09:00:00Z,-5.00,TX3,,,refund TX1,succeeded\n";
  const auto lines = parse_payment_file(text, default_mapping(), "bank.csv");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].line == 2);
  CHECK(lines[0].reference == "TX1");
  CHECK(lines[0].amount_pence == 1234);
  CHECK(lines[0].booked_at == "2024-06-09T23:00:00Z");
  CHECK(lines[0].status == LineStatus::succeeded);
  CHECK(lines[0].payer == "Ann A");
  CHECK(lines[0].payer_reference == "FLOWS-1001");
  CHECK(lines[1].amount_pence == 50000);  // the largest payment
  CHECK(lines[1].status == LineStatus::pending);
  CHECK(lines[1].booked_date == "2024-06-11");
  CHECK(lines[1].booked_at == "2024-06-10T23:00:00Z");  // UK midnight in BST
  CHECK(lines[1].description == "rent, June");
  CHECK(lines[2].amount_pence == -500);
  CHECK(lines[2].booked_at == "2024-06-12T09:00:00Z");

  const std::string head = "date,amount,reference\n";
  CHECK(usage_message([&] { parse_payment_file(head + "2024-06-10,12.3.4,A\n", default_mapping(), "b.csv"); }) ==
        "b.csv:2: amount \"12.3.4\" is not an amount in pounds such as 12.34, -5.00, \xC2\xA3" "12.34 or 1,234.56; "
        "nothing was imported");
  // £1,234.56 = 123456 p, over the 50,000 p of a payment.
  CHECK(usage_message([&] {
          parse_payment_file(head + "2024-06-10,1.00,A\n2024-06-10,\"1,234.56\",B\n", default_mapping(), "b.csv");
        }) == "b.csv:3: amount 1,234.56 is 123456 p: a payment is 1 to 50000 p; nothing was imported");
  CHECK(usage_message([&] { parse_payment_file(head + "2024-06-10,0.00,A\n", default_mapping(), "b.csv"); }) ==
        "b.csv:2: amount 0.00 is 0 p: a payment is 1 to 50000 p; nothing was imported");
  CHECK(usage_message([&] {
          parse_payment_file(head + "2024-06-31,1,A\n2024-06-10,1,A\nx,y,\n", default_mapping(), "b.csv");
        }) == "b.csv:2: date \"2024-06-31\" is not YYYY-MM-DD, DD/MM/YYYY or an RFC 3339 instant (and 1 more bad "
              "line); nothing was imported");
  CHECK(usage_message([&] { parse_payment_file(head + "2024-06-10,1,A\n2024-06-11,2,A\n", default_mapping(), "b.csv"); }) ==
        "b.csv:3: reference A is also on line 2; nothing was imported");
  CHECK(usage_message([&] { parse_payment_file("date,amount\n", default_mapping(), "b.csv"); }) ==
        "b.csv:1: no column \"reference\" (the reference column of the mapping)");
  CHECK(usage_message([&] {
          parse_payment_file("date,amount,reference,status\n2024-06-10,1,A,lost\n", default_mapping(), "b.csv");
        }) == "b.csv:2: status \"lost\" is not one the mapping knows (succeeded, pending, failed, refunded); "
              "nothing was imported");
  CHECK(usage_message([&] { parse_payment_file("", default_mapping(), "b.csv"); }) ==
        "b.csv: empty file (a header row is needed)");
}

TEST_CASE("payment mappings rename columns, add status words and carry rules") {
  const PaymentMapping m = parse_mapping(
      "columns: {date: Created, amount: Gross, reference: id}\n"
      "statuses: {Bounced: failed}\n"
      "rules:\n"
      "  - {payer: J  SMITH, customer: jane@example.org}\n",
      "stripe.yaml");
  CHECK(m.columns.at("date") == "Created");
  CHECK(m.columns.at("payer") == "payer");  // the default kept
  REQUIRE(m.rules.size() == 1);
  CHECK(m.rules[0].line == 4);
  CHECK(map_status("bounced", m) == LineStatus::failed);
  CHECK(map_status("PAID", m) == LineStatus::succeeded);  // a default word
  const auto lines = parse_payment_file("Created,Gross,id,Status\n2024-06-10,3,ch_1,bounced\n", m, "s.csv");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].amount_pence == 300);
  CHECK(lines[0].booked_at == "2024-06-09T23:00:00Z");
  CHECK(lines[0].status == LineStatus::failed);
  CHECK(usage_message([] { parse_mapping("columns: {when: Date}\n", "m.yaml"); }).starts_with("m.yaml:1: unknown field when"));
  CHECK(usage_message([] { parse_mapping("statuses:\n  ok: fine\n", "m.yaml"); }) ==
        "m.yaml:2: statuses: each word maps to succeeded, pending, failed or refunded");
  CHECK(usage_message([] { parse_mapping("rules:\n  - {payer: X}\n", "m.yaml"); }) ==
        "m.yaml:2: a rule is {payer: NAME, customer: EMAIL}");
  CHECK(usage_message([] { parse_mapping("colums: {}\n", "m.yaml"); }) ==
        "m.yaml:1: unknown key colums (columns, statuses, rules)");
}
