#pragma once
// Runs one meter operation over many meters concurrently on one event loop, with
// bounded concurrency, one conversation per meter, and one outcome per meter.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "transport/asio.hpp"
#include <nlohmann/json.hpp>

#include "core/exit_codes.hpp"
#include "emop/object_table.hpp"
#include "meter/meter.hpp"
#include "transport/transport.hpp"

namespace flows::jobs {

using transport::MeterTarget;

struct CommandResult {
  nlohmann::json value;  // for --json
  std::string text;      // for the `command=value` line(s)
};

struct MeterOutcome {
  std::string serial;
  bool ok = false;
  CommandResult result;
  ExitCode code = ExitCode::ok;  // when !ok
  std::string error;             // one line, when !ok
};

using MeterJob = std::function<Task<CommandResult>(meter::Meter&, const MeterTarget&)>;

// Told how a batch goes, on the batch's own thread: its size as it starts, each
// meter's outcome as that meter's conversation ends (in completion order), and a
// tick now and then while meters are still being talked to. For progress lines
// and streamed output; a batch runs the same without one.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  virtual void started(std::size_t meters) { (void)meters; }
  virtual void finished(const MeterOutcome& outcome) { (void)outcome; }
  virtual void tick() {}
};

struct BatchOptions {
  int concurrency = 1024;  // at most; fitted to the descriptors free (fit_concurrency)
  transport::TransportFactory transport;  // how to reach each meter (required)
  BatchObserver* observer = nullptr;      // not owned; may be null
  std::chrono::milliseconds tick_every{250};
};

// How many meters may be talked to at once: each conversation holds a socket, and
// the process keeps `reserve` descriptors for itself (the database, logs, the event
// loop). Never more than requested, never fewer than 1. Pure.
int fit_concurrency(int requested, long descriptor_limit, long descriptors_open, long reserve = 32);

// The soft RLIMIT_NOFILE and the number of descriptors open now.
struct Descriptors {
  long limit = 0;
  long open = 0;
};
Descriptors descriptors_now();

// Outcomes in the order of `targets`. Never throws for a meter's failure; those
// are outcomes.
std::vector<MeterOutcome> run_batch(const std::vector<MeterTarget>& targets, const emop::ObjectTable& objects,
                                    const BatchOptions& options, const MeterJob& job);

// Where a batch's meters are, and the ones it cannot place before it starts (not in
// the inventory or the database, no address): each of those is its own failure.
struct Placement {
  std::vector<MeterTarget> targets;
  std::vector<MeterOutcome> unplaced;
  void fail(const std::string& serial, ExitCode code, const std::string& error);
};

// The batch's outcomes and the unplaced meters' together, in the order of SERIALS.
std::vector<MeterOutcome> in_order(const std::vector<std::string>& serials, std::vector<MeterOutcome> ran,
                                   std::vector<MeterOutcome> unplaced);

// 0 when all succeeded; the shared status when all failed alike; 7 (partial) otherwise.
ExitCode batch_status(const std::vector<MeterOutcome>& outcomes);

}  // namespace flows::jobs
