#pragma once
// The SQL of wallets (public.wallets) and of the auto top-ups they call for
// (public.wallet_topups, with the topup, its payment and their link).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/wallets.hpp"
#include "core/emop_time.hpp"

namespace flows::db {

struct WalletRow {
  std::string customer;  // id
  std::string email;
  billing::WalletSettings settings;
  std::string updated_at;  // ISO UTC
};

std::optional<WalletRow> wallet_of(pqxx::transaction_base& tx, const std::string& customer);
// Inserts or replaces the customer's wallet settings.
void store_wallet(pqxx::transaction_base& tx, const std::string& customer, const billing::WalletSettings& w);
std::vector<WalletRow> list_wallets(pqxx::transaction_base& tx);

// A wallet with auto top-up on whose customer occupies a supply account on
// `today`, with what topups due needs to decide.
struct WalletMeter {
  std::string customer, email, account, meter, serial, esco;  // esco: its code
  std::optional<std::string> reading_at;  // the latest balance reading's time, as timestamptz text
  billing::WalletState state;
};
// Serialises `topups due` runs until the transaction ends.
void lock_wallet_topups(pqxx::transaction_base& tx);
std::vector<WalletMeter> wallet_meters(pqxx::transaction_base& tx, date::year_month_day today,
                                       const std::optional<std::string>& esco);

// One auto top-up: the topup (payment, wait_token_fetch), its pending payment
// (provider 'wallet'), their link and the wallet_topups row of the shortfall.
struct AutoTopup {
  const WalletMeter* wallet = nullptr;
  std::int64_t amount_pence = 0;
  UtcTime scheduled_at;
  std::string description;  // "auto top-up (weekly)"
};
// All of them in one statement; returns the topups made.
std::size_t store_auto_topups(pqxx::transaction_base& tx, const std::vector<AutoTopup>& topups);

}  // namespace flows::db
