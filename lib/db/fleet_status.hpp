#pragma once
// What `emop status` reads of the fleet besides its sync runs (db/sync_runs.hpp):
// the unhealthy meters and why, the tokens waiting to be pushed, the future
// tariffs the meters carry. Each for every ESCO (esco "") or one escos.code.
// Parameterised queries only; columns read by name; times as UTC ISO text.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace flows::db {

// The database's clock, seconds since 1970 (UTC).
std::int64_t database_now(pqxx::transaction_base& tx);

struct UnhealthyMeterRow {
  std::string esco, serial, name;              // "" when not set
  std::optional<std::string> reason;           // meter_shadows.health_details
  std::optional<std::string> last_healthy_at;  // UTC ISO; nullopt: never healthy
};

struct UnhealthyMeters {
  std::size_t count = 0;
  std::vector<UnhealthyMeterRow> first;  // at most `limit`, by ESCO, serial
};

// Active meters whose shadow says unhealthy (passive ones are not synced).
UnhealthyMeters unhealthy_meters(pqxx::transaction_base& tx, const std::string& esco, std::size_t limit);

struct WaitingTokens {
  std::size_t count = 0;
  std::int64_t amount_pence = 0;
  std::optional<std::string> oldest;  // created_at of the oldest, UTC ISO
};

// public.topups in wait_token_push (their tokens not yet on the meter).
WaitingTokens waiting_tokens(pqxx::transaction_base& tx, const std::string& esco);

struct TariffActivationRow {
  std::string esco;        // "" for meters without an ESCO
  std::string activation;  // the meter's clock time, "2027-01-01T00:00:00"
  std::size_t meters = 0;
};

// Per ESCO, each future tariff activation still ahead on the meters' clocks
// (meter_shadows.tariffs_future; UK local time on a meter with DST correction,
// UTC otherwise) and how many meters carry it; by ESCO, then activation.
std::vector<TariffActivationRow> tariff_activations(pqxx::transaction_base& tx, const std::string& esco);

}  // namespace flows::db
