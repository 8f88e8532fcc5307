// The desk (desk/desk.h) on the real parts: an order run through the very desk
// calls the window makes (run_order without handover, then hand_over) and the
// CLI makes (run_order with handover) leaves the receipt and the handover slip
// archived as PDF, read back with pdftotext; settings and token listing through
// the desk; staff accounts, the module probe and refused output paths (issue 13).

#include <fmt/format.h>

#include "desk/desk.h"
#include "printing/pdf.h"
#include "tests/app/flow_fixture.h"

using namespace certdesk;
using namespace certdesk::test;
using workflows::Flow;

namespace {

std::string pdf_text(const std::filesystem::path& pdf) {
  RunResult r = test::run({"pdftotext", "-layout", pdf.string(), "-"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "pdftotext " + pdf.string() + ": " + r.err);
  return r.out;
}

struct DeskFixture : FlowFixture {
  desk::Desk desk{*ctx};
  workflows::Prompts prompts{pins, approval, progress};

  workflows::ServiceRequest paid(workflows::ServiceRequest r) {
    db::FeeSchedule fees(ctx->db());
    r.amount_fen = workflows::quote(fees, r.flow, r.reason).total_fen;
    return r;
  }
  std::int64_t print_count(const std::string& receipt_no) {
    for (const auto& p : db::Payments(ctx->db()).of_order(db::Orders(ctx->db()).recent(1).front().id))
      if (p.receipt_no == receipt_no) return p.print_count;
    return -1;
  }
  std::filesystem::path root() const { return ctx->paths().root; }

  // The receipt and the slip of a completed order are in the archive and say what they must.
  void check_papers(const desk::OrderOutcome& o, const std::string& token_serial) {
    const auto& r = o.result;
    BOOST_REQUIRE(r.state == workflows::OrderState::completed);
    BOOST_REQUIRE(!r.receipt_no.empty());
    BOOST_TEST(o.papers.receipt == printing::archive_path(root(), printing::ArchiveKind::receipt, r.receipt_no));
    BOOST_TEST(o.papers.slip == printing::archive_path(root(), printing::ArchiveKind::slip, fmt::format("{:06}", r.order_id)));
    BOOST_REQUIRE(std::filesystem::is_regular_file(o.papers.receipt));
    BOOST_REQUIRE(std::filesystem::is_regular_file(o.papers.slip));
    std::string receipt = pdf_text(o.papers.receipt);
    BOOST_TEST(receipt.find(r.receipt_no) != std::string::npos, receipt);
    BOOST_TEST(receipt.find("北京示例科技有限公司") != std::string::npos, receipt);
    BOOST_TEST(receipt.find("重印") == std::string::npos, receipt);   // the first printing, not a reprint
    std::string slip = pdf_text(o.papers.slip);
    BOOST_TEST(slip.find(token_serial) != std::string::npos, slip);
    BOOST_TEST(slip.find(r.receipt_no) != std::string::npos, slip);
    BOOST_TEST(slip.find(fmt::format("{:06}", r.order_id)) != std::string::npos, slip);
    BOOST_TEST(print_count(r.receipt_no) == 1);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(desk_service, DeskFixture)

// The window's path: run to token_done, the customer takes the token, hand over.
BOOST_AUTO_TEST_CASE(window_path_archives_receipt_and_slip) {
  blank("2101300101");
  pins.new_pins.push_back("135790");
  desk::OrderOutcome ran = desk.run_order(teller, paid(request(Flow::issue, "2101300101")), prompts, false);
  BOOST_REQUIRE(ran.result.state == workflows::OrderState::token_done);
  BOOST_TEST(ran.papers.receipt.empty());   // nothing archived before the handover
  BOOST_TEST(ran.papers.slip.empty());
  BOOST_TEST(print_count(ran.result.receipt_no) == 0);

  desk::OrderOutcome done = desk.hand_over(teller, ran.result.order_id);
  check_papers(done, "2101300101");

  // Archiving again (a resumed or repeated handover) prints no second receipt.
  desk::ArchivedPapers again = desk.archive_papers(teller, done.result.order_id);
  BOOST_TEST(again.receipt.empty());
  BOOST_TEST(print_count(done.result.receipt_no) == 1);
}

// The window's handover since issue 14.8: completed with Papers::later, the
// PDFs written after the 完成 page shows. A crash in between (here: the context
// closed before archive_papers) leaves a completed order with no papers; the
// next start archives them exactly once, and the next print is a reprint.
BOOST_AUTO_TEST_CASE(papers_missing_after_a_crash_are_archived_once_at_the_next_start) {
  blank("2101300103");
  pins.new_pins.push_back("135790");
  desk::OrderOutcome ran = desk.run_order(teller, paid(request(Flow::issue, "2101300103")), prompts, false);
  BOOST_REQUIRE(ran.result.state == workflows::OrderState::token_done);
  desk::OrderOutcome done = desk.hand_over(teller, ran.result.order_id, desk::Papers::later);
  BOOST_REQUIRE(done.result.state == workflows::OrderState::completed);
  const std::string receipt_no = done.result.receipt_no;
  const db::Id order_id = done.result.order_id;
  const auto receipt_pdf = printing::archive_path(root(), printing::ArchiveKind::receipt, receipt_no);
  const auto slip_pdf = printing::archive_path(root(), printing::ArchiveKind::slip, fmt::format("{:06}", order_id));
  BOOST_TEST(done.papers.receipt.empty());
  BOOST_TEST(done.papers.slip.empty());
  BOOST_TEST(!std::filesystem::exists(receipt_pdf));
  BOOST_TEST(!std::filesystem::exists(slip_pdf));
  BOOST_TEST(print_count(receipt_no) == 0);
  BOOST_TEST((desk.orders_missing_papers() == std::vector<db::Id>{order_id}));

  // The next start: a new context over the same data folder.
  const std::filesystem::path data = root();
  flows.reset();
  counter.reset();
  ctx.reset();
  ctx = std::make_unique<desk::AppContext>(data, clock, 10);
  desk::Desk reopened(*ctx);
  auto printed = [&](const std::string& action) {
    std::size_t n = 0;
    for (const auto& e : ctx->journal().entries_of_day(desk::business_day(clock.now(), ctx->config())))
      if (e.record.action == action && e.record.receipt_no == receipt_no) ++n;
    return n;
  };
  BOOST_TEST((reopened.archive_missing_papers(teller) == std::vector<db::Id>{order_id}));
  BOOST_REQUIRE(std::filesystem::is_regular_file(receipt_pdf));
  BOOST_REQUIRE(std::filesystem::is_regular_file(slip_pdf));
  BOOST_TEST(pdf_text(receipt_pdf).find("重印") == std::string::npos);   // the first printing
  BOOST_TEST(pdf_text(slip_pdf).find("2101300103") != std::string::npos);
  BOOST_TEST(print_count(receipt_no) == 1);
  BOOST_TEST(printed("receipt.printed") == 1u);
  // Once: a second start finds nothing missing and journals nothing.
  const std::int64_t head = ctx->journal().head().count;
  BOOST_TEST(reopened.orders_missing_papers().empty());
  BOOST_TEST(reopened.archive_missing_papers(teller).empty());
  BOOST_TEST(ctx->journal().head().count == head);
  // The next print is marked 重印, as for any printed receipt.
  const auto again = reopened.print_receipt(teller, receipt_no);
  BOOST_TEST(pdf_text(again).find("重印") != std::string::npos);
  BOOST_TEST(print_count(receipt_no) == 2);
  BOOST_TEST(printed("receipt.printed") == 1u);
  BOOST_TEST(printed("receipt.reprinted") == 1u);
}

// The command line's path: one call with handover.
BOOST_AUTO_TEST_CASE(cli_path_archives_receipt_and_slip) {
  blank("2101300102");
  pins.new_pins.push_back("135790");
  desk::OrderOutcome done = desk.run_order(teller, paid(request(Flow::issue, "2101300102")), prompts, true);
  check_papers(done, "2101300102");

  // The token listing sees the new certificate, newest valid, inside no renewal window yet.
  auto listed = desk.tokens();
  auto it = std::find_if(listed.begin(), listed.end(), [](const auto& t) { return t.token.serial == "2101300102"; });
  BOOST_REQUIRE(it != listed.end());
  BOOST_REQUIRE(it->record);
  BOOST_TEST(it->record->state == "active");
  BOOST_REQUIRE(it->newest_valid);
  BOOST_TEST(it->newest_valid->serial == done.result.cert_serial);
  BOOST_TEST(!it->in_renewal_window);
  BOOST_TEST(!it->expired);
  BOOST_TEST(it->days_left >= 364);
}

// Settings through the desk: only an admin, only editable keys, only valid values; journaled.
BOOST_AUTO_TEST_CASE(settings_are_checked_and_journaled) {
  const std::int64_t before = ctx->journal().head().count;
  BOOST_CHECK_THROW(desk.set_setting(teller, "paper", "a4"), AuthError);
  BOOST_CHECK_THROW(desk.set_setting(admin, "branch", "XX01"), InputError);   // not editable
  BOOST_CHECK_THROW(desk.set_setting(admin, "key_algorithm", "dsa"), InputError);
  BOOST_CHECK_THROW(desk.set_setting(admin, "paper", "letter"), InputError);
  BOOST_TEST(ctx->journal().head().count == before);   // a refusal changes nothing

  desk.set_setting(admin, "paper", "a4");
  BOOST_TEST(ctx->journal().head().count == before + 1);
  auto all = desk.settings();
  auto paper = std::find_if(all.begin(), all.end(), [](const auto& kv) { return kv.first == "paper"; });
  BOOST_REQUIRE(paper != all.end());
  BOOST_TEST(paper->second == "a4");
  BOOST_TEST((desk.paper() == printing::Paper::a4));
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 13.5 through the desk functions the admin's staff dialog calls.
BOOST_FIXTURE_TEST_CASE(staff_accounts_through_the_desk, DeskFixture) {
  std::vector<workflows::StaffView> all = desk.list_staff(admin);
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_CHECK_THROW(desk.list_staff(teller), AuthError);
  BOOST_CHECK_THROW(desk.set_staff_enabled(admin, "admin", false), RuleRefused);   // the only active admin
  desk.set_staff_enabled(admin, "teller1", false);
  BOOST_CHECK_THROW(desk.login("teller1", Secret("teller-password")), AuthError);
  desk.set_staff_enabled(admin, "teller1", true);
  for (int i = 0; i < workflows::kLockoutAfterFailures; ++i)
    BOOST_CHECK_THROW(desk.login("teller1", Secret("wrong-password")), AuthError);
  BOOST_TEST(error_code_of<AuthError>([&] { desk.login("teller1", Secret("teller-password")); }) == codes::account_locked);
  desk.unlock_staff(admin, "teller1");
  workflows::Actor t = desk.login("teller1", Secret("teller-password"));
  BOOST_CHECK_THROW(desk.change_own_password(t, Secret("wrong-password"), Secret("new-teller-pw")), AuthError);
  desk.change_own_password(t, Secret("teller-password"), Secret("new-teller-pw"));
  BOOST_CHECK_NO_THROW(desk.login("teller1", Secret("new-teller-pw")));
  desk.reset_password(admin, "teller1", Secret("teller-password"));
  BOOST_CHECK_NO_THROW(desk.login("teller1", Secret("teller-password")));
  desk.set_display_name(admin, "teller1", "王小明");
  BOOST_TEST(desk.login("teller1", Secret("teller-password")).shown_name() == "王小明");
  BOOST_CHECK_THROW(desk.unlock_staff(admin, "nobody"), RuleRefused);
}

// Issue 13.6: the module probe loads the library and looks for slots.
BOOST_FIXTURE_TEST_CASE(the_module_probe_loads_the_library, DeskFixture) {
  desk::PkiModuleProbe probe(*ctx);
  BOOST_TEST(probe.problem_with("/usr/lib/softhsm/libsofthsm2.so").empty());
  BOOST_TEST(!probe.problem_with("/usr/lib/x86_64-linux-gnu/libz.so.1").empty());
  BOOST_CHECK_THROW(desk.set_setting(admin, "pkcs11_module", "/usr/lib/x86_64-linux-gnu/libz.so.1"), InputError);
  BOOST_TEST(db::Settings(ctx->db()).get_or("pkcs11_module", "") != "/usr/lib/x86_64-linux-gnu/libz.so.1");
  BOOST_TEST(desk.setting_problems().empty());
}

// Issue 13.2/13.3: a refused output path records no printing.
BOOST_FIXTURE_TEST_CASE(a_refused_receipt_path_records_nothing, DeskFixture) {
  blank("2101300109");
  pins.new_pins.push_back("135790");
  desk::OrderOutcome done = desk.run_order(teller, paid(request(Flow::issue, "2101300109")), prompts, true);
  BOOST_REQUIRE(done.result.state == workflows::OrderState::completed);
  const std::string& no = done.result.receipt_no;
  const std::size_t entries = ctx->journal().entries_of_order(done.result.order_id).size();
  for (const std::filesystem::path& bad : {root() / "certdesk.db", std::filesystem::path("/dev/null"), root() / "x.pdf"})
    BOOST_CHECK_THROW(desk.print_receipt(teller, no, bad), RuleRefused);
  BOOST_TEST(print_count(no) == 1);
  BOOST_TEST(ctx->journal().entries_of_order(done.result.order_id).size() == entries);
  BOOST_TEST(!std::filesystem::exists(root() / "x.pdf"));
  test::TempDir out;
  std::filesystem::path written = desk.print_receipt(teller, no, out / "copy.pdf");
  BOOST_TEST(pdf_text(written).find("重印") != std::string::npos);
  BOOST_TEST(print_count(no) == 2);
}
