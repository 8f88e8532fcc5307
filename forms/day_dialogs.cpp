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

// ---- VoidReceiptDialog ---------------------------------------------------------------

VoidReceiptDialog::VoidReceiptDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks)
    : FormDialog(parent, worker, _("Void a receipt"),
                 _("The voided receipt keeps its number and stays visible in the day's review.")),
      tasks_(std::move(tasks)) {
  receipt_ = add_text(_("Receipt number"));
  reason_ = add_text(_("Reason"));
  finish(_("&Void"));
  receipt_->SetFocus();
}

FormDialog::Task VoidReceiptDialog::check() {
  std::string no = trimmed(receipt_);
  if (no.empty()) {
    set_error(receipt_, _("Type the receipt number (e.g. BJ01-2026-000123)."));
    return {};
  }
  if (!reason_ok(*this, reason_)) return {};
  return [t = tasks_, no, reason = trimmed(reason_), out = archived_] { *out = t->void_receipt(no, reason); };
}

wxWindow* VoidReceiptDialog::field_for(const Failure& f) {
  return f.code == codes::invalid_text ? reason_ : receipt_;
}

// ---- ReprintReceiptDialog --------------------------------------------------------------

ReprintReceiptDialog::ReprintReceiptDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks)
    : FormDialog(parent, worker, _("Reprint a receipt"), _("A reprint is marked 重印 and archived as PDF.")),
      tasks_(std::move(tasks)) {
  receipt_ = add_text(_("Receipt number"));
  finish(_("&Reprint"));
  receipt_->SetFocus();
}

FormDialog::Task ReprintReceiptDialog::check() {
  std::string no = trimmed(receipt_);
  if (no.empty()) {
    set_error(receipt_, _("Type the receipt number (e.g. BJ01-2026-000123)."));
    return {};
  }
  return [t = tasks_, no, out = archived_] { *out = t->reprint_receipt(no); };
}

// ---- SupervisorCodeDialog ----------------------------------------------------------------------

SupervisorCodeDialog::SupervisorCodeDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks)
    : FormDialog(parent, worker, _("Issue an authorisation code"),
                 _("Once the customer's form and stamped copies are checked, the code lets a teller unlock\nthat one token without the customer's visit. It works once and expires.")),
      tasks_(std::move(tasks)) {
  serial_ = add_text(_("Token serial"));
  hours_ = add_text(_("Valid for (hours)"), 0, "24");
  finish(_("&Issue"));
  code_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  code_->SetFont(code_->GetFont().Bold().Larger());
  GetSizer()->Insert(GetSizer()->GetItemCount() - 1, code_, 0, wxLEFT | wxRIGHT, 12);
  Fit();
  close_on_success(false);
  on_success = [this] {
    code_->SetLabel(wxString::Format(_("Code %s for token %s, valid until %s (local time). It is shown only now."),
                                     wx(issued_->code), wx(issued_->token_serial), wx(issued_->expires_local)));
    ok_button()->Enable(false);
    Fit();
  };
  serial_->SetFocus();
}

FormDialog::Task SupervisorCodeDialog::check() {
  std::string serial = trimmed(serial_);
  if (serial.empty()) {
    set_error(serial_, _("Type the token's serial (printed on the key)."));
    return {};
  }
  auto hours = whole_number(*this, hours_, 1, 24 * 7);
  if (!hours) return {};
  return [t = tasks_, serial, h = int(*hours), out = issued_] { *out = t->issue_code(serial, h); };
}

wxWindow* SupervisorCodeDialog::field_for(const Failure& f) {
  return f.code == codes::bad_request ? hours_ : serial_;
}

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
