#pragma once
// What the counter-task dialogs (receipts, token reports, authorisation codes)
// share: the message line under their fields, said in red or green, and the
// row of the action button and 关闭 that ends them.

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace certdesk::forms {

// A message line `lines` high (so the dialog does not jump when it speaks), added to s.
wxStaticText* add_message_line(wxWindow* parent, wxSizer* s, int lines = 2, int width = 520);
// Says text under the fields: red for a refusal or bad input, green for what was done.
void say(wxStaticText* label, const wxString& text, bool good);
// Adds the action button and Close (wxID_CANCEL) at the bottom, fits and centres
// the dialog; returns the action button.
wxButton* finish_task_dialog(wxDialog* dialog, wxSizer* s, const wxString& action);

}  // namespace certdesk::forms
