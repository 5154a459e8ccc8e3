#pragma once
// Reads the parts of a database's catalogue that db/deployed_shape.hpp decides
// on: schemas, tables and columns of flows and public, functions of flows, the
// sqitch registry, row-level security, TimescaleDB hypertables, the deployed
// roles' privileges and this project's records (migrations, adoption). Read
// only; every query works on plain PostgreSQL whether or not the optional
// parts (flows_sqitch, timescaledb_information) are there.
#include <pqxx/pqxx>

#include "db/deployed_shape.hpp"

namespace flows::db {

CatalogueSnapshot load_catalogue(pqxx::transaction_base& tx);

}  // namespace flows::db
