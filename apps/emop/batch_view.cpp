#include "batch_view.hpp"

#include <cstdlib>
#include <iostream>

#include <unistd.h>

namespace flows::emop_app {

cli::Colours colours_of(const GlobalOptions& options) { return cli::colours_for(cli::parse_colour_mode(options.color)); }

BatchView::BatchView(const GlobalOptions& options, std::string label, std::string noun)
    : line_(std::cerr, cli::progress_wanted(options.quiet, isatty(STDERR_FILENO) == 1, std::getenv("TERM")),
            std::move(label), std::move(noun)),
      quiet_(options.quiet) {}

void BatchView::stream(Printer printer, std::vector<std::string> order) {
  printer_ = std::move(printer);
  order_ = std::move(order);
}

void BatchView::print(const std::function<void()>& print) {
  line_.clear();
  print();
  std::cout.flush();
  line_.refresh();
}

void BatchView::finished(const jobs::MeterOutcome& outcome) {
  if (!printer_) {
    line_.add(outcome.ok);
    return;
  }
  line_.clear();
  if (order_.empty()) printer_(outcome);
  else {
    held_.emplace(outcome.serial, outcome);
    release_in_order();
  }
  std::cout.flush();
  line_.add(outcome.ok);
}

void BatchView::release_in_order() {
  while (next_ < order_.size()) {
    auto it = held_.find(order_[next_]);
    if (it == held_.end()) return;
    printer_(it->second);
    held_.erase(it);
    ++next_;
  }
}

}  // namespace flows::emop_app
