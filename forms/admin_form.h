#pragma once
// Two dialog shapes the admin's and the supervisor's windows share:
//  - FormDialog: labelled fields, each with its own error line under it; OK
//    checks them (bad input: a message next to the field, nothing runs), then
//    runs the task on the worker and closes on success, or shows the refusal
//    next to the field it concerns (else under the fields) and stays open.
//  - ListEditDialog: a list of items and one value field for the selected item
//    with its error line and a Save button (the fee schedule, the settings).
// Both work shown modeless (the window stays usable) or modal.

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/secret.h"
#include "forms/worker.h"

namespace certdesk::forms {

// The text of a password field as a Secret; the field is overwritten and cleared.
Secret take_secret(wxTextCtrl* field);

class FormDialog;
// The shortest staff password StaffService accepts (it checks again).
inline constexpr std::size_t kMinStaffPassword = 8;
// Both password fields filled alike and at least min_len long: the secret, both
// fields cleared. Else the error is set next to the field concerned and nothing is returned.
std::shared_ptr<Secret> two_passwords(FormDialog& d, wxTextCtrl* first, wxTextCtrl* again, std::size_t min_len,
                                      const wxString& too_short);

// Runs a task that returns nothing on the worker; then done() or
// failed(failure) on the UI thread, only while owner exists.
template <class Done, class Failed>
void run_task(Worker& worker, wxWindow* owner, std::function<void()> task, Done done, Failed failed) {
  worker.run<bool>(
      owner,
      [task = std::move(task)] {
        task();
        return true;
      },
      [done = std::move(done)](bool) mutable { done(); }, std::move(failed));
}

class FormDialog : public wxDialog {
 public:
  // A task for the worker: runs there, may throw certdesk::Error.
  using Task = std::function<void()>;

  FormDialog(wxWindow* parent, Worker& worker, const wxString& title, const wxString& intro = wxString());

  wxTextCtrl* add_text(const wxString& label, long style = 0, const wxString& value = wxString());
  wxChoice* add_choice(const wxString& label, const wxArrayString& items);
  // Adds the buttons and lays the dialog out; call after the last field.
  void finish(const wxString& ok_label);

  void set_error(wxWindow* field, const wxString& message);   // nullptr: the line under the fields
  wxString error_of(wxWindow* field) const;                    // nullptr: the line under the fields
  void clear_errors();

  // The OK button: check(), then the task on the worker; success → on_success
  // and the dialog closes; a failure → its message next to field_for(failure).
  void submit();
  bool busy() const { return busy_; }
  wxButton* ok_button() const { return ok_; }
  // Called on the UI thread after the task succeeded, before the dialog closes.
  std::function<void()> on_success;
  // False: the dialog stays open after a success (it shows the result itself).
  void close_on_success(bool close) { close_on_success_ = close; }

 protected:
  // UI thread: checks the fields (setting errors); returns the task, or an empty one to stay.
  virtual Task check() = 0;
  // The field a refusal concerns (nullptr: under the fields).
  virtual wxWindow* field_for(const Failure&) { return nullptr; }

 private:
  void close_after_success();
  Worker& worker_;
  wxBoxSizer* top_;
  wxFlexGridSizer* grid_;
  wxStaticText* general_;
  wxButton* ok_ = nullptr;
  std::map<wxWindow*, wxStaticText*> errors_;
  bool busy_ = false;
  bool close_on_success_ = true;
};

class ListEditDialog : public wxDialog {
 public:
  ListEditDialog(wxWindow* parent, Worker& worker, const wxString& title, const wxArrayString& columns,
                 const wxString& value_label);

  // Reloads the list from the worker.
  void reload();
  // Selects the row whose first column is key and puts its value in the field.
  bool select(const std::string& key);
  // Saves the field for the selected row: checks it (a message next to the field),
  // then saves on the worker; the list reloads on success.
  void save();

  wxListCtrl* list() const { return list_; }
  wxTextCtrl* value_field() const { return value_; }
  wxStaticText* value_error() const { return error_; }
  wxStaticText* status() const { return status_; }
  wxButton* save_button() const { return save_; }
  bool busy() const { return busy_; }
  // Saves completed since the dialog opened (tests wait on it).
  int saves() const { return saves_; }

 protected:
  struct Row {
    std::string key;
    std::vector<wxString> cells;   // one per column, the first is the key as shown
    wxString value;                // what the field shows for it
    bool editable = true;
  };
  // Worker thread: the rows.
  virtual std::function<std::vector<Row>()> loader() = 0;
  // UI thread: checks the typed value; returns the saving task, or sets the error and returns empty.
  virtual std::function<void()> saver(const std::string& key, const wxString& value, wxString* error) = 0;
  Worker& worker_;

 private:
  void show_rows(std::vector<Row> rows);
  void selected(long row);
  void set_busy(bool b);
  wxListCtrl* list_;
  wxTextCtrl* value_;
  wxStaticText* error_;
  wxStaticText* status_;
  wxButton* save_;
  std::vector<Row> rows_;
  std::string key_;
  bool busy_ = false;
  int saves_ = 0;
};

}  // namespace certdesk::forms
