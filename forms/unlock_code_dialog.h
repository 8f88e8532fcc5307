#pragma once
// Remote unlock (在线解锁, issue 14 point 3; SPEC §2): a supervisor issues an
// authorisation code bound to one token serial — shown once, with its expiry in
// the branch's local time, and never again (only its hash is kept); a teller
// redeems it with the customer's token inserted, the customer typing the new PIN
// twice. Refusals show next to the fields and change nothing.

#include <wx/button.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "forms/counter_tasks.h"
#include "forms/model.h"
#include "forms/worker.h"

namespace certdesk::forms {

// A supervisor issues a code.
class IssueCodeDialog : public wxDialog {
 public:
  IssueCodeDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor supervisor);
  ~IssueCodeDialog() override;
  wxTextCtrl* serial_field() const { return serial_; }
  wxSpinCtrl* hours_field() const { return hours_; }
  wxButton* issue_button() const { return issue_; }
  wxTextCtrl* code_field() const { return code_; }        // read-only; empty until issued
  wxStaticText* message_label() const { return message_; }

 private:
  void issue();
  CounterModel& model_;
  Worker& worker_;
  workflows::Actor supervisor_;
  bool busy_ = false;
  wxTextCtrl* serial_;
  wxSpinCtrl* hours_;
  wxButton* issue_;
  wxTextCtrl* code_;
  wxStaticText* message_;
};

// A teller redeems a code on the inserted token.
class RedeemCodeDialog : public wxDialog {
 public:
  RedeemCodeDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller,
                   const std::vector<std::string>& inserted_serials);
  ~RedeemCodeDialog() override;
  wxComboBox* serial_field() const { return serial_; }
  wxTextCtrl* code_field() const { return code_; }
  wxButton* redeem_button() const { return redeem_; }
  wxStaticText* message_label() const { return message_; }

 private:
  void redeem();
  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  bool busy_ = false;
  wxComboBox* serial_;
  wxTextCtrl* code_;
  wxButton* redeem_;
  wxStaticText* message_;
};

// The two tasks, modal. UI thread. inserted_serials: the tokens the panel shows now.
void show_issue_unlock_code_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& supervisor);
void show_redeem_unlock_code_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& teller,
                                    const std::vector<std::string>& inserted_serials);

}  // namespace certdesk::forms
