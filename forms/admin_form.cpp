#include "forms/admin_form.h"

#include <wx/intl.h>

#include "forms/ui.h"

namespace certdesk::forms {

namespace {

wxStaticText* error_line(wxWindow* parent) {
  auto* e = new wxStaticText(parent, wxID_ANY, wxEmptyString);
  e->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
  return e;
}

// Closing (the button, Esc, the title bar) waits while the task runs on the
// worker; then a modal dialog ends with wxID_CANCEL and a modeless one goes.
void close_unless_busy(wxDialog* d, std::function<bool()> busy) {
  d->Bind(wxEVT_CLOSE_WINDOW, [d, busy = std::move(busy)](wxCloseEvent& e) {
    if (busy() && e.CanVeto()) {
      e.Veto();
      return;
    }
    if (d->IsModal())
      d->EndModal(wxID_CANCEL);
    else
      d->Destroy();
  });
}

}  // namespace

Secret take_secret(wxTextCtrl* field) {
  wxString v = field->GetValue();
  Secret s(std::string(v.utf8_str()));
  // Overwrite before clearing: the best a GTK entry allows.
  field->ChangeValue(wxString('*', v.length()));
  field->ChangeValue(wxEmptyString);
  for (auto it = v.begin(); it != v.end(); ++it) *it = '\0';
  return s;
}

std::shared_ptr<Secret> two_passwords(FormDialog& d, wxTextCtrl* first, wxTextCtrl* again, std::size_t min_len,
                                      const wxString& too_short) {
  if (first->GetValue().length() < min_len) {
    d.set_error(first, too_short);
    return nullptr;
  }
  if (first->GetValue() != again->GetValue()) {
    d.set_error(again, _("The two entries differ; type the same twice."));
    return nullptr;
  }
  take_secret(again);
  return std::make_shared<Secret>(take_secret(first));
}

// ---- FormDialog --------------------------------------------------------------------

FormDialog::FormDialog(wxWindow* parent, Worker& worker, const wxString& title, const wxString& intro)
    : wxDialog(parent, wxID_ANY, title, wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      worker_(worker) {
  use_cjk_font(this);
  top_ = new wxBoxSizer(wxVERTICAL);
  if (!intro.empty()) top_->Add(new wxStaticText(this, wxID_ANY, intro), 0, wxALL, 12);
  grid_ = new wxFlexGridSizer(2, 4, 8);
  grid_->AddGrowableCol(1);
  top_->Add(grid_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 12);
  general_ = error_line(this);
  top_->Add(general_, 0, wxEXPAND | wxALL, 12);
}

wxTextCtrl* FormDialog::add_text(const wxString& label, long style, const wxString& value) {
  auto* t = new wxTextCtrl(this, wxID_ANY, value, wxDefaultPosition, wxSize(300, -1), style | wxTE_PROCESS_ENTER);
  grid_->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
  grid_->Add(t, 1, wxEXPAND);
  grid_->AddSpacer(0);
  auto* e = error_line(this);
  grid_->Add(e, 1, wxEXPAND);
  errors_[t] = e;
  t->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { submit(); });
  t->Bind(wxEVT_TEXT, [this, t](wxCommandEvent& ev) {
    set_error(t, wxString());
    ev.Skip();
  });
  return t;
}

wxChoice* FormDialog::add_choice(const wxString& label, const wxArrayString& items) {
  auto* c = new wxChoice(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, items);
  if (!items.empty()) c->SetSelection(0);
  grid_->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
  grid_->Add(c, 1, wxEXPAND);
  grid_->AddSpacer(0);
  auto* e = error_line(this);
  grid_->Add(e, 1, wxEXPAND);
  errors_[c] = e;
  return c;
}

void FormDialog::finish(const wxString& ok_label) {
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  b->AddStretchSpacer();
  ok_ = new wxButton(this, wxID_ANY, ok_label);
  auto* cancel = new wxButton(this, wxID_CANCEL, _("Cancel"));
  b->Add(ok_, 0, wxRIGHT, 8);
  b->Add(cancel);
  top_->Add(b, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
  SetSizerAndFit(top_);
  SetMinSize(wxSize(560, -1));
  Fit();
  CentreOnParent();
  ok_->SetDefault();
  ok_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { submit(); });
  cancel->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  close_unless_busy(this, [this] { return busy_; });
  // Shown modeless, the sizes Fit() saw before GTK realised the entries were too
  // small (buttons 4 px high at 1280×800, issue 14.7): fit again once on screen.
  Bind(wxEVT_SHOW, [this](wxShowEvent& e) {
    e.Skip();
    if (e.IsShown()) CallAfter([this] {
        Layout();
        Fit();
      });
  });
}

void FormDialog::set_error(wxWindow* field, const wxString& message) {
  wxStaticText* line = general_;
  if (field) {
    auto it = errors_.find(field);
    if (it != errors_.end()) line = it->second;
  }
  if (line->GetLabel() == message) return;
  line->SetLabel(message);
  line->Wrap(480);
  Layout();
  Fit();
}

wxString FormDialog::error_of(wxWindow* field) const {
  if (!field) return general_->GetLabel();
  auto it = errors_.find(field);
  return it == errors_.end() ? wxString() : it->second->GetLabel();
}

void FormDialog::clear_errors() {
  for (auto& [field, line] : errors_) line->SetLabel(wxString());
  general_->SetLabel(wxString());
}

void FormDialog::submit() {
  if (busy_) return;
  clear_errors();
  Task task = check();
  if (!task) return;
  busy_ = true;
  if (ok_) ok_->Enable(false);
  set_error(nullptr, _("Working…"));
  run_task(
      worker_, this, task,
      [this] {
        busy_ = false;
        set_error(nullptr, wxString());
        if (on_success) on_success();
        if (close_on_success_) close_after_success();
      },
      [this](const Failure& f) {
        busy_ = false;
        if (ok_) ok_->Enable(true);
        set_error(nullptr, wxString());
        set_error(field_for(f), describe(f));
      });
}

void FormDialog::close_after_success() {
  if (IsModal())
    EndModal(wxID_OK);
  else
    Destroy();
}

// ---- ListEditDialog -----------------------------------------------------------------

ListEditDialog::ListEditDialog(wxWindow* parent, Worker& worker, const wxString& title, const wxArrayString& columns,
                               const wxString& value_label)
    : wxDialog(parent, wxID_ANY, title, wxDefaultPosition, wxSize(760, 560), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      worker_(worker) {
  use_cjk_font(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(720, 320), wxLC_REPORT | wxLC_SINGLE_SEL);
  int widths[] = {200, 300, 180, 120};
  for (std::size_t i = 0; i < columns.size(); ++i)
    list_->AppendColumn(columns[i], i + 1 == columns.size() && i > 0 ? wxLIST_FORMAT_RIGHT : wxLIST_FORMAT_LEFT,
                        widths[std::min<std::size_t>(i, 3)]);
  top->Add(list_, 1, wxEXPAND | wxALL, 12);
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  row->Add(new wxStaticText(this, wxID_ANY, value_label), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  value_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(320, -1), wxTE_PROCESS_ENTER);
  row->Add(value_, 1, wxRIGHT, 8);
  save_ = new wxButton(this, wxID_ANY, _("&Save"));
  row->Add(save_, 0);
  top->Add(row, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
  error_ = error_line(this);
  top->Add(error_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 12);
  status_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  top->Add(status_, 0, wxEXPAND | wxALL, 12);
  auto* close = new wxButton(this, wxID_CANCEL, _("Close"));
  top->Add(close, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, 12);
  SetSizer(top);
  CentreOnParent();

  list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) { selected(e.GetIndex()); });
  save_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save(); });
  value_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { save(); });
  value_->Bind(wxEVT_TEXT, [this](wxCommandEvent& e) {
    error_->SetLabel(wxString());
    e.Skip();
  });
  close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  close_unless_busy(this, [this] { return busy_; });
}

void ListEditDialog::set_busy(bool b) {
  busy_ = b;
  save_->Enable(!b);
}

void ListEditDialog::reload() {
  set_busy(true);
  worker_.run<std::vector<Row>>(
      this, loader(),
      [this](std::vector<Row> rows) {
        set_busy(false);
        show_rows(std::move(rows));
      },
      [this](const Failure& f) {
        set_busy(false);
        status_->SetLabel(describe(f));
      });
}

void ListEditDialog::show_rows(std::vector<Row> rows) {
  std::string keep = key_;
  rows_ = std::move(rows);
  list_->DeleteAllItems();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    long item = list_->InsertItem(long(i), rows_[i].cells.empty() ? wxString() : rows_[i].cells[0]);
    for (std::size_t c = 1; c < rows_[i].cells.size(); ++c) list_->SetItem(item, long(c), rows_[i].cells[c]);
    if (!rows_[i].editable) list_->SetItemTextColour(item, wxColour(120, 120, 120));
  }
  fit_columns(list_, list_->GetColumnCount() - 1);   // every text whole; the last column takes the rest (issue 14.7)
  if (!keep.empty()) select(keep);
}

bool ListEditDialog::select(const std::string& key) {
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].key == key) {
      list_->SetItemState(long(i), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
      list_->EnsureVisible(long(i));
      selected(long(i));
      return true;
    }
  return false;
}

void ListEditDialog::selected(long row) {
  if (row < 0 || std::size_t(row) >= rows_.size()) return;
  key_ = rows_[std::size_t(row)].key;
  value_->ChangeValue(rows_[std::size_t(row)].value);
  value_->Enable(rows_[std::size_t(row)].editable);
  error_->SetLabel(rows_[std::size_t(row)].editable ? wxString() : _("This one is fixed when the data folder is created."));
}

void ListEditDialog::save() {
  if (busy_) return;
  error_->SetLabel(wxString());
  if (key_.empty()) {
    error_->SetLabel(_("Pick a line in the list first."));
    return;
  }
  wxString why;
  auto task = saver(key_, value_->GetValue(), &why);
  if (!task) {
    error_->SetLabel(why);
    Layout();
    return;
  }
  set_busy(true);
  status_->SetLabel(_("Saving…"));
  run_task(
      worker_, this, task,
      [this] {
        set_busy(false);
        ++saves_;
        status_->SetLabel(_("Saved; the change is in the journal."));
        reload();
      },
      [this](const Failure& f) {
        set_busy(false);
        status_->SetLabel(wxString());
        error_->SetLabel(describe(f));
        error_->Wrap(700);
        Layout();
      });
}

}  // namespace certdesk::forms
