// The supervisor's review window under Xvfb (issue 6): a day with a failed
// login and a voided receipt among ordinary entries; the window lists them
// first, shows the totals, opens an order's history and verifies the journal
// with its progress bar. Screenshots go to the build folder (screenshots/review*.png).

#include <boost/test/unit_test.hpp>

#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "desk/context.h"
#include "app/gui_review.h"
#include "common/error.h"
#include "common/text.h"
#include "db/repositories.h"
#include "forms/review_window.h"
#include "forms/worker.h"
#include "tests/gui/wx_session.h"
#include "tests/support/support.h"
#include "workflows/receipts.h"

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using test::pump_until;
using test::screenshot;
using test::wx_asserts;

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_review") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

// A data folder with a day of work: logins, an order paid in cash and completed,
// a failed login, an order whose receipt a supervisor voided.
struct DayDesk {
  test::TempDir dir{"certdesk-review"};
  SystemClock clock;
  std::unique_ptr<desk::AppContext> ctx;
  workflows::Actor admin, teller, sup;

  DayDesk() {
    desk::init_data_dir(dir / "data", desk::InitOptions{"BJ01", "北京示例服务大厅", "admin", Secret("admin-password"), "", 10}, clock);
    ctx = std::make_unique<desk::AppContext>(dir / "data", clock, 10);
    admin = ctx->staff().login("admin", Secret("admin-password"));
    teller = ctx->staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password"));
    sup = ctx->staff().add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password"));
    ctx->staff().login("teller1", Secret("teller-password"));
    db::Id org = db::Organisations(ctx->db()).insert({0, "北京示例科技有限公司", "91110108MA01C8D24U", ""});
    paid_order(org, "issue", "BJ01-2026-000001", true);
    try {
      ctx->staff().login("teller1", Secret("wrong-password"));
    } catch (const AuthError&) {
    }
    paid_order(org, "reissue", "BJ01-2026-000002", true);
    workflows::Receipts(ctx->services()).void_receipt(sup, "BJ01-2026-000002", "收费错误，退款");
    for (int i = 0; i < 30; ++i) ctx->staff().logout(teller);   // ordinary entries after the exceptions
  }

  db::Id paid_order(db::Id org, const std::string& flow, const std::string& receipt_no, bool complete) {
    db::ServiceOrder o;
    o.flow = flow;
    o.state = "paid";
    o.staff_id = teller.id;
    o.organisation_id = org;
    o.request_key = receipt_no;
    db::Transaction tx(ctx->db());
    db::Id id = db::Orders(ctx->db()).insert(o);
    db::Payment p;
    p.order_id = id;
    p.receipt_no = receipt_no;
    p.method = "cash";
    p.quantity = 1;
    p.unit_fen = p.amount_fen = 5000;
    p.teller_id = teller.id;
    p.created_utc = text::iso_utc(clock.now());
    db::Id payment = db::Payments(ctx->db()).insert(p);
    auto& j = ctx->journal();
    j.append({.staff = "teller1", .action = "order.created", .order_id = id, .organisation = "91110108MA01C8D24U", .flow = flow},
             clock.now());
    db::JournalEntry paid = j.append({.staff = "teller1", .action = "payment", .order_id = id, .organisation = "91110108MA01C8D24U",
                                      .amount_fen = 5000, .receipt_no = receipt_no, .details = "cash", .flow = flow},
                                     clock.now());
    db::Payments(ctx->db()).set_journal_hash(payment, paid.hash);   // as the counter does: journal verify checks it
    if (complete)
      j.append({.staff = "teller1", .action = "order.completed", .order_id = id, .organisation = "91110108MA01C8D24U",
                .flow = flow},
               clock.now());
    tx.commit();
    return id;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_day_with_a_failure_and_a_void_lists_them_first) {
  DayDesk desk;
  BOOST_CHECK_THROW(app::make_review_model(*desk.ctx, desk.teller), AuthError);   // tellers are refused in the model

  auto model = app::make_review_model(*desk.ctx, desk.sup);
  forms::Worker worker;
  wxGUIEventLoop loop;
  wxEventLoopActivator active(&loop);
  auto* w = new forms::ReviewWindow(*model, worker, "sup1");
  w->Show();
  BOOST_REQUIRE(pump_until([&] { return w->IsShownOnScreen(); }));

  BOOST_TEST(w->list()->GetItemCount() > 30);
  BOOST_TEST(w->list()->GetItemText(0, 2).utf8_string() == "失败");
  BOOST_TEST(w->list()->GetItemText(0, 4).utf8_string() == "登录被拒");
  BOOST_TEST(w->list()->GetItemText(1, 2).utf8_string() == "作废");
  BOOST_TEST(w->list()->GetItemText(1, 4).utf8_string() == "作废收据");
  BOOST_TEST(w->list()->GetItemText(2, 2).utf8_string() == "");   // then the ordinary entries
  BOOST_TEST(w->summary_text()->GetLabel().utf8_string().find("收费 50.00 元") != std::string::npos,
             w->summary_text()->GetLabel().utf8_string());
  screenshot("review.png");

  // An order's whole history (the voided one).
  w->open_history(1);
  BOOST_REQUIRE(w->last_history());
  BOOST_TEST(w->last_history()->list()->GetItemCount() == 4);   // created, paid, completed, voided
  screenshot("review-order.png");
  w->last_history()->Close();

  // The journal verified on the worker, with the progress bar.
  w->verify_journal();
  BOOST_TEST(pump_until([&] { return !w->busy(); }));
  BOOST_TEST(w->status()->GetLabel().utf8_string().find("日志完整") != std::string::npos, w->status()->GetLabel().utf8_string());
  BOOST_TEST(w->gauge()->GetValue() == 1000);
  screenshot("review-verified.png");

  w->Destroy();
  pump_until([] { return false; }, 300ms);
  BOOST_TEST(wx_asserts == 0);
}
