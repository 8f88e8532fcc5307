#pragma once
// What the supervisor's hall review window (forms/hall_review_window.h) needs
// (issue 12.5): every counter of the branch for one business day, read from the
// hall's PostgreSQL on the window's worker. No wx, no libpq here (STYLE habit 3);
// app/gui_hall_review.cpp implements it over the desk (desk::hall_review).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "forms/review_model.h"

namespace certdesk::forms {

struct HallCounterLine {
  std::string counter;         // workstation code
  std::int64_t entries = 0, exceptions = 0, amount_fen = 0;
  bool late = false;           // has not shipped for more than the late-counter setting
};

// One business day of the hall as the window shows it (all text translated, times branch-local).
struct HallDayView {
  std::string branch, business_day;
  // Late counters first (a row each, seq 0), then the exceptions, then the rest by time.
  std::vector<ReviewRowView> rows;
  // Each row's full record for the double click: (label, value) pairs.
  std::vector<std::vector<std::pair<std::string, std::string>>> records;
  std::vector<HallCounterLine> counters;            // per counter of the day, and late ones
  std::int64_t entries = 0, exceptions = 0, amount_fen = 0;   // every counter of the day
  std::vector<std::string> late;                    // the late counters' codes
  int late_minutes = 15;
  bool truncated = false;                           // more entries passed the filter than are shown
  std::vector<std::string> counter_choices, tellers, flows;   // the filters' choices for the day
};

class HallReviewModel {
 public:
  virtual ~HallReviewModel() = default;
  // UI thread: the business days offered, today (branch-local) first.
  virtual std::vector<std::string> days() = 0;
  // Worker thread only: the day from the hall with the filter (counter, teller, flow,
  // outcome; organisation is not used). Talks to the server and may block up to the
  // connection's timeout. Throws certdesk::Error (6001 when the hall cannot be reached).
  virtual HallDayView load(const std::string& business_day, const ReviewFilter& filter) = 0;
};

}  // namespace certdesk::forms
