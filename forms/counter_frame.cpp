#include "forms/counter_frame.h"

#include <wx/app.h>
#include <wx/button.h>
#include <wx/display.h>
#include <wx/intl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/statusbr.h>

#include <algorithm>
#include <functional>

#include "forms/printer_dialog.h"
#include "forms/prompts_ui.h"
#include "forms/receipts_dialog.h"
#include "forms/token_report_dialog.h"
#include "forms/unlock_code_dialog.h"
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
  pdf_ = new wxButton(this, wxID_ANY, _("Not printed: PDF…"));
  pdf_->Hide();
  b->Add(resume, 0, wxRIGHT, 8);
  b->Add(rollback, 0, wxRIGHT, 8);
  b->Add(pdf_, 0, wxRIGHT, 8);
  b->AddStretchSpacer();
  b->Add(close);
  s->Add(b, 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(s);
  CentreOnParent();
  resume->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { act(true); });
  rollback->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { act(false); });
  pdf_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { PrintProblemDialog(this, not_printed_).ShowModal(); });
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
  auto prints = std::make_shared<std::vector<PaperPrint>>();
  worker_.run<workflows::OrderResult>(
      this,
      [this, id, resume, pins, approvals, progress, prints] {
        workflows::Prompts prompts{*pins, *approvals, *progress};
        // counter tasks: a resumed order's papers come out before the customer leaves (issue 14.4).
        if (CounterTasks* tasks = model_.tasks(); resume && tasks)
          return tasks->resume_and_print(teller_, id, prompts, tasks->printers().preselected(), *prints);
        return resume ? model_.resume(teller_, id, prompts) : model_.roll_back(teller_, id, prompts);
      },
      [this, sel, prints](workflows::OrderResult r) {
        busy_ = false;
        show_prints(*prints);
        if (r.waiting) return;   // the customer cancelled the PIN again: the order stays listed
        list_->DeleteItem(sel);
        rows_.erase(rows_.begin() + sel);
        handled_.push_back(r.order_id);
        status_->SetLabel(wxString::Format(_("Order %lld is now %s. Receipt %s, certificate %s."), static_cast<long long>(r.order_id),
                                           wxGetTranslation(wx(workflows::to_string(r.state)), wxString(), "state"),
                                           wx(r.receipt_no.empty() ? "-" : r.receipt_no), wx(r.cert_serial.empty() ? "-" : r.cert_serial)) +
                           (prints->empty() ? wxString() : "\n" + summarise(*prints)));
        status_->Wrap(760);
        Layout();
      },
      [this](const Failure& f) {
        busy_ = false;
        show_failure(this, f);
      });
}

void UnfinishedDialog::show_prints(const std::vector<PaperPrint>& prints) {
  not_printed_.clear();
  for (const auto& p : prints)
    if (!p.ok) not_printed_.push_back(p);
  pdf_->Show(!not_printed_.empty());
  Layout();
}

// ---- CounterFrame ------------------------------------------------------------------------
CounterFrame::CounterFrame(CounterModel& model, Worker& worker, workflows::Actor teller, std::vector<RoleMenuBlock> role_menus,
                           SessionEnded ended)
    : wxFrame(nullptr, wxID_ANY, wxEmptyString, wxDefaultPosition,
              // A hall's 1280×800 screen whole (issue 14.7), less on a smaller one.
              [] {
                wxSize s(1280, 800);
                s.DecTo(wxDisplay(0u).GetClientArea().GetSize());
                return s;
              }()),
      model_(model), worker_(worker), teller_(std::move(teller)), poll_timer_(this), ended_(std::move(ended)) {
  use_cjk_font(this);
  SetTitle(wxString::Format(_("certdesk — counter %s — teller %s"), wx(model_.branch()), wx(teller_.name)));

  auto* file = new wxMenu;
  file->Append(ID_NEW_ORDER, _("&New first issuance\tCtrl+N"));
  file->Append(ID_UNFINISHED, _("&Unfinished orders…\tCtrl+U"));
  file->AppendSeparator();
  if (!model_.tasks() || model_.tasks()->embedded_token_store()) {   // the demo store only (issue 14.3)
    file->Append(ID_INSERT_BLANK, _("Insert a &blank token (demo)"));
  }
  auto* bar = new wxMenuBar;
  bar->Append(file, _("&Counter"));
  // Counter tasks for everyone at the counter (forms/receipts_dialog.h,
  // token_report_dialog.h, unlock_code_dialog.h). Issuing a code is the
  // supervisor's 授权码 menu (app/gui_menus.cpp), so it is not repeated here.
  if (model_.tasks()) {
    const int receipts = wxWindow::NewControlId(), report = wxWindow::NewControlId(),
              redeem = wxWindow::NewControlId();
    auto* tasks = new wxMenu;
    tasks->Append(receipts, _("&Receipts (find, show, reprint, void)…\tCtrl+R"));
    tasks->Append(report, _("Token reported &lost or found…\tCtrl+T"));
    tasks->Append(redeem, _("Unlock with an authorisation &code…"));
    bar->Append(tasks, _("Counter &tasks"));
    // Each dialog is modal: a Close meanwhile waits for it (as check_unfinished does).
    auto modal = [this](const std::function<void()>& show) {
      ++modal_depth_;
      show();
      if (--modal_depth_ == 0 && close_pending_) CallAfter([this] { Close(true); });
    };
    Bind(wxEVT_MENU, [this, modal](wxCommandEvent&) { modal([this] { show_receipts_dialog(this, model_, worker_, teller_); }); },
         receipts);
    Bind(wxEVT_MENU, [this, modal](wxCommandEvent&) { modal([this] { show_token_report_dialog(this, model_, worker_, teller_); }); },
         report);
    Bind(wxEVT_MENU, [this, modal](wxCommandEvent&) {
      std::vector<std::string> serials;
      for (const auto& r : tokens_->rows())
        if (r.token.user_pin_initialized) serials.push_back(r.token.serial);
      modal([&] { show_redeem_unlock_code_dialog(this, model_, worker_, teller_, serials); });
      poll();
    }, redeem);
  }
  add_role_and_account_menus(this, bar, role_menus);
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
  // Room for a local time, "#12 数字证书补办" and "serial → date" at 1280×800 (issue 14.7):
  // the columns are sized from their text (fit_history_columns), What takes the rest.
  history_ = new wxListCtrl(root, wxID_ANY, wxDefaultPosition, wxSize(500, -1), wxLC_REPORT);
  history_->AppendColumn(_("Kind"));
  history_->AppendColumn(_("Date"));
  history_->AppendColumn(_("What"));
  history_->AppendColumn(_("State"));
  fit_history_columns();
  history_->Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
    e.Skip();
    CallAfter([this] { fit_history_columns(); });
  });
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
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { end_session(SessionEnd::quit); }, wxID_EXIT);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { end_session(SessionEnd::switch_user); }, kSwitchUserId);
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
    // The adopted windows close first; one still working (a verify) says no.
    for (auto& w : adopted_)
      if (w && !w->Close(!e.CanVeto()) && e.CanVeto()) {
        e.Veto();
        return;
      }
    adopted_.clear();
    poll_timer_.Stop();
    worker_.post([&model = model_, t = teller_] {
      try {
        model.logout(t);
      } catch (...) {
      }
    });
    if (ended_) wxTheApp->CallAfter([ended = ended_, how = how_] { ended(how); });
    Destroy();
  });

  poll();
  poll_timer_.Start(1000);
}

CounterFrame::~CounterFrame() { poll_timer_.Stop(); }

bool CounterFrame::order_open() const {
  return order_page_->running() || (order_page_->step() > OrderPage::customer && order_page_->step() < OrderPage::done);
}

void CounterFrame::end_session(SessionEnd how) {
  if (busy_) {
    wxMessageBox(_("A token operation is running. Wait until it finishes before closing."), _("certdesk"), wxOK | wxICON_INFORMATION, this);
    return;
  }
  if (order_open()) {
    wxMessageDialog ask(this,
                        how == SessionEnd::switch_user
                            ? _("An order is open. Log out anyway? It stays unfinished and can be resumed from 'Unfinished orders'.")
                            : _("An order is open. Quit anyway? It stays unfinished and can be resumed from 'Unfinished orders'."),
                        _("certdesk"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION);
    if (ask.ShowModal() != wxID_YES) return;
  }
  how_ = how;
  Close(true);
}

void CounterFrame::adopt(wxWindow* w) {
  adopted_.erase(std::remove_if(adopted_.begin(), adopted_.end(), [](const wxWeakRef<wxWindow>& r) { return !r; }),
                 adopted_.end());
  adopted_.emplace_back(w);
}

void add_role_and_account_menus(wxFrame* frame, wxMenuBar* bar, const std::vector<RoleMenuBlock>& menus) {
  int id = wxID_HIGHEST + 500;
  auto* account = new wxMenu;
  for (const auto& block : menus) {
    auto* m = block.account ? account : new wxMenu;
    for (const auto& item : block.items) {
      m->Append(id, item.label);
      frame->Bind(wxEVT_MENU, [frame, run = item.run](wxCommandEvent&) { run(frame); }, id);
      ++id;
    }
    if (!block.account) bar->Append(m, block.title);
  }
  if (account->GetMenuItemCount() > 0) account->AppendSeparator();
  account->Append(kSwitchUserId, _("&Log out / switch user\tCtrl+L"));
  account->AppendSeparator();
  account->Append(wxID_EXIT, _("Log out and &quit\tCtrl+Q"));
  bar->Append(account, _("Acco&unt"));
}

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

void CounterFrame::fit_history_columns() {
  // A local time as the model writes it (desk::local_time), and the widest kind and state.
  const wxString kinds[] = {wxGetTranslation("order", wxString(), "kind"), wxGetTranslation("certificate", wxString(), "kind"),
                            wxGetTranslation("token", wxString(), "kind")};
  wxString kind = kinds[0];
  for (const auto& k : kinds)
    if (history_->GetTextExtent(k).x > history_->GetTextExtent(kind).x) kind = k;
  fit_columns(history_, 2, {kind, "2026-12-31 23:59", wxString(), wxGetTranslation("revoked", wxString(), "state")});
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
        fit_history_columns();
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
