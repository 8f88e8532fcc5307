#include "forms/token_panel.h"

#include <wx/intl.h>
#include <wx/sizer.h>

#include "forms/ui.h"

namespace certdesk::forms {

namespace {
// "CN=北京示例科技有限公司 (91110108MA01C8D24U)" from an RFC 2253 subject line.
std::string short_subject(const std::string& subject) {
  std::string cn, serial;
  std::size_t start = 0;
  while (start <= subject.size()) {
    std::size_t end = subject.find(',', start);
    if (end == std::string::npos) end = subject.size();
    std::string part = subject.substr(start, end - start);
    if (part.rfind("CN=", 0) == 0) cn = part.substr(3);
    if (part.rfind("serialNumber=", 0) == 0) serial = part.substr(13);
    start = end + 1;
  }
  if (cn.empty()) return subject;
  return serial.empty() ? cn : cn + " (" + serial + ")";
}

bool same(const TokenRow& a, const TokenRow& b) {
  const auto& x = a.token;
  const auto& y = b.token;
  return x.serial == y.serial && x.label == y.label && x.vendor == y.vendor && x.initialized == y.initialized &&
         x.user_pin_initialized == y.user_pin_initialized && x.pin_count_low == y.pin_count_low &&
         x.pin_final_try == y.pin_final_try && x.pin_locked == y.pin_locked && a.record_state == b.record_state &&
         a.cert_serial == b.cert_serial && a.days_left == b.days_left && a.in_renewal_window == b.in_renewal_window &&
         a.expired == b.expired;
}
}  // namespace

TokenPanel::TokenPanel(wxWindow* parent) : wxPanel(parent) {
  auto* s = new wxBoxSizer(wxVERTICAL);
  auto* h = new wxStaticText(this, wxID_ANY, _("Inserted tokens"));
  h->SetFont(h->GetFont().Bold());
  s->Add(h, 0, wxALL, 4);
  // Three whole rows under the header in the window's CJK face (a fixed 104 px
  // showed 2½), and columns wide enough for a CJK label and "365 天（可更新）".
  const int row = GetCharHeight() + FromDIP(6);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(-1, row * 4 + FromDIP(8)), wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Serial"), wxLIST_FORMAT_LEFT, 110);
  list_->AppendColumn(_("Vendor"), wxLIST_FORMAT_LEFT, 90);
  list_->AppendColumn(_("Label"), wxLIST_FORMAT_LEFT, 200);
  list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 80);
  list_->AppendColumn(_("PIN"), wxLIST_FORMAT_LEFT, 130);
  list_->AppendColumn(_("Certificate"), wxLIST_FORMAT_LEFT, 330);
  list_->AppendColumn(_("Days left"), wxLIST_FORMAT_RIGHT, 140);
  s->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 4);
  status_ = new wxStaticText(this, wxID_ANY, _("Looking for tokens…"));
  s->Add(status_, 0, wxALL, 4);
  SetSizer(s);
}

wxString TokenPanel::pin_state(const workflows::TokenView& t) {
  if (!t.initialized) return _("uninitialised");
  if (!t.user_pin_initialized) return _("blank, no PIN");
  if (t.pin_locked) return _("locked (0 tries left)");
  if (t.pin_final_try) return _("final try (1 left)");
  if (t.pin_count_low) return _("PIN ok, tries low");
  return _("PIN ok");
}

void TokenPanel::show_tokens(const std::vector<TokenRow>& rows) {
  bool unchanged = shown_once_ && rows.size() == rows_.size() &&
                   std::equal(rows.begin(), rows.end(), rows_.begin(), same);
  shown_once_ = true;
  status_->SetLabel(rows.empty() ? wxString(_("No customer token is inserted."))
                                 : wxString::Format(wxPLURAL("%zu token inserted.", "%zu tokens inserted.", rows.size()), rows.size()));
  if (unchanged) return;
  rows_ = rows;
  list_->Freeze();
  list_->DeleteAllItems();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const TokenRow& r = rows_[i];
    long item = list_->InsertItem(long(i), wx(r.token.serial));
    list_->SetItem(item, 1, wx(r.token.vendor));
    list_->SetItem(item, 2, wx(r.token.label));
    list_->SetItem(item, 3, r.record_state.empty() ? wxString("-") : wxGetTranslation(wx(r.record_state), wxString(), "state"));
    list_->SetItem(item, 4, pin_state(r.token));
    list_->SetItem(item, 5, r.cert_serial.empty() ? wxString(_("no certificate")) : wx(short_subject(r.cert_subject)));
    wxString days;
    if (!r.cert_serial.empty()) {
      if (r.expired)
        days = wxString::Format(_("expired %d days ago"), -r.days_left);
      else
        days = wxString::Format(_("%d days"), r.days_left);
      if (r.in_renewal_window) days += _(" (renew)");
    }
    list_->SetItem(item, 6, days);
    if (r.expired)
      list_->SetItemBackgroundColour(item, wxColour(0xff, 0xcd, 0xd2));
    else if (r.in_renewal_window)
      list_->SetItemBackgroundColour(item, wxColour(0xff, 0xf1, 0x76));
    else if (r.token.pin_locked)
      list_->SetItemBackgroundColour(item, wxColour(0xff, 0xe0, 0xb2));
  }
  list_->Thaw();
}

void TokenPanel::show_failure_text(const wxString& text) { status_->SetLabel(text); }

}  // namespace certdesk::forms
