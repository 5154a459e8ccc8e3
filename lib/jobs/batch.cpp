#include "jobs/batch.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>

namespace asio = boost::asio;

namespace flows::jobs {

namespace {

// One meter: its transport, the job, the outcome. Never throws: a factory that
// cannot open a transport is that meter's failure like any other.
asio::awaitable<void> run_one(asio::any_io_executor ex, const MeterTarget& target, const emop::ObjectTable& objects,
                              const BatchOptions& options, const MeterJob& job, MeterOutcome& out) {
  out.serial = target.serial;
  std::unique_ptr<transport::Transport> transport;
  try {
    transport = options.transport(ex, target);
    meter::Meter m(*transport, objects);
    out.result = co_await job(m, target);
    out.ok = true;
  } catch (const Error& e) {
    out.code = e.code();
    out.error = e.what();
  } catch (const std::exception& e) {
    out.code = ExitCode::internal;
    out.error = std::string("internal error: ") + e.what();
  }
  if (transport) transport->close();
}

}  // namespace

int fit_concurrency(int requested, long descriptor_limit, long descriptors_open, long reserve) {
  const long free = descriptor_limit - descriptors_open - reserve;
  return static_cast<int>(std::max(1L, std::min<long>(std::max(1, requested), free)));
}

Descriptors descriptors_now() {
  Descriptors d;
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0)
    d.limit = r.rlim_cur == RLIM_INFINITY ? 1L << 20 : static_cast<long>(r.rlim_cur);
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec))
    ++d.open;
  return d;
}

std::vector<MeterOutcome> run_batch(const std::vector<MeterTarget>& targets, const emop::ObjectTable& objects,
                                    const BatchOptions& options, const MeterJob& job) {
  if (!options.transport) throw std::logic_error("run_batch: no transport factory");
  std::vector<MeterOutcome> outcomes(targets.size());
  asio::io_context io(1);
  std::size_t next = 0;
  BatchObserver* observer = options.observer;
  if (observer) observer->started(targets.size());

  const Descriptors fds = descriptors_now();
  const int fitted = fds.limit > 0 ? fit_concurrency(options.concurrency, fds.limit, fds.open) : std::max(1, options.concurrency);
  std::size_t workers = std::min<std::size_t>(fitted, targets.size());
  asio::steady_timer ticker(io);
  auto worker = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    while (next < targets.size()) {
      const std::size_t i = next++;
      co_await run_one(ex, targets[i], objects, options, job, outcomes[i]);
      if (observer) observer->finished(outcomes[i]);
    }
    if (--workers == 0) ticker.cancel();  // the last worker done: no more ticks
  };
  auto ticks = [&]() -> asio::awaitable<void> {
    while (workers > 0) {
      ticker.expires_after(options.tick_every);
      boost::system::error_code ec;
      co_await ticker.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (workers > 0) observer->tick();
    }
  };
  const std::size_t spawn = workers;
  for (std::size_t w = 0; w < spawn; ++w) asio::co_spawn(io, worker(), asio::detached);
  if (observer && workers > 0) asio::co_spawn(io, ticks(), asio::detached);
  io.run();
  return outcomes;
}

ExitCode batch_status(const std::vector<MeterOutcome>& outcomes) {
  std::vector<ExitCode> codes;
  std::size_t ok = 0;
  for (const auto& o : outcomes) {
    if (o.ok) ++ok;
    else codes.push_back(o.code);
  }
  return batch_exit_code(ok, codes);
}

void Placement::fail(const std::string& serial, ExitCode code, const std::string& error) {
  MeterOutcome o;
  o.serial = serial;
  o.code = code;
  o.error = error;
  unplaced.push_back(std::move(o));
}

std::vector<MeterOutcome> in_order(const std::vector<std::string>& serials, std::vector<MeterOutcome> ran,
                                   std::vector<MeterOutcome> unplaced) {
  std::unordered_map<std::string, MeterOutcome> by_serial;
  for (auto* part : {&ran, &unplaced})
    for (auto& o : *part) by_serial.emplace(o.serial, std::move(o));
  std::vector<MeterOutcome> out;
  out.reserve(by_serial.size());
  for (const auto& s : serials)
    if (auto it = by_serial.find(s); it != by_serial.end()) out.push_back(std::move(it->second));
  return out;
}

}  // namespace flows::jobs
