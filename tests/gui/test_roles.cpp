// Each role's main work through the window under Xvfb (issue 14.1, 14.2, 14.9),
// on a real data folder (SQLite, SoftHSM2, the local CA): the login decides the
// window and its menus; a supervisor reviews the day, voids a receipt,
// verifies the journal, writes a correction, exports, and closes the day with
// their own token's PIN typed into the window's dialog; an admin adds a teller,
// disables them (their next login is refused), changes a fee and a setting and
// enrols a supervisor's signing token; log out / switch user hands the counter
// to the next person. Menu commands are sent to the frames as a click in the
// menu sends them. Screenshots go to $CERTDESK_SCREENSHOT_DIR (the build folder).

#include <boost/test/unit_test.hpp>

#include <wx/msgdlg.h>
#include <wx/generic/msgdlgg.h>
#include <wx/menu.h>
#include <wx/utils.h>

#include <atomic>
#include <fstream>

#include "app/gui_menus.h"
#include "app/gui_menus_ui.h"
#include "app/gui_model.h"
#include "common/error.h"
#include "common/text.h"
#include "db/day_close.h"
#include "db/repositories.h"
#include "desk/desk.h"
#include "forms/admin_frame.h"
#include "forms/counter_frame.h"
#include "forms/day_dialogs.h"
#include "forms/dialogs.h"
#include "forms/password_dialog.h"
#include "forms/prompts_ui.h"
#include "forms/receipts_dialog.h"
#include "forms/review_window.h"
#include "forms/ui.h"
#include "tests/gui/gui_driver.h"
#include "tests/gui/scripted.h"
#include "tests/gui/wx_session.h"
#include "tests/support/support.h"

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using forms::utf8;
using forms::wx;
using test::find_top;
using test::GuiDriver;

namespace {

using test::wx_asserts;

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_roles") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

// The menu-bar titles as shown (mnemonics stripped).
std::string titles(wxFrame* f) {
  std::string out;
  wxMenuBar* bar = f->GetMenuBar();
  for (std::size_t i = 0; i < bar->GetMenuCount(); ++i) out += (out.empty() ? "" : " ") + utf8(bar->GetMenuLabelText(i));
  return out;
}

// Sends the command of menu `menu` item `item` (English msgids, looked up
// translated as the person reads them) to the frame, as a click in the menu does.
bool menu(wxFrame* f, const char* menu_msgid, const char* item_msgid) {
  int id = f->GetMenuBar()->FindMenuItem(wxGetTranslation(menu_msgid), wxGetTranslation(item_msgid));
  if (id == wxNOT_FOUND) return false;
  wxCommandEvent e(wxEVT_MENU, id);
  e.SetEventObject(f);
  f->GetEventHandler()->ProcessEvent(e);
  return true;
}

// A data folder with an admin, a teller, a supervisor, and (with_order) a
// completed first issuance whose receipt the supervisor can void.
struct RolesDesk {
  test::TempDir dir{"certdesk-roles"};
  SystemClock clock;
  std::unique_ptr<desk::AppContext> ctx;
  std::unique_ptr<app::GuiCounterModel> model;
  workflows::Actor admin, teller, super;
  std::string receipt_no;

  explicit RolesDesk(bool with_order) {
    desk::InitOptions o;
    o.branch = "BJ01";
    o.branch_name = "北京示例服务大厅";
    o.admin = "admin";
    o.admin_password = Secret("admin-password-1");
    o.scrypt_log2_n = 10;
    desk::init_data_dir(dir.path() / "data", o, clock);
    ctx = std::make_unique<desk::AppContext>(dir.path() / "data", clock, 10);
    admin = ctx->staff().login("admin", Secret("admin-password-1"));
    teller = ctx->staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password-1"));
    super = ctx->staff().add(admin, "super1", workflows::Role::supervisor, Secret("super-password-1"));
    if (with_order) {
      ctx->insert_blank_token("2100012345");
      test::ScriptedPin pin("customer-pin-1");
      test::NoApprover none;
      workflows::NoProgress quiet;
      receipt_no = desk::Desk(*ctx).run_order(teller, test::first_issuance("2100012345"), {pin, none, quiet}, true).result.receipt_no;
    }
    model = std::make_unique<app::GuiCounterModel>(*ctx);
  }

  std::string today() const { return desk::business_day(clock.now(), ctx->config()); }
  // A connection of the test's own (the driver thread reads while the worker writes).
  db::Database reader() const { return db::Database::open_readonly(ctx->paths().database()); }
  int journal_count(const std::string& action, const std::string& staff) const {
    int n = 0;
    for (const auto& e : ctx->journal().entries_of_day(today()))
      if (e.record.action == action && e.record.staff == staff) ++n;
    return n;
  }
};

// The login dialog, modal as certdesk's login loop shows it; result gets ShowModal's answer.
forms::LoginDialog* open_login(GuiDriver& d, RolesDesk& desk, int& result) {
  forms::LoginDialog* login = nullptr;
  d.post([&] {
    login = new forms::LoginDialog(
        nullptr, [&desk](const std::string& n, const Secret& p) { return desk.model->login(n, p); }, "BJ01");
    result = login->ShowModal();
  });
  d.require(d.wait_for([&] { return login && login->IsModal(); }), "the login dialog comes back");
  return login;
}

// Name and password typed, then OK as a click on the dialog's button sends it.
void type_login(GuiDriver& d, forms::LoginDialog* login, const char* name, const char* password) {
  d.ui([&] {
    login->name_field()->SetValue(name);
    login->password_field()->SetValue(password);
    wxWindow* button = login->FindWindow(wxID_OK);
    wxCommandEvent ok(wxEVT_BUTTON, wxID_OK);
    ok.SetEventObject(button);
    button->GetEventHandler()->ProcessEvent(ok);
  });
}

void report(const std::vector<std::string>& failures) {
  for (const auto& f : failures) BOOST_ERROR(f);
}

bool file_starts_with(const fs::path& p, const std::string& head) {
  std::ifstream in(p, std::ios::binary);
  std::string got(head.size(), '\0');
  in.read(got.data(), std::streamsize(got.size()));
  return in && got == head;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_teller_gets_the_counter_only_and_switch_user_hands_it_to_a_supervisor) {
  RolesDesk desk(false);
  auto worker = std::make_unique<forms::Worker>();
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  std::atomic<int> ended{-1};
  wxFrame* frame = nullptr;
  auto failures = test::run_gui_script([&](GuiDriver& d) {
    d.ui([&] {
      frame = app::open_main_window(*desk.ctx, *desk.model, *worker, teller, [&](forms::SessionEnd e) { ended = int(e); });
    });
    d.require(d.wait_for([&] { return frame->IsShownOnScreen(); }), "the teller's window opens");
    d.check(d.ui([&] { return dynamic_cast<forms::CounterFrame*>(frame) != nullptr; }), "a teller gets the counter");
    std::string t = d.ui([&] { return titles(frame); });
    d.check(t == "柜台 柜台事务 账户", "a teller's menus are the counter, its tasks and the account only: " + t);
    d.check(d.ui([&] { return !menu(frame, "&Day", "&Review the day…"); }), "a teller has no review command");

    // Log out / switch user (Ctrl+L's command): the window closes, the login comes back.
    d.ui([&] { d.check(menu(frame, "Acco&unt", "&Log out / switch user\tCtrl+L"), "the account menu has log out / switch user"); });
    d.check(d.wait_for([&] { return ended == int(forms::SessionEnd::switch_user); }), "the session ends as a switch of user");
    d.check(d.wait_for([&] { return find_top<forms::CounterFrame>() == nullptr; }), "the teller's window is gone");

    // The next person logs in to their own window (as certdesk's login loop does).
    int result = -1;
    forms::LoginDialog* login = open_login(d, desk, result);
    type_login(d, login, "super1", "super-password-1");
    d.require(d.wait_for([&] { return result == wxID_OK; }), "the supervisor logs in");
    d.ui([&] {
      frame = app::open_main_window(*desk.ctx, *desk.model, *worker, *login->actor(), [&](forms::SessionEnd e) { ended = int(e); });
      login->Destroy();
    });
    d.require(d.wait_for([&] { return frame->IsShownOnScreen(); }), "the supervisor's window opens");
    t = d.ui([&] { return titles(frame); });
    d.check(t == "柜台 柜台事务 日结 收据 授权码 账户", "the supervisor's menus: " + t);
    d.check(d.ui([&] { return frame->GetTitle().Contains("super1"); }), "the window names the supervisor");
    ended = -1;
    d.ui([&] { menu(frame, "Acco&unt", "Log out and &quit\tCtrl+Q"); });
    d.check(d.wait_for([&] { return ended == int(forms::SessionEnd::quit); }), "quit ends the session as a quit");
    d.check(d.wait_for([&] { return worker->pending() == 0; }), "the logout is written");
  });
  report(failures);
  BOOST_TEST(desk.journal_count("logout", "teller1") == 1);
  BOOST_TEST(desk.journal_count("login", "super1") == 1);
  BOOST_TEST(desk.journal_count("logout", "super1") == 1);
  BOOST_TEST(wx_asserts == 0);
}

BOOST_AUTO_TEST_CASE(a_supervisor_reviews_voids_verifies_corrects_exports_and_closes_the_day_with_their_token) {
  RolesDesk desk(true);
  BOOST_REQUIRE(!desk.receipt_no.empty());
  // The supervisor's own signing token, enrolled by the admin first.
  desk.ctx->insert_blank_token("3100054321");
  desk::Desk(*desk.ctx).enroll_staff_token(desk.admin, "super1", "3100054321", Secret("super-pin-7"));
  auto worker = std::make_unique<forms::Worker>();
  auto sup = desk.ctx->staff().login("super1", Secret("super-password-1"));
  std::string today = desk.today();
  fs::path csv = desk.dir / "day.csv", pdf = desk.dir / "day.pdf";
  std::atomic<int> ended{-1};
  forms::CounterFrame* frame = nullptr;
  forms::ReviewWindow* review = nullptr;

  auto failures = test::run_gui_script([&](GuiDriver& d) {
    db::Database reader = desk.reader();
    d.ui([&] {
      frame = dynamic_cast<forms::CounterFrame*>(
          app::open_main_window(*desk.ctx, *desk.model, *worker, sup, [&](forms::SessionEnd e) { ended = int(e); }));
      if (frame) frame->SetPosition(wxPoint(0, 0));
    });
    d.require(frame && d.wait_for([&] { return frame->IsShownOnScreen() && frame->polls() > 0; }),
              "a supervisor gets the counter");
    std::string t = d.ui([&] { return titles(frame); });
    d.check(t == "柜台 柜台事务 日结 收据 授权码 账户", "the supervisor's menus: " + t);
    d.check(d.ui([&] { return !menu(frame, "&Staff", "&Staff accounts…"); }), "no staff command for a supervisor");
    d.screenshot("supervisor.png");

    // 日结 → 审阅当日: the review window, today chosen.
    d.ui([&] { d.check(menu(frame, "&Day", "&Review the day…"), "the day menu has review"); });
    d.require(d.wait_for([&] { return (review = frame->adopted<forms::ReviewWindow>()) && review->IsShownOnScreen(); }),
              "the review window opens from the menu");
    d.ui([&] { review->SetPosition(wxPoint(10, 10)); });
    d.check(d.ui([&] { return utf8(review->day_choice()->GetStringSelection()) == today; }), "today's business day is the default");
    d.check(d.ui([&] { return review->list()->GetItemCount() > 5; }), "the day's entries are listed");
    d.check(d.ui([&] { return review->totals()->GetItemCount() > 3; }), "totals by flow, teller and payment method");
    d.check(d.ui([&] { return review->counter_choice()->GetCount() >= 2; }), "the counter filter lists the workstation");

    // 收据 → 作废: the receipts dialog the counter's tasks open too (modal, so the
    // menu is sent after this call returns); no reason is refused next to its field; then voided.
    d.ui([&] { frame->CallAfter([frame] { menu(frame, "&Receipts", "&Void a receipt…"); }); });
    forms::ReceiptsDialog* v = nullptr;
    d.require(d.wait_for([&] { return (v = find_top<forms::ReceiptsDialog>()) != nullptr && v->IsModal(); }),
              "the receipts dialog opens");
    d.ui([&] { v->search(wx(desk.receipt_no)); });
    d.require(d.wait_for([&] { return v->rows().size() == 1u; }), "the receipt is found by its number");
    d.check(d.ui([&] { return v->supervisor_field() == nullptr; }), "a supervisor voids without another's approval");
    auto press = [](wxButton* b) {
      wxCommandEvent ev(wxEVT_BUTTON, b->GetId());
      ev.SetEventObject(b);
      b->ProcessWindowEvent(ev);
    };
    d.ui([&] { press(v->void_button()); });
    d.check(d.wait_for([&] { return !v->void_error()->GetLabel().empty(); }), "no reason: a message next to the reason field");
    d.check(db::Payments(reader).by_receipt_no(desk.receipt_no)->status == "issued", "…and the receipt is unchanged");
    d.ui([&] {
      v->reason_field()->SetValue("收费错误，退款");
      press(v->void_button());
    });
    d.check(d.wait_for([&] { return db::Payments(reader).by_receipt_no(desk.receipt_no)->status == "voided"; }),
            "the receipt is voided");
    d.check(d.wait_for([&] { return v->void_error()->GetLabel().Contains(".pdf"); }), "the dialog names the voided copy");
    d.ui([&] { v->EndModal(wxID_CANCEL); });
    d.check(d.wait_for([&] { return find_top<forms::ReceiptsDialog>() == nullptr; }), "the receipts dialog closes");

    // The review shows the void among the exceptions first; double-click → the order's record.
    d.ui([&] { review->open_selected_day(); });
    d.check(d.ui([&] { return utf8(review->list()->GetItemText(0, 2)) == "作废"; }), "the void is listed first");
    d.ui([&] { review->open_history(0); });
    d.check(d.ui([&] { return review->last_history() && review->last_history()->list()->GetItemCount() >= 4; }),
            "the order's whole record opens");
    d.ui([&] { review->last_history()->Close(); });

    // 日结 → 校验: on the worker; the verdict in the window.
    d.ui([&] { menu(frame, "&Day", "&Verify the journal…"); });
    d.check(d.wait_for([&] { return !review->busy() && !review->last_result().empty(); }), "the verification finishes");
    std::string verdict = d.ui([&] { return utf8(review->last_result()); });
    d.check(verdict.find("日志完整") != std::string::npos, "the journal is intact: " + verdict);
    d.screenshot("supervisor-review.png");

    // A correction entry: a reason is needed, then it is written.
    d.ui([&] { menu(frame, "&Day", "Correction &entry…"); });
    forms::CorrectionDialog* c = nullptr;
    d.require(d.wait_for([&] { return (c = find_top<forms::CorrectionDialog>()) != nullptr; }), "the correction dialog opens");
    d.ui([&] {
      c->seq_field()->SetValue("abc");
      c->submit();
    });
    d.check(d.ui([&] { return !c->error_of(c->seq_field()).empty(); }), "a bad entry number: a message next to the field");
    d.ui([&] {
      c->seq_field()->SetValue("1");
      c->reason_field()->SetValue("登录记录的工作站名称有误");
      c->submit();
    });
    d.check(d.wait_for([&] { return find_top<forms::CorrectionDialog>() == nullptr; }), "the correction is written");
    d.check(d.ui([&] { return review->last_result().Contains("1") && !review->busy(); }), "the window says so");

    // Exports through the window's worker (the file dialog gives the path).
    d.ui([&] { review->export_to(csv.string(), false); });
    d.check(d.wait_for([&] { return !review->busy(); }), "the CSV export finishes");
    d.check(file_starts_with(csv, "\xEF\xBB\xBF"), "the CSV starts with the UTF-8 BOM");
    d.ui([&] { review->export_to(pdf.string(), true); });
    d.check(d.wait_for([&] { return !review->busy(); }), "the PDF export finishes");
    d.check(file_starts_with(pdf, "%PDF"), "the daily report is a PDF");

    // The close: the worker asks for the supervisor's own token PIN in a dialog.
    d.ui([&] { review->start_close(); });
    forms::OwnPinDialog* pin = nullptr;
    d.require(d.wait_for([&] { return (pin = find_top<forms::OwnPinDialog>()) != nullptr && pin->IsModal(); }),
              "the close asks the token's PIN in a dialog");
    d.check(d.ui([&] { return review->busy() && review->IsEnabled(); }), "the review window shows the close running");
    d.ui([&] { pin->accept(); });
    d.check(d.ui([&] { return !pin->error_label()->GetLabel().empty() && pin->IsModal(); }), "an empty PIN is refused in the dialog");
    d.screenshot("supervisor-close-pin.png");
    d.ui([&] {
      pin->pin_field()->SetValue("super-pin-7");
      pin->accept();
    });
    d.check(d.wait_for([&] { return !review->busy(); }, 60s), "the close finishes");
    std::string closed = d.ui([&] { return utf8(review->last_result()); });
    d.check(closed.find("已日结") != std::string::npos && closed.find("主管") != std::string::npos,
            "the signed result is shown: " + closed);
    auto rec = db::DayCloses(reader).by_day(today);
    d.check(rec && rec->signer_kind == "supervisor" && rec->closed_by == "super1", "the close is signed with the supervisor's token");
    d.check(d.ui([&] { return review->summary_text()->GetLabel().Contains("super1"); }), "the summary says who closed the day");
    d.screenshot("supervisor-closed.png");

    // Switch user closes the review window with the counter.
    d.ui([&] { menu(frame, "Acco&unt", "&Log out / switch user\tCtrl+L"); });
    d.check(d.wait_for([&] { return ended == int(forms::SessionEnd::switch_user); }), "switch user ends the session");
    d.check(d.wait_for([&] { return find_top<forms::ReviewWindow>() == nullptr && find_top<forms::CounterFrame>() == nullptr; }),
            "the counter and the review window are closed");
  });
  report(failures);
  BOOST_TEST(desk.journal_count("receipt.voided", "super1") + desk.journal_count("receipt.void", "super1") >= 1);
  BOOST_TEST(desk.journal_count("correction", "super1") == 1);
  BOOST_TEST(wx_asserts == 0);
}

BOOST_AUTO_TEST_CASE(an_admin_adds_a_teller_disables_them_changes_a_fee_and_a_setting_and_enrols_a_token) {
  RolesDesk desk(false);
  desk.ctx->insert_blank_token("3100098765");
  auto worker = std::make_unique<forms::Worker>();
  auto admin = desk.ctx->staff().login("admin", Secret("admin-password-1"));
  std::atomic<int> ended{-1};
  forms::AdminFrame* frame = nullptr;
  auto row_of = [&](const std::string& name) -> const forms::StaffRow* {
    for (const auto& r : frame->rows())
      if (r.name == name) return &r;
    return nullptr;
  };

  auto failures = test::run_gui_script([&](GuiDriver& d) {
    db::Database reader = desk.reader();
    d.ui([&] {
      frame = dynamic_cast<forms::AdminFrame*>(
          app::open_main_window(*desk.ctx, *desk.model, *worker, admin, [&](forms::SessionEnd e) { ended = int(e); }));
      if (frame) frame->SetPosition(wxPoint(0, 0));
    });
    d.require(frame && d.wait_for([&] { return frame->IsShownOnScreen() && frame->reloads() > 0; }), "an admin gets the admin's window");
    std::string t = d.ui([&] { return titles(frame); });
    d.check(t == "人员 收费标准 设置 账户", "the admin's menus: " + t);
    d.check(d.ui([&] { return !menu(frame, "&Day", "&Review the day…") && !menu(frame, "&Counter", "&New first issuance\tCtrl+N"); }),
            "no day or counter command for an admin");
    d.check(d.ui([&] { return frame->staff_list()->GetItemCount() == 3; }), "the staff list shows the three accounts");

    // 人员 → 新增: passwords that differ are refused next to the field, nothing added.
    d.ui([&] { menu(frame, "&Staff", "&Add a person…"); });
    forms::AddStaffDialog* add = nullptr;
    d.require(d.wait_for([&] { return (add = find_top<forms::AddStaffDialog>()) != nullptr; }), "the add dialog opens");
    d.ui([&] {
      add->name_field()->SetValue("teller2");
      add->password_field()->SetValue("teller2-password");
      add->again_field()->SetValue("teller2-passw0rd");
      add->submit();
    });
    d.check(d.ui([&] { return !add->error_of(add->again_field()).empty() && !add->busy(); }), "differing passwords: a message next to the field");
    d.check(!db::Staff(reader).by_name("teller2"), "…and nobody is added");
    d.ui([&] {
      add->password_field()->SetValue("teller2-password");
      add->again_field()->SetValue("teller2-password");
      add->submit();
    });
    d.check(d.wait_for([&] { return find_top<forms::AddStaffDialog>() == nullptr; }), "the add dialog closes once done");
    d.check(d.wait_for([&] { return row_of("teller2") != nullptr; }), "teller2 is in the list");
    d.check(d.ui([&] { return row_of("teller2")->role == workflows::Role::teller && row_of("teller2")->active; }), "as an active teller");

    // Disable teller2: their next login is refused.
    d.ui([&] {
      frame->select("teller2");
      frame->toggle_selected();
    });
    d.check(d.wait_for([&] { return !frame->busy() && row_of("teller2") && !row_of("teller2")->active; }), "teller2 is disabled");
    d.screenshot("admin.png");

    // 收费标准: a bad amount is refused next to the field; 60.00 is stored as 6000 fen.
    d.ui([&] { menu(frame, "&Fees", "&Fee schedule…"); });
    forms::FeesDialog* fees = nullptr;
    d.require(d.wait_for([&] { return (fees = find_top<forms::FeesDialog>()) && fees->list()->GetItemCount() > 0; }),
              "the fee schedule opens with its items");
    d.require(d.ui([&] { return fees->select("token"); }), "the token fee is listed");
    d.check(d.ui([&] { return utf8(fees->value_field()->GetValue()) == "50.00"; }), "the token fee shows 50.00");
    d.ui([&] {
      fees->value_field()->SetValue("5O.00");
      fees->save();
    });
    d.check(d.ui([&] { return !fees->value_error()->GetLabel().empty() && fees->saves() == 0; }), "a bad amount: a message next to the field");
    d.check(db::FeeSchedule(reader).get("token")->amount_fen == 5000, "…and the fee is unchanged");
    d.ui([&] {
      fees->value_field()->SetValue("60.00");
      fees->save();
    });
    d.check(d.wait_for([&] { return fees->saves() == 1 && !fees->busy(); }), "the new fee is saved");
    d.check(db::FeeSchedule(reader).get("token")->amount_fen == 6000, "the token fee is 6000 fen");
    d.screenshot("admin-fees.png");
    d.ui([&] { fees->Close(); });

    // 设置: a value outside the setting's range is refused next to the field.
    d.ui([&] { menu(frame, "S&ettings", "&Settings…"); });
    forms::SettingsDialog* settings = nullptr;
    d.require(d.wait_for([&] { return (settings = find_top<forms::SettingsDialog>()) && settings->list()->GetItemCount() > 0; }),
              "the settings open");
    d.require(d.ui([&] { return settings->select("renewal_opens_days_before"); }), "the renewal setting is listed");
    d.ui([&] {
      settings->value_field()->SetValue("-5");
      settings->save();
    });
    d.check(d.wait_for([&] { return !settings->busy() && !settings->value_error()->GetLabel().empty(); }),
            "a value out of range: the desk's message next to the field");
    d.check(db::Settings(reader).get_or("renewal_opens_days_before", "") != "-5", "…and nothing changes");
    d.ui([&] {
      settings->value_field()->SetValue("45");
      settings->save();
    });
    d.check(d.wait_for([&] { return settings->saves() == 1 && !settings->busy(); }), "the setting is saved");
    d.check(db::Settings(reader).get_or("renewal_opens_days_before", "") == "45", "renewal opens 45 days before");
    d.ui([&] { settings->Close(); });

    // A supervisor's signing token, enrolled from the list.
    d.ui([&] {
      frame->select("super1");
      frame->open_enrol_token();
    });
    forms::EnrolTokenDialog* enrol = nullptr;
    d.require(d.wait_for([&] { return (enrol = find_top<forms::EnrolTokenDialog>()) != nullptr; }), "the enrol dialog opens");
    std::string offered = d.ui([&] { return utf8(enrol->serial_field()->GetValue()) + " " + utf8(enrol->error_of(nullptr)); });
    d.check(offered.rfind("3100098765", 0) == 0, "the blank token is offered: " + offered);
    d.ui([&] {
      enrol->pin_field()->SetValue("super-pin-9");
      enrol->again_field()->SetValue("super-pin-9");
      enrol->submit();
    });
    bool enrolled = d.wait_for([&] { return find_top<forms::EnrolTokenDialog>() == nullptr; }, 60s);
    d.check(enrolled, "the token is enrolled: " + (enrolled ? std::string() : d.ui([&] {
      return utf8(enrol->error_of(nullptr) + " | " + enrol->error_of(enrol->serial_field()) + " | " + enrol->error_of(enrol->pin_field()));
    })));
    d.check(d.wait_for([&] { return row_of("super1") && row_of("super1")->signing_token == "3100098765"; }),
            "the list shows super1's signing token");

    d.ui([&] { menu(frame, "Acco&unt", "&Log out / switch user\tCtrl+L"); });
    d.check(d.wait_for([&] { return ended == int(forms::SessionEnd::switch_user); }), "the admin logs out for the next person");
    d.check(d.wait_for([&] { return worker->pending() == 0; }), "the logout is written");

    // The next person is the disabled teller2: the login dialog refuses them and stays.
    int result = -1;
    forms::LoginDialog* login = open_login(d, desk, result);
    type_login(d, login, "teller2", "teller2-password");
    d.check(d.wait_for([&] { return login->error_label()->GetLabel().Contains("2001"); }),
            "the disabled teller's login is refused in the window: " + d.ui([&] { return utf8(login->error_label()->GetLabel()); }));
    d.check(d.ui([&] { return result == -1 && login->IsModal() && !login->actor(); }), "the dialog stays, nobody logged in");
    d.screenshot("admin-disabled-login-refused.png");
    d.ui([&] { login->EndModal(wxID_CANCEL); });
    d.check(d.wait_for([&] { return result == wxID_CANCEL; }), "the login dialog closes");
    d.ui([&] { login->Destroy(); });
  });
  report(failures);
  // The disabled teller's next login is refused.
  BOOST_CHECK_THROW(desk.model->login("teller2", Secret("teller2-password")), AuthError);
  BOOST_TEST(desk.journal_count("staff.added", "admin") == 3);
  BOOST_TEST(desk.journal_count("staff.disabled", "admin") == 1);
  BOOST_TEST(desk.journal_count("fee.changed", "admin") == 1);
  BOOST_TEST(desk.journal_count("logout", "admin") == 1);
  BOOST_TEST(desk.journal_count("setting.changed", "admin") == 1);
  BOOST_TEST(desk::Desk(*desk.ctx).quote(workflows::Flow::issue, "").total_fen == 6000);
  BOOST_TEST(wx_asserts == 0);
}

// Issue 14.1: 修改密码 in every role's account menu; bad input a message next to its
// field and nothing changed; the desk's change_own_password (as `certdesk-cli staff password`).
BOOST_AUTO_TEST_CASE(everyone_changes_their_own_password_from_the_account_menu) {
  RolesDesk desk(false);
  auto worker = std::make_unique<forms::Worker>();
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  const char* account = "Acco&unt";
  const char* item = app::kChangePasswordLabel;
  wxFrame* frame = nullptr;
  auto has_item = [&](wxFrame* f) {
    return f->GetMenuBar()->FindMenuItem(wxGetTranslation(account), wxGetTranslation(item)) != wxNOT_FOUND;
  };
  auto failures = test::run_gui_script([&](GuiDriver& d) {
    // The supervisor's and the admin's windows offer it too.
    for (const auto* who : {&desk.super, &desk.admin}) {
      wxFrame* f = d.ui([&] { return app::open_main_window(*desk.ctx, *desk.model, *worker, *who, {}); });
      d.require(d.wait_for([&] { return f->IsShownOnScreen(); }), "the window of " + who->name + " opens");
      d.check(d.ui([&] { return has_item(f); }), who->name + "'s account menu has 修改密码");
      d.ui([&] { f->Close(true); });
      d.wait_for([&] { return worker->pending() == 0; });
    }
    d.ui([&] { frame = app::open_main_window(*desk.ctx, *desk.model, *worker, teller, {}); });
    d.require(d.wait_for([&] { return frame->IsShownOnScreen(); }), "the teller's window opens");
    d.check(d.ui([&] { return has_item(frame); }), "the teller's account menu has 修改密码");
    std::string shown = d.ui([&] {
      wxMenuBar* bar = frame->GetMenuBar();
      wxMenu* m = bar->GetMenu(bar->FindMenu(wxGetTranslation(account)));
      return utf8(m->FindItemByPosition(0)->GetItemLabelText()) + " / " + utf8(m->FindItemByPosition(2)->GetItemLabelText());
    });
    d.check(shown.rfind("修改密码", 0) == 0 && shown.find("注销") != std::string::npos,
            "修改密码 comes first, above 注销/切换用户: " + shown);

    d.ui([&] { frame->CallAfter([&] { menu(frame, account, item); }); });
    forms::ChangePasswordDialog* dlg = nullptr;
    d.require(d.wait_for([&] { return (dlg = find_top<forms::ChangePasswordDialog>()) != nullptr && dlg->IsModal(); }),
              "the change-password dialog opens modal");
    d.check(d.ui([&] { return wxWindow::FindFocus() == dlg->current_field(); }), "focus in the current password");
    auto fill = [&](const char* current, const char* fresh, const char* again) {
      d.ui([&] {
        dlg->clear_errors();
        dlg->current_field()->SetValue(current);
        dlg->new_field()->SetValue(fresh);
        dlg->again_field()->SetValue(again);
        dlg->submit();
      });
    };
    // The message next to a field (the field pointers are fixed once the dialog is built).
    auto error_at = [&](wxTextCtrl* field) { return d.ui([&] { return utf8(dlg->error_of(field)); }); };
    fill("", "teller-password-2", "teller-password-2");
    d.check(!error_at(dlg->current_field()).empty(), "no current password: said next to its field");
    fill("teller-password-1", "teller-password-2", "teller-password-3");
    d.check(!error_at(dlg->again_field()).empty(), "the two new ones differ: said next to the second");
    fill("teller-password-1", "short1", "short1");
    const std::string too_short = error_at(dlg->new_field());
    d.check(too_short.find("8") != std::string::npos, "a new one shorter than the rules: said next to it: " + too_short);
    d.screenshot("change-password-refused.png");
    fill("wrong-password-9", "teller-password-2", "teller-password-2");
    d.check(d.wait_for([&] { return !dlg->busy() && !dlg->error_of(dlg->current_field()).empty(); }),
            "a wrong current password: the desk's refusal next to the field");
    const std::string refused = error_at(dlg->current_field());
    d.check(refused.find("2001") != std::string::npos, "with its code: " + refused);
    d.check(d.ui([&] { return dlg->IsModal() && dlg->current_field()->GetValue().empty(); }),
            "the dialog stays open, the password fields cleared");
    d.check(desk.journal_count("staff.password_changed", "teller1") == 0, "…and nothing changed");

    fill("teller-password-1", "teller-password-2", "teller-password-2");
    d.require(d.wait_for([&] { return find_top<forms::ChangePasswordDialog>() == nullptr; }), "the password is changed");
    wxGenericMessageDialog* said = nullptr;
    d.require(d.wait_for([&] { return (said = find_top<wxGenericMessageDialog>()) != nullptr && said->IsModal(); }),
              "the window says so");
    d.check(d.ui([&] { return utf8(said->GetMessage()).find("密码已修改") != std::string::npos; }), "in Chinese");
    d.screenshot("change-password-done.png");
    d.ui([&] { said->EndModal(wxID_OK); });
    d.check(d.wait_for([&] { return find_top<wxGenericMessageDialog>() == nullptr; }), "the message closes");
    d.ui([&] { frame->Close(true); });
    d.check(d.wait_for([&] { return worker->pending() == 0; }), "the logout is written");
  });
  worker.reset();
  report(failures);
  BOOST_TEST(desk.journal_count("staff.password_changed", "teller1") == 1);
  BOOST_TEST(desk.journal_count("staff.password_refused", "teller1") == 1);   // the wrong current one, journaled
  BOOST_CHECK_THROW(desk.model->login("teller1", Secret("teller-password-1")), AuthError);
  BOOST_CHECK_NO_THROW(desk.model->login("teller1", Secret("teller-password-2")));
  for (const char* pw : {"teller-password-2", "teller-password-3", "wrong-password-9", "short1"})
    for (const auto& f : test::files_containing(desk.dir.path(), pw)) BOOST_ERROR("a password is stored in " << f);
  BOOST_TEST(wx_asserts == 0);
}
