#include "forms/review_window.h"

#include <wx/clntdata.h>
#include <wx/filedlg.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>

#include "forms/prompts_ui.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {

enum Column { col_seq, col_time, col_exceptions, col_staff, col_action, col_flow, col_order, col_org, col_amount,
              col_receipt, col_outcome, col_details, col_counter };

wxString yuan(std::int64_t fen) { return wxString::Format("%lld.%02lld", static_cast<long long>(fen / 100), static_cast<long long>(fen % 100)); }

// The list's columns: the local review's, or the hall's with the counter after the time.
std::vector<int> columns_of(bool with_counter) {
  std::vector<int> c{col_seq, col_time};
  if (with_counter) c.push_back(col_counter);
  for (int k = col_exceptions; k <= col_details; ++k) c.push_back(k);
  return c;
}

void add_columns(wxListCtrl* l, const std::vector<int>& columns = columns_of(false)) {
  // The columns up to the receipt number fit the list's width beside the totals at
  // 1280×800 (issue 14.7); outcome and details follow. The hall's counter column takes
  // its room from the details.
  for (int c : columns) switch (c) {
      case col_seq: l->AppendColumn(_("Seq"), wxLIST_FORMAT_RIGHT, 56); break;
      case col_time: l->AppendColumn(_("Time"), wxLIST_FORMAT_LEFT, 152); break;
      case col_counter: l->AppendColumn(_("Counter"), wxLIST_FORMAT_LEFT, 48); break;
      case col_exceptions: l->AppendColumn(_("Exception"), wxLIST_FORMAT_LEFT, 56); break;
      case col_staff: l->AppendColumn(_("Staff"), wxLIST_FORMAT_LEFT, 72); break;
      case col_action: l->AppendColumn(_("Action"), wxLIST_FORMAT_LEFT, 110); break;
      case col_flow: l->AppendColumn(_("Flow"), wxLIST_FORMAT_LEFT, 78); break;
      case col_order: l->AppendColumn(_("Order"), wxLIST_FORMAT_RIGHT, 66); break;
      case col_org: l->AppendColumn(_("Organisation"), wxLIST_FORMAT_LEFT, 82); break;
      case col_amount: l->AppendColumn(_("Amount"), wxLIST_FORMAT_RIGHT, 70); break;
      case col_receipt: l->AppendColumn(_("Receipt"), wxLIST_FORMAT_LEFT, 180); break;
      case col_outcome: l->AppendColumn(_("Outcome"), wxLIST_FORMAT_LEFT, 60); break;
      case col_details: l->AppendColumn(_("Details"), wxLIST_FORMAT_LEFT, 205); break;
      default: break;
    }
}

wxString cell(const ReviewRowView& r, long column) {
  switch (column) {
    case col_seq: return r.seq > 0 ? wxString::Format("%lld", static_cast<long long>(r.seq)) : wxString();   // a hall row of a counter
    case col_time: return wx(r.time);
    case col_exceptions: return wx(r.exceptions);
    case col_staff: return wx(r.staff);
    case col_action: return wx(r.action);
    case col_flow: return flow_name(wx(r.flow));
    case col_order: return r.order_id ? wxString::Format("%lld", static_cast<long long>(*r.order_id)) : wxString();
    case col_org: return wx(r.organisation);
    case col_amount: return wx(r.amount);
    case col_receipt: return wx(r.receipt_no);
    case col_outcome: return wx(r.outcome);
    case col_details: return wx(r.details);
    case col_counter: return wx(r.counter);
    default: return {};
  }
}

}  // namespace

wxString flow_name(const wxString& flow) { return flow.empty() ? flow : wxGetTranslation(flow, wxString(), "flow"); }

void refill_choice(wxChoice* c, const std::vector<std::string>& items, const wxString& all,
                   wxString (*label)(const wxString&)) {
  wxString keep = c->GetSelection() > 0 ? c->GetStringSelection() : wxString();
  c->Clear();
  c->Append(all);
  for (const auto& i : items) c->Append(label(wx(i)), new wxStringClientData(wx(i)));
  int at = keep.empty() ? 0 : c->FindString(keep);
  c->SetSelection(at == wxNOT_FOUND ? 0 : at);
}

wxChoice* add_filter(wxWindow* parent, wxSizer* row, const wxString& label) {
  row->Add(new wxStaticText(parent, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
  auto* c = new wxChoice(parent, wxID_ANY);
  row->Add(c, 0, wxRIGHT, 16);
  return c;
}

wxChoice* add_outcome_filter(wxWindow* parent, wxSizer* row) {
  wxChoice* c = add_filter(parent, row, _("Outcome"));
  c->Append(_("all"));
  c->Append(_("succeeded"));
  c->Append(_("failed"));
  c->SetSelection(0);
  return c;
}

std::string chosen(const wxChoice* c) {
  const int i = c->GetSelection();
  if (i <= 0) return {};
  auto* d = static_cast<wxStringClientData*>(c->GetClientObject(static_cast<unsigned>(i)));
  return d ? utf8(d->GetData()) : std::string();
}

// ---- ReviewList ----------------------------------------------------------------

ReviewList::ReviewList(wxWindow* parent, ReviewRows& rows, bool with_counter)
    : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxSize(900, 420), wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL),
      rows_(rows), columns_(columns_of(with_counter)) {
  add_columns(this, columns_);
  exception_attr_.SetBackgroundColour(wxColour(255, 228, 225));
  exception_attr_.SetTextColour(wxColour(160, 0, 0));
}

void ReviewList::reload() {
  SetItemCount(static_cast<long>(rows_.row_count()));
  Refresh();
}

wxString ReviewList::OnGetItemText(long item, long column) const {
  const int field = column >= 0 && static_cast<std::size_t>(column) < columns_.size() ? columns_[column] : -1;
  try {
    return cell(rows_.row(static_cast<std::size_t>(item)), field);
  } catch (...) {
    return field == col_details ? wx(describe_current_exception().message) : wxString();
  }
}

wxListItemAttr* ReviewList::OnGetItemAttr(long item) const {
  try {
    return rows_.row(static_cast<std::size_t>(item)).exceptions.empty() ? nullptr : &exception_attr_;
  } catch (...) {
    return nullptr;
  }
}

// ---- OrderHistoryDialog ------------------------------------------------------------

OrderHistoryDialog::OrderHistoryDialog(wxWindow* parent, std::int64_t order_id, const std::vector<ReviewRowView>& rows)
    : wxDialog(parent, wxID_ANY, wxString::Format(_("Order %lld: its whole history"), static_cast<long long>(order_id)),
               wxDefaultPosition, wxSize(1000, 420), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
  auto* s = new wxBoxSizer(wxVERTICAL);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
  add_columns(list_);
  for (const auto& r : rows) {
    long i = list_->InsertItem(list_->GetItemCount(), cell(r, col_seq));
    for (long c = col_time; c <= col_details; ++c) list_->SetItem(i, c, cell(r, c));
    if (!r.exceptions.empty()) list_->SetItemBackgroundColour(i, wxColour(255, 228, 225));
  }
  s->Add(list_, 1, wxEXPAND | wxALL, 8);
  s->Add(CreateStdDialogButtonSizer(wxOK), 0, wxEXPAND | wxALL, 8);
  SetSizer(s);
}

// ---- ReviewWindow ------------------------------------------------------------------

ReviewWindow::ReviewWindow(ReviewModel& model, Worker& worker, const wxString& who)
    : wxFrame(nullptr, wxID_ANY, wxString::Format(_("certdesk - the day's review - supervisor %s"), who), wxDefaultPosition,
              wxSize(1260, 780)),
      model_(model), worker_(worker), progress_timer_(this) {
  use_cjk_font(this);   // before the children, so their sizes fit the face
  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);

  // Row 1: the day and the supervisor's actions; row 2: the filters.
  auto* bar = new wxBoxSizer(wxHORIZONTAL);
  bar->Add(new wxStaticText(panel, wxID_ANY, _("Business day")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
  day_ = new wxChoice(panel, wxID_ANY);
  bar->Add(day_, 0, wxRIGHT, 12);
  bar->AddStretchSpacer();
  verify_ = new wxButton(panel, wxID_ANY, _("&Verify journal"));
  close_ = new wxButton(panel, wxID_ANY, _("&Close day..."));
  export_csv_ = new wxButton(panel, wxID_ANY, _("Export CS&V..."));
  export_pdf_ = new wxButton(panel, wxID_ANY, _("Export &PDF..."));
  correct_ = new wxButton(panel, wxID_ANY, _("Co&rrection..."));
  bar->Add(export_csv_, 0, wxRIGHT, 6);
  bar->Add(export_pdf_, 0, wxRIGHT, 6);
  bar->Add(correct_, 0, wxRIGHT, 18);
  bar->Add(verify_, 0, wxRIGHT, 6);
  bar->Add(close_, 0);
  top->Add(bar, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 8);

  auto* filters = new wxBoxSizer(wxHORIZONTAL);
  teller_ = add_filter(panel, filters, _("Teller"));
  flow_ = add_filter(panel, filters, _("Flow"));
  outcome_ = add_outcome_filter(panel, filters);
  filters->Add(new wxStaticText(panel, wxID_ANY, _("Organisation")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
  organisation_ = new wxComboBox(panel, wxID_ANY, wxString(), wxDefaultPosition, wxSize(240, -1), 0, nullptr,
                                 wxTE_PROCESS_ENTER);
  filters->Add(organisation_, 0, wxRIGHT, 16);
  counter_ = add_filter(panel, filters, _("Counter"));
  top->Add(filters, 0, wxEXPAND | wxALL, 8);

  summary_ = new wxStaticText(panel, wxID_ANY, wxString());
  top->Add(summary_, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

  auto* middle = new wxBoxSizer(wxHORIZONTAL);
  list_ = new ReviewList(panel, model_);
  middle->Add(list_, 1, wxEXPAND | wxRIGHT, 8);
  totals_ = new wxListCtrl(panel, wxID_ANY, wxDefaultPosition, wxSize(302, -1), wxLC_REPORT | wxLC_SINGLE_SEL);
  totals_->AppendColumn(_("Totals"), wxLIST_FORMAT_LEFT, 160);
  totals_->AppendColumn(_("Count"), wxLIST_FORMAT_RIGHT, 55);
  totals_->AppendColumn(_("Amount"), wxLIST_FORMAT_RIGHT, 85);
  middle->Add(totals_, 0, wxEXPAND);
  top->Add(middle, 1, wxEXPAND | wxALL, 8);

  auto* foot = new wxBoxSizer(wxHORIZONTAL);
  gauge_ = new wxGauge(panel, wxID_ANY, 1000, wxDefaultPosition, wxSize(260, -1));
  status_ = new wxStaticText(panel, wxID_ANY, _("Double-click an entry to see its order's whole history."));
  foot->Add(gauge_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  foot->Add(status_, 1, wxALIGN_CENTER_VERTICAL);
  top->Add(foot, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
  panel->SetSizer(top);

  try {
    for (const auto& d : model_.days()) day_->Append(wx(d));
    if (day_->GetCount()) day_->SetSelection(0);
  } catch (...) {
    show_failure(this, describe_current_exception());
  }

  auto reopen = [this](wxCommandEvent&) { open_selected_day(); };
  day_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    teller_->SetSelection(0);
    flow_->SetSelection(0);
    counter_->SetSelection(0);
    organisation_->SetValue(wxString());
    open_selected_day();
  });
  teller_->Bind(wxEVT_CHOICE, reopen);
  flow_->Bind(wxEVT_CHOICE, reopen);
  outcome_->Bind(wxEVT_CHOICE, reopen);
  counter_->Bind(wxEVT_CHOICE, reopen);
  organisation_->Bind(wxEVT_COMBOBOX, reopen);
  organisation_->Bind(wxEVT_TEXT_ENTER, reopen);
  list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& e) { open_history(e.GetIndex()); });
  verify_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { verify_journal(); });
  close_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { close_day(); });
  export_csv_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { export_day(false); });
  export_pdf_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { export_day(true); });
  correct_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { open_correction(); });
  Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
    std::int64_t total = progress_->total.load(), done = progress_->done.load();
    if (total > 0) gauge_->SetValue(static_cast<int>(std::min<std::int64_t>(1000, done * 1000 / total)));
  });
  Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
    // A verify, close or export holds the model on the worker: wait for it.
    if (busy_ && e.CanVeto()) {
      status_->SetLabel(_("Wait until the running task finishes, then close the window."));
      e.Veto();
      return;
    }
    Destroy();
  });
  open_selected_day();
}

ReviewWindow::ReviewWindow(std::shared_ptr<ReviewModel> model, Worker& worker, const wxString& who)
    : ReviewWindow(*model, worker, who) {
  shared_ = std::move(model);
}

ReviewWindow::~ReviewWindow() { progress_timer_.Stop(); }

bool ReviewWindow::select_day(const std::string& day) {
  int at = day_->FindString(wx(day));
  if (at == wxNOT_FOUND) return false;
  day_->SetSelection(at);
  open_selected_day();
  return true;
}

std::string ReviewWindow::selected_day() const {
  int i = day_->GetSelection();
  return i == wxNOT_FOUND ? std::string() : utf8(day_->GetString(static_cast<unsigned>(i)));
}

void ReviewWindow::open_selected_day() {
  std::string day = selected_day();
  if (day.empty()) return;
  ReviewFilter f;
  f.teller = chosen(teller_);
  f.flow = chosen(flow_);
  f.counter = chosen(counter_);
  f.organisation = utf8(organisation_->GetValue().Trim().Trim(false));
  f.outcome = static_cast<ReviewFilter::Outcome>(std::max(0, outcome_->GetSelection()));
  try {
    wxBusyCursor wait;
    model_.open_day(day, f);
  } catch (...) {
    show_failure(this, describe_current_exception());
    return;
  }
  fill_filters();
  list_->reload();
  show_summary();
}

void ReviewWindow::fill_filters() {
  const ReviewSummaryView& s = model_.summary();
  refill_choice(teller_, s.tellers, _("everyone"), [](const wxString& name) { return name; });
  refill_choice(flow_, s.flows, _("every flow"), flow_name);
  refill_choice(counter_, s.counters, _("every counter"), [](const wxString& name) { return name; });
  wxString org = organisation_->GetValue();
  organisation_->Clear();
  for (const auto& o : s.organisations) organisation_->Append(wx(o));
  organisation_->ChangeValue(org);
}

void ReviewWindow::show_summary() {
  const ReviewSummaryView& s = model_.summary();
  wxString text = wxString::Format(_("%s: %lld entries, %lld shown (exceptions first). Fees %s yuan from %lld receipts (%lld voided)."),
                                   wx(s.business_day), static_cast<long long>(s.entries), static_cast<long long>(model_.row_count()),
                                   yuan(s.fee_total_fen), static_cast<long long>(s.receipts_issued),
                                   static_cast<long long>(s.receipts_voided));
  text += "\n" + wxString::Format(_("Exceptions: %lld failures, %lld overrides, %lld waivers, %lld voids, %lld unlocks, %lld unfinished orders."),
                                  static_cast<long long>(s.failures), static_cast<long long>(s.overrides),
                                  static_cast<long long>(s.waivers), static_cast<long long>(s.voids),
                                  static_cast<long long>(s.unlocks), static_cast<long long>(s.unfinished));
  if (s.closed)
    text += "\n" + wxString::Format(_("Closed by %s at %s, signed with the %s key."), wx(s.closed_by), wx(s.closed_at),
                                    wxGetTranslation(wx(s.signer)));
  else
    text += "\n" + wxString(_("Not closed yet."));
  summary_->SetLabel(text);
  close_->Enable(!s.closed && !busy_);
  totals_->DeleteAllItems();
  std::string group;
  for (const auto& t : s.totals) {
    if (t.group != group) {
      group = t.group;
      wxString title = group == "flow" ? _("By flow") : group == "teller" ? _("By teller") : _("By payment method");
      long h = totals_->InsertItem(totals_->GetItemCount(), title);
      totals_->SetItemFont(h, totals_->GetFont().Bold());
    }
    long i = totals_->InsertItem(totals_->GetItemCount(), "  " + wx(t.label));
    totals_->SetItem(i, 1, wxString::Format("%lld", static_cast<long long>(t.count)));
    totals_->SetItem(i, 2, yuan(t.amount_fen));
  }
  long i = totals_->InsertItem(totals_->GetItemCount(), _("Fee total"));
  totals_->SetItem(i, 2, yuan(s.fee_total_fen));
  totals_->SetItemFont(i, totals_->GetFont().Bold());
  summary_->GetParent()->Layout();
}

void ReviewWindow::open_history(long row) {
  if (row < 0) return;
  try {
    ReviewRowView r = model_.row(static_cast<std::size_t>(row));
    if (!r.order_id) {
      status_->SetLabel(_("This entry belongs to no order."));
      return;
    }
    if (history_) history_->Destroy();
    history_ = new OrderHistoryDialog(this, *r.order_id, model_.order_history(*r.order_id));
    history_->Show();
  } catch (...) {
    show_failure(this, describe_current_exception());
  }
}

void ReviewWindow::set_busy(bool b) {
  busy_ = b;
  verify_->Enable(!b);
  close_->Enable(!b && !model_.summary().closed);
  export_csv_->Enable(!b);
  export_pdf_->Enable(!b);
  correct_->Enable(!b);
  if (b)
    progress_timer_.Start(100);
  else
    progress_timer_.Stop();
}

void ReviewWindow::verify_journal() {
  if (busy_) return;
  set_busy(true);
  gauge_->SetValue(0);
  status_->SetLabel(_("Verifying the journal..."));
  progress_->done = 0;
  progress_->total = 0;
  auto progress = progress_;
  worker_.run<JournalCheckView>(
      this,
      [this, keep = shared_, progress] {
        return model_.verify_journal([progress](std::int64_t done, std::int64_t total) {
          progress->done = done;
          progress->total = total;
        });
      },
      [this](JournalCheckView r) {
        set_busy(false);
        gauge_->SetValue(1000);
        if (r.ok)
          finish_job(wxString::Format(_("The journal is intact: %lld entries checked."), static_cast<long long>(r.checked)), true);
        else if (r.first_bad_seq)
          finish_job(wxString::Format(_("The journal was tampered with: the first bad entry is number %lld. %s"),
                                      static_cast<long long>(*r.first_bad_seq), wx(r.message)),
                     false);
        else
          finish_job(wxString::Format(_("The journal was tampered with: %s"), wx(r.message)), false);
      },
      [this](const Failure& f) {
        set_busy(false);
        show_failure(this, f);
      });
}

void ReviewWindow::finish_job(const wxString& result, bool ok) {
  last_result_ = result;
  status_->SetLabel(result);
  status_->SetForegroundColour(ok ? wxColour(0, 110, 0) : wxColour(180, 0, 0));
  status_->GetParent()->Layout();
}

void ReviewWindow::close_day() {
  if (busy_) return;
  std::string day = selected_day();
  if (day.empty()) return;
  bool own_token = false;
  try {
    own_token = model_.close_needs_pin();
  } catch (...) {
    show_failure(this, describe_current_exception());
    return;
  }
  wxString question = wxString::Format(
      _("Close %s? Nothing of the day can change afterwards; later entries belong to the next business day."), wx(day));
  if (own_token) question += "\n\n" + wxString(_("Insert your signing token: its PIN is asked next."));
  wxMessageDialog confirm(this, question, _("Close the day"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION);
  if (confirm.ShowModal() != wxID_YES) return;
  start_close();
}

void ReviewWindow::start_close() {
  if (busy_) return;
  std::string day = selected_day();
  if (day.empty()) return;
  set_busy(true);
  gauge_->Pulse();
  status_->SetForegroundColour(GetForegroundColour());
  status_->SetLabel(_("Closing the day and signing its statement..."));
  worker_.run<std::string>(
      this,
      [this, keep = shared_, day] {
        return model_.close_day(day, [this] {
          return ask_own_token_pin(this, _("Sign the day's close with your own token: type its PIN."));
        });
      },
      [this](std::string message) {
        set_busy(false);
        gauge_->SetValue(1000);
        open_selected_day();
        finish_job(wx(message), true);
      },
      [this](const Failure& f) {
        set_busy(false);
        gauge_->SetValue(0);
        finish_job(describe(f), false);
        show_failure(this, f);
      });
}

void ReviewWindow::export_day(bool pdf) {
  std::string day = selected_day();
  if (day.empty() || busy_) return;
  wxFileDialog pick(this, pdf ? _("Export the daily report as PDF") : _("Export the day's entries as CSV"), wxString(),
                    wxString::Format("certdesk-%s.%s", wx(day), pdf ? "pdf" : "csv"),
                    pdf ? _("PDF files (*.pdf)|*.pdf") : _("CSV files (*.csv)|*.csv"), wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
  if (pick.ShowModal() != wxID_OK) return;
  export_to(utf8(pick.GetPath()), pdf);
}

void ReviewWindow::export_to(const std::string& path, bool pdf) {
  std::string day = selected_day();
  if (day.empty() || busy_) return;
  set_busy(true);
  gauge_->Pulse();
  status_->SetLabel(_("Exporting..."));
  worker_.run<std::int64_t>(
      this,
      [this, keep = shared_, day, path, pdf]() -> std::int64_t {
        if (pdf) {
          model_.export_pdf(day, path);
          return -1;
        }
        return model_.export_csv(day, path);
      },
      [this, path](std::int64_t rows) {
        set_busy(false);
        gauge_->SetValue(1000);
        finish_job(rows < 0 ? wxString::Format(_("The daily report is written to %s."), wx(path))
                            : wxString::Format(_("%lld entries are written to %s."), static_cast<long long>(rows), wx(path)),
                   true);
      },
      [this](const Failure& f) {
        set_busy(false);
        finish_job(describe(f), false);
      });
}

CorrectionDialog* ReviewWindow::open_correction() {
  if (correction_) correction_->Destroy();
  std::int64_t seq = 0;
  long sel = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  if (sel >= 0) {
    try {
      seq = model_.row(static_cast<std::size_t>(sel)).seq;
    } catch (...) {
    }
  }
  // The dialog's task runs on the worker: it holds the model as the window's jobs do.
  ReviewModel* model = &model_;
  auto keep = shared_;
  auto* d = new CorrectionDialog(this, worker_,
                                 [model, keep](std::int64_t s, const std::string& reason) { return model->correct_entry(s, reason); },
                                 seq);
  d->on_success = [this, d] {
    open_selected_day();
    finish_job(wxString::Format(_("Correction entry %lld is written."), static_cast<long long>(d->written())), true);
  };
  correction_ = d;
  d->Show();
  return d;
}

}  // namespace certdesk::forms
