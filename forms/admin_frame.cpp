#include "forms/admin_frame.h"

#include <wx/app.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/panel.h>
#include <wx/sizer.h>

#include "forms/admin_form.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {
enum Column { col_name, col_display, col_role, col_state, col_failed, col_locked, col_token };
}  // namespace

AdminFrame::AdminFrame(std::shared_ptr<AdminModel> model, Worker& worker, workflows::Actor admin, const wxString& branch,
                       std::vector<RoleMenuBlock> role_menus, SessionEnded ended)
    : wxFrame(nullptr, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(1200, 780)),
      model_(std::move(model)), worker_(worker), admin_(std::move(admin)), ended_(std::move(ended)) {
  use_cjk_font(this);
  SetTitle(wxString::Format(_("certdesk — %s — administration — %s"), branch, wx(admin_.name)));
  auto* bar = new wxMenuBar;
  add_role_and_account_menus(this, bar, role_menus);
  SetMenuBar(bar);
  CreateStatusBar(1);
  SetStatusText(wxString::Format(_("Logged in: %s (%s)"), wx(admin_.name), wxGetTranslation(wx(workflows::to_string(admin_.role)))));

  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* title = new wxStaticText(panel, wxID_ANY, _("Staff accounts"));
  title->SetFont(title->GetFont().Bold().Larger());
  top->Add(title, 0, wxALL, 10);
  list_ = new wxListCtrl(panel, wxID_ANY, wxDefaultPosition, wxSize(1100, 480), wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Login name"), wxLIST_FORMAT_LEFT, 150);
  list_->AppendColumn(_("Display name"), wxLIST_FORMAT_LEFT, 150);
  list_->AppendColumn(_("Role"), wxLIST_FORMAT_LEFT, 100);
  list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, 90);
  list_->AppendColumn(_("Wrong passwords"), wxLIST_FORMAT_RIGHT, 110);
  list_->AppendColumn(_("Locked until"), wxLIST_FORMAT_LEFT, 170);
  list_->AppendColumn(_("Signing token"), wxLIST_FORMAT_LEFT, 150);
  top->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  auto button = [&](const wxString& label, std::function<void()> act) {
    auto* b = new wxButton(panel, wxID_ANY, label);
    b->Bind(wxEVT_BUTTON, [act = std::move(act)](wxCommandEvent&) { act(); });
    buttons->Add(b, 0, wxRIGHT, 8);
    return b;
  };
  button(_("&Add a person…"), [this] { open_add_staff(); });
  button(_("&Disable / enable"), [this] { toggle_selected(); });
  button(_("&Reset password…"), [this] { open_reset_password(); });
  button(_("&Unlock"), [this] { unlock_selected(); });
  button(_("&Enrol signing token…"), [this] { open_enrol_token(); });
  buttons->AddStretchSpacer();
  button(_("Re&fresh"), [this] { reload_staff(); });
  top->Add(buttons, 0, wxEXPAND | wxALL, 10);
  status_ = new wxStaticText(panel, wxID_ANY, wxEmptyString);
  top->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 10);
  panel->SetSizer(top);

  Bind(wxEVT_MENU, [this](wxCommandEvent&) { end_session(SessionEnd::quit); }, wxID_EXIT);
  Bind(wxEVT_MENU, [this](wxCommandEvent&) { end_session(SessionEnd::switch_user); }, kSwitchUserId);
  Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
    if (busy_ && e.CanVeto()) {
      e.Veto();
      return;
    }
    for (wxWindow* w : {static_cast<wxWindow*>(add_.get()), static_cast<wxWindow*>(reset_.get()),
                        static_cast<wxWindow*>(enrol_.get()), static_cast<wxWindow*>(fees_.get()),
                        static_cast<wxWindow*>(settings_.get())})
      if (w) w->Destroy();
    worker_.post([m = model_] {
      try {
        m->logout();
      } catch (...) {
        // The window closes anyway; a journal that cannot be written says so at the next login.
      }
    });
    if (ended_) wxTheApp->CallAfter([ended = ended_, how = how_] { ended(how); });
    Destroy();
  });
  reload_staff();
}

AdminFrame::~AdminFrame() = default;

void AdminFrame::end_session(SessionEnd how) {
  if (busy_) return;
  how_ = how;
  Close(true);
}

void AdminFrame::reload_staff() {
  busy_ = true;
  worker_.run<std::vector<StaffRow>>(
      this, [m = model_] { return m->staff(); },
      [this](std::vector<StaffRow> rows) {
        busy_ = false;
        std::string keep = selected_name();
        rows_ = std::move(rows);
        list_->DeleteAllItems();
        for (std::size_t i = 0; i < rows_.size(); ++i) {
          const StaffRow& r = rows_[i];
          long item = list_->InsertItem(long(i), wx(r.name));
          list_->SetItem(item, col_display, wx(r.display_name));
          list_->SetItem(item, col_role, wxGetTranslation(wx(workflows::to_string(r.role))));
          list_->SetItem(item, col_state, r.active ? _("active") : _("disabled"));
          list_->SetItem(item, col_failed, wxString::Format("%d", r.failed_logins));
          list_->SetItem(item, col_locked, wx(r.locked_until));
          list_->SetItem(item, col_token, wx(r.signing_token));
          if (!r.active) list_->SetItemTextColour(item, wxColour(130, 130, 130));
          if (!r.locked_until.empty()) list_->SetItemTextColour(item, wxColour(170, 0, 0));
        }
        if (!keep.empty()) select(keep);
        ++reloads_;
      },
      [this](const Failure& f) {
        busy_ = false;
        ++reloads_;
        status_->SetLabel(describe(f));
      });
}

bool AdminFrame::select(const std::string& name) {
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].name == name) {
      list_->SetItemState(long(i), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
      list_->EnsureVisible(long(i));
      return true;
    }
  return false;
}

std::string AdminFrame::selected_name() const {
  long sel = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
  return sel < 0 || std::size_t(sel) >= rows_.size() ? std::string() : rows_[std::size_t(sel)].name;
}

template <class D>
D* AdminFrame::open(wxWeakRef<D>& slot, const std::function<D*()>& make) {
  if (slot) {
    slot->Raise();
    return slot.get();
  }
  D* d = make();
  if (!d) return nullptr;
  slot = d;
  d->Show();
  return d;
}

AddStaffDialog* AdminFrame::open_add_staff() {
  return open<AddStaffDialog>(add_, [this] {
    auto* d = new AddStaffDialog(this, worker_, model_);
    d->on_success = [this] {
      status_->SetLabel(_("The person was added."));
      reload_staff();
    };
    return d;
  });
}

ResetPasswordDialog* AdminFrame::open_reset_password() {
  std::string name = selected_name();
  if (name.empty()) {
    status_->SetLabel(_("Pick a person in the list first."));
    return nullptr;
  }
  if (reset_) reset_->Destroy();
  return open<ResetPasswordDialog>(reset_, [this, name] {
    auto* d = new ResetPasswordDialog(this, worker_, model_, name);
    d->on_success = [this, name] {
      status_->SetLabel(wxString::Format(_("%s has a new password."), wx(name)));
      reload_staff();
    };
    return d;
  });
}

EnrolTokenDialog* AdminFrame::open_enrol_token() {
  std::string name = selected_name();
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const StaffRow& r) { return r.name == name; });
  if (it == rows_.end()) {
    status_->SetLabel(_("Pick a person in the list first."));
    return nullptr;
  }
  if (it->role != workflows::Role::supervisor) {
    status_->SetLabel(wxString::Format(_("Only a supervisor signs day closes; %s is not one."), wx(name)));
    return nullptr;
  }
  if (enrol_) enrol_->Destroy();
  // The blank tokens are looked up on the worker; the dialog opens with the first one.
  busy_ = true;
  worker_.run<std::vector<std::string>>(
      this, [m = model_] { return m->blank_tokens(); },
      [this, name](std::vector<std::string> serials) {
        busy_ = false;
        open<EnrolTokenDialog>(enrol_, [this, name, &serials] {
          auto* d = new EnrolTokenDialog(this, worker_, model_, name, serials);
          d->on_success = [this, name] {
            status_->SetLabel(wxString::Format(_("%s's signing token is enrolled."), wx(name)));
            reload_staff();
          };
          return d;
        });
      },
      [this](const Failure& f) {
        busy_ = false;
        show_failure(this, f);
      });
  return nullptr;
}

FeesDialog* AdminFrame::open_fees() {
  return open<FeesDialog>(fees_, [this] { return new FeesDialog(this, worker_, model_); });
}

SettingsDialog* AdminFrame::open_settings() {
  return open<SettingsDialog>(settings_, [this] { return new SettingsDialog(this, worker_, model_); });
}

void AdminFrame::run_on_selected(const std::function<void(AdminModel&, const std::string&)>& act, const wxString& done) {
  std::string name = selected_name();
  if (name.empty()) {
    status_->SetLabel(_("Pick a person in the list first."));
    return;
  }
  if (busy_) return;
  busy_ = true;
  run_task(
      worker_, this, [m = model_, act, name] { act(*m, name); },
      [this, done, name] {
        busy_ = false;
        status_->SetLabel(wxString::Format(done, wx(name)));
        reload_staff();
      },
      [this](const Failure& f) {
        busy_ = false;
        status_->SetLabel(describe(f));
      });
}

void AdminFrame::toggle_selected() {
  std::string name = selected_name();
  auto it = std::find_if(rows_.begin(), rows_.end(), [&](const StaffRow& r) { return r.name == name; });
  if (it == rows_.end()) {
    status_->SetLabel(_("Pick a person in the list first."));
    return;
  }
  bool enable = !it->active;
  run_on_selected([enable](AdminModel& m, const std::string& n) { m.set_enabled(n, enable); },
                  enable ? _("%s is enabled again.") : _("%s is disabled: their next login is refused."));
}

void AdminFrame::unlock_selected() {
  run_on_selected([](AdminModel& m, const std::string& n) { m.unlock(n); }, _("%s may log in again."));
}

}  // namespace certdesk::forms
