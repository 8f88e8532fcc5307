// The supervisor's hall review window and the window's shipper wake (issue 12.3, 12.5),
// against a real PostgreSQL 15 cluster of the suite's own (tests/hall/hall_server.h).
//  - An entry committed through the desk reaches the hall within about a second of the
//    commit, with the shipper's period at 60 s: only the commit hook's wake() can do that.
//  - Three data folders join one cluster and work through certdesk-cli; the supervisor of
//    counter W01 opens 日结 → 全厅日志 and sees all three counters, the one that stopped
//    shipping first as late, the totals per counter and in all; the counter filter
//    narrows the rows; a double click shows an entry's full record; with the server
//    stopped the window says so in Chinese and stays usable. Screenshot: hall-review.png.

#include <boost/test/unit_test.hpp>

#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>
#include <wx/menu.h>

#include <chrono>
#include <set>
#include <thread>

#include "app/gui_menus_ui.h"
#include "app/gui_model.h"
#include "common/error.h"
#include "db/commit_hook.h"
#include "db/journal.h"
#include "desk/context.h"
#include "desk/hall_link.h"
#include "forms/hall_review_window.h"
#include "forms/ui.h"
#include "forms/worker.h"
#include "tests/gui/gui_driver.h"
#include "tests/gui/wx_session.h"
#include "tests/hall/hall_server.h"
#include "tests/support/support.h"

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using test::pump_until;
using test::screenshot;
using test::wx_asserts;

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_hall_review") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

std::string utf8(const wxString& s) { return std::string(s.utf8_str()); }

std::int64_t local_head(const fs::path& data) {
  auto db = db::Database::open_readonly(data / "certdesk.db");
  return db::Journal(db, "", 480).head().count;
}

// Whether the role's menus (as the window builds them) offer the hall review.
bool offers_hall_review(const std::vector<forms::RoleMenuBlock>& blocks) {
  const wxString label = wxGetTranslation("&Hall review…");
  for (const auto& b : blocks)
    for (const auto& i : b.items)
      if (i.label.BeforeFirst('\t') == label) return true;
  return false;
}

// Sends the command of menu `menu` item `item` (English msgids, looked up translated), as a click does.
bool menu(wxFrame* f, const char* menu_msgid, const char* item_msgid) {
  int id = f->GetMenuBar()->FindMenuItem(wxGetTranslation(menu_msgid), wxGetTranslation(item_msgid));
  if (id == wxNOT_FOUND) return false;
  wxCommandEvent e(wxEVT_MENU, id);
  e.SetEventObject(f);
  f->GetEventHandler()->ProcessEvent(e);
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hall_review)

BOOST_AUTO_TEST_CASE(an_entry_committed_through_the_desk_reaches_the_hall_within_a_second) {
  test::HallServer server;
  server.add_counter_role("counter_w01");
  test::TempDir dir{"certdesk-hall-wake"};
  const fs::path data = dir / "data";
  SystemClock clock;
  desk::InitOptions o{"BJ01", "北京示例服务大厅", "admin", Secret("admin-password-1"), "", 10};
  desk::init_data_dir(data, o, clock);
  desk::AppContext ctx(data, clock, 10);
  workflows::Actor admin = ctx.staff().login("admin", Secret("admin-password-1"));
  workflows::Actor sup = ctx.staff().add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password-1"));
  app::GuiCounterModel model(ctx);
  forms::Worker worker;

  // A counter that has not joined a hall does not offer the hall review; once joined it does.
  BOOST_TEST(!offers_hall_review(app::role_menu_blocks(ctx, model, worker, sup)));
  desk::HallLink(ctx.db(), ctx.clock())
      .connect(ctx.journal(), "admin", server.conninfo("counter_w01"), "", desk::hall_fingerprint(ctx));
  BOOST_TEST(offers_hall_review(app::role_menu_blocks(ctx, model, worker, sup)));
  auto on_hall = [&] { return std::stoll(server.value("SELECT count(*) FROM hall.entries")); };
  BOOST_TEST_REQUIRE(on_hall() == local_head(data));

  // The window's shipper with a period far beyond the test: only a wake ships within it.
  desk::BackgroundShipper shipper(data, 60s);
  std::this_thread::sleep_for(500ms);   // its first pass (nothing pending) is over; it waits now

  // Without the hook a commit waits for the period: not on the hall 1.5 s later.
  ctx.staff().logout(sup);
  std::this_thread::sleep_for(1500ms);
  BOOST_TEST(on_hall() == local_head(data) - 1);

  // With it, the next commit wakes the shipper: both entries are on the hall within 3 s.
  desk::wake_shipper_after_commit(ctx, &shipper);
  const auto t0 = std::chrono::steady_clock::now();
  ctx.staff().login("sup1", Secret("sup1-password-1"));
  const std::int64_t want = local_head(data);
  std::int64_t seen = 0;
  while (std::chrono::steady_clock::now() - t0 < 3s && (seen = on_hall()) < want) std::this_thread::sleep_for(20ms);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("committed → on the hall in " << ms << " ms (shipper period 60 s)");
  BOOST_TEST(seen == want);
  BOOST_TEST(ms < 3000);
  // A hook that throws never fails the counter's commit.
  db::on_commit(ctx.db(), [] { throw std::runtime_error("a broken hook"); });
  BOOST_CHECK_NO_THROW(ctx.staff().logout(sup));
  desk::wake_shipper_after_commit(ctx, nullptr);   // before the shipper goes
  BOOST_TEST(wx_asserts == 0);
}

namespace {

// Three counters of branch BJ01 on one cluster, each its own data folder and certdesk-cli processes.
struct ThreeCounters {
  test::HallServer server;
  test::TempDir tmp{"certdesk-hall-review"};
  fs::path pw = test::write_file(tmp / "admin.pw", "admin-password-1");
  fs::path wrong = test::write_file(tmp / "wrong.pw", "not-the-password");
  fs::path sup_pw = test::write_file(tmp / "sup.pw", "sup1-password-1");

  static std::string code(int n) { return "W0" + std::to_string(n); }
  fs::path data(int n) const { return tmp / ("counter" + std::to_string(n)); }
  test::RunResult cli(int n, std::vector<std::string> args, const fs::path& as_pw) const {
    args.insert(args.begin(), {test::bin("certdesk-cli").string(), "--data-dir", data(n).string()});
    if (!as_pw.empty())
      for (const std::string& a : {std::string("--as"), std::string("admin"), std::string("--as-password-file"), as_pw.string()})
        args.push_back(a);
    return test::run(args, {"SOFTHSM2_CONF=" + (data(n) / "softhsm" / "softhsm2.conf").string()}, "", 120);
  }

  ThreeCounters() {
    for (int n = 1; n <= 3; ++n) {
      const std::string role = "counter_w0" + std::to_string(n);
      server.add_counter_role(role);
      test::RunResult r = cli(n, {"init", "--branch", "BJ01", "--workstation", code(n), "--admin", "admin",
                                  "--password-file", pw.string()}, {});
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
      r = cli(n, {"hall", "connect", server.conninfo(role)}, pw);
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
      r = cli(n, {"staff", "add", "teller" + std::to_string(n), "--role", "teller", "--password-file", pw.string()}, pw);
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    }
    test::RunResult r = cli(1, {"staff", "add", "sup1", "--role", "supervisor", "--password-file", sup_pw.string()}, pw);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    r = cli(2, {"staff", "add", "x", "--role", "teller", "--password-file", pw.string()}, wrong);   // a refused login
    BOOST_TEST_REQUIRE(r.exit_code == 6, r.err);
  }

  // Counter n's cable was pulled `minutes` ago: its shipments are dated back (as the superuser,
  // past the hall's no-change trigger) and it ships nothing more.
  void stopped_shipping(int n, int minutes) {
    const std::string ws = "(SELECT id FROM hall.workstations WHERE code = '" + code(n) + "')";
    BOOST_TEST_REQUIRE(server.sql("ALTER TABLE hall.contacts DISABLE TRIGGER contacts_no_change; "
                                  "UPDATE hall.contacts SET server_utc = server_utc - interval '" +
                                  std::to_string(minutes) + " minutes' WHERE workstation_id = " + ws +
                                  "; ALTER TABLE hall.contacts ENABLE TRIGGER contacts_no_change")
                           .empty());
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_supervisor_reviews_every_counter_of_the_hall) {
  ThreeCounters hall;
  hall.stopped_shipping(3, 40);
  SystemClock clock;
  desk::AppContext ctx(hall.data(1), clock);
  workflows::Actor sup = ctx.staff().login("sup1", Secret("sup1-password-1"));
  BOOST_TEST_REQUIRE(desk::HallLink(ctx.db(), clock).ship(5s).ok);   // the login too (the window's shipper does it)
  std::int64_t heads[4] = {0, local_head(hall.data(1)), local_head(hall.data(2)), local_head(hall.data(3))};

  app::GuiCounterModel model(ctx);
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  int ended = -1;
  wxFrame* frame = app::open_main_window(ctx, model, worker, sup, [&](forms::SessionEnd e) { ended = int(e); });
  BOOST_REQUIRE(pump_until([&] { return frame->IsShownOnScreen(); }));
  BOOST_REQUIRE(menu(frame, "&Day", "&Hall review…"));
  forms::HallReviewWindow* w = nullptr;
  BOOST_REQUIRE(pump_until([&] { return (w = test::find_top<forms::HallReviewWindow>()) && w->loads() >= 1; }));
  BOOST_TEST_REQUIRE(!w->failed(), utf8(w->status()->GetLabel()));
  BOOST_TEST(utf8(w->GetTitle()).find("全厅") != std::string::npos, utf8(w->GetTitle()));
  BOOST_TEST(utf8(w->day_choice()->GetStringSelection()) == desk::business_day(clock.now(), ctx.config()));

  // Every entry of the three counters, the late counter first, then the exceptions.
  forms::ReviewList* list = w->list();
  BOOST_TEST(list->GetItemCount() == 1 + heads[1] + heads[2] + heads[3]);
  BOOST_TEST(utf8(list->GetItemText(0, 2)) == "W03");
  BOOST_TEST(utf8(list->GetItemText(0, 3)) == "未上传");
  BOOST_TEST(utf8(list->GetItemText(0, 0)).empty());   // a counter's row, no entry number
  BOOST_TEST(utf8(list->GetItemText(0, 12)).find("40 分钟前") != std::string::npos, utf8(list->GetItemText(0, 12)));
  BOOST_TEST(utf8(list->GetItemText(1, 2)) == "W02");   // the refused login
  BOOST_TEST(utf8(list->GetItemText(1, 3)) == "失败");
  std::set<std::string> counters;
  for (long i = 1; i < list->GetItemCount(); ++i) counters.insert(utf8(list->GetItemText(i, 2)));
  BOOST_TEST((counters == std::set<std::string>{"W01", "W02", "W03"}));

  // Totals per counter and in all, the late one marked.
  const forms::HallDayView& v = w->view();
  BOOST_TEST_REQUIRE(v.counters.size() == 3u);
  for (int n = 1; n <= 3; ++n) {
    BOOST_TEST(v.counters[n - 1].counter == ThreeCounters::code(n));
    BOOST_TEST(v.counters[n - 1].entries == heads[n]);
    BOOST_TEST(v.counters[n - 1].late == (n == 3));
  }
  BOOST_TEST(v.counters[1].exceptions >= 1);
  BOOST_TEST(v.entries == heads[1] + heads[2] + heads[3]);
  wxListCtrl* totals = w->totals();
  BOOST_TEST_REQUIRE(totals->GetItemCount() == 4);
  BOOST_TEST(utf8(totals->GetItemText(2, 0)).find("W03") != std::string::npos);
  BOOST_TEST(utf8(totals->GetItemText(2, 0)).find("未上传") != std::string::npos, utf8(totals->GetItemText(2, 0)));
  BOOST_TEST(utf8(totals->GetItemText(3, 1)) == std::to_string(heads[1] + heads[2] + heads[3]));
  BOOST_TEST(utf8(w->summary_text()->GetLabel()).find("1 个柜台超过 15 分钟未上传") != std::string::npos,
             utf8(w->summary_text()->GetLabel()));
  screenshot("hall-review.png");

  // A double click: the entry's full record.
  w->open_record(1);
  BOOST_REQUIRE(w->last_record());
  wxListCtrl* rec = w->last_record()->list();
  BOOST_TEST(rec->GetItemCount() >= 18);
  BOOST_TEST(utf8(rec->GetItemText(0, 1)) == "W02");
  screenshot("hall-review-record.png");
  w->last_record()->Destroy();

  // The counter filter narrows the rows to W02's.
  const int before = w->loads();
  BOOST_REQUIRE(w->select_counter("W02"));
  BOOST_REQUIRE(pump_until([&] { return w->loads() > before; }));
  BOOST_TEST(list->GetItemCount() == heads[2]);
  bool only_w02 = true;
  for (long i = 0; i < list->GetItemCount(); ++i) only_w02 = only_w02 && utf8(list->GetItemText(i, 2)) == "W02";
  BOOST_TEST(only_w02);

  // The hall goes away: the window says so (in Chinese) within the connection's timeout and stays usable.
  hall.server.stop();
  const int loads = w->loads();
  const auto t0 = std::chrono::steady_clock::now();
  w->select_counter("");
  BOOST_REQUIRE(pump_until([&] { return w->loads() > loads; }, 15s));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("the unreachable hall reported after " << ms << " ms");
  BOOST_TEST(w->failed());
  BOOST_TEST(utf8(w->status()->GetLabel()).find("无法读取全厅记录") != std::string::npos, utf8(w->status()->GetLabel()));
  BOOST_TEST(list->GetItemCount() == 0);   // no rows of the earlier read under another filter
  BOOST_TEST(w->IsShown());
  screenshot("hall-review-unreachable.png");

  w->Destroy();
  frame->Destroy();
  pump_until([] { return false; }, 300ms);
  BOOST_TEST(wx_asserts == 0);
}

BOOST_AUTO_TEST_SUITE_END()
