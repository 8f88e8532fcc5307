#include "forms/ui.h"

#include <wx/intl.h>
#include <wx/msgdlg.h>

#include <algorithm>

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

void fit_columns(wxListCtrl* list, int stretch, const std::vector<wxString>& samples) {
  constexpr int kPad = 20;   // the cell's margins and the header's sort-arrow room
  const int columns = list->GetColumnCount();
  std::vector<int> need(std::size_t(std::max(columns, 0)), 0);
  for (int c = 0; c < columns; ++c) {
    wxListItem col;
    col.SetMask(wxLIST_MASK_TEXT);
    if (list->GetColumn(c, col)) need[c] = list->GetTextExtent(col.GetText()).x;
    if (std::size_t(c) < samples.size() && !samples[c].empty())
      need[c] = std::max(need[c], list->GetTextExtent(samples[c]).x);
    for (long row = 0; row < list->GetItemCount(); ++row)
      need[c] = std::max(need[c], list->GetTextExtent(list->GetItemText(row, c)).x);
  }
  int used = 0;
  for (int c = 0; c < columns; ++c) {
    if (c == stretch) continue;
    list->SetColumnWidth(c, need[c] + kPad);
    used += need[c] + kPad;
  }
  if (stretch >= 0 && stretch < columns)
    list->SetColumnWidth(stretch, std::max(need[stretch] + kPad, list->GetClientSize().x - used));
  list->Refresh();   // the header too: GTK's generic list repaints only its rows otherwise
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
