#include "workflows/documents.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::workflows {

std::vector<ChecklistItem> checklist(Flow flow, std::string_view reason) {
  const ChecklistItem form{"application_form", tr_noop_ctx("document", "Application form, business type ticked (stamped)"), true, true};
  const ChecklistItem org{"org_code_copy", tr_noop_ctx("document", "Organisation code / business licence copy (stamped)"), true, true};
  const ChecklistItem id{"handler_id_copy", tr_noop_ctx("document", "Handler's ID card copy (stamped)"), true, true};
  switch (flow) {
    case Flow::issue:
      return {form, org, id};
    case Flow::reissue:
      if (reason == "lost") return {form, org};
      return {form, org, {"token", tr_noop_ctx("document", "The damaged token, if available"), false, false}};
    case Flow::unlock:
      return {form, org, id, {"token", tr_noop_ctx("document", "The locked token"), true, false}};
    case Flow::update:
      return {form, org, id, {"token", tr_noop_ctx("document", "The token to update"), true, false}};
    case Flow::replace:
      return {form, org, id, {"token", tr_noop_ctx("document", "The old token, if available"), false, false}};
    case Flow::cancel:
      return {form, org, id};
  }
  return {};
}

DocumentReview review_documents(const ServiceRequest& r, std::string_view today) {
  DocumentReview out;
  out.organisation_name = text::checked(tr("organisation name"), r.organisation_name, kMaxOrganisationName);
  out.handler_name = text::checked(tr("handler name"), r.handler_name, kMaxPersonName);
  auto add = [&](std::string item, std::string message, bool overridable) {
    out.problems.push_back({std::move(item), std::move(message), overridable});
  };

  CheckResult uscc = check_organisation_number(r.uscc);
  out.uscc = uscc.normalised;
  if (!uscc.ok)
    // Some codes registered before 2016 fail the check although they are real (SPEC §3).
    add("uscc", fmt::format(fmt::runtime(tr("Organisation number {}: {}")), uscc.normalised, uscc.problem),
        uscc.normalised.size() == 18);

  CheckResult id = check_id_number(r.handler_id_number, today);
  out.handler_id_number = id.normalised;
  if (!id.ok) add("id_number", fmt::format(fmt::runtime(tr("Handler ID number: {}")), id.problem), false);
  if (!id.note.empty()) out.notes = id.note;

  for (const auto& c : checklist(r.flow, r.reason)) {
    auto it = r.documents.find(c.item);
    const DocumentTick tick = it == r.documents.end() ? DocumentTick{} : it->second;
    if (!tick.present) {
      if (c.mandatory) add(c.item, fmt::format(fmt::runtime(tr("Missing: {}.")), tr_ctx("document", c.label)), true);
      continue;
    }
    if (c.needs_stamp && !tick.stamped)
      add(c.item, fmt::format(fmt::runtime(tr("Not stamped with the company seal: {}.")), tr_ctx("document", c.label)), true);
    if (c.item == "application_form" && tick.business_type != to_string(r.flow))
      add("business_type",
          fmt::format(fmt::runtime(tr("The application form asks for '{}' but this order is '{}' ({}); the customer must tick the right business type.")),
                      tick.business_type.empty() ? tr("nothing") : tick.business_type, to_string(r.flow),
                      business_type_label(r.flow)),
          false);
  }
  return out;
}

std::vector<DocumentProblem> problems_needing_approval(const ServiceRequest& r, const DocumentReview& review) {
  std::vector<DocumentProblem> approvable;
  std::string refused;
  std::string first_code;
  for (const auto& p : review.problems) {
    std::string reason = p.item == "uscc" ? r.uscc_override_reason : [&] {
      auto it = r.document_overrides.find(p.item);
      return it == r.document_overrides.end() ? std::string() : it->second;
    }();
    if (p.overridable && !text::trim(reason).empty()) {
      text::checked(tr("override reason"), reason, kMaxReason);
      approvable.push_back(p);
      continue;
    }
    if (first_code.empty())
      first_code = p.item == "uscc" ? codes::invalid_uscc : p.item == "id_number" ? codes::invalid_id_number : codes::missing_document;
    if (!refused.empty()) refused += "\n";
    refused += p.message;
  }
  if (!refused.empty()) throw InputError(first_code, refused);
  return approvable;
}

}  // namespace certdesk::workflows
