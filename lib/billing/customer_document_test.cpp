#include "billing/customer_document.hpp"

#include <doctest/doctest.h>

#include "core/emop_time.hpp"

using namespace flows::billing;

TEST_CASE("customer files: CSV and YAML rows, defaults, located errors") {
  const auto csv = parse_customers(
      "email,name,esco,plot,role,move_in,status\n"
      "ann@example.org,Ann,alpha,P1,,2024-06-10,live\n"
      "\"bob@example.org\",\"Bob, Jr\",alpha,P2,owner,,\n",
      "c.csv");
  REQUIRE(csv.size() == 2);
  CHECK(csv[0].line == 2);
  CHECK(csv[0].role == "occupier");
  CHECK(csv[0].account_type == "supply");
  CHECK(csv[0].status == CustomerStatus::live);
  REQUIRE(csv[0].move_in.has_value());
  CHECK(flows::format_date(*csv[0].move_in) == "2024-06-10");
  CHECK(csv[1].name == "Bob, Jr");
  CHECK(csv[1].role == "owner");
  CHECK(csv[1].status == CustomerStatus::pending);
  CHECK_FALSE(csv[1].move_in.has_value());

  const auto yaml = parse_customers(
      "customers:\n"
      "  - {email: cat@example.org, name: Cat, esco: alpha, plot: P3, move_in: 2024-06-01}\n"
      "  - email: dan@example.org\n",
      "c.yaml");
  REQUIRE(yaml.size() == 2);
  CHECK(yaml[0].line == 2);
  CHECK(yaml[1].line == 3);
  CHECK(yaml[1].plot.empty());

  CHECK_THROWS_WITH(parse_customers("email,name\nann@example,Ann\n", "c.csv"),
                    "c.csv:2: email 'ann@example' is not an email address");
  CHECK_THROWS_WITH(parse_customers("email,name\na@x.org,A\nA@X.org,B\n", "c.csv"),
                    "c.csv:3: email A@X.org is already on line 2");
  CHECK_THROWS_WITH(parse_customers("email,plot\na@x.org,P1\n", "c.csv"),
                    "c.csv:2: esco and plot go together (the property): give both or neither");
  CHECK_THROWS_WITH(parse_customers("email,move_in\na@x.org,2024-13-01\n", "c.csv"),
                    "c.csv:2: move_in '2024-13-01' is not a date YYYY-MM-DD");
  CHECK_THROWS_WITH(parse_customers("email,status\na@x.org,gone\n", "c.csv"),
                    "c.csv:2: status 'gone' is not one of pending, preonboarding, onboarding, prelive, live, exiting, "
                    "archived, suspended");
  CHECK_THROWS_WITH(parse_customers("email,phone\n", "c.csv"),
                    "c.csv:1: unknown column 'phone' (columns: email, name, esco, plot, role, account, move_in, status)");
  CHECK_THROWS_WITH(parse_customers("email,name\na@x.org\n", "c.csv"), "c.csv:2: 1 cells where the header has 2");
  CHECK_THROWS_WITH(parse_customers("customers:\n  - {email: a@x.org, role: tenant}\n", "c.yaml"),
                    "c.yaml:2: role 'tenant' is not occupier or owner");
  CHECK_THROWS_WITH(parse_customers("email\n", "c.csv"), "c.csv: no customers in the file");
  CHECK(valid_email("first.last+tag@sub.example.co.uk"));
  CHECK_FALSE(valid_email("a b@example.org"));
  CHECK_FALSE(valid_email("@example.org"));
  CHECK_FALSE(valid_email("a@b@example.org"));
  CHECK_FALSE(valid_email("a@example."));
}
