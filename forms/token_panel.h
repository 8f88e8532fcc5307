#pragma once
// The live token panel: every inserted customer token with its vendor, label,
// PIN state, certificate and days until expiry; rows inside the renewal window
// or expired are highlighted. The window feeds it the worker's polls.

#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/stattext.h>

#include <vector>

#include "forms/model.h"

namespace certdesk::forms {

class TokenPanel : public wxPanel {
 public:
  explicit TokenPanel(wxWindow* parent);
  // Replaces the rows (kept when nothing changed, so selection and scrolling stay).
  void show_tokens(const std::vector<TokenRow>& rows);
  void show_failure_text(const wxString& text);
  wxListCtrl* list() const { return list_; }
  const std::vector<TokenRow>& rows() const { return rows_; }

  // "PIN ok", "PIN locked", "final try" … for a token (translated).
  static wxString pin_state(const workflows::TokenView& t);

 private:
  wxListCtrl* list_;
  wxStaticText* status_;
  std::vector<TokenRow> rows_;
  bool shown_once_ = false;
};

}  // namespace certdesk::forms
