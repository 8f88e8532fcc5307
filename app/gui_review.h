#pragma once
// The supervisor's review window's model (forms/review_model.h) over the desk:
// reads through its own read-only connection; verify and close are desk calls.

#include <memory>

#include "desk/desk.h"
#include "forms/review_model.h"
#include "workflows/staff.h"

namespace certdesk::app {

// An entry as a review row, its times branch-local (the local and the hall review's models).
forms::ReviewRowView review_row(const workflows::CounterConfig& config, const db::JournalEntry& e, unsigned flags);
// A UTC time ("2026-12-01T01:02:03Z") as branch-local text ("2026-12-01 09:02:03"); unparsable stays as it is.
std::string local_time(const workflows::CounterConfig& config, const std::string& utc);

// Throws AuthError unless `who` may review days (workflows::DayReview), DbError
// when the database cannot be opened for reading. ctx must outlive the model.
std::unique_ptr<forms::ReviewModel> make_review_model(desk::AppContext& ctx, const workflows::Actor& who);

}  // namespace certdesk::app
