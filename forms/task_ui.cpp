#include "forms/task_ui.h"

#include <wx/intl.h>

namespace certdesk::forms {

wxStaticText* add_message_line(wxWindow* parent, wxSizer* s, int lines, int width) {
  auto* t = new wxStaticText(parent, wxID_ANY, wxEmptyString);
  t->SetMinSize(wxSize(width, lines * t->GetCharHeight() + 4));
  t->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
  s->Add(t, 0, wxEXPAND | wxALL, 10);
  return t;
}

void say(wxStaticText* label, const wxString& text, bool good) {
  label->SetForegroundColour(good ? wxColour(0x1b, 0x6e, 0x20) : wxColour(0xb0, 0x00, 0x20));
  label->SetLabel(text);
  label->Wrap(label->GetMinSize().GetWidth() > 0 ? label->GetMinSize().GetWidth() : 520);
  if (wxWindow* top = wxGetTopLevelParent(label)) top->Layout();
}

wxButton* finish_task_dialog(wxDialog* dialog, wxSizer* s, const wxString& action) {
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  auto* act = new wxButton(dialog, wxID_ANY, action);
  b->Add(act);
  b->AddStretchSpacer();
  b->Add(new wxButton(dialog, wxID_CANCEL, _("Close")));
  s->Add(b, 0, wxEXPAND | wxALL, 10);
  dialog->SetSizerAndFit(s);
  dialog->CentreOnParent();
  return act;
}

}  // namespace certdesk::forms
