#include "jobs/tariff_push_decision.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace flows::jobs;

namespace {

PlannedTariff plan_for(const std::string& id) {
  PlannedTariff p;
  p.meter.id = id;
  p.meter.serial = "EML" + id;
  return p;
}

billing::TariffCheck check_of(const std::string& id, billing::TariffCheckState s) {
  billing::TariffCheck c;
  c.meter_id = id;
  c.state = s;
  return c;
}

}  // namespace

TEST_CASE("push --only-differing: only the meters the tariff check does not find matching") {
  using S = billing::TariffCheckState;
  const std::vector<PlannedTariff> plan{plan_for("1"), plan_for("2"), plan_for("3"), plan_for("4")};
  // 1 matching, 2 differs, 3 unknown, 4 not seen by the check (unknown too).
  const std::vector<billing::TariffCheck> checks{check_of("1", S::matching), check_of("2", S::differs),
                                                 check_of("3", S::unknown)};
  std::vector<PlannedTariff> skipped;
  const auto kept = only_differing(plan, checks, skipped);
  REQUIRE(kept.size() == 3);
  CHECK(kept[0].meter.id == "2");
  CHECK(kept[1].meter.id == "3");
  CHECK(kept[2].meter.id == "4");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].meter.id == "1");
}
