#pragma once
// How a batch over meters shows while it runs: a progress line on a terminal's
// stderr (not with --quiet), each meter's result handed to a printer as it ends
// (or, with --keep-order, as soon as the meters named before it have ended), and
// the colours of this run.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cli.hpp"
#include "cli/colour.hpp"
#include "cli/progress.hpp"
#include "jobs/batch.hpp"

namespace flows::emop_app {

// The colours of this run (--color, NO_COLOR, and whether stdout/stderr are terminals).
cli::Colours colours_of(const GlobalOptions& options);

class BatchView : public jobs::BatchObserver {
 public:
  using Printer = std::function<void(const jobs::MeterOutcome&)>;
  // LABEL heads the progress line ("csq", "sync hourly"); NOUN counts its items.
  BatchView(const GlobalOptions& options, std::string label, std::string noun = "meter");

  // Streams each outcome to PRINTER; with `order`, in that order of serials.
  void stream(Printer printer, std::vector<std::string> order = {});
  // Runs PRINT with the progress line erased, then redraws it.
  void print(const std::function<void()>& print);
  // Erases the progress line for good (before a summary).
  void done() { line_.clear(); }
  std::chrono::milliseconds elapsed() const { return line_.elapsed(); }
  bool quiet() const { return quiet_; }

  void started(std::size_t meters) override { line_.start(meters); }
  void finished(const jobs::MeterOutcome& outcome) override;
  void tick() override { line_.refresh(); }

 private:
  void release_in_order();

  cli::ProgressLine line_;
  bool quiet_;
  Printer printer_;
  std::vector<std::string> order_;
  std::size_t next_ = 0;                            // the first serial of order_ not yet printed
  std::map<std::string, jobs::MeterOutcome> held_;  // ended, waiting for those named before them
};

}  // namespace flows::emop_app
