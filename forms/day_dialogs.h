#pragma once
// The supervisor's small dialogs beside the day's review (issue 14.2): a
// correction entry with a reason. Bad input gets a message next to its field
// and changes nothing. Receipts and authorisation codes have one dialog each,
// shared with the counter (forms/receipts_dialog.h, forms/unlock_code_dialog.h).

#include <functional>
#include <memory>

#include "forms/admin_form.h"

namespace certdesk::forms {

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
