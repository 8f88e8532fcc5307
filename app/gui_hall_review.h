#pragma once
// The supervisor's hall review window's model (forms/hall_review_model.h) over the
// desk (desk::hall_review, issue 12.5): every counter of the branch for a day, the
// late counters first. load() runs on the window's worker and talks to the hall.

#include <memory>

#include "desk/context.h"
#include "forms/hall_review_model.h"
#include "workflows/staff.h"

namespace certdesk::app {

// Throws AuthError unless `who` may review days. ctx must outlive the model; load()
// uses ctx's database on the worker thread only.
std::shared_ptr<forms::HallReviewModel> make_hall_review_model(desk::AppContext& ctx, const workflows::Actor& who);

}  // namespace certdesk::app
