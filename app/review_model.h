#pragma once
// The review window's model over the app's wiring (forms/review_model.h).

#include <memory>

#include "app/context.h"
#include "forms/review_model.h"
#include "workflows/staff.h"

namespace certdesk::app {

// Throws AuthError unless `who` may review days (workflows::DayReview), DbError
// when the database cannot be opened for reading. ctx must outlive the model.
std::unique_ptr<forms::ReviewModel> make_review_model(AppContext& ctx, const workflows::Actor& who);

}  // namespace certdesk::app
