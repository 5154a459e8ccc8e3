#include "jobs/topup_jobs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "billing/calendar.hpp"
#include "billing/token_command.hpp"
#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "jobs/known_esco.hpp"

extern char** environ;

namespace flows::jobs {
namespace {

std::int64_t lower_bound_of(const std::string& source) { return source == "adjustment" ? -50000 : 1; }

void check_add(const AddTopup& a) {
  if (a.source != "gift" && a.source != "adjustment")
    throw usage_error("--source '" + a.source + "' must be gift or adjustment");
  if (a.email.has_value() == a.serial.has_value()) throw usage_error("give one of --customer and --meter");
  if (a.reason.find_first_not_of(" \t\r\n") == std::string::npos) throw usage_error("--reason must not be empty");
  const std::int64_t lo = lower_bound_of(a.source);
  if (a.amount_pence < lo || a.amount_pence > 100000 || a.amount_pence == 0)
    throw usage_error("--amount-pence " + std::to_string(a.amount_pence) + " is out of range for " + a.source +
                      " (" + std::to_string(lo) + " … 100000, not 0)");
}

db::MeterRef target_meter(pqxx::transaction_base& tx, const AddTopup& a) {
  if (a.serial) {
    auto m = db::meter_by_serial(tx, *a.serial);
    if (!m) throw usage_error("no meter with serial '" + *a.serial + "'");
    return *m;
  }
  const auto c = db::customer_supply_meter(tx, *a.email, a.today);
  if (!c.customer_found) throw usage_error("no customer with email '" + *a.email + "'");
  if (!c.meter)
    throw config_error("customer " + *a.email + " occupies no supply account with a supply meter on " +
                       format_date(a.today));
  return *c.meter;
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw Error(ExitCode::internal, std::string("pipe: ") + std::strerror(errno));
  }
  ~Pipe() { close_all(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_all() {
    close_end(0);
    close_end(1);
  }
};

// Reads both pipes until both close or the deadline passes.
bool drain(int out_fd, int err_fd, std::string& out, std::string& err, std::chrono::steady_clock::time_point deadline) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* into[2] = {&out, &err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? false : true;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
      if (r > 0 && into[i]->size() < 65536) into[i]->append(buf, static_cast<std::size_t>(r));
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
  return true;
}

std::string first_line(const std::string& s) {
  const auto end = s.find('\n');
  std::string line = s.substr(0, end);
  if (line.size() > 200) line = line.substr(0, 200) + "…";
  return line;
}

// Why the command's result is no token, or "" with the token stored in `token`.
std::string judge(const CommandResult& r, std::string& token) {
  if (!r.started) return "cannot run the token command: " + r.error;
  if (r.timed_out) return "the token command timed out";
  if (r.signal) return "the token command was killed by signal " + std::to_string(r.signal);
  if (r.exit_status != 0)
    return "the token command exited with status " + std::to_string(r.exit_status) +
           (r.err.empty() ? std::string() : ": " + first_line(r.err));
  auto t = billing::token_in_output(r.out);
  if (!t) return "the token command's output is not exactly 20 digits (" + std::to_string(r.out.size()) + " bytes)";
  token = *t;
  return "";
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  CommandResult res;
  Pipe out, err;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  out.close_end(1);
  err.close_end(1);
  if (rc != 0) {
    res.error = argv[0] + ": " + std::strerror(rc);
    return res;
  }
  res.started = true;
  const bool done = drain(out.fd[0], err.fd[0], res.out, res.err, std::chrono::steady_clock::now() + timeout);
  if (!done) {
    res.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) res.exit_status = WEXITSTATUS(status);
  else if (WIFSIGNALED(status) && !res.timed_out) res.signal = WTERMSIG(status);
  return res;
}

AddedTopup add_topup(pqxx::connection& conn, const AddTopup& a) {
  check_add(a);
  db::require_current(conn);
  return db::in_transaction(conn, "cannot add the topup (nothing was written)", [&](pqxx::work& tx) {
    const db::MeterRef m = target_meter(tx, a);
    db::NewTopup t{m.id, a.amount_pence, a.amount_pence < 0 ? "pending" : "wait_token_fetch", a.source, a.reason};
    return AddedTopup{db::insert_topup(tx, t), m.serial, t.status, a.amount_pence};
  });
}

std::vector<db::TopupRow> list_topups(pqxx::connection& conn, const std::optional<std::string>& email,
                                      const std::optional<std::string>& status, date::year_month_day today) {
  static const char* const statuses[] = {"wait_token_fetch", "failed_token_fetch", "wait_token_push",
                                         "failed_token_push", "completed", "pending"};
  if (status && std::find(std::begin(statuses), std::end(statuses), *status) == std::end(statuses))
    throw usage_error("--status '" + *status +
                      "' is not one of wait_token_fetch, failed_token_fetch, wait_token_push, failed_token_push, "
                      "completed, pending");
  db::require_current(conn);
  return db::in_read_transaction(conn, "cannot list the topups", [&](pqxx::read_transaction& tx) {
    if (email && !db::customer_supply_meter(tx, *email, today).customer_found)
      throw usage_error("no customer with email '" + *email + "'");
    return db::list_topups(tx, email, status, today);
  });
}

FromPaymentsReport topups_from_payments(pqxx::connection& conn, bool dry_run) {
  db::require_current(conn);
  return db::in_transaction(conn, "cannot make topups from payments (nothing was written)", [&](pqxx::work& tx) {
    db::lock_from_payments(tx);
    FromPaymentsReport rep;
    std::vector<std::string> ids;
    for (auto& p : db::unlinked_payments(tx)) {
      if (p.meter) ids.push_back(p.payment);
      (p.meter ? rep.made : rep.no_meter).push_back(std::move(p));
    }
    if (!dry_run && db::topups_from_payments(tx, ids) != ids.size())
      throw Error(ExitCode::database, "a payment changed while its topup was made; nothing was written, run again");
    return rep;
  });
}

std::size_t TokensReport::failed() const {
  std::size_t n = 0;
  for (const auto& o : outcomes) n += o.ok ? 0 : 1;
  return n;
}

TokensReport fetch_tokens(pqxx::connection& conn, const TokenSource& source, const std::optional<std::string>& esco) {
  const auto words = billing::split_command_line(source.command_line);
  billing::check_token_command(words);
  db::require_current(conn);
  TokensReport rep;
  db::in_read_transaction(conn, "cannot read the ESCOs", [&](pqxx::read_transaction& tx) { require_known_esco(tx, esco); });
  // Locked before the topups are read, so two runs never ask for the same token.
  if (!db::in_transaction<pqxx::nontransaction>(conn, "cannot lock the token fetch", [](pqxx::nontransaction& tx) {
        return db::try_lock_token_fetch(tx);
      })) {
    rep.busy = true;
    return rep;
  }
  const auto wanted = db::in_read_transaction(conn, "cannot read the topups", [&](pqxx::read_transaction& tx) {
    return db::topups_wanting_tokens(tx, esco);
  });
  for (const auto& w : wanted) {
    TokenOutcome o;
    o.topup = w.topup;
    o.serial = w.serial;
    o.amount_pence = w.amount_pence;
    std::string token;
    const auto argv = billing::token_argv(words, {w.serial, w.amount_pence, w.topup});
    o.detail = judge(run_command(argv, source.timeout), token);
    o.ok = o.detail.empty();
    // Stored or failed only while the topup still waits for its token.
    const bool changed = db::in_transaction(conn, "cannot store the token of topup " + w.topup, [&](pqxx::work& tx) {
      return o.ok ? db::store_token(tx, w.topup, token) : db::fail_token_fetch(tx, w.topup, o.detail);
    });
    if (o.ok) o.token_tail = billing::masked_token(token);
    if (!changed) {
      o.ok = false;
      o.detail = "the topup no longer waits for a token; left as it is";
    }
    rep.outcomes.push_back(std::move(o));
  }
  return rep;
}

DueReport topups_due(pqxx::connection& conn, const std::optional<std::string>& esco, bool dry_run, UtcTime now) {
  db::require_current(conn);
  const auto today = billing::uk_date(now);
  return db::in_transaction(conn, "cannot make the auto top-ups (nothing was written)", [&](pqxx::work& tx) {
    require_known_esco(tx, esco);
    db::lock_wallet_topups(tx);
    DueReport rep;
    for (auto& w : db::wallet_meters(tx, today, esco)) {
      DueRow row{std::move(w), {}, std::nullopt};
      row.decision = billing::decide_due(row.wallet.state);
      if (row.decision.due) row.scheduled_at = billing::next_collection(row.wallet.state.wallet.timing, now);
      rep.rows.push_back(std::move(row));
    }
    std::vector<db::AutoTopup> topups;
    for (const auto& r : rep.rows)
      if (r.decision.due)
        topups.push_back({&r.wallet, r.decision.amount_pence, *r.scheduled_at,
                          "auto top-up (" + std::string(billing::to_string(r.wallet.state.wallet.timing)) + ")"});
    rep.made = dry_run ? 0 : db::store_auto_topups(tx, topups);
    return rep;
  });
}

}  // namespace flows::jobs
