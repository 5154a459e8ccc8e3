#include "cli/complete.hpp"

#include <doctest/doctest.h>

using namespace flows::cli;
using namespace std::chrono_literals;

TEST_CASE("cache_fresh: younger than the age, and not from the future") {
  const auto now = std::chrono::system_clock::time_point{} + 1000000s;
  CHECK(cache_fresh(now, now, 600s));
  CHECK(cache_fresh(now - 599s, now, 600s));
  CHECK_FALSE(cache_fresh(now - 600s, now, 600s));
  CHECK_FALSE(cache_fresh(now - 3600s, now, 600s));
  CHECK_FALSE(cache_fresh(now + 1s, now, 600s));  // written "later": the clock went back
}

TEST_CASE("serials_cache_name: per environment and database, a safe file name") {
  const std::string a = serials_cache_name("qa", "host=db1 dbname=flows");
  CHECK(a.starts_with("serials-qa-"));
  CHECK(a.ends_with(".txt"));
  CHECK(a.size() == std::string("serials-qa-").size() + 16 + 4);
  CHECK(a == serials_cache_name("qa", "host=db1 dbname=flows"));
  CHECK(a != serials_cache_name("qa", "host=db2 dbname=flows"));
  CHECK(a != serials_cache_name("prod", "host=db1 dbname=flows"));
  CHECK(serials_cache_name("", "x").starts_with("serials-default-"));
  CHECK(serials_cache_name("../a b", "x").starts_with("serials-.._a_b-"));
  // FNV-1a of "" is its offset basis.
  CHECK(serials_cache_name("e", "") == "serials-e-cbf29ce484222325.txt");
}

TEST_CASE("complete_with marks an option without changing its help") {
  CLI::App app{"t", "t"};
  std::string s;
  auto* o = app.add_option("-s", s, "serial");
  const std::string type_before = o->get_type_name();
  complete_with(o, "serials");
  CHECK(dynamic_kind(*o) == "serials");
  CHECK(o->get_type_name() == type_before);
  std::string other;
  auto* plain = app.add_option("--other", other, "x")->check(CLI::IsMember({"a", "b"}));
  CHECK(dynamic_kind(*plain).empty());
  // It still parses.
  app.parse(std::vector<std::string>{"EML1", "-s"});
  CHECK(s == "EML1");
}
