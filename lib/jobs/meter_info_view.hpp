#pragma once
// `emop info SERIAL` rendered: pure, over what the database (db::meter_info) or
// a gateway's GetInfo gave. The JSON keeps the rows as they are (ids included)
// and adds the names; the text shows names where the rows hold ids (the ESCO as
// "code (name)", the site as "name (code)"), leaves out the shadow's id (the
// registry's), and lists each register with the circuits it counts toward.
#include <string>

#include <nlohmann/json.hpp>

#include "db/meters.hpp"

namespace flows::jobs {

// {serial, esco, esco_name, site, site_name, service_head, feeder, registry,
//  shadow (null when none), registers}
nlohmann::ordered_json meter_info_json(const std::string& serial, const db::MeterInfoRow& row);

std::string meter_info_text(const nlohmann::ordered_json& info);

}  // namespace flows::jobs
