#pragma once
// The document checklist of each flow (SPEC §2, §3) and the review of what the
// teller ticked: numbers validated, names checked, missing items named. The
// window calls the same functions as the teller types.

#include <string>
#include <string_view>
#include <vector>

#include "workflows/request.h"
#include "workflows/validators.h"

namespace certdesk::workflows {

struct ChecklistItem {
  std::string item;        // "application_form", "org_code_copy", "handler_id_copy", "token"
  const char* label;       // msgid in context "document" (tr_ctx), e.g. "The locked token"
  bool mandatory;
  bool needs_stamp;        // copies must carry the company seal (加盖公章)
};

// What must be on the counter for this flow (and reissue reason).
std::vector<ChecklistItem> checklist(Flow flow, std::string_view reason = "");

// Text limits of the fields a teller types.
inline constexpr std::size_t kMaxOrganisationName = 100;
inline constexpr std::size_t kMaxPersonName = 40;
inline constexpr std::size_t kMaxReason = 200;

struct DocumentProblem {
  std::string item;        // checklist item, or "uscc" / "id_number" / "business_type" / …
  std::string message;     // what is wrong, for the teller
  bool overridable;        // a supervisor may accept it with a written reason
};

struct DocumentReview {
  // Normalised values, ready to store.
  std::string organisation_name;
  std::string uscc;
  std::string handler_name;
  std::string handler_id_number;
  std::string notes;                      // e.g. "15-digit ID number upgraded …"
  std::vector<DocumentProblem> problems;  // empty when everything is in order
};

// Reviews the request against the flow's checklist. today: "YYYY-MM-DD" (for
// birth dates). Throws InputError for text that can never be accepted
// (control characters, over-long, empty names); everything else is a problem
// in the review, so the window can show them all at once.
DocumentReview review_documents(const ServiceRequest& r, std::string_view today);

// Throws InputError(missing_document / invalid_uscc / invalid_id_number …) with
// every problem that has no override reason in the request; returns the
// problems that do (each needs a supervisor's approval).
std::vector<DocumentProblem> problems_needing_approval(const ServiceRequest& r, const DocumentReview& review);

}  // namespace certdesk::workflows
