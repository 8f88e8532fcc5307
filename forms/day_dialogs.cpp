#include "forms/day_dialogs.h"

#include <wx/intl.h>

#include <limits>
#include <optional>

#include "common/error.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {

std::string trimmed(wxTextCtrl* t) { return utf8(t->GetValue().Strip(wxString::both)); }

// A reason the journal keeps: typed, not too long (the desk checks its text again).
bool reason_ok(FormDialog& d, wxTextCtrl* field) {
  wxString r = field->GetValue().Strip(wxString::both);
  if (r.empty()) {
    d.set_error(field, _("Type the reason; it goes into the journal."));
    return false;
  }
  if (r.length() > 200) {
    d.set_error(field, _("At most 200 characters."));
    return false;
  }
  return true;
}

// A whole number in [min, max] typed in field; else the error is set.
std::optional<long long> whole_number(FormDialog& d, wxTextCtrl* field, long long min, long long max) {
  long long v = 0;
  wxString text = field->GetValue().Strip(wxString::both);
  if (!text.ToLongLong(&v) || v < min || v > max) {
    d.set_error(field, wxString::Format(_("Type a whole number from %lld to %lld."), min, max));
    return std::nullopt;
  }
  return v;
}

}  // namespace

// ---- CorrectionDialog ---------------------------------------------------------------------

CorrectionDialog::CorrectionDialog(wxWindow* parent, Worker& worker, Correct correct, std::int64_t seq)
    : FormDialog(parent, worker, _("Correction entry"),
                 _("A closed day never changes: the correction is a new entry today, naming the entry it corrects.")),
      correct_(std::move(correct)) {
  seq_ = add_text(_("Entry number"), 0, seq > 0 ? wxString::Format("%lld", static_cast<long long>(seq)) : wxString());
  reason_ = add_text(_("Reason"));
  finish(_("&Write the correction"));
  (seq > 0 ? reason_ : seq_)->SetFocus();
}

FormDialog::Task CorrectionDialog::check() {
  auto seq = whole_number(*this, seq_, 1, std::numeric_limits<std::int64_t>::max());
  if (!seq) return {};
  if (!reason_ok(*this, reason_)) return {};
  return [c = correct_, s = std::int64_t(*seq), reason = trimmed(reason_), out = written_] { *out = c(s, reason); };
}

wxWindow* CorrectionDialog::field_for(const Failure& f) {
  return f.code == codes::invalid_text ? reason_ : seq_;
}

}  // namespace certdesk::forms
