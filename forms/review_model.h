#pragma once
// What the supervisor's review window (forms/review_window.h) needs, as an
// interface the window owns (STYLE habit 3): no SQLite, no wx here. The app
// implements it over workflows::DayReview / DayClose (app/review_model.cpp);
// tests may script it.
//
// Threads: days(), open_day(), row_count(), row(), summary(), order_history()
// are called on the UI thread and read through the model's own read-only
// connection; verify_journal() and close_day() are called on the window's
// worker thread and use their own; so do export_csv(), export_pdf() and
// correct_entry(). Every call may throw certdesk::Error.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.h"

namespace certdesk::forms {

struct ReviewFilter {
  std::string teller;          // "" = everyone
  std::string flow;            // "" = every flow
  std::string organisation;    // "" = every organisation
  std::string counter;         // "" = every counter (workstation)
  enum class Outcome { any, ok, failed } outcome = Outcome::any;
};

// One row as the list shows it (already text; times branch-local).
struct ReviewRowView {
  std::int64_t seq = 0;
  std::string counter;         // the workstation code (the hall review shows it)
  std::string time;            // "2026-11-22 12:04:48"
  std::string exceptions;      // "失败、作废" or ""
  std::string staff;
  std::string action;
  std::string flow;
  std::optional<std::int64_t> order_id;
  std::string organisation;
  std::string amount;          // "50.00" or ""
  std::string receipt_no;
  std::string outcome;
  std::string details;
};

struct ReviewTotalLine {
  std::string group;           // "flow" | "teller" | "method"
  std::string label;           // 证书初次办理, teller1, 现金 …
  std::int64_t count = 0;      // orders (flow), receipts (teller, method)
  std::int64_t amount_fen = 0;
};

struct ReviewSummaryView {
  std::string business_day;
  std::int64_t entries = 0;
  std::int64_t fee_total_fen = 0;
  std::int64_t receipts_issued = 0, receipts_voided = 0;
  std::int64_t failures = 0, overrides = 0, waivers = 0, voids = 0, unlocks = 0, unfinished = 0;
  std::vector<ReviewTotalLine> totals;
  std::vector<std::string> tellers, flows, organisations;   // choices for the filters
  std::vector<std::string> counters;                        // the workstations with entries that day
  bool closed = false;
  std::string closed_by, closed_at, signer;                   // when closed
};

struct JournalCheckView {
  bool ok = false;
  std::int64_t checked = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string message;
};

// The rows a review list shows (forms::ReviewList), whatever their source: this
// counter's day (ReviewModel) or the hall's (hall_review_model.h). UI thread.
class ReviewRows {
 public:
  virtual ~ReviewRows() = default;
  virtual std::size_t row_count() const = 0;
  // Row i (an empty row past the end).
  virtual ReviewRowView row(std::size_t i) = 0;
};

class ReviewModel : public ReviewRows {
 public:
  // Business days with entries, newest first; today first when it has none yet.
  virtual std::vector<std::string> days() = 0;
  // Loads the day's rows passing the filter (exceptions first) and its summary.
  virtual void open_day(const std::string& business_day, const ReviewFilter& filter) = 0;
  // row_count(), row(i): the open day's rows (entries are read a page at a time and a few pages kept).
  virtual const ReviewSummaryView& summary() const = 0;
  // Every entry of the order, across days.
  virtual std::vector<ReviewRowView> order_history(std::int64_t order_id) = 0;
  // Worker thread: the whole chain; progress(done, total) now and then.
  virtual JournalCheckView verify_journal(const std::function<void(std::int64_t, std::int64_t)>& progress) = 0;
  // True when the person signs with their own token (the window asks its PIN).
  virtual bool close_needs_pin() = 0;
  // Worker thread: closes the day (signed) and archives the PDF report; returns a
  // sentence naming the totals and the signer. ask_pin is called (on the worker)
  // when the person's own token needs its PIN; nullopt = cancelled.
  virtual std::string close_day(const std::string& business_day, const std::function<std::optional<Secret>()>& ask_pin) = 0;
  // Worker thread: the day's entries as CSV (UTF-8 with BOM); returns the rows written.
  virtual std::int64_t export_csv(const std::string& business_day, const std::string& path) = 0;
  // Worker thread: the daily report as an A4 PDF.
  virtual void export_pdf(const std::string& business_day, const std::string& path) = 0;
  // Worker thread: a correction entry referring to entry seq; returns the new entry's number.
  virtual std::int64_t correct_entry(std::int64_t seq, const std::string& reason) = 0;
};

}  // namespace certdesk::forms
