// `emop info` rendered from a hand-built database row: names where the rows hold ids.
#include "jobs/meter_info_view.hpp"

#include <doctest/doctest.h>

using namespace flows;

namespace {

db::MeterInfoRow row() {
  db::MeterInfoRow r;
  r.registry = R"({"id":"11111111-aaaa","serial":"EML1","esco":"22222222-bbbb","site":"33333333-cccc","name":"Plot 1"})";
  r.shadow = R"({"id":"11111111-aaaa","csq":17,"health":"healthy"})";
  r.esco = "wlce";
  r.esco_name = "Water Lilies";
  r.site = "wl-north";
  r.site_name = "North terrace";
  r.service_head = "SH 4";
  r.feeder = "Feeder 1";
  r.registers = R"([{"register_id":"44444444-dddd","element":"A","nature":"power","status":"enabled",)"
                R"("start_time":"2024-01-01T00:00:00+00:00","end_time":null,"circuits":["Plot 1 heat","Plot 1 power"]},)"
                R"({"register_id":"55555555-eeee","element":"B","nature":"solar","status":"enabled",)"
                R"("start_time":"2024-01-01T00:00:00+00:00","end_time":null,"circuits":[]}])";
  return r;
}

}  // namespace

TEST_CASE("info as text: the ESCO and site by name, no shadow id, circuits by name") {
  CHECK(jobs::meter_info_text(jobs::meter_info_json("EML1", row())) ==
        "serial: EML1\n"
        "esco: wlce (Water Lilies)\n"
        "site: North terrace (wl-north)\n"
        "service_head: SH 4\n"
        "feeder: Feeder 1\n"
        "registry:\n"
        "  id: 11111111-aaaa\n"
        "  serial: EML1\n"
        "  esco: wlce (Water Lilies)\n"
        "  site: North terrace (wl-north)\n"
        "  name: Plot 1\n"
        "shadow:\n"
        "  csq: 17\n"
        "  health: healthy\n"
        "registers:\n"
        "  A power enabled from 2024-01-01T00:00:00+00:00 44444444-dddd circuits: Plot 1 heat, Plot 1 power\n"
        "  B solar enabled from 2024-01-01T00:00:00+00:00 55555555-eeee\n");
}

TEST_CASE("info as JSON keeps the rows' ids and adds the names") {
  const auto j = jobs::meter_info_json("EML1", row());
  CHECK(j["esco"] == "wlce");
  CHECK(j["esco_name"] == "Water Lilies");
  CHECK(j["site_name"] == "North terrace");
  CHECK(j["registry"]["esco"] == "22222222-bbbb");
  CHECK(j["registers"][0]["circuits"].dump() == R"(["Plot 1 heat","Plot 1 power"])");
}

TEST_CASE("a meter without ESCO, site or shadow (a gateway's answer)") {
  db::MeterInfoRow r;
  r.registry = R"({"serial":"EML2","esco":null,"site":null})";
  r.registers = "[]";
  CHECK(jobs::meter_info_text(jobs::meter_info_json("EML2", r)) ==
        "serial: EML2\nesco: -\nsite: -\nservice_head: -\nfeeder: -\nregistry:\n  serial: EML2\n  esco: -\n  site: -\n"
        "shadow:\nregisters:\n");
}
