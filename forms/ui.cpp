#include "forms/ui.h"

#include <wx/intl.h>
#include <wx/msgdlg.h>

namespace certdesk::forms {

void use_cjk_font(wxWindow* top, int point_size) {
  wxFont f(wxFontInfo(point_size).FaceName(kCjkFace));
  if (f.IsOk()) top->SetFont(f);
}

wxString describe(const Failure& f) {
  wxString text = wx(f.message);
  if (text.empty()) text = _("An unexpected error occurred.");
  if (!f.code.empty()) text += wxString::Format(" [%s]", wx(f.code));
  return text;
}

void show_failure(wxWindow* parent, const Failure& f, const wxString& title) {
  try {
    wxString caption = title.empty() ? wxString(_("Cannot continue")) : title;
    int icon = f.kind == ErrorKind::input || f.kind == ErrorKind::rule ? wxICON_WARNING : wxICON_ERROR;
    wxMessageDialog dlg(parent, describe(f), caption, wxOK | icon);
    dlg.ShowModal();
  } catch (...) {
    // Presenting an error must never become a second error.
  }
}

}  // namespace certdesk::forms
