#pragma once
// flows.meter_event_log: the events read from meters, and how far each meter's
// stored log reaches (so a sync reads only newer ones).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "db/meters.hpp"

namespace flows::db {

// meter id -> the newest stored event's timestamp, epoch seconds (UTC); meters
// without events are absent. One query.
std::map<std::string, std::int64_t> newest_events(pqxx::transaction_base& tx, const std::vector<MeterRow>& meters);

// Records {id, ts (ISO UTC), event_type, event_set}; events already stored are
// skipped. Returns how many were inserted. One INSERT.
std::size_t insert_events(pqxx::transaction_base& tx, const nlohmann::json& records);

}  // namespace flows::db
