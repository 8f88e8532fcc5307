// The teller's window under Xvfb, driven by wxUIActionSimulator (keyboard and
// mouse) against a real data folder: SQLite, SoftHSM2 and the local CA.
//
// The driving (tests/gui/gui_driver.h): the main thread runs the wx event loop; a
// driver thread runs the script and hands each action to the UI thread and waits
// for it; modal dialogs (the customer's PIN) still serve it, so the script types into them.

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>
#include <wx/app.h>
#include <wx/init.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "desk/context.h"
#include "app/gui_model.h"
#include "common/error.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "forms/counter_frame.h"
#include "forms/dialogs.h"
#include "forms/forwarding_model.h"
#include "printing/pdf.h"
#include "tests/gui/gui_driver.h"
#include "tests/gui/gui_desk.h"
#include "tests/gui/scripted.h"
#include "tests/gui/wx_session.h"
#include "tests/support/support.h"
#include "common/text.h"
#include <set>

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

using test::wx_asserts;

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_gui") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

// The folded script driver (tests/gui/gui_driver.h), waiting 20 s by default in this suite.
using Driver = test::GuiDriver;
using test::find_top;
std::vector<std::string> run_script(const std::function<void(Driver&)>& script) { return test::run_gui_script(script, 20s); }

// A data folder with a teller, a supervisor and a blank token inserted.
struct Desk : test::GuiDesk {
  Desk() : GuiDesk("certdesk-gui") {}
};

// The real model, with a slow key generation: the window must stay usable meanwhile.
class SlowKeygenModel final : public forms::ForwardingCounterModel {
 public:
  using ForwardingCounterModel::ForwardingCounterModel;
  std::atomic<bool> in_keygen{false};

  workflows::OrderResult run_flow(const workflows::Actor& t, const workflows::ServiceRequest& r, workflows::Prompts p,
                                  bool h) override {
    struct Slow final : workflows::Progress {
      workflows::Progress& inner;
      std::atomic<bool>& flag;
      Slow(workflows::Progress& i, std::atomic<bool>& f) : inner(i), flag(f) {}
      void step(std::string_view what, int done, int total) override {
        flag = false;
        inner.step(what, done, total);
        if (done == 3) {   // "Generating the key pair on the token": hold the worker here a while
          flag = true;
          std::this_thread::sleep_for(2500ms);
        }
      }
    } slow(p.progress, in_keygen);
    return inner().run_flow(t, r, workflows::Prompts{p.pin, p.approval, slow}, h);
  }
};

using test::first_issuance;
using test::NoApprover;
using test::ScriptedPin;

void report(const std::vector<std::string>& failures) {
  for (const auto& f : failures) BOOST_ERROR(f);
}

}  // namespace

BOOST_AUTO_TEST_CASE(login_refuses_a_wrong_password_then_accepts_the_right_one) {
  Desk desk;
  forms::LoginDialog* dlg = nullptr;
  int result = -1;
  auto failures = run_script([&](Driver& d) {
    d.post([&] {
      dlg = new forms::LoginDialog(
          nullptr, [&](const std::string& n, const Secret& p) { return desk.model->login(n, p); }, "BJ01");
      result = dlg->ShowModal();
    });
    d.require(d.wait_for([&] { return dlg && dlg->IsShown() && dlg->IsModal(); }), "the login dialog opens");
    d.check(d.ui([&] { return wxWindow::FindFocus() == dlg->name_field(); }), "focus starts in the name field");
    d.screenshot("login.png");
    d.click(dlg->name_field());
    d.type("teller1");
    d.key(WXK_RETURN);
    d.check(d.ui([&] { return wxWindow::FindFocus() == dlg->password_field(); }), "Enter moves to the password");
    d.type("wrong-password");
    d.key(WXK_RETURN);
    d.check(d.wait_for([&] { return dlg->error_label()->GetLabel().Contains("2001"); }),
            "a wrong password is refused with code 2001");
    d.check(d.ui([&] { return dlg->IsShown() && dlg->password_field()->GetValue().empty(); }),
            "the dialog stays open and the password field is cleared");
    d.screenshot("login-refused.png");
    d.type("teller-password-1");
    d.key(WXK_RETURN);
    d.check(d.wait_for([&] { return result == wxID_OK; }), "the right password logs in");
    d.ui([&] {
      d.check(dlg->actor() && dlg->actor()->name == "teller1", "the actor is teller1");
      dlg->Destroy();
    });
  });
  report(failures);
  auto day = text::business_day(desk.clock.now(), 480);
  int refused = 0, logins = 0;
  for (const auto& e : desk.ctx->journal().entries_of_day(day)) {
    if (e.record.action == "login.refused" && e.record.staff == "teller1") ++refused;
    if (e.record.action == "login" && e.record.staff == "teller1") ++logins;
  }
  BOOST_CHECK_EQUAL(refused, 1);
  BOOST_CHECK_EQUAL(logins, 1);
  BOOST_CHECK_EQUAL(wx_asserts.load(), 0);
}

BOOST_AUTO_TEST_CASE(first_issuance_end_to_end_by_keyboard_and_mouse) {
  Desk desk;
  SlowKeygenModel model(*desk.model);
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  workflows::OrderResult result;

  auto failures = run_script([&](Driver& d) {
    d.ui([&] {
      frame = new forms::CounterFrame(model, *worker, teller);
      frame->SetPosition(wxPoint(0, 0));
      frame->SetSize(wxSize(1280, 780));
      frame->Show();
      frame->Raise();
    });
    auto* page = d.ui([&] { return frame->order_page(); });
    // The token panel finds the blank token.
    d.require(d.wait_for([&] {
      for (const auto& r : frame->tokens()->rows())
        if (r.token.serial == "2100012345") return true;
      return false;
    }), "the token panel shows the blank token 2100012345");
    d.check(d.ui([&] { return wxWindow::FindFocus() == page->search_field(); }), "focus starts in the search field");

    // Customer: a new organisation. Chinese names come through the input method
    // (set as text); the numbers are typed key by key, as a barcode scanner does.
    d.click(page->search_field());
    d.type("91110108MA01C8D24U");
    d.check(d.wait_for([&] { return page->uscc_field()->GetValue() == "91110108MA01C8D24U"; }),
            "a scanned USCC of a new customer lands in the USCC field");
    d.ui([&] { page->org_name_field()->SetValue(wxString::FromUTF8("北京示例科技有限公司")); });
    d.ui([&] { page->handler_name_field()->SetValue(wxString::FromUTF8("张三")); });
    d.click(page->handler_id_field());
    d.type("110105194912310021");   // wrong check character: the page says so as it is typed
    d.screenshot("customer-invalid-id.png");
    d.ui([&] { page->handler_id_field()->Clear(); });
    d.click(page->handler_id_field());
    d.type("11010519491231002x");   // a lower-case x is accepted
    d.screenshot("counter.png");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::documents; }), "Enter goes to the documents");

    // A missing document blocks the flow.
    d.key(WXK_RETURN);
    d.check(d.ui([&] { return page->step() == forms::OrderPage::documents; }), "missing documents block Enter");
    d.check(d.ui([&] { return !page->next_button()->IsEnabled(); }), "Next is disabled while documents are missing");
    for (std::size_t i = 0; i < 3; ++i) {
      d.click(d.ui([&] { return page->present_box(i); }), true);
      if (i < 2) d.click(d.ui([&] { return page->stamped_box(i); }), true);
    }
    d.check(d.ui([&] { return !page->next_button()->IsEnabled(); }), "an unstamped ID copy still blocks");
    d.screenshot("documents-missing.png");
    d.key(WXK_ESCAPE);
    d.check(d.ui([&] { return page->step() == forms::OrderPage::customer; }), "Esc goes back");
    d.key(WXK_RETURN);
    d.check(d.ui([&] { return page->step() == forms::OrderPage::documents; }), "and Enter forward again");
    d.click(d.ui([&] { return page->stamped_box(2); }), true);
    d.check(d.wait_for([&] { return page->next_button()->IsEnabled(); }), "all documents in order");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::payment; }), "Enter goes to the payment");
    d.check(d.wait_for([&] { return page->amount_field()->GetValue() == "50.00"; }), "the fee 50.00 is filled in");
    d.screenshot("payment.png");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::token; }), "Enter goes to the token step");
    d.check(d.wait_for([&] { return page->token_choice()->GetValue() == "2100012345"; }), "the blank token is offered");
    d.key(WXK_RETURN);

    // The customer types the PIN twice in the dialog.
    forms::PinDialog* pin = nullptr;
    d.require(d.wait_for([&] { return (pin = find_top<forms::PinDialog>()) != nullptr && pin->IsModal(); }),
              "the PIN dialog opens");
    d.click(d.ui([&] { return pin->first_field(); }));
    d.type("12345");
    d.key(WXK_RETURN);
    d.type("12345");
    d.key(WXK_RETURN);
    d.check(d.ui([&] { return find_top<forms::PinDialog>() == pin && !pin->hint_label()->GetLabel().empty(); }),
            "a PIN shorter than the rules is refused in the dialog");
    d.screenshot("pin.png");
    d.ui([&] {
      pin->first_field()->Clear();
      pin->second_field()->Clear();
    });
    d.click(d.ui([&] { return pin->first_field(); }));
    d.type("246813");
    d.key(WXK_RETURN);
    d.type("246813");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return find_top<forms::PinDialog>() == nullptr; }), "the PIN dialog closes");

    // Key generation holds the worker; the window keeps handling events.
    d.require(d.wait_for([&] { return model.in_keygen.load(); }), "the flow reaches key generation");
    d.screenshot("token.png");
    d.click(d.ui([&] { return page->note_field(); }));
    d.type("abc");
    d.check(d.ui([&] { return page->note_field()->GetValue() == "abc"; }), "typing is handled during key generation");
    d.check(model.in_keygen.load(), "the key generation was still running while typing was handled");

    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::handover; }, 60s), "the token is personalised");
    d.screenshot("handover.png");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::done; }), "handed over");
    result = d.ui([&] { return page->result(); });
    d.check(d.ui([&] { return page->preview_slip_button()->IsEnabled(); }), "the done page previews the slip at once");
    d.check(d.wait_for([&] { return page->print_slip_button()->IsEnabled(); }),
            "the done page offers the handover slip for printing once it is archived (issue 14.8)");
    d.check(d.ui([&] { return page->print_receipt_button()->IsEnabled() == !page->result().receipt_no.empty() &&
                              page->preview_receipt_button()->IsEnabled() == !page->result().receipt_no.empty(); }),
            "the receipt buttons follow whether the order has a receipt");
    // The panel shows the token with its new certificate.
    d.check(d.wait_for([&] {
      for (const auto& r : frame->tokens()->rows())
        if (r.token.serial == "2100012345" && r.cert_serial == result.cert_serial && r.record_state == "active" &&
            r.days_left >= 364)
          return true;
      return false;
    }), "the token panel shows the new certificate on 2100012345");
    d.screenshot("done.png");
    d.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  BOOST_CHECK(result.state == workflows::OrderState::completed);
  BOOST_CHECK(!result.receipt_no.empty());
  BOOST_CHECK(!result.cert_serial.empty());
  BOOST_CHECK_EQUAL(result.token_serial, "2100012345");
  std::set<std::string> actions;
  for (const auto& e : desk.ctx->journal().entries_of_order(result.order_id)) actions.insert(e.record.action);
  for (const char* a : {"order.created", "payment", "token.pin_set", "token.keygen", "cert.issued", "order.completed"})
    BOOST_CHECK_MESSAGE(actions.count(a), "journal has " << a);
  // Finished in the window, the order's papers are archived like the CLI's:
  // the receipt's first printing (print_count 1) and the handover slip, as PDF.
  const auto root = desk.ctx->paths().root;
  const auto receipt_pdf = printing::archive_path(root, printing::ArchiveKind::receipt, result.receipt_no);
  const auto slip_pdf = printing::archive_path(root, printing::ArchiveKind::slip, fmt::format("{:06}", result.order_id));
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_regular_file(receipt_pdf), "archived receipt " << receipt_pdf);
  BOOST_REQUIRE_MESSAGE(std::filesystem::is_regular_file(slip_pdf), "archived slip " << slip_pdf);
  test::RunResult receipt_text = test::run({"pdftotext", receipt_pdf.string(), "-"});
  BOOST_CHECK_MESSAGE(receipt_text.out.find(result.receipt_no) != std::string::npos, receipt_text.out);
  test::RunResult slip_text = test::run({"pdftotext", slip_pdf.string(), "-"});
  BOOST_CHECK_MESSAGE(slip_text.out.find("2100012345") != std::string::npos, slip_text.out);
  std::int64_t print_count = -1;
  for (const auto& p : db::Payments(desk.ctx->db()).of_order(result.order_id))
    if (p.receipt_no == result.receipt_no) print_count = p.print_count;
  BOOST_CHECK_EQUAL(print_count, 1);
  BOOST_CHECK(desk.ctx->journal().verify().ok);
  BOOST_CHECK_EQUAL(wx_asserts.load(), 0);
}

BOOST_AUTO_TEST_CASE(override_needs_another_persons_approval_and_a_cancelled_pin_leaves_an_unfinished_order) {
  Desk desk;
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  workflows::OrderResult result;

  auto failures = run_script([&](Driver& d) {
    d.ui([&] {
      frame = new forms::CounterFrame(*desk.model, *worker, teller);
      frame->SetPosition(wxPoint(0, 0));
      frame->SetSize(wxSize(1280, 780));
      frame->Show();
    });
    auto* page = d.ui([&] { return frame->order_page(); });
    d.require(d.wait_for([&] { return frame->polls() > 0; }), "the first token poll");
    d.ui([&] {
      page->org_name_field()->SetValue(wxString::FromUTF8("上海示例贸易有限公司"));
      page->handler_name_field()->SetValue(wxString::FromUTF8("李四"));
    });
    d.click(page->uscc_field());
    d.type("91110108MA01C8D24U");
    d.click(page->handler_id_field());
    d.type("11010519491231002X");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::documents; }), "documents page");
    // The handler's ID copy is missing: only a supervisor's override lets the order go on.
    for (std::size_t i = 0; i < 2; ++i) {
      d.click(d.ui([&] { return page->present_box(i); }), true);
      d.click(d.ui([&] { return page->stamped_box(i); }), true);
    }
    d.check(d.ui([&] { return !page->next_button()->IsEnabled(); }), "the missing ID copy blocks");
    wxWindow* override_button = d.ui([&]() -> wxWindow* {
      for (auto* c : page->problems_label()->GetParent()->GetChildren())
        if (auto* b = dynamic_cast<wxButton*>(c); b && b->IsEnabled()) return b;
      return nullptr;
    });
    d.require(override_button != nullptr, "the override button is enabled");
    d.click_async(override_button);
    wxDialog* reason = nullptr;
    d.require(d.wait_for([&] { return (reason = find_top<wxDialog>([](wxDialog* x) { return x->IsModal(); })) != nullptr; }),
              "the override reason dialog opens");
    d.type("copy sent by fax");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->next_button()->IsEnabled(); }), "the override request unblocks the page");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::payment; }), "payment page");
    d.check(d.wait_for([&] { return page->amount_field()->GetValue() == "50.00"; }), "fee filled in");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::token; }), "token page");
    d.check(d.wait_for([&] { return page->token_choice()->GetValue() == "2100012345"; }), "token offered");
    d.key(WXK_RETURN);

    forms::ApprovalDialog* approval = nullptr;
    d.require(d.wait_for([&] { return (approval = find_top<forms::ApprovalDialog>()) != nullptr && approval->IsModal(); }),
              "the supervisor approval dialog opens");
    d.click(d.ui([&] { return approval->name_field(); }));
    d.type("teller1");
    d.key(WXK_RETURN);
    d.type("teller-password-1");
    d.key(WXK_RETURN);
    d.check(d.wait_for([&] { return !approval->error_label()->GetLabel().empty(); }), "the teller's own approval is refused");
    d.check(d.ui([&] { return find_top<forms::ApprovalDialog>() == approval; }), "the approval dialog stays open");
    d.screenshot("approval-refused.png");
    d.ui([&] { approval->name_field()->Clear(); });
    d.click(d.ui([&] { return approval->name_field(); }));
    d.type("super1");
    d.key(WXK_RETURN);
    d.type("super-password-1");
    d.key(WXK_RETURN);

    // The customer walks away from the PIN entry: the order waits, unfinished.
    forms::PinDialog* pin = nullptr;
    d.require(d.wait_for([&] { return (pin = find_top<forms::PinDialog>()) != nullptr && pin->IsModal(); }),
              "after the approval the PIN dialog opens");
    d.click(d.ui([&] { return pin->first_field(); }));
    d.key(WXK_ESCAPE);
    d.require(d.wait_for([&] { return !page->running() && page->result().waiting; }), "the order waits for the PIN");
    result = d.ui([&] { return page->result(); });

    d.ui([&] { frame->check_unfinished(false); });
    forms::UnfinishedDialog* unfinished = nullptr;
    d.require(d.wait_for([&] { return (unfinished = find_top<forms::UnfinishedDialog>()) != nullptr; }),
              "the unfinished orders are listed");
    d.check(d.ui([&] { return unfinished->list()->GetItemCount() == 1; }), "one unfinished order");
    d.screenshot("unfinished.png");
    // Resume: the customer is back and types the PIN; the order runs to completed.
    wxWindow* resume_button = d.ui([&]() -> wxWindow* {
      for (auto* c : unfinished->GetChildren())
        if (auto* b = dynamic_cast<wxButton*>(c); b && b->GetId() != wxID_CANCEL) return b;   // the first: Resume
      return nullptr;
    });
    d.require(resume_button != nullptr, "the resume button");
    d.click_async(resume_button);
    forms::PinDialog* again = nullptr;
    d.require(d.wait_for([&] { return (again = find_top<forms::PinDialog>()) != nullptr && again->IsModal(); }),
              "resuming asks the customer for the PIN");
    d.click(d.ui([&] { return again->first_field(); }));
    d.type("135790");
    d.key(WXK_RETURN);
    d.type("135790");
    d.key(WXK_RETURN);
    d.check(d.wait_for([&] { return unfinished->list()->GetItemCount() == 0; }, 60s), "the resumed order leaves the list");
    d.screenshot("unfinished-resumed.png");
    d.ui([&] { unfinished->EndModal(wxID_CANCEL); });
    d.check(d.wait_for([&] { return find_top<forms::UnfinishedDialog>() == nullptr; }), "the list closes");
    d.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  BOOST_CHECK(result.waiting);
  auto order = db::Orders(desk.ctx->db()).by_id(result.order_id);
  BOOST_REQUIRE(order);
  BOOST_CHECK_EQUAL(order->state, "completed");   // resumed from the unfinished list
  int approvals = 0, refused = 0;
  for (const auto& e : desk.ctx->journal().entries_of_day(text::business_day(desk.clock.now(), 480))) {
    if (e.record.action == "approval" && e.record.details.find("approved by super1") != std::string::npos) ++approvals;
    if (e.record.action == "approval.refused") ++refused;
  }
  BOOST_CHECK_EQUAL(approvals, 1);
  BOOST_CHECK_EQUAL(refused, 0);   // the dialog refused the teller's own name before StaffService saw it
  BOOST_CHECK_EQUAL(wx_asserts.load(), 0);
}

BOOST_AUTO_TEST_CASE(an_unfinished_order_rolled_back_from_the_window_wipes_the_token_and_voids_the_receipt) {
  Desk desk;
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  // A first issuance paid for, whose customer walked away from the PIN entry.
  ScriptedPin walk_away(nullptr);
  NoApprover no_approver;
  workflows::NoProgress quiet;
  const workflows::OrderResult waiting = desk.model->run_flow(
      teller, first_issuance("2100012345"), workflows::Prompts{walk_away, no_approver, quiet}, false);
  BOOST_REQUIRE(waiting.waiting);
  BOOST_REQUIRE(!waiting.receipt_no.empty());

  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  auto failures = run_script([&](Driver& d) {
    d.ui([&] {
      frame = new forms::CounterFrame(*desk.model, *worker, teller);
      frame->SetPosition(wxPoint(0, 0));
      frame->SetSize(wxSize(1280, 780));
      frame->Show();
    });
    d.ui([&] { frame->check_unfinished(false); });
    forms::UnfinishedDialog* unfinished = nullptr;
    d.require(d.wait_for([&] { return (unfinished = find_top<forms::UnfinishedDialog>()) != nullptr; }),
              "the unfinished orders are listed");
    d.check(d.ui([&] { return unfinished->list()->GetItemCount() == 1; }), "one unfinished order");
    wxWindow* rollback_button = d.ui([&]() -> wxWindow* {
      int seen = 0;
      for (auto* c : unfinished->GetChildren())
        if (auto* b = dynamic_cast<wxButton*>(c); b && b->GetId() != wxID_CANCEL && ++seen == 2) return b;   // Roll back
      return nullptr;
    });
    d.require(rollback_button != nullptr, "the roll-back button");
    d.click_async(rollback_button);
    // The refund voids the receipt: a supervisor approves it at the teller's desk.
    forms::ApprovalDialog* approval = nullptr;
    d.require(d.wait_for([&] { return (approval = find_top<forms::ApprovalDialog>()) != nullptr && approval->IsModal(); },
                         60s),
              "the refund asks for a supervisor's approval");
    d.click(d.ui([&] { return approval->name_field(); }));
    d.type("super1");
    d.key(WXK_RETURN);
    d.type("super-password-1");
    d.key(WXK_RETURN);
    d.check(d.wait_for([&] { return unfinished->list()->GetItemCount() == 0; }, 60s), "the rolled-back order leaves the list");
    d.screenshot("unfinished-rolled-back.png");
    d.ui([&] { unfinished->EndModal(wxID_CANCEL); });
    d.check(d.wait_for([&] { return find_top<forms::UnfinishedDialog>() == nullptr; }), "the list closes");
    d.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);

  auto order = db::Orders(desk.ctx->db()).by_id(waiting.order_id);
  BOOST_REQUIRE(order);
  BOOST_CHECK_EQUAL(order->state, "cancelled");
  auto payment = db::Payments(desk.ctx->db()).by_receipt_no(waiting.receipt_no);
  BOOST_REQUIRE(payment);
  BOOST_CHECK_EQUAL(payment->status, "voided");   // the receipt keeps its number
  if (auto token = db::Tokens(desk.ctx->db()).by_serial("2100012345")) BOOST_CHECK_EQUAL(token->state, "blank");
  bool rolled_back = false, voided_by_super = false, wiped = false;
  for (const auto& e : desk.ctx->journal().entries_of_order(waiting.order_id)) {
    BOOST_TEST_MESSAGE(e.seq << " " << e.record.action << " " << e.record.details);
    if (e.record.action == "token.wiped") wiped = true;
    if (e.record.action == "order.rolled_back") rolled_back = true;
    if (e.record.action == "receipt.voided" && e.record.details.find("approved by super1") != std::string::npos)
      voided_by_super = true;
  }
  BOOST_CHECK(wiped);
  BOOST_CHECK(rolled_back);
  BOOST_CHECK(voided_by_super);
  int seen = 0;
  for (const auto& row : desk.model->tokens())   // factory-blank on the token itself
    if (row.token.serial == "2100012345") {
      ++seen;
      BOOST_CHECK_EQUAL(row.token.label, "BLANK");
      BOOST_CHECK(!row.token.user_pin_initialized);
    }
  BOOST_CHECK_EQUAL(seen, 1);
  BOOST_CHECK(desk.ctx->journal().verify().ok);
  BOOST_CHECK_EQUAL(wx_asserts.load(), 0);
}

BOOST_AUTO_TEST_CASE(a_token_inserted_from_another_terminal_shows_within_seconds) {
  Desk desk;
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  auto has = [&](const std::string& serial) {
    for (const auto& r : frame->tokens()->rows())
      if (r.token.serial == serial) return true;
    return false;
  };
  std::chrono::milliseconds seen{0};
  auto failures = run_script([&](Driver& d) {
    d.ui([&] {
      frame = new forms::CounterFrame(*desk.model, *worker, teller);
      frame->Show();
    });
    d.require(d.wait_for([&] { return has("2100012345"); }), "the first token shows");
    auto r = test::run({test::bin("certdesk-cli").string(), "--data-dir", (desk.dir.path() / "data").string(), "token",
                        "insert-blank", "--serial", "3100054321"});
    d.require(r.exit_code == 0, "certdesk-cli token insert-blank: " + r.err);
    auto t0 = std::chrono::steady_clock::now();
    d.check(d.wait_for([&] { return has("3100054321"); }, 5s), "the token inserted by another process shows");
    seen = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    d.check(d.ui([&] { return has("2100012345"); }), "the first token is still listed");
    d.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  BOOST_TEST_MESSAGE("token seen after " << seen.count() << " ms");
  BOOST_CHECK_LT(seen.count(), 2500);

  // The poll reloaded the module to see the new token; the CA on the same module
  // must still sign: a first issuance on the new token, with scripted prompts.
  ScriptedPin pin("975310");
  NoApprover approval;
  workflows::NoProgress progress;
  auto res = desk.model->run_flow(teller, first_issuance("3100054321"), {pin, approval, progress}, true);
  BOOST_CHECK(res.state == workflows::OrderState::completed);
  BOOST_CHECK(!res.cert_serial.empty());
}

BOOST_AUTO_TEST_CASE(flow_picker_runs_an_unlock_on_the_customers_token) {
  Desk desk;
  auto teller = desk.ctx->staff().login("teller1", Secret("teller-password-1"));
  // Earlier today: a first issuance on the blank token (scripted prompts).
  ScriptedPin scripted_pin("975310");
  NoApprover no_approval;
  workflows::NoProgress no_progress;
  auto issued =
      desk.model->run_flow(teller, first_issuance("2100012345"), {scripted_pin, no_approval, no_progress}, true);
  BOOST_REQUIRE(issued.state == workflows::OrderState::completed);

  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  workflows::OrderResult result;
  auto failures = run_script([&](Driver& d) {
    d.ui([&] {
      frame = new forms::CounterFrame(*desk.model, *worker, teller);
      frame->SetPosition(wxPoint(0, 0));
      frame->SetSize(wxSize(1280, 780));
      frame->Show();
      frame->Raise();
    });
    auto* page = d.ui([&] { return frame->order_page(); });
    d.require(d.wait_for([&] {
      for (const auto& r : frame->tokens()->rows())
        if (r.token.serial == "2100012345" && r.record_state == "active") return true;
      return false;
    }), "the token panel shows the customer's active token");
    d.check(d.ui([&] { return page->flow() == workflows::Flow::issue; }), "the window starts with a first issuance");

    // F3 picks a reissue: the documents page asks for the reason.
    d.click(page->search_field());
    // F-keys go to the frame's key handler as a key event: the simulator's X key
    // events land wherever the X focus is, which Xvfb without a window manager
    // does not pin down (the rest of the order is typed and clicked as usual).
    auto press = [&](int code) {
      d.ui([&] {
        wxKeyEvent ev(wxEVT_CHAR_HOOK);
        ev.m_keyCode = code;
        ev.SetEventObject(frame);
        frame->GetEventHandler()->ProcessEvent(ev);
      });
      d.settle();
    };
    press(WXK_F3);
    d.check(d.ui([&] { return page->flow() == workflows::Flow::reissue && page->flow_choice()->GetSelection() == 1; }),
            "F3 picks the reissue");
    // F4 picks the unlock and restarts at the customer page.
    press(WXK_F4);
    d.require(d.ui([&] { return page->flow() == workflows::Flow::unlock && page->step() == forms::OrderPage::customer; }),
              "F4 picks the unlock, at the customer page");
    d.check(d.ui([&] { return wxWindow::FindFocus() == page->search_field(); }), "focus in the search field");

    // The customer is found by the scanned USCC; the handler on record fills in.
    d.type("91110108MA01C8D24U");
    d.require(d.wait_for([&] { return page->handler_id_field()->GetValue() == "11010519491231002X"; }),
              "the customer on record is picked");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::documents; }), "documents page");
    d.check(d.ui([&] { return page->present_box(3) != nullptr && page->present_box(4) == nullptr; }),
            "the unlock checklist has four items (the locked token among them)");
    d.check(d.ui([&] { return !page->reason_choice()->IsShown(); }), "no reissue reason for an unlock");
    for (std::size_t i = 0; i < 4; ++i) {
      d.click(d.ui([&] { return page->present_box(i); }), true);
      if (i < 3) d.click(d.ui([&] { return page->stamped_box(i); }), true);
    }
    d.check(d.wait_for([&] { return page->next_button()->IsEnabled(); }), "all unlock documents in order");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::payment; }), "payment page");
    d.require(d.wait_for([&] { return !page->amount_field()->GetValue().empty(); }), "the unlock fee is filled in");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::token; }), "token page");
    d.check(d.wait_for([&] { return page->token_choice()->GetValue() == "2100012345"; }), "the customer's token is offered");
    d.screenshot("flow-picker.png");
    d.key(WXK_RETURN);

    forms::PinDialog* pin = nullptr;
    d.require(d.wait_for([&] { return (pin = find_top<forms::PinDialog>()) != nullptr && pin->IsModal(); }, 30s),
              "the customer is asked for a new PIN");
    d.click(d.ui([&] { return pin->first_field(); }));
    d.type("864200");
    d.key(WXK_RETURN);
    d.type("864200");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::handover; }, 60s), "the token is unlocked");
    d.key(WXK_RETURN);
    d.require(d.wait_for([&] { return page->step() == forms::OrderPage::done; }), "handed over");
    result = d.ui([&] { return page->result(); });
    d.check(d.ui([&] { return page->done_label()->GetLabel().Contains(wxString::Format("%lld", static_cast<long long>(result.order_id))); }),
            "the done page names the order");
    d.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  auto order = db::Orders(desk.ctx->db()).by_id(result.order_id);
  BOOST_REQUIRE(order);
  BOOST_CHECK_EQUAL(order->flow, "unlock");
  BOOST_CHECK_EQUAL(order->state, "completed");
  BOOST_CHECK_EQUAL(order->token_serial, "2100012345");
  std::set<std::string> actions;
  for (const auto& e : desk.ctx->journal().entries_of_order(result.order_id)) actions.insert(e.record.action);
  for (const char* a : {"order.created", "token.unlocked", "order.completed"})
    BOOST_CHECK_MESSAGE(actions.count(a), "journal has " << a);
  BOOST_CHECK(desk.ctx->journal().verify().ok);
  BOOST_CHECK_EQUAL(wx_asserts.load(), 0);
}
