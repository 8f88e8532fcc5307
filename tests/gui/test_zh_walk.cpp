// Issue 14.6 / 14.7: every window and dialog reachable today, walked under
// zh_CN at 1280×800 (Xvfb) with tests/gui/label_walker.h: no visible label,
// column header, menu item or button text is an English word, and the labels
// on screen are not cut short. A dialog added later joins with one line:
//   test::expect_chinese(dlg, "the new dialog");
// Screenshots of each window go to the build folder ($CERTDESK_SCREENSHOT_DIR).

#include <boost/test/unit_test.hpp>

#include <wx/app.h>
#include <wx/display.h>
#include <wx/evtloop.h>
#include <wx/intl.h>
#include <wx/print.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <thread>

#include "app/gui_menus_ui.h"
#include "app/gui_model.h"
#include "app/gui_review.h"
#include "desk/context.h"
#include "forms/admin_dialogs.h"
#include "forms/admin_frame.h"
#include "forms/counter_frame.h"
#include "forms/day_dialogs.h"
#include "forms/dialogs.h"
#include "forms/hall_review_window.h"
#include "forms/order_page.h"
#include "forms/password_dialog.h"
#include "forms/printer_dialog.h"
#include "forms/printout.h"
#include "forms/prompts_ui.h"
#include "forms/receipts_dialog.h"
#include "forms/review_window.h"
#include "forms/token_panel.h"
#include "forms/token_report_dialog.h"
#include "forms/ui.h"
#include "forms/unlock_code_dialog.h"
#include "forms/worker.h"
#include "printing/layout.h"
#include "tests/gui/label_walker.h"
#include "tests/gui/gui_desk.h"
#include "tests/gui/scripted.h"
#include "tests/gui/wx_session.h"
#include "tests/printing/samples.h"
#include "tests/support/support.h"

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using test::pump_until;
using test::screenshot;
using test::wx_asserts;

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_zh_walk") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

// Shows a window, walks it (labels in Chinese, nothing cut short on screen), screenshots it.
void walk(wxWindow* w, const std::string& what, const std::string& shot, test::WalkOptions o = {}) {
  w->Show();
  BOOST_REQUIRE_MESSAGE(pump_until([&] { return w->IsShownOnScreen(); }), what << " is shown");
  pump_until([] { return false; }, 300ms);
  const std::size_t n = test::expect_chinese(w, what, o);
  BOOST_TEST_MESSAGE(what << ": " << n << " labels read");
  for (const auto& cut : test::truncated(w)) BOOST_ERROR(what << ": cut short: " << cut);
  const wxRect r = w->GetScreenRect();
  const wxRect screen = wxDisplay(0u).GetClientArea();
  BOOST_TEST(screen.Contains(r), what << " fits the 1280×800 screen (" << r.width << "×" << r.height << ")");
  if (!shot.empty()) screenshot(shot);
}

// The review list's columns up to the receipt number fit its width (no sideways scrolling).
void receipt_column_fits(wxListCtrl* list) {
  int through_receipt = 0;
  for (int i = 0; i < list->GetColumnCount(); ++i) {
    wxListItem col;
    col.SetMask(wxLIST_MASK_TEXT);
    list->GetColumn(i, col);
    through_receipt += list->GetColumnWidth(i);
    if (col.GetText() == _("Receipt")) break;
  }
  BOOST_TEST(through_receipt <= list->GetClientSize().x,
             "columns through the receipt take " << through_receipt << " px of " << list->GetClientSize().x);
}

// A data folder with a teller, a supervisor and a blank token inserted.
struct Desk : test::GuiDesk {
  Desk() : GuiDesk("certdesk-zh-walk") {}
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_walker_finds_english_words_and_lets_codes_pass) {
  BOOST_TEST(test::english_words("已用 supervisor 密钥").size() == 1u);
  BOOST_TEST(test::english_words("Page 1 of 1").size() == 2u);   // "Page", "of"
  BOOST_TEST(test::english_words("当前状态：suspended")[0] == "suspended");
  BOOST_TEST(test::english_words("收据 BJ01-2026-000123，介质 2100012345，PIN 码，USB 介质，CA 证书").empty());
  BOOST_TEST(test::english_words("91110108MA01C8D24U P-256 F3 数字证书补办 teller1 li.na 50 MB").empty());
  BOOST_TEST(test::english_words("certdesk — 柜台 BJ01 — 柜员 zhang", {"zhang"}).empty());
}

BOOST_AUTO_TEST_CASE(login_pin_and_approval_dialogs_read_in_chinese) {
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  auto* login = new forms::LoginDialog(
      nullptr, [](const std::string&, const Secret&) -> workflows::Actor { throw AuthError(codes::bad_credentials, "x"); },
      "北京示例服务大厅（BJ01）");
  walk(login, "login dialog", "zh-login.png");
  bool branch_shown = false;
  for (const auto& l : test::visible_labels(login))
    if (l.text.find("北京示例服务大厅") != std::string::npos) branch_shown = true;
  BOOST_TEST(branch_shown, "the login dialog shows the branch name");
  login->Destroy();

  auto* pin = new forms::PinDialog(nullptr, workflows::PinRules{6, 16}, "2100012345", true);
  walk(pin, "PIN dialog", "zh-pin.png");
  pin->Destroy();

  auto* approval = new forms::ApprovalDialog(nullptr, "费用减免", "teller1");
  walk(approval, "approval dialog", "zh-approval.png");
  approval->Destroy();
  pump_until([] { return false; }, 200ms);
  BOOST_TEST(wx_asserts.load() == 0);
}

BOOST_AUTO_TEST_CASE(the_counter_window_and_its_pages_read_in_chinese_at_1280x800) {
  Desk desk;
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  auto* frame = new forms::CounterFrame(*desk.model, worker, desk.teller);
  frame->Show();
  BOOST_REQUIRE(pump_until([&] { return frame->IsShownOnScreen() && frame->polls() > 0 && frame->tokens()->GetSize().y > 0; }));
  pump_until([] { return false; }, 1500ms);   // the first token poll fills the panel
  // Every page of the order sequence, shown or not (their static labels are built up front).
  walk(frame, "counter window", "zh-counter.png", {.include_hidden = true});

  // The flow picker has room for its longest item (F3 数字证书补办).
  wxChoice* flows = frame->order_page()->flow_choice();
  int widest = 0;
  for (unsigned i = 0; i < flows->GetCount(); ++i) widest = std::max(widest, flows->GetTextExtent(flows->GetString(i)).x);
  BOOST_TEST(flows->GetSize().x >= widest + 30, "flow picker " << flows->GetSize().x << " px for text of " << widest);

  // The token panel shows three whole rows under its header.
  wxListCtrl* tokens = nullptr;
  for (wxWindow* c : frame->tokens()->GetChildren())
    if (auto* l = dynamic_cast<wxListCtrl*>(c)) tokens = l;
  BOOST_REQUIRE(tokens);
  BOOST_REQUIRE(tokens->GetItemCount() >= 1);
  wxRect first;
  BOOST_REQUIRE(tokens->GetItemRect(0, first));
  BOOST_TEST(tokens->GetClientSize().y >= first.y + 3 * first.height,
             "token list " << tokens->GetClientSize().y << " px: rows of " << first.height << " from y " << first.y);

  auto* unfinished = new forms::UnfinishedDialog(frame, *desk.model, worker, desk.teller,
                                                 {{7, "issue", "paid", "介质个人化", "2100012345", "2026-12-01 10:00"}});
  walk(unfinished, "unfinished orders dialog", "zh-unfinished.png");
  unfinished->Destroy();

  // The print preview is wx's own window: its catalogue (wxstd, Debian wx3.2-i18n) must be loaded.
  const printing::DocumentLayout layout = printing::layout_receipt(test::sample_receipt(), printing::Paper::a5);
  auto* pv = new wxPrintPreview(new forms::DocumentPrintout(layout), new forms::DocumentPrintout(layout));
  BOOST_REQUIRE(pv->IsOk());
  auto* preview = new wxPreviewFrame(pv, frame, "收据预览", wxDefaultPosition, wxSize(800, 700));
  preview->Initialize();
  walk(preview, "print preview", "zh-preview.png");
  preview->Destroy();

  frame->Close(true);
  pump_until([] { return false; }, 300ms);
  BOOST_TEST(wx_asserts.load() == 0);
}

BOOST_AUTO_TEST_CASE(the_review_window_reads_in_chinese) {
  Desk desk;
  desk.ctx->staff().login("super1", Secret("super-password-1"));
  auto model = app::make_review_model(*desk.ctx, desk.supervisor);
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  auto* w = new forms::ReviewWindow(*model, worker, "super1");
  w->Show();
  BOOST_REQUIRE(pump_until([&] { return w->IsShownOnScreen() && !w->busy() && w->list()->GetItemCount() > 0; }));
  walk(w, "review window", "zh-review.png", {.allow = {"admin"}});   // the staff filter lists login names
  // The receipt number is on screen without scrolling sideways.
  receipt_column_fits(w->list());
  auto* history = new forms::OrderHistoryDialog(w, 1, {});
  walk(history, "order history dialog", "");
  history->Destroy();
  w->Close(true);
  pump_until([] { return false; }, 300ms);
  BOOST_TEST(wx_asserts.load() == 0);
}

namespace {

// The hall review's model scripted (no cluster: the suite has none; tests/gui/test_hall_review.cpp
// reads a real one): a late counter, an exception and an ordinary entry of two counters.
struct ScriptedHall final : forms::HallReviewModel {
  std::vector<std::string> days() override { return {"2026-12-02", "2026-12-01"}; }
  forms::HallDayView load(const std::string& day, const forms::ReviewFilter&) override {
    forms::HallDayView v;
    v.branch = "BJ01";
    v.business_day = day;
    auto row = [&](std::int64_t seq, const char* counter, const char* time, const char* exception, const char* action,
                   const char* details) {
      forms::ReviewRowView r;
      r.seq = seq;
      r.counter = counter;
      r.time = time;
      r.exceptions = exception;
      r.staff = seq ? "teller1" : "";
      r.action = action;
      r.flow = seq ? "issue" : "";
      r.receipt_no = seq == 12 ? "BJ01-W01-2026-000001" : "";
      r.amount = seq == 12 ? "50.00" : "";
      r.outcome = seq ? "0000" : "";
      r.details = details;
      v.rows.push_back(r);
      v.records.push_back({{"柜台", counter}, {"序号", std::to_string(seq)}, {"详情", details}});
    };
    row(0, "W03", "2026-12-02 09:02:11", "未上传", "柜台未上传", "上次上传在 40 分钟前（超过 15 分钟即为延迟）");
    row(7, "W02", "2026-12-02 09:30:02", "失败", "登录被拒", "");
    row(12, "W01", "2026-12-02 09:41:56", "", "收费", "现金");
    v.counters = {{"W01", 12, 0, 5000, false}, {"W02", 9, 1, 0, false}, {"W03", 4, 0, 0, true}};
    v.entries = 25;
    v.exceptions = 1;
    v.amount_fen = 5000;
    v.late = {"W03"};
    v.counter_choices = {"W01", "W02", "W03"};
    v.tellers = {"teller1"};
    v.flows = {"issue"};
    return v;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_hall_review_window_reads_in_chinese) {
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  auto* w = new forms::HallReviewWindow(std::make_shared<ScriptedHall>(), worker, "super1");
  w->Show();
  BOOST_REQUIRE(pump_until([&] { return w->IsShownOnScreen() && w->loads() > 0; }));
  walk(w, "hall review window", "zh-hall-review.png", {.allow = {"teller1"}});
  // The receipt number is on screen without scrolling sideways, beside the counter column.
  receipt_column_fits(w->list());
  w->open_record(0);
  BOOST_REQUIRE(w->last_record());
  walk(w->last_record(), "hall entry record dialog", "");
  w->Close(true);
  pump_until([] { return false; }, 300ms);
  BOOST_TEST(wx_asserts.load() == 0);
}

namespace {

template <class T>
T* shown_top() {
  for (auto* w : wxTopLevelWindows)
    if (auto* t = dynamic_cast<T*>(w); t && t->IsShown() && !t->IsBeingDeleted()) return t;
  return nullptr;
}

}  // namespace

// Issue 14.6: every dialog of every role, each in the window it opens from, with
// data in its lists (a first issuance done, so receipts and the history have rows).
BOOST_AUTO_TEST_CASE(every_dialog_of_every_role_reads_in_chinese) {
  Desk desk;
  test::ScriptedPin pin("246813");
  test::NoApprover nobody;
  workflows::NoProgress quiet;
  const std::time_t issued_from = std::time(nullptr);
  const auto order = desk.model->run_flow(desk.teller, test::first_issuance("2100012345"), {pin, nobody, quiet}, true);
  BOOST_REQUIRE(order.state == workflows::OrderState::completed);
  auto admin = desk.ctx->staff().login("admin", Secret("admin-password-1"));
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  const test::WalkOptions data{.allow = {"admin"}};   // login names in the lists

  // The supervisor's counter: the role's menus (日结, 收据, 授权码) and the account menu.
  wxFrame* frame = app::open_main_window(*desk.ctx, *desk.model, worker, desk.supervisor, {});
  BOOST_REQUIRE(pump_until([&] { return frame->IsShownOnScreen(); }));
  if (auto* unfinished = shown_top<forms::UnfinishedDialog>()) unfinished->Destroy();
  pump_until([] { return false; }, 1000ms);
  walk(frame, "supervisor's counter window", "zh-supervisor.png", {.include_hidden = true});

  auto* counter = dynamic_cast<forms::CounterFrame*>(frame);
  BOOST_REQUIRE(counter);
  // The customer's history, filled (issue 14.7: the date column in local time, not cut short).
  counter->order_page()->search_field()->SetValue("91110108MA01C8D24U");
  BOOST_TEST(pump_until([&] { return counter->history()->GetItemCount() >= 3; }), "the customer's history fills");
  pump_until([] { return false; }, 300ms);
  for (const auto& cut : test::truncated(frame)) BOOST_ERROR("history: cut short: " << cut);
  // In local time to the minute: the order's minute, which lies between issued_from and now
  // (the walk above takes seconds, so the clock may have passed a minute boundary).
  {
    const std::string shown = forms::utf8(counter->history()->GetItemText(0, 1));
    bool matches = false;
    const std::time_t now = std::time(nullptr);
    for (std::time_t t = issued_from; t <= now + 60 && !matches; t += 60)
      matches = shown == desk.model->local_time(std::min(t, now)).substr(0, 16);
    BOOST_TEST(matches, "the history's dates are local time: " << shown);
  }
  screenshot("zh-history.png");

  auto* receipts = new forms::ReceiptsDialog(frame, *desk.model, worker, desk.teller);
  receipts->search(forms::wx(order.receipt_no));
  BOOST_TEST(pump_until([&] { return receipts->rows().size() == 1u; }), "the receipt is found");
  walk(receipts, "receipts dialog", "zh-receipts.png", data);
  receipts->Destroy();

  auto* report = new forms::TokenReportDialog(frame, *desk.model, worker, desk.teller, "2100012345");
  report->look_up();
  BOOST_TEST(pump_until([&] { return !report->state_label()->GetLabel().empty(); }), "the token is looked up");
  walk(report, "token report dialog", "zh-token-report.png");
  report->Destroy();

  auto* issue = new forms::IssueCodeDialog(frame, *desk.model, worker, desk.supervisor);
  walk(issue, "issue unlock code dialog", "zh-issue-code.png");
  issue->Destroy();
  auto* redeem = new forms::RedeemCodeDialog(frame, *desk.model, worker, desk.teller, {"2100012345"});
  walk(redeem, "redeem unlock code dialog", "zh-redeem-code.png");
  redeem->Destroy();

  forms::PrinterChoice choice;
  choice.list.printers = {{"Counter_A5", "柜台打印机", "一号窗口", true, true, false, ""},
                          {"Backoffice", "", "", false, true, true, ""}};
  auto* printer = new forms::PrinterDialog(frame, choice, "收据");
  walk(printer, "printer picker", "zh-printer.png");
  printer->Destroy();
  forms::PaperPrint failed{false, "receipt", order.receipt_no, "Counter_A5", 0, false,
                           desk.ctx->paths().root / "archive" / "x.pdf", "打印机已停止"};
  auto* problem = new forms::PrintProblemDialog(frame, {failed});
  walk(problem, "print problem dialog", "zh-print-problem.png");
  problem->Destroy();

  auto* close_pin = new forms::OwnPinDialog(frame, "日结签名");
  walk(close_pin, "day close PIN dialog", "zh-close-pin.png");
  close_pin->Destroy();
  auto* correction = new forms::CorrectionDialog(frame, worker, [](std::int64_t, const std::string&) { return std::int64_t(1); }, 1);
  walk(correction, "correction dialog", "zh-correction.png");
  correction->Destroy();
  auto* password = new forms::ChangePasswordDialog(frame, worker, "super1", [](const Secret&, const Secret&) {});
  walk(password, "change password dialog", "zh-change-password.png");
  password->Destroy();
  frame->Close(true);
  pump_until([&] { return worker.pending() == 0; }, 5s);

  // The admin's window and each of its dialogs.
  auto* admin_frame = dynamic_cast<forms::AdminFrame*>(app::open_main_window(*desk.ctx, *desk.model, worker, admin, {}));
  BOOST_REQUIRE(admin_frame);
  BOOST_REQUIRE(pump_until([&] { return admin_frame->IsShownOnScreen() && admin_frame->reloads() > 0; }));
  walk(admin_frame, "admin window", "zh-admin.png", {.allow = {"admin", "teller1", "super1"}});
  auto walk_modeless = [&](wxDialog* d, const std::string& what, const std::string& shot) {
    BOOST_REQUIRE_MESSAGE(d, what << " opens");
    walk(d, what, shot, data);
    d->Destroy();
    pump_until([] { return false; }, 100ms);
  };
  walk_modeless(admin_frame->open_add_staff(), "add staff dialog", "zh-add-staff.png");
  BOOST_REQUIRE(admin_frame->select("teller1"));
  walk_modeless(admin_frame->open_reset_password(), "reset password dialog", "zh-reset-password.png");
  BOOST_REQUIRE(admin_frame->select("super1"));
  admin_frame->open_enrol_token();
  BOOST_REQUIRE(pump_until([] { return shown_top<forms::EnrolTokenDialog>() != nullptr; }));
  walk_modeless(shown_top<forms::EnrolTokenDialog>(), "enrol token dialog", "zh-enrol-token.png");
  auto* fees = admin_frame->open_fees();
  BOOST_REQUIRE(fees);
  BOOST_REQUIRE(pump_until([&] { return fees->list()->GetItemCount() > 0; }));
  walk_modeless(fees, "fee schedule", "zh-fees.png");
  auto* settings = admin_frame->open_settings();
  BOOST_REQUIRE(settings);
  BOOST_REQUIRE(pump_until([&] { return settings->list()->GetItemCount() > 0; }));
  for (long row = 0; row < settings->list()->GetItemCount(); ++row) {   // each key says what it means, in Chinese
    const std::string meaning = forms::utf8(settings->list()->GetItemText(row, 1));
    BOOST_CHECK_MESSAGE(!meaning.empty() && test::english_words(meaning).empty(),
                        "the meaning of " << forms::utf8(settings->list()->GetItemText(row, 0)) << ": " << meaning);
  }
  walk_modeless(settings, "settings dialog", "zh-settings.png");
  admin_frame->Close(true);
  pump_until([&] { return worker.pending() == 0; }, 5s);
  BOOST_TEST(wx_asserts.load() == 0);
}
