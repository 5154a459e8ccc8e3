#pragma once
// Reading profile log 1 over a window of the meter's clock, one answer at a
// time, as three_phase_intervals does: pure, no meter.
#include <optional>
#include <vector>

#include "core/emop_time.hpp"
#include "emop/records.hpp"

namespace flows::jobs {

struct WindowPage {
  std::vector<emop::ProfileLog1Record> in_window;  // the answer's records in [asked, to), in order
  std::optional<MeterTime> next;                   // what to ask for next; nullopt: the window is done
};

// One answer to a request for `asked`. Records before `asked` or at or after
// `to` are left out. The next request is half an hour after the answer's last
// record; an empty answer, or one that does not move past `asked`, ends the
// window (the log holds nothing newer), as does reaching `to`.
WindowPage window_page(const std::vector<emop::ProfileLog1Record>& answer, MeterTime asked, MeterTime to);

}  // namespace flows::jobs
