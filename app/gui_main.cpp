// certdesk: the window (SPEC §1–§3). Opens the data folder, asks for the staff
// login, then shows the window the login's role decides (app/gui_menus_ui.h):
// the counter, with the supervisor's menus for a supervisor, or the admin's
// window. Log out / switch user brings the login back for the next person
// without quitting. Errors at start-up are shown as a message saying what to
// do, never a crash.
//
//   certdesk [--data-dir DIR]        (DIR also from CERTDESK_DATA_DIR)
//   CERTDESK_EXIT_AT_LOGIN=1         quit as soon as the login window is usable (start-up timing)

#include <wx/app.h>
#include <wx/cmdline.h>
#include <wx/msgdlg.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "desk/context.h"
#include "desk/desk.h"
#include "desk/hall_link.h"
#include "app/gui_menus_ui.h"
#include "app/gui_model.h"
#include "common/error.h"
#include "common/hardening.h"
#include "forms/dialogs.h"
#include "forms/ui.h"
#include "forms/worker.h"
#include "printing/layout.h"

namespace {

using namespace certdesk;

class CertdeskApp : public wxApp {
 public:
  bool OnInit() override {
    app::install_translations();
    SetAppDisplayName(_("certdesk"));
    std::filesystem::path dir;
    for (int i = 1; i < argc; ++i) {
      wxString a = argv[i];
      if (a == "--data-dir" && i + 1 < argc) dir = std::string(argv[++i].utf8_str());
      else if (a == "--help") {
        wxPuts("usage: certdesk [--data-dir DIR]");
        return false;
      }
    }
    if (dir.empty()) dir = desk::default_data_dir();
    try {
      ctx_ = std::make_unique<desk::AppContext>(dir, clock_);
      model_ = std::make_unique<app::GuiCounterModel>(*ctx_);
      // A bad stored setting does not stop the start (issue 13.6): one line each, naming the key to fix.
      for (const std::string& problem : desk::Desk(*ctx_).setting_problems()) std::cerr << "certdesk: " << problem << "\n";
    } catch (...) {
      forms::Failure f = forms::describe_current_exception();
      wxString hint = wxString::Format(_("The data folder %s cannot be used.\n\n%s\n\nTo create one: certdesk-cli --data-dir %s init --branch CODE --admin NAME --password-file FILE"),
                                       forms::wx(dir.string()), forms::describe(f), forms::wx(dir.string()));
      wxMessageBox(hint, _("certdesk"), wxOK | wxICON_ERROR);
      return false;
    }

    // The windows come and go with the people; the application ends when
    // someone quits or cancels the login, not when a window closes.
    SetExitOnFrameDelete(false);
    worker_ = std::make_unique<forms::Worker>();
    // The hall (issue 12): ships the counter's record in the background, never on this thread.
    shipper_ = std::make_unique<desk::BackgroundShipper>(dir, std::chrono::seconds(5));
    // Woken after each commit, so an entry reaches the hall within about a second; wake()
    // only sets a flag and notifies, so the counter's commit never waits on it.
    desk::wake_shipper_after_commit(*ctx_, shipper_.get());
    return start_session(true);
  }

  // The login, then the person's window; false when nobody logged in.
  bool start_session(bool first) {
    forms::LoginDialog login(
        nullptr, [this](const std::string& n, const Secret& p) { return model_->login(n, p); },
        forms::wx(ctx_->config().branch_name.empty() ? model_->branch()
                                                     : ctx_->config().branch_name + "（" + model_->branch() + "）"));
    if (first && std::getenv("CERTDESK_EXIT_AT_LOGIN")) {
      // Start-up timing: the dialog is usable once it is shown and idle.
      login.Bind(wxEVT_IDLE, [&login](wxIdleEvent&) { login.EndModal(wxID_CANCEL); });
    }
    if (login.ShowModal() != wxID_OK || !login.actor()) {
      // Quit at the login (or the timing run): a normal end, exit status 0.
      CallAfter([this] { ExitMainLoop(); });
      return true;
    }
    try {
      wxFrame* frame = app::open_main_window(*ctx_, *model_, *worker_, *login.actor(), [this](forms::SessionEnd how) {
        if (how == forms::SessionEnd::switch_user)
          CallAfter([this] { start_session(false); });
        else
          ExitMainLoop();
      });
      SetTopWindow(frame);
    } catch (...) {
      forms::show_failure(nullptr, forms::describe_current_exception());
      CallAfter([this] { start_session(false); });
    }
    return true;
  }

  int OnExit() override {
    worker_.reset();   // the running job finishes first; then nothing touches the model
    if (ctx_) desk::wake_shipper_after_commit(*ctx_, nullptr);   // nothing commits any more: the hook goes first
    shipper_.reset();   // its batch under way finishes; it has its own database connection
    model_.reset();
    ctx_.reset();
    return wxApp::OnExit();
  }

  // Catch at the edge: anything that escapes an event handler is shown, not fatal.
  bool OnExceptionInMainLoop() override {
    try {
      throw;
    } catch (...) {
      forms::show_failure(GetTopWindow(), forms::describe_current_exception());
    }
    return true;
  }

 private:
  SystemClock clock_;
  std::unique_ptr<desk::AppContext> ctx_;
  std::unique_ptr<app::GuiCounterModel> model_;
  std::unique_ptr<forms::Worker> worker_;
  std::unique_ptr<desk::BackgroundShipper> shipper_;
};

}  // namespace

wxIMPLEMENT_APP_NO_MAIN(CertdeskApp);

int main(int argc, char** argv) {
  certdesk::harden_process();   // before wx or GTK start a thread or create a file
  // The PDF fonts are set up while the login dialog waits: the first receipt pays no ~40 ms (issue 14.8).
  const std::jthread fonts(certdesk::printing::prepare_fonts);
  return wxEntry(argc, argv);
}
