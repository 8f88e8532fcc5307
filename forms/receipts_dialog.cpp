#include "forms/receipts_dialog.h"

#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/print.h>
#include <wx/sizer.h>
#include <wx/statbox.h>

#include <memory>

#include "workflows/fees.h"
#include "forms/printer_dialog.h"
#include "forms/printout.h"
#include "forms/task_ui.h"
#include "forms/ui.h"

namespace certdesk::forms {

ReceiptsDialog::ReceiptsDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor who)
    : wxDialog(parent, wxID_ANY, _("Receipts"), wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      model_(model), worker_(worker), who_(std::move(who)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  auto* find = new wxBoxSizer(wxHORIZONTAL);
  find->Add(new wxStaticText(this, wxID_ANY, _("Receipt number, customer name or USCC")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  search_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(300, -1), wxTE_PROCESS_ENTER);
  find->Add(search_, 1, wxRIGHT, 8);
  auto* go = new wxButton(this, wxID_ANY, _("&Find"));
  find->Add(go);
  s->Add(find, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
  search_error_ = add_message_line(this, s, 1, 860);

  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(860, 200), wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Receipt"), wxLIST_FORMAT_LEFT, 190);
  list_->AppendColumn(_("Payer"), wxLIST_FORMAT_LEFT, 230);
  list_->AppendColumn(_("Amount (yuan)"), wxLIST_FORMAT_RIGHT, 100);
  list_->AppendColumn(_("Status"), wxLIST_FORMAT_LEFT, 80);
  list_->AppendColumn(_("Printed"), wxLIST_FORMAT_RIGHT, 60);
  list_->AppendColumn(_("Issued"), wxLIST_FORMAT_LEFT, 160);
  fit_receipt_columns();
  s->Add(list_, 1, wxEXPAND | wxALL, 10);
  details_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  s->Add(details_, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);

  auto* actions = new wxBoxSizer(wxHORIZONTAL);
  preview_ = new wxButton(this, wxID_ANY, _("&Show"));
  reprint_ = new wxButton(this, wxID_ANY, _("&Reprint…"));
  actions->Add(preview_, 0, wxRIGHT, 8);
  actions->Add(reprint_, 0, wxRIGHT, 8);
  s->Add(actions, 0, wxALL, 10);

  auto* box = new wxStaticBoxSizer(wxVERTICAL, this, _("Void the receipt (it keeps its number)"));
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->AddGrowableCol(1);
  grid->Add(new wxStaticText(box->GetStaticBox(), wxID_ANY, _("Reason")), 0, wxALIGN_CENTER_VERTICAL);
  reason_ = new wxTextCtrl(box->GetStaticBox(), wxID_ANY);
  grid->Add(reason_, 1, wxEXPAND);
  if (who_.role != workflows::Role::supervisor) {
    // A teller asks a supervisor, who types their own name and password here.
    grid->Add(new wxStaticText(box->GetStaticBox(), wxID_ANY, _("Approving supervisor")), 0, wxALIGN_CENTER_VERTICAL);
    supervisor_ = new wxTextCtrl(box->GetStaticBox(), wxID_ANY);
    grid->Add(supervisor_, 1, wxEXPAND);
    grid->Add(new wxStaticText(box->GetStaticBox(), wxID_ANY, _("Supervisor's password")), 0, wxALIGN_CENTER_VERTICAL);
    password_ = new wxTextCtrl(box->GetStaticBox(), wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxTE_PASSWORD);
    grid->Add(password_, 1, wxEXPAND);
  }
  box->Add(grid, 0, wxEXPAND | wxALL, 6);
  void_error_ = add_message_line(box->GetStaticBox(), box, 2, 600);
  void_ = new wxButton(box->GetStaticBox(), wxID_ANY, _("&Void"));
  box->Add(void_, 0, wxALL, 6);
  s->Add(box, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);

  auto* close = new wxButton(this, wxID_CANCEL, _("Close"));
  s->Add(close, 0, wxALIGN_RIGHT | wxALL, 10);
  SetSizerAndFit(s);
  CentreOnParent();

  go->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { search(search_->GetValue()); });
  search_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { search(search_->GetValue()); });
  list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { select_changed(); });
  list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent&) { preview(); });
  preview_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { preview(); });
  reprint_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { reprint(); });
  void_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { void_selected(); });
  select_changed();
  search_->SetFocus();
}

void ReceiptsDialog::search(const wxString& text) {
  const std::string t = utf8(text.Strip(wxString::both));
  if (t.empty()) {
    say(search_error_, _("Type a receipt number, or part of the customer's name or USCC."), false);
    search_->SetFocus();
    return;
  }
  CounterTasks* tasks = model_.tasks();
  if (!tasks || busy_) return;
  busy_ = true;
  last_search_ = t;
  say(search_error_, wxEmptyString, false);
  worker_.run<std::vector<ReceiptRow>>(
      this, [tasks, t] { return tasks->find_receipts(t); },
      [this](std::vector<ReceiptRow> rows) {
        busy_ = false;
        rows_ = std::move(rows);
        if (rows_.empty()) say(search_error_, wxString::Format(_("No receipt found for \"%s\"."), wx(last_search_)), false);
        show_rows();
      },
      [this](const Failure& f) {
        busy_ = false;
        say(search_error_, describe(f), false);
      });
}

void ReceiptsDialog::fit_receipt_columns() {
  // Room for a workstation series number and a local time before any row is in (issue 14.7).
  fit_columns(list_, 1, {"BJ01-W01-2026-000001", wxString(), "99999.00", wxString(), wxString(), "2026-12-31 23:59"});
}

void ReceiptsDialog::show_rows() {
  list_->DeleteAllItems();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const auto& r = rows_[i];
    long item = list_->InsertItem(long(i), wx(r.receipt_no));
    list_->SetItem(item, 1, wx(r.payer));
    list_->SetItem(item, 2, wx(workflows::yuan(r.amount_fen)));
    list_->SetItem(item, 3, r.voided ? _("void") : _("valid"));
    list_->SetItem(item, 4, wxString::Format("%lld", static_cast<long long>(r.print_count)));
    list_->SetItem(item, 5, wx(r.issued_at));
  }
  fit_receipt_columns();
  if (!rows_.empty()) list_->SetItemState(0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
  select_changed();
}

const ReceiptRow* ReceiptsDialog::selected() const {
  long sel = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  return sel >= 0 && std::size_t(sel) < rows_.size() ? &rows_[std::size_t(sel)] : nullptr;
}

void ReceiptsDialog::select_changed() {
  const ReceiptRow* r = selected();
  preview_->Enable(r != nullptr);
  reprint_->Enable(r != nullptr);
  void_->Enable(r != nullptr && !r->voided && workflows::role_allows(who_.role, workflows::Permission::run_order));
  if (!r) {
    details_->SetLabel(wxEmptyString);
    return;
  }
  wxString d = wxString::Format(_("%s — %s, %s yuan (%s), teller %s, order %lld."), wx(r->receipt_no), wx(r->item),
                                wx(workflows::yuan(r->amount_fen)), wx(r->method), wx(r->teller),
                                static_cast<long long>(r->order_id));
  if (r->voided) d += "\n" + wxString::Format(_("Void: %s"), wx(r->void_reason));
  details_->SetLabel(d);
  details_->Wrap(860);
  Layout();
}

void ReceiptsDialog::preview() {
  const ReceiptRow* r = selected();
  if (!r || busy_) return;
  busy_ = true;
  worker_.run<std::shared_ptr<printing::DocumentLayout>>(
      this,
      [this, no = r->receipt_no] {
        printing::ReceiptData data = model_.receipt(no);   // shown as it would print now (重印 after the first)
        return std::make_shared<printing::DocumentLayout>(printing::layout_receipt(data, model_.paper()));
      },
      [this](std::shared_ptr<printing::DocumentLayout> layout) {
        busy_ = false;
        // No printout for printing: no printer icon; reprints go through 重印… (journaled).
        auto* pv = new wxPrintPreview(new DocumentPrintout(*layout), nullptr);
        if (!pv->IsOk()) {
          delete pv;
          wxMessageBox(_("The print preview could not be opened."), _("Print"), wxOK | wxICON_ERROR, this);
          return;
        }
        auto* frame = new wxPreviewFrame(pv, this, wx(layout->title()), wxDefaultPosition, FromDIP(wxSize(800, 900)));
        frame->Initialize();
        frame->Show();
      },
      [this](const Failure& f) {
        busy_ = false;
        show_failure(this, f);
      });
}

void ReceiptsDialog::reprint() {
  const ReceiptRow* r = selected();
  if (!r || busy_) return;
  busy_ = true;
  print_papers(this, model_, worker_, who_, {{true, r->receipt_no, r->order_id}}, [this](const std::vector<PaperPrint>& prints) {
    busy_ = false;
    details_->SetLabel(prints.empty() ? _("Nothing was printed.") : summarise(prints));
    details_->Wrap(860);
    if (!last_search_.empty()) search(wx(last_search_));   // the print count changed
    Layout();
  });
}

void ReceiptsDialog::void_selected() {
  const ReceiptRow* r = selected();
  if (!r || busy_) return;
  CounterTasks* tasks = model_.tasks();
  if (!tasks) return;
  const std::string reason = utf8(reason_->GetValue().Strip(wxString::both));
  if (reason.empty()) {
    say(void_error_, _("Give the reason for the void."), false);
    reason_->SetFocus();
    return;
  }
  std::optional<workflows::ApprovalCredentials> approval;
  if (supervisor_) {
    const std::string name = utf8(supervisor_->GetValue().Strip(wxString::both));
    if (name.empty() || password_->GetValue().empty()) {
      say(void_error_, _("A supervisor approves a void: their name and password."), false);
      (name.empty() ? supervisor_ : password_)->SetFocus();
      return;
    }
    approval = workflows::ApprovalCredentials{name, Secret(utf8(password_->GetValue()))};
    password_->ChangeValue(wxEmptyString);
  }
  // The reason and the supervisor's password are the confirmation: no further question.
  busy_ = true;
  auto given = std::make_shared<std::optional<workflows::ApprovalCredentials>>(std::move(approval));
  worker_.run<std::filesystem::path>(
      this,
      [tasks, who = who_, no = r->receipt_no, reason, given] { return tasks->void_receipt(who, std::move(*given), no, reason); },
      [this, no = r->receipt_no](std::filesystem::path pdf) {
        busy_ = false;
        reason_->ChangeValue(wxEmptyString);
        say(void_error_, wxString::Format(_("Receipt %s is void. Archived copy: %s"), wx(no), wx(pdf.string())), true);
        search(wx(last_search_));
      },
      [this](const Failure& f) {
        busy_ = false;
        say(void_error_, describe(f), false);   // nothing changed
      });
}

void show_receipts_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who) {
  ReceiptsDialog dlg(parent, model, worker, who);
  dlg.ShowModal();
}

}  // namespace certdesk::forms
