#include "forms/counter_frame.h"

#include <wx/button.h>
#include <wx/display.h>
#include <wx/intl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/statusbr.h>

#include <algorithm>

#include "forms/prompts_ui.h"
#include "forms/ui.h"
#include "workflows/validators.h"

namespace certdesk::forms {

namespace {
enum { ID_UNFINISHED = wxID_HIGHEST + 1, ID_INSERT_BLANK, ID_NEW_ORDER };
}  // namespace

// ---- UnfinishedDialog -----------------------------------------------------------------
UnfinishedDialog::UnfinishedDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller,
                                   std::vector<UnfinishedRow> rows)
    : wxDialog(parent, wxID_ANY, _("Unfinished orders"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      model_(model), worker_(worker), teller_(std::move(teller)), rows_(std::move(rows)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(this, wxID_ANY, _("These orders stopped before they were finished (a crash, a pulled token, a cancelled PIN).\nResume each one, or roll it back.")),
         0, wxALL, 10);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxSize(780, 200), wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Order"), wxLIST_FORMAT_RIGHT, 72);
  list_->AppendColumn(_("Flow"), wxLIST_FORMAT_LEFT, 110);
  list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 120);
  list_->AppendColumn(_("Last step"), wxLIST_FORMAT_LEFT, 170);
  list_->AppendColumn(_("Token"), wxLIST_FORMAT_LEFT, 110);
  list_->AppendColumn(_("Updated"), wxLIST_FORMAT_LEFT, 150);
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const auto& r = rows_[i];
    long item = list_->InsertItem(long(i), wxString::Format("%lld", static_cast<long long>(r.id)));
    list_->SetItem(item, 1, wxGetTranslation(wx(r.flow), wxString(), "flow"));
    list_->SetItem(item, 2, wxGetTranslation(wx(r.state), wxString(), "state"));
    list_->SetItem(item, 3, wx(r.step));
    list_->SetItem(item, 4, wx(r.token_serial));
    list_->SetItem(item, 5, wx(r.updated_utc));
  }
  if (!rows_.empty()) list_->SetItemState(0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
  s->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
  status_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  s->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  auto* resume = new wxButton(this, wxID_ANY, _("&Resume"));
  auto* rollback = new wxButton(this, wxID_ANY, _("Roll &back"));
  auto* close = new wxButton(this, wxID_CANCEL, _("Later"));
  b->Add(resume, 0, wxRIGHT, 8);
  b->Add(rollback, 0, wxRIGHT, 8);
  b->AddStretchSpacer();
  b->Add(close);
  s->Add(b, 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(s);
  CentreOnParent();
  resume->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { act(true); });
  rollback->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { act(false); });
  list_->SetFocus();
}

void UnfinishedDialog::act(bool resume) {
  long sel = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  if (sel < 0 || std::size_t(sel) >= rows_.size()) return;
  std::int64_t id = rows_[std::size_t(sel)].id;
  if (busy_) return;
  busy_ = true;
  // The prompts ask on the UI thread (the customer's PIN, a supervisor's approval).
  auto pins = std::make_shared<UiPinPrompt>(this);
  auto approvals = std::make_shared<UiApprovalPrompt>(this, teller_.name);
  auto progress = std::make_shared<workflows::NoProgress>();
  worker_.run<workflows::OrderResult>(
      this,
      [this, id, resume, pins, approvals, progress] {
        workflows::Prompts prompts{*pins, *approvals, *progress};
        return resume ? model_.resume(teller_, id, prompts) : model_.roll_back(teller_, id, prompts);
      },
      [this, sel](workflows::OrderResult r) {
        busy_ = false;
        if (r.waiting) return;   // the customer cancelled the PIN again: the order stays listed
        list_->DeleteItem(sel);
        rows_.erase(rows_.begin() + sel);
        handled_.push_back(r.order_id);
        status_->SetLabel(wxString::Format(_("Order %lld is now %s. Receipt %s, certificate %s."), static_cast<long long>(r.order_id),
                                           wxGetTranslation(wx(workflows::to_string(r.state)), wxString(), "state"),
                                           wx(r.receipt_no.empty() ? "-" : r.receipt_no), wx(r.cert_serial.empty() ? "-" : r.cert_serial)));
        Layout();
      },
      [this](const Failure& f) {
        busy_ = false;
        show_failure(this, f);
      });
}

// ---- CounterFrame ------------------------------------------------------------------------
CounterFrame::CounterFrame(CounterModel& model, Worker& worker, workflows::Actor teller)
    : wxFrame(nullptr, wxID_ANY, wxEmptyString, wxDefaultPosition,
              // A hall's 1280×800 screen whole (issue 14.7), less on a smaller one.
              [] {
                wxSize s(1280, 800);
                s.DecTo(wxDisplay(0u).GetClientArea().GetSize());
                return s;
              }()),
      model_(model), worker_(worker), teller_(std::move(teller)), poll_timer_(this) {
  use_cjk_font(this);
  SetTitle(wxString::Format(_("certdesk — counter %s — teller %s"), wx(model_.branch()), wx(teller_.name)));

  auto* file = new wxMenu;
  file->Append(ID_NEW_ORDER, _("&New first issuance\tCtrl+N"));
  file->Append(ID_UNFINISHED, _("&Unfinished orders…\tCtrl+U"));
  file->AppendSeparator();
  file->Append(ID_INSERT_BLANK, _("Insert a &blank token (demo)"));
  file->AppendSeparator();
  file->Append(wxID_EXIT, _("&Log out and quit\tCtrl+Q"));
  auto* bar = new wxMenuBar;
  bar->Append(file, _("&Counter"));
  SetMenuBar(bar);
  CreateStatusBar(2);
  SetStatusText(wxString::Format(_("Logged in: %s (%s)"), wx(teller_.name), wxGetTranslation(wx(workflows::to_string(teller_.role)))), 0);

  auto* root = new wxPanel(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  tokens_ = new TokenPanel(root);
  s->Add(tokens_, 0, wxEXPAND | wxALL, 4);

  auto* mid = new wxBoxSizer(wxHORIZONTAL);
  order_page_ = new OrderPage(root, model_, worker_, teller_,
                               {.customer_selected = [this](std::int64_t id) { load_history(id); },
                                .busy = [this](bool b) {
                                  busy_ = b;
                                  SetStatusText(b ? _("Working on the token…") : wxString(), 1);
                                },
                                .finished = [this] {
                                  poll();
                                  history_of(order_page_->request().uscc);
                                }});
  mid->Add(order_page_, 3, wxEXPAND | wxRIGHT, 4);
  auto* hist = new wxBoxSizer(wxVERTICAL);
  auto* hh = new wxStaticText(root, wxID_ANY, _("Customer history"));
  hh->SetFont(hh->GetFont().Bold());
  hist->Add(hh, 0, wxALL, 4);
  // Room for "#12 数字证书补办" and "serial → date" at 1280×800 (issue 14.7).
  history_ = new wxListCtrl(root, wxID_ANY, wxDefaultPosition, wxSize(450, -1), wxLC_REPORT);
  history_->AppendColumn(_("Kind"), wxLIST_FORMAT_LEFT, 56);
  history_->AppendColumn(_("Date"), wxLIST_FORMAT_LEFT, 100);
  history_->AppendColumn(_("What"), wxLIST_FORMAT_LEFT, 200);
  history_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 86);
  hist->Add(history_, 1, wxEXPAND);
  mid->Add(hist, 0, wxEXPAND);
  s->Add(mid, 1, wxEXPAND | wxALL, 4);
  root->SetSizer(s);

  Bind(wxEVT_CHAR_HOOK, &CounterFrame::on_key, this);
  Bind(wxEVT_TIMER, [this](wxTimerEvent&) { poll(); }, poll_timer_.GetId());
  Bind(wxEVT_MENU, [this](wxCommandEvent&) {
    if (busy_) return;
    order_page_->reset();
    order_page_->set_flow(workflows::Flow::issue);
  }, ID_NEW_ORDER);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { check_unfinished(true); }, ID_UNFINISHED);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) {
    worker_.run<std::string>(
        this, [this] { return model_.insert_blank_token(); },
        [this](std::string serial) { SetStatusText(wxString::Format(_("Blank token %s inserted."), wx(serial)), 1); poll(); },
        [this](const Failure& f) { show_failure(this, f); });
  }, ID_INSERT_BLANK);
  Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
    if (busy_ && e.CanVeto()) {
      wxMessageBox(_("A token operation is running. Wait until it finishes before closing."), _("certdesk"), wxOK | wxICON_INFORMATION, this);
      e.Veto();
      return;
    }
    const OrderPage::Step step = order_page_->step();
    if (e.CanVeto() && step != OrderPage::customer && step != OrderPage::done) {
      // Ctrl+Q (or the window's close box) in the middle of an order (issue 14.7).
      wxMessageDialog ask(this, _("An order is open. Log out and quit anyway? A paid order stays in the unfinished orders."),
                          _("certdesk"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION);
      ask.SetYesNoLabels(_("Log out and quit"), _("Stay"));
      if (ask.ShowModal() != wxID_YES) {
        e.Veto();
        return;
      }
    }
    if (modal_depth_ > 0) {
      // A dialog of this window is still unwinding its loop: close once it has.
      close_pending_ = true;
      return;
    }
    poll_timer_.Stop();
    worker_.post([&model = model_, t = teller_] {
      try {
        model.logout(t);
      } catch (...) {
      }
    });
    Destroy();
  });

  poll();
  poll_timer_.Start(1000);
}

CounterFrame::~CounterFrame() { poll_timer_.Stop(); }

void CounterFrame::poll() {
  // One poll at a time, and none while a flow holds the worker (the module is
  // used by one thread at a time; the flow's own progress shows meanwhile).
  if (poll_in_flight_ || busy_) return;
  poll_in_flight_ = true;
  worker_.run<std::vector<TokenRow>>(
      this, [this] { return model_.tokens(); },
      [this](std::vector<TokenRow> rows) {
        poll_in_flight_ = false;
        ++polls_;
        tokens_->show_tokens(rows);
        order_page_->set_tokens(rows);
      },
      [this](const Failure& f) {
        poll_in_flight_ = false;
        ++polls_;
        tokens_->show_failure_text(describe(f));
      });
}

void CounterFrame::load_history(std::int64_t organisation_id) {
  if (organisation_id == 0) {   // a new customer (OrderPage::reset): nobody's history
    history_->DeleteAllItems();
    return;
  }
  worker_.run<std::vector<HistoryRow>>(
      this, [this, organisation_id] { return model_.history(organisation_id); },
      [this](std::vector<HistoryRow> rows) {
        history_->DeleteAllItems();
        for (std::size_t i = 0; i < rows.size(); ++i) {
          long item = history_->InsertItem(long(i), wxGetTranslation(wx(rows[i].kind), wxString(), "kind"));
          history_->SetItem(item, 1, wx(rows[i].when));
          history_->SetItem(item, 2, wx(rows[i].what));
          history_->SetItem(item, 3, wxGetTranslation(wx(rows[i].state), wxString(), "state"));
        }
      },
      [this](const Failure& f) { SetStatusText(describe(f), 1); });
}

void CounterFrame::history_of(const std::string& uscc) {
  std::string code = workflows::normalise_code(uscc);
  if (code.empty()) return;
  worker_.run<std::int64_t>(
      this,
      [this, code]() -> std::int64_t {
        for (const auto& c : model_.find_customers(code))
          if (c.uscc == code) return c.id;
        return 0;
      },
      [this](std::int64_t id) {
        if (id) load_history(id);
      },
      [this](const Failure& f) { SetStatusText(describe(f), 1); });
}

void CounterFrame::check_unfinished(bool always) {
  worker_.run<std::vector<UnfinishedRow>>(
      this, [this] { return model_.unfinished(); },
      [this, always](std::vector<UnfinishedRow> rows) {
        if (rows.empty() && !always) return;
        if (rows.empty()) {
          wxMessageBox(_("No unfinished orders."), _("Unfinished orders"), wxOK | wxICON_INFORMATION, this);
          return;
        }
        UnfinishedDialog dlg(this, model_, worker_, teller_, std::move(rows));
        ++modal_depth_;
        dlg.ShowModal();
        if (--modal_depth_ == 0 && close_pending_) CallAfter([this] { Close(true); });
        // The order the page was waiting on is finished elsewhere: start afresh.
        const auto& done = dlg.handled();
        if (!order_page_->running() && std::find(done.begin(), done.end(), order_page_->result().order_id) != done.end()) {
          order_page_->reset();
          poll();
        }
      },
      [this](const Failure& f) { show_failure(this, f); });
}

void CounterFrame::on_key(wxKeyEvent& e) {
  wxWindow* focus = wxWindow::FindFocus();
  if (focus && wxGetTopLevelParent(focus) != this) {
    e.Skip();
    return;
  }
  switch (e.GetKeyCode()) {
    case WXK_RETURN:
    case WXK_NUMPAD_ENTER:
      if (e.HasAnyModifiers()) break;
      // Enter on another button presses that button.
      if (dynamic_cast<wxButton*>(focus) && focus != order_page_->next_button()) break;
      order_page_->advance();
      return;
    case WXK_ESCAPE:
      order_page_->go_back();
      return;
    // The flow picker: F2 新办 issue, F3 补办 reissue, F4 解锁 unlock, F5 更新 update,
    // F6 换介质 replace, F7 注销 cancel.
    case WXK_F2:
    case WXK_F3:
    case WXK_F4:
    case WXK_F5:
    case WXK_F6:
    case WXK_F7: {
      if (e.HasAnyModifiers() || busy_) break;
      static const workflows::Flow flows[] = {workflows::Flow::issue,  workflows::Flow::reissue, workflows::Flow::unlock,
                                              workflows::Flow::update, workflows::Flow::replace, workflows::Flow::cancel};
      order_page_->set_flow(flows[e.GetKeyCode() - WXK_F2]);
      return;
    }
    default:
      break;
  }
  e.Skip();
}

}  // namespace certdesk::forms
