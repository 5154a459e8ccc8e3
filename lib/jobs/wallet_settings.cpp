#include "jobs/wallet_settings.hpp"

#include "core/error.hpp"
#include "db/customers.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

std::string require_customer(pqxx::transaction_base& tx, const std::string& email) {
  auto c = db::find_customer(tx, email);
  if (!c) throw usage_error("no customer with email '" + email + "'");
  return c->id;
}

}  // namespace

db::WalletRow set_wallet(pqxx::connection& conn, const std::string& email, const WalletChange& change) {
  db::require_current(conn);
  return db::in_transaction(conn, "cannot store the wallet (nothing was written)", [&](pqxx::work& tx) {
    const std::string customer = require_customer(tx, email);
    billing::WalletSettings s;
    if (auto old = db::wallet_of(tx, customer)) s = old->settings;
    if (change.minimum_pence) s.minimum_pence = *change.minimum_pence;
    if (change.target_pence) s.target_pence = *change.target_pence;
    if (change.auto_topup) s.auto_topup = *change.auto_topup;
    if (change.timing) s.timing = *change.timing;
    if (auto problem = billing::wallet_settings_problem(s); !problem.empty()) throw usage_error(problem);
    db::store_wallet(tx, customer, s);
    return *db::wallet_of(tx, customer);
  });
}

std::optional<db::WalletRow> wallet_of(pqxx::connection& conn, const std::string& email) {
  db::require_current(conn);
  return db::in_read_transaction(conn, "cannot read the wallet", [&](pqxx::read_transaction& tx) {
    return db::wallet_of(tx, require_customer(tx, email));
  });
}

std::vector<db::WalletRow> list_wallets(pqxx::connection& conn) {
  db::require_current(conn);
  return db::in_read_transaction(conn, "cannot read the wallets",
                                 [&](pqxx::read_transaction& tx) { return db::list_wallets(tx); });
}

}  // namespace flows::jobs
