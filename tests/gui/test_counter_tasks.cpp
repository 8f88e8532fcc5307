// The counter tasks of issue 14 points 3 and 4 in the window under Xvfb, against
// a real data folder (SQLite, SoftHSM2, the local CA): a first issuance printed at
// the handover page through certdesk's own printer dialog to a private cupsd's
// cups-pdf queue (tests/printing/cupsd.h; needs root, reported skipped without),
// the reprint from the done page marked 重印 and journaled once, and the message
// and PDF offered when there is no print service.
//
// The driving: tests/gui/gui_driver.h (a script thread hands each step to the UI
// thread and waits for it; modal dialogs still serve it).
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>
#include <wx/app.h>
#include <wx/button.h>
#include <wx/checkbox.h>

#include <chrono>
#include <functional>
#include <string>
#include <ctime>
#include <set>
#include <thread>

#include "app/gui_model.h"
#include "db/repositories.h"
#include "desk/context.h"
#include "desk/printing_desk.h"
#include "forms/counter_frame.h"
#include "forms/dialogs.h"
#include "forms/printer_dialog.h"
#include "forms/receipts_dialog.h"
#include "forms/ui.h"
#include "forms/token_report_dialog.h"
#include "forms/unlock_code_dialog.h"
#include "tests/gui/gui_driver.h"
#include "tests/gui/gui_desk.h"
#include "tests/gui/scripted.h"
#include "tests/gui/wx_session.h"
#include "tests/printing/cupsd.h"
#include "tests/support/support.h"

using namespace certdesk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace utf = boost::unit_test;

namespace {

struct WxGlobal : test::WxSession {
  WxGlobal() : WxSession("test_counter_tasks") {}
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

// The folded script driver (tests/gui/gui_driver.h), waiting 30 s by default.
using Script = test::GuiDriver;
using test::find_top;
std::vector<std::string> run_script(const std::function<void(Script&)>& script) { return test::run_gui_script(script, 30s); }
wxButton* button(wxWindow* top, int id) { return test::button_of(top, id); }

// A data folder with a teller and a blank token inserted.
struct Counter : test::GuiDesk {
  Counter() : GuiDesk("certdesk-gui-tasks") { teller = ctx->staff().login("teller1", Secret("teller-password-1")); }
  std::vector<db::JournalEntry> entries(std::int64_t order_id, const std::string& action) {
    std::vector<db::JournalEntry> out;
    for (auto& e : ctx->journal().entries_of_order(order_id))
      if (e.record.action == action) out.push_back(std::move(e));
    return out;
  }
  std::int64_t print_count(const std::string& receipt_no) {
    auto p = db::Payments(ctx->db()).by_receipt_no(receipt_no);
    return p ? p->print_count : -1;
  }
};

forms::OrderPage* documents_to_handover(Script& s, forms::OrderPage* page, const std::string& serial);

// Opens the counter window and goes through its order page to the handover step:
// a first issuance on 2100012345, the customer typing the PIN in the PIN dialog.
forms::OrderPage* open_and_issue_to_handover(Script& s, forms::CounterModel& model, forms::Worker& worker,
                                             const workflows::Actor& teller, forms::CounterFrame*& frame) {
  s.ui([&] {
    frame = new forms::CounterFrame(model, worker, teller);
    frame->SetSize(wxSize(1280, 780));
    frame->Show();
  });
  forms::OrderPage* page = s.ui([&] { return frame->order_page(); });
  s.ui([&] {
    page->org_name_field()->SetValue(wxString::FromUTF8("北京示例科技有限公司"));
    page->uscc_field()->SetValue("91110108MA01C8D24U");
    page->handler_name_field()->SetValue(wxString::FromUTF8("张三"));
    page->handler_id_field()->SetValue("11010519491231002X");
    page->advance();
  });
  return documents_to_handover(s, page, "2100012345");
}

// From the customer page (filled in) through documents, the 50.00 fee, the token
// `serial` and the customer's PIN to the handover page of a flow that personalises a blank token.
forms::OrderPage* documents_to_handover(Script& s, forms::OrderPage* page, const std::string& serial) {
  s.require(s.wait_for([&] { return page->step() == forms::OrderPage::documents; }), "the documents page");
  s.ui([&] {
    for (std::size_t i = 0; page->present_box(i); ++i) {
      page->present_box(i)->SetValue(true);
      if (page->stamped_box(i)) page->stamped_box(i)->SetValue(true);
    }
    page->advance();
  });
  s.require(s.wait_for([&] { return page->step() == forms::OrderPage::payment; }), "the payment page");
  s.require(s.wait_for([&] { return page->amount_field()->GetValue() == "50.00"; }), "the fee 50.00");
  s.ui([&] { page->advance(); });
  s.require(s.wait_for([&] { return page->step() == forms::OrderPage::token; }), "the token page");
  s.require(s.wait_for([&] { return page->token_choice()->GetValue() == serial; }), "the blank token offered: " + serial);
  s.ui([&] { page->advance(); });
  forms::PinDialog* pin = nullptr;
  s.require(s.wait_for([&] { return (pin = find_top<forms::PinDialog>()) != nullptr && pin->IsModal(); }), "the PIN dialog");
  s.ui([&] {
    pin->first_field()->SetValue("246813");
    pin->second_field()->SetValue("246813");
  });
  s.press(s.ui([&] { return button(pin, wxID_OK); }));
  s.require(s.wait_for([&] { return page->step() == forms::OrderPage::handover; }, 90s), "the handover page");
  return page;
}

// A completed first issuance on 2100012345, run by teller1.
workflows::OrderResult issued(Counter& c) {
  test::ScriptedPin pin("246813");
  test::NoApprover nobody;
  workflows::NoProgress progress;
  return c.model->run_flow(c.teller, test::first_issuance("2100012345"), {pin, nobody, progress}, true);
}

std::string text_of(wxWindow* w) { return std::string(w->GetLabel().utf8_str()); }

void report(const std::vector<std::string>& failures) {
  for (const auto& f : failures) BOOST_ERROR(f);
  BOOST_TEST(test::wx_asserts.load() == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(printing_at_handover)

// The counter with a private cupsd whose default queue is the cups-pdf queue Counter_A5.
struct PrintingCounter : Counter {
  test::Cupsd cupsd;
  fs::file_time_type since;   // cups-pdf's output of this case is newer
  std::unique_ptr<forms::Worker> worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  workflows::OrderResult result;
  PrintingCounter() {
    cupsd.add_queue("Counter_A5", "cups-pdf:/");
    cupsd.admin({"lpadmin", "-d", "Counter_A5"});
    since = fs::file_time_type::clock::now() - 2s;
  }
};

BOOST_FIXTURE_TEST_CASE(an_issuance_is_printed_at_handover_on_a_cups_pdf_queue_and_reprinted_once, PrintingCounter,
                        *utf::precondition(test::cups_runs_as_root)) {
  cupsd.add_queue("Backoffice", "cups-pdf:/");
  std::string handover_label, done_label;

  auto failures = run_script([&](Script& s) {
    forms::OrderPage* page = open_and_issue_to_handover(s, *model, *worker, teller, frame);
    result = s.ui([&] { return page->result(); });
    s.check(s.ui([&] { return page->print_papers_button()->IsEnabled(); }), "the handover page offers printing");

    // The papers, before the customer leaves: certdesk's dialog, the default preselected.
    s.press(s.ui([&] { return page->print_papers_button(); }));
    forms::PrinterDialog* dlg = nullptr;
    s.require(s.wait_for([&] { return (dlg = find_top<forms::PrinterDialog>()) != nullptr && dlg->IsModal(); }),
              "certdesk's printer dialog opens");
    s.check(s.ui([&] { return dlg->list()->GetCount() == 2u; }), "it lists both queues");
    s.check(s.ui([&] { return dlg->chosen() == "Counter_A5"; }), "the system default is preselected");
    s.press(s.ui([&] { return dlg->print_button(); }));
    s.require(s.wait_for([&] { return find_top<forms::PrinterDialog>() == nullptr && !page->running(); }, 120s),
              "both papers printed");
    handover_label = s.ui([&] { return std::string(page->handover_print_label()->GetLabel().utf8_str()); });
    s.check(find_top<forms::PrintProblemDialog>() == nullptr, "no problem reported");

    s.ui([&] { page->advance(); });   // handed over
    s.require(s.wait_for([&] { return page->step() == forms::OrderPage::done; }), "the order completes");
    s.require(s.wait_for([&] { return page->print_receipt_button()->IsEnabled(); }),
              "the papers are archived after the done page shows (issue 14.8)");

    // A reprint from the done page: the remembered printer preselected.
    s.press(s.ui([&] { return page->print_receipt_button(); }));
    s.require(s.wait_for([&] { return (dlg = find_top<forms::PrinterDialog>()) != nullptr && dlg->IsModal(); }),
              "the printer dialog for the reprint");
    s.check(s.ui([&] { return dlg->chosen() == "Counter_A5"; }), "the workstation's printer is preselected");
    s.press(s.ui([&] { return dlg->print_button(); }));
    s.require(s.wait_for([&] { return find_top<forms::PrinterDialog>() == nullptr && !page->running(); }, 120s),
              "the reprint printed");
    done_label = s.ui([&] { return std::string(page->done_print_label()->GetLabel().utf8_str()); });
    s.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  BOOST_TEST_MESSAGE("handover: " << handover_label << "\ndone: " << done_label);
  BOOST_TEST(handover_label.find("✗") == std::string::npos, handover_label);
  BOOST_TEST(done_label.find("✓") != std::string::npos, done_label);
  BOOST_REQUIRE(!result.receipt_no.empty());

  // Journaled exactly once each, with the printer and the job.
  const auto printed = entries(result.order_id, "receipt.printed");
  const auto slip = entries(result.order_id, "slip.printed");
  const auto reprinted = entries(result.order_id, "receipt.reprinted");
  BOOST_REQUIRE_EQUAL(printed.size(), 1u);
  BOOST_REQUIRE_EQUAL(slip.size(), 1u);
  BOOST_REQUIRE_EQUAL(reprinted.size(), 1u);
  BOOST_TEST(print_count(result.receipt_no) == 2);   // the paper original and the reprint; the archive added none
  BOOST_TEST(db::Settings(ctx->db()).get_or(desk::kPrinterSetting, "") == "Counter_A5");

  // cupsd got our PDFs and cups-pdf wrote each job.
  auto job_of = [](const db::JournalEntry& e) { return std::stoi(e.record.details.substr(e.record.details.rfind(' ') + 1)); };
  for (const auto* e : {&printed[0], &slip[0], &reprinted[0]}) {
    BOOST_TEST(e->record.details.find("printer Counter_A5 job ") == 0u, e->record.details);
    const int job = job_of(*e);
    const std::string text = test::run({"pdftotext", "-layout", test::spooled_job(cupsd, job).string(), "-"}).out;
    if (e->record.action == "slip.printed")
      BOOST_TEST(text.find("2100012345") != std::string::npos, text);
    else
      BOOST_TEST(text.find(result.receipt_no) != std::string::npos, text);
    BOOST_TEST((text.find("重印") != std::string::npos) == (e->record.action == "receipt.reprinted"), text);
    const auto out = test::cups_pdf_output(job, since);
    BOOST_TEST(out.has_value(), "cups-pdf output of job " << job);
    if (out) {
      BOOST_TEST(test::run({"pdfinfo", out->string()}).out.find("(A5)") != std::string::npos);
      fs::remove(*out);
    }
  }
}

// No print service: no printer dialog; the teller is told, the PDF offered, nothing counted.
BOOST_FIXTURE_TEST_CASE(without_a_print_service_the_teller_is_told_and_offered_the_pdf, Counter) {
  const std::string nowhere = (dir.path() / "no-cupsd.sock").string();
  setenv("CUPS_SERVER", nowhere.c_str(), 1);   // read by libcups on the worker thread
  auto worker = std::make_unique<forms::Worker>();
  forms::CounterFrame* frame = nullptr;
  workflows::OrderResult result;
  std::string problem, label;

  auto failures = run_script([&](Script& s) {
    forms::OrderPage* page = open_and_issue_to_handover(s, *model, *worker, teller, frame);
    result = s.ui([&] { return page->result(); });
    s.press(s.ui([&] { return page->print_papers_button(); }));
    forms::PrintProblemDialog* dlg = nullptr;
    s.require(s.wait_for([&] { return (dlg = find_top<forms::PrintProblemDialog>()) != nullptr && dlg->IsModal(); }),
              "what was not printed is shown");
    s.check(find_top<forms::PrinterDialog>() == nullptr, "no printer dialog without a print service");
    problem = s.ui([&] { return std::string(dlg->message_label()->GetLabel().utf8_str()); });
    s.press(s.ui([&] { return button(dlg, wxID_CANCEL); }));
    s.require(s.wait_for([&] { return find_top<forms::PrintProblemDialog>() == nullptr; }), "the message closes");
    label = s.ui([&] { return std::string(page->handover_print_label()->GetLabel().utf8_str()); });
    s.ui([&] { page->advance(); });
    s.require(s.wait_for([&] { return page->step() == forms::OrderPage::done; }), "handed over all the same");
    s.require(s.wait_for([&] { return page->print_slip_button()->IsEnabled(); }),
              "the papers are archived after the done page shows (issue 14.8)");
    s.ui([&] { frame->Close(true); });
  });
  worker.reset();
  unsetenv("CUPS_SERVER");
  report(failures);
  const fs::path receipt_pdf = ctx->paths().root / "archive";
  BOOST_TEST(problem.find("CUPS") != std::string::npos, problem);   // 打印服务（CUPS）未运行
  BOOST_TEST(problem.find(receipt_pdf.string()) != std::string::npos, problem);
  BOOST_TEST(label.find("✗") != std::string::npos, label);
  BOOST_TEST(entries(result.order_id, "receipt.printed").size() == 1u);   // the archive at the handover, not a paper print
  BOOST_TEST(entries(result.order_id, "receipt.printed")[0].record.details.empty());
  BOOST_TEST(entries(result.order_id, "slip.printed").empty());
  BOOST_TEST(print_count(result.receipt_no) == 1);
}

// Issue 14.9: the teller's lost-key reissue (补办, 遗失) end to end in the window, the
// papers printed from the handover page to the private cups-pdf queue; the old certificate revoked.
BOOST_FIXTURE_TEST_CASE(a_lost_key_is_reissued_through_the_wizard_and_its_papers_printed_at_handover, PrintingCounter,
                        *utf::precondition(test::cups_runs_as_root)) {
  const auto first = issued(*this);
  BOOST_REQUIRE(first.state == workflows::OrderState::completed);
  BOOST_REQUIRE(!first.cert_serial.empty());
  ctx->insert_blank_token("2100067890");   // the customer lost 2100012345; a new key from the drawer
  std::string handover_label, reason;

  auto failures = run_script([&](Script& s) {
    s.ui([&] {
      frame = new forms::CounterFrame(*model, *worker, teller);
      frame->SetSize(wxSize(1280, 780));
      frame->Show();
    });
    forms::OrderPage* page = s.ui([&] { return frame->order_page(); });
    s.require(s.wait_for([&] { return frame->polls() > 0; }), "the first token poll");
    s.require(s.ui([&] { return page->set_flow(workflows::Flow::reissue); }), "the wizard takes a reissue");
    s.check(s.ui([&] { return page->reason_choice()->IsShown() && page->reason_choice()->GetSelection() == 0; }),
            "the reissue asks the reason, 遗失 first");
    // The customer on record, found by the scanned USCC.
    s.ui([&] { page->search_field()->SetValue("91110108MA01C8D24U"); });
    s.require(s.wait_for([&] { return page->handler_id_field()->GetValue() == "11010519491231002X"; }),
              "the customer on record is picked");
    s.ui([&] { page->advance(); });
    s.require(s.wait_for([&] { return page->step() == forms::OrderPage::documents; }), "the documents page");
    reason = s.ui([&] { return std::string(page->reason_choice()->GetStringSelection().utf8_str()); });
    documents_to_handover(s, page, "2100067890");
    result = s.ui([&] { return page->result(); });

    // The papers, before the customer leaves.
    s.press(s.ui([&] { return page->print_papers_button(); }));
    forms::PrinterDialog* dlg = nullptr;
    s.require(s.wait_for([&] { return (dlg = find_top<forms::PrinterDialog>()) != nullptr && dlg->IsModal(); }),
              "certdesk's printer dialog opens");
    s.check(s.ui([&] { return dlg->chosen() == "Counter_A5"; }), "the queue is preselected");
    s.press(s.ui([&] { return dlg->print_button(); }));
    s.require(s.wait_for([&] { return find_top<forms::PrinterDialog>() == nullptr && !page->running(); }, 120s),
              "both papers printed");
    s.check(find_top<forms::PrintProblemDialog>() == nullptr, "no problem reported");
    handover_label = s.ui([&] { return std::string(page->handover_print_label()->GetLabel().utf8_str()); });
    s.screenshot("reissue-handover-printed.png");
    s.ui([&] { page->advance(); });
    s.require(s.wait_for([&] { return page->step() == forms::OrderPage::done; }), "the order completes");
    s.ui([&] { frame->Close(true); });
  });
  worker.reset();
  report(failures);
  BOOST_TEST_MESSAGE("reason: " << reason << "\nhandover: " << handover_label);
  BOOST_TEST(reason == "遗失");
  BOOST_TEST(handover_label.find("✗") == std::string::npos, handover_label);
  BOOST_REQUIRE(!result.receipt_no.empty());
  auto order = db::Orders(ctx->db()).by_id(result.order_id);
  BOOST_REQUIRE(order);
  BOOST_TEST(order->flow == "reissue");
  BOOST_TEST(order->state == "completed");
  BOOST_TEST(order->token_serial == "2100067890");

  // The old certificate is revoked as compromised; the new one is on the new key.
  auto old_cert = db::Certificates(ctx->db()).by_serial(first.cert_serial);
  BOOST_REQUIRE(old_cert);
  BOOST_TEST(old_cert->status == "revoked");
  BOOST_TEST(old_cert->revocation_reason == "keyCompromise");
  auto new_cert = db::Certificates(ctx->db()).by_serial(result.cert_serial);
  BOOST_REQUIRE(new_cert);
  BOOST_TEST(new_cert->status == "valid");
  BOOST_TEST(new_cert->token_serial == "2100067890");

  // Each paper printed once to the queue; the jobs completed; the PDFs read back.
  const auto printed = entries(result.order_id, "receipt.printed");
  const auto slip = entries(result.order_id, "slip.printed");
  BOOST_REQUIRE_EQUAL(printed.size(), 1u);
  BOOST_REQUIRE_EQUAL(slip.size(), 1u);
  BOOST_TEST(print_count(result.receipt_no) == 1);
  const std::string completed = test::run({"lpstat", "-W", "completed", "-o", "Counter_A5"}, cupsd.env(), "", 30).out;
  BOOST_TEST_MESSAGE("completed jobs:\n" << completed);
  for (const auto* e : {&printed[0], &slip[0]}) {
    BOOST_TEST(e->record.details.find("printer Counter_A5 job ") == 0u, e->record.details);
    const int job = std::stoi(e->record.details.substr(e->record.details.rfind(' ') + 1));
    BOOST_TEST(completed.find("Counter_A5-" + std::to_string(job) + " ") != std::string::npos,
               "job " << job << " completed: " << completed);
    const std::string text = test::run({"pdftotext", "-layout", test::spooled_job(cupsd, job).string(), "-"}).out;
    if (e->record.action == "slip.printed") {
      BOOST_TEST(text.find("2100067890") != std::string::npos, text);
      BOOST_TEST(text.find(result.cert_serial) != std::string::npos, text);
    } else {
      BOOST_TEST(text.find(result.receipt_no) != std::string::npos, text);
      BOOST_TEST(text.find("北京示例科技有限公司") != std::string::npos, text);
    }
    BOOST_TEST(text.find("重印") == std::string::npos, text);
    const auto out = test::cups_pdf_output(job, since);
    BOOST_TEST(out.has_value(), "cups-pdf output of job " << job);
    if (out) fs::remove(*out);
  }
  BOOST_TEST(ctx->journal().verify().ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(counter_task_dialogs)

// 介质挂失/解挂: only what the token state table allows is offered; found only for a suspended token.
BOOST_FIXTURE_TEST_CASE(token_reports_follow_the_state_table, Counter) {
  const auto order = issued(*this);
  BOOST_REQUIRE(order.state == workflows::OrderState::completed);
  auto worker = std::make_unique<forms::Worker>();
  forms::TokenReportDialog* dlg = nullptr;
  using R = workflows::TokenReport;
  auto failures = run_script([&](Script& s) {
    s.ui([&] {
      dlg = new forms::TokenReportDialog(nullptr, *model, *worker, teller);
      dlg->Show();
      dlg->serial_field()->SetValue("9999999999");
      dlg->look_up();
    });
    s.check(s.wait_for([&] { return !text_of(dlg->message_label()).empty(); }), "an unknown serial is said");
    s.check(s.ui([&] { return !dlg->report_button(R::suspend)->IsEnabled() && !dlg->report_button(R::found)->IsEnabled() &&
                              !dlg->report_button(R::lost)->IsEnabled(); }),
            "nothing is offered for a token not on record");
    auto look_up = [&](const char* serial) {
      s.ui([&] {
        dlg->serial_field()->SetValue(serial);
        dlg->look_up();
      });
      s.wait_for([&] { return !text_of(dlg->state_label()).empty(); });
    };
    look_up("2100012345");
    s.check(s.ui([&] { return dlg->report_button(R::suspend)->IsEnabled() && !dlg->report_button(R::found)->IsEnabled() &&
                              dlg->report_button(R::lost)->IsEnabled(); }),
            "an active token may be suspended or confirmed lost, not found");
    s.press(s.ui([&] { return dlg->report_button(R::suspend); }));
    s.check(s.wait_for([&] { return !text_of(dlg->message_label()).empty(); }), "a suspension without a reason is refused");
    s.check(s.ui([&] { return std::string(model->token_record("2100012345").state); }) == "active", "and nothing changed");
    s.ui([&] { dlg->reason_field()->SetValue(wxString::FromUTF8("客户电话挂失")); });
    s.press(s.ui([&] { return dlg->report_button(R::suspend); }));
    s.check(s.wait_for([&] { return dlg->report_button(R::found)->IsEnabled(); }), "a suspended token may be found");
    s.check(s.ui([&] { return !dlg->report_button(R::suspend)->IsEnabled(); }), "but not suspended again");
    s.press(s.ui([&] { return dlg->report_button(R::found); }));
    s.check(s.wait_for([&] { return dlg->report_button(R::suspend)->IsEnabled() && !dlg->report_button(R::found)->IsEnabled(); }),
            "found: active again");
    s.ui([&] { dlg->Destroy(); });
  });
  worker.reset();
  report(failures);
  BOOST_TEST(model->token_record("2100012345").state == "active");
  std::set<std::string> actions;
  for (const auto& e : ctx->journal().entries_of_day(model->today())) actions.insert(e.record.action);
  BOOST_TEST(actions.count("token.suspended"));
  BOOST_TEST(actions.count("token.found"));
}

// 收据: found by number and by customer; a teller's void needs a supervisor's password; refusals change nothing.
BOOST_FIXTURE_TEST_CASE(receipts_are_found_and_voided_with_a_supervisors_approval, Counter) {
  const auto order = issued(*this);
  BOOST_REQUIRE(!order.receipt_no.empty());
  auto worker = std::make_unique<forms::Worker>();
  forms::ReceiptsDialog* dlg = nullptr;
  auto failures = run_script([&](Script& s) {
    s.ui([&] {
      dlg = new forms::ReceiptsDialog(nullptr, *model, *worker, teller);
      dlg->Show();
      dlg->search(wxEmptyString);
    });
    s.check(s.ui([&] { return !text_of(dlg->search_error()).empty(); }), "an empty search is said next to the field");
    s.ui([&] { dlg->search(forms::wx(order.receipt_no)); });
    s.check(s.wait_for([&] { return dlg->rows().size() == 1u && dlg->list()->GetItemCount() == 1; }), "found by number");
    s.ui([&] { dlg->search(wxString::FromUTF8("北京示例")); });
    // The name search finds the same single row the number search left, so wait for the
    // search itself to end too: a void pressed while it runs would be ignored.
    s.check(s.wait_for([&] { return !dlg->busy() && dlg->rows().size() == 1u && dlg->rows()[0].receipt_no == order.receipt_no; }),
            "found by the customer's name");
    s.check(s.ui([&] { return dlg->supervisor_field() != nullptr && dlg->void_button()->IsEnabled(); }),
            "a teller's void asks for a supervisor");
    s.press(s.ui([&] { return dlg->void_button(); }));
    s.check(s.wait_for([&] { return !text_of(dlg->void_error()).empty(); }), "no reason: said");
    s.ui([&] {
      dlg->reason_field()->SetValue(wxString::FromUTF8("金额收错"));
      dlg->supervisor_field()->SetValue("super1");
      dlg->password_field()->SetValue("wrong-password");
    });
    const std::string no_reason = s.ui([&] { return text_of(dlg->void_error()); });
    s.press(s.ui([&] { return dlg->void_button(); }));
    // The refusal replaces the "no reason" line once the worker has answered.
    s.check(s.wait_for([&] { return !dlg->busy() && text_of(dlg->void_error()) != no_reason; }), "a wrong password: said");
    s.check(s.ui([&] { return dlg->password_field()->GetValue().empty(); }), "the password field is cleared");
    s.check(db::Payments(ctx->db()).by_receipt_no(order.receipt_no)->status == "issued", "and nothing changed");
    s.ui([&] { dlg->password_field()->SetValue("super-password-1"); });
    s.press(s.ui([&] { return dlg->void_button(); }));
    s.check(s.wait_for([&] { return dlg->rows().size() == 1u && dlg->rows()[0].voided; }), "voided with the approval");
    s.check(s.ui([&] { return !dlg->void_button()->IsEnabled(); }), "a void receipt cannot be voided again");
    s.ui([&] { dlg->Destroy(); });
  });
  worker.reset();
  report(failures);
  auto p = db::Payments(ctx->db()).by_receipt_no(order.receipt_no);
  BOOST_TEST(p->status == "voided");
  BOOST_TEST(p->void_reason == "金额收错");
  std::set<std::string> actions;
  for (const auto& e : ctx->journal().entries_of_order(order.order_id)) actions.insert(e.record.action);
  BOOST_TEST(actions.count("approval"));
  BOOST_TEST(actions.count("receipt.voided"));
}

// 授权码: issued once with its expiry in local time, redeemed by a teller on the inserted token.
BOOST_FIXTURE_TEST_CASE(an_unlock_code_is_shown_once_in_local_time_and_redeemed, Counter) {
  const auto order = issued(*this);
  BOOST_REQUIRE(order.state == workflows::OrderState::completed);
  const auto supervisor = ctx->staff().login("super1", Secret("super-password-1"));
  auto worker = std::make_unique<forms::Worker>();
  forms::IssueCodeDialog* issue = nullptr;
  forms::RedeemCodeDialog* redeem = nullptr;
  std::string code, said, expected_day;
  auto failures = run_script([&](Script& s) {
    s.ui([&] {
      issue = new forms::IssueCodeDialog(nullptr, *model, *worker, supervisor);
      issue->Show();
    });
    s.press(s.ui([&] { return issue->issue_button(); }));
    s.check(s.ui([&] { return !text_of(issue->message_label()).empty() && issue->code_field()->GetValue().empty(); }),
            "no serial: said, no code");
    s.ui([&] { issue->serial_field()->SetValue("2100012345"); });
    s.press(s.ui([&] { return issue->issue_button(); }));
    s.require(s.wait_for([&] { return !issue->code_field()->GetValue().empty(); }), "a code is issued");
    code = s.ui([&] { return std::string(issue->code_field()->GetValue().utf8_str()); });
    said = s.ui([&] { return text_of(issue->message_label()); });
    expected_day = model->local_time(std::time(nullptr) + 24 * 3600).substr(0, 10);
    s.ui([&] { issue->Destroy(); });

    s.ui([&] {
      redeem = new forms::RedeemCodeDialog(nullptr, *model, *worker, teller, {"2100012345"});
      redeem->Show();
      redeem->code_field()->SetValue("WRONG-CODE");
    });
    s.press(s.ui([&] { return redeem->redeem_button(); }));
    s.check(s.wait_for([&] { return redeem->redeem_button()->IsEnabled() && !text_of(redeem->message_label()).empty(); }),
            "a wrong code is refused");
    s.ui([&] { redeem->code_field()->SetValue(forms::wx(code)); });
    s.press(s.ui([&] { return redeem->redeem_button(); }));
    forms::PinDialog* pin = nullptr;
    s.require(s.wait_for([&] { return (pin = find_top<forms::PinDialog>()) != nullptr && pin->IsModal(); }),
              "the customer is asked for the new PIN");
    s.ui([&] {
      pin->first_field()->SetValue("135792");
      pin->second_field()->SetValue("135792");
    });
    s.press(s.ui([&] { return button(pin, wxID_OK); }));
    s.check(s.wait_for([&] { return find_top<forms::PinDialog>() == nullptr && redeem->redeem_button()->IsEnabled(); }, 60s),
            "the unlock finishes");
    said += "\n" + s.ui([&] { return text_of(redeem->message_label()); });
    s.ui([&] { redeem->Destroy(); });
  });
  worker.reset();
  report(failures);
  BOOST_TEST_MESSAGE(said);
  BOOST_TEST(!code.empty());
  BOOST_TEST(said.find(expected_day) != std::string::npos, said);   // the expiry, in the branch's local time
  std::set<std::string> actions;
  for (const auto& e : ctx->journal().entries_of_day(model->today())) actions.insert(e.record.action);
  BOOST_TEST(actions.count("unlock_code.issued"));
  BOOST_TEST(actions.count("unlock_code.refused"));
  BOOST_TEST(actions.count("unlock_code.redeemed"));
  for (const auto& f : test::files_containing(dir.path(), code)) BOOST_ERROR("the code is stored in " << f);
}

BOOST_AUTO_TEST_SUITE_END()
