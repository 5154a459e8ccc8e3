#pragma once
// What the Flows database knows of meters, for `emop list`, `info`,
// `serial_to_name` and for finding a meter's address: each a short read-only
// transaction on a database at the current schema version. An unknown serial or
// ESCO code is a bad input value (flows::Error(usage)); database failures are
// flows::Error(database) with one line.
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "db/meters.hpp"
#include "transport/target.hpp"

#include "jobs/batch.hpp"

namespace flows::jobs {

// Every meter of `esco` (all when empty) whose health is `health` (any when
// empty: healthy | unhealthy), ordered by ESCO and serial.
std::vector<db::MeterListRow> list_meters(pqxx::connection& conn, const std::string& esco, const std::string& health = "");
db::MeterInfoRow meter_info(pqxx::connection& conn, const std::string& serial);
std::string serial_to_name(pqxx::connection& conn, const std::string& serial);

// Where each of `serials` is (meter_registry ip_address, emop_port or 8080), in
// the order given; passive meters too (naming one is the operator's choice).
// A serial that is not in the database or has no address is that meter's failure
// (status 3), so the rest of a batch goes on.
Placement targets_from_database(pqxx::connection& conn,
                                                          const std::vector<std::string>& serials);

}  // namespace flows::jobs
