#pragma once
// flows-bill wallets set|show|list: a customer's wallet read and changed, each
// in one transaction (the change checked before it is stored).
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/wallets.hpp"
#include "db/wallets.hpp"

namespace flows::jobs {

// What `wallets set` changes; unset fields keep the wallet's (or the spec's
// defaults for a new wallet).
struct WalletChange {
  std::optional<std::int64_t> minimum_pence, target_pence;
  std::optional<bool> auto_topup;
  std::optional<billing::PaymentTiming> timing;
};

// flows::Error (usage) for an unknown customer or settings that do not hold
// (target below minimum, …); nothing written then.
db::WalletRow set_wallet(pqxx::connection& conn, const std::string& email, const WalletChange& change);
// Nothing when the customer has no wallet yet.
std::optional<db::WalletRow> wallet_of(pqxx::connection& conn, const std::string& email);
std::vector<db::WalletRow> list_wallets(pqxx::connection& conn);

}  // namespace flows::jobs
