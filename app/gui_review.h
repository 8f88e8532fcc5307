#pragma once
// The supervisor's review window's model (forms/review_model.h) over the desk:
// reads through its own read-only connection; verify and close are desk calls.

#include <memory>

#include "desk/desk.h"
#include "forms/review_model.h"
#include "workflows/staff.h"

namespace certdesk::app {

// Throws AuthError unless `who` may review days (workflows::DayReview), DbError
// when the database cannot be opened for reading. ctx must outlive the model.
std::unique_ptr<forms::ReviewModel> make_review_model(desk::AppContext& ctx, const workflows::Actor& who);

}  // namespace certdesk::app
