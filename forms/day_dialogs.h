#pragma once
// The supervisor's small dialogs (issue 14.1–14.2): void a receipt with a
// reason, reprint a receipt, issue an authorisation code (shown once, with its
// expiry in local time), a correction entry with a reason. Bad input gets a
// message next to its field and changes nothing.

#include <functional>
#include <memory>

#include "forms/admin_form.h"
#include "forms/day_tasks.h"

namespace certdesk::forms {

class VoidReceiptDialog : public FormDialog {
 public:
  VoidReceiptDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks);
  wxTextCtrl* receipt_field() const { return receipt_; }
  wxTextCtrl* reason_field() const { return reason_; }
  // The voided copy's path once done.
  const std::string& archived() const { return *archived_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  std::shared_ptr<SupervisorTasks> tasks_;
  wxTextCtrl* receipt_;
  wxTextCtrl* reason_;
  std::shared_ptr<std::string> archived_ = std::make_shared<std::string>();
};

class ReprintReceiptDialog : public FormDialog {
 public:
  ReprintReceiptDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks);
  wxTextCtrl* receipt_field() const { return receipt_; }
  const std::string& archived() const { return *archived_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure&) override { return receipt_; }

 private:
  std::shared_ptr<SupervisorTasks> tasks_;
  wxTextCtrl* receipt_;
  std::shared_ptr<std::string> archived_ = std::make_shared<std::string>();
};

// Stays open after issuing: the code is shown in it once.
class SupervisorCodeDialog : public FormDialog {
 public:
  SupervisorCodeDialog(wxWindow* parent, Worker& worker, std::shared_ptr<SupervisorTasks> tasks);
  wxTextCtrl* serial_field() const { return serial_; }
  wxTextCtrl* hours_field() const { return hours_; }
  wxStaticText* code_label() const { return code_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  std::shared_ptr<SupervisorTasks> tasks_;
  wxTextCtrl* serial_;
  wxTextCtrl* hours_;
  wxStaticText* code_;
  std::shared_ptr<IssuedCodeView> issued_ = std::make_shared<IssuedCodeView>();
};

// A correction entry: which entry it corrects and why. correct(seq, reason)
// runs on the worker (ReviewModel::correct_entry) and returns the new entry's number.
class CorrectionDialog : public FormDialog {
 public:
  using Correct = std::function<std::int64_t(std::int64_t seq, const std::string& reason)>;
  CorrectionDialog(wxWindow* parent, Worker& worker, Correct correct, std::int64_t seq);
  wxTextCtrl* seq_field() const { return seq_; }
  wxTextCtrl* reason_field() const { return reason_; }
  std::int64_t written() const { return *written_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  Correct correct_;
  wxTextCtrl* seq_;
  wxTextCtrl* reason_;
  std::shared_ptr<std::int64_t> written_ = std::make_shared<std::int64_t>(0);
};

}  // namespace certdesk::forms
