// Printing a receipt or a handover slip to a real printer through the desk
// (desk/printing_desk.h) and `certdesk-cli receipt print NO --printer NAME`
// (issue 14 point 4): archived, sent with the paper of the settings, followed,
// and journaled exactly once when the job completed; a reprint marked 重印; no
// printer or a failed job said clearly, with the archived PDF, and not counted.
// The cases with a cups-pdf queue need root (tests/printing/cupsd.h) and are
// reported skipped without it.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "db/repositories.h"
#include "desk/context.h"
#include "desk/desk.h"
#include "tests/printing/cupsd.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using namespace certdesk::test;
namespace utf = boost::unit_test;

namespace {

const std::string kAdminPw = "Adm1n-pw-Pr7!zK";
const std::string kTellerPw = "T3ller-pw-Pr4#nM";
const std::string kPin = "Pin-Pr4Q7z";

// A data folder with a teller and one first issuance run up to token_done (the
// papers not printed yet), through certdesk-cli.
struct Counter {
  TempDir tmp{"certdesk-print"};
  fs::path data = tmp / "data";
  fs::path admin_pw = write_file(tmp / "admin.pw", kAdminPw + "\n");
  fs::path teller_pw = write_file(tmp / "teller.pw", kTellerPw + "\n");
  fs::path pin = write_file(tmp / "pin", kPin + "\n");
  std::string receipt_no;
  std::int64_t order_id = 0;

  RunResult cli(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, env, "", 180);
  }
  void ok(const RunResult& r) { BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err); }

  Counter() {
    ok(cli({"init", "--branch", "BJ01", "--branch-name", "示例网点", "--admin", "admin", "--password-file",
            admin_pw.string()}));
    ok(cli({"staff", "add", "teller1", "--role", "teller", "--password-file", teller_pw.string(), "--as", "admin",
            "--as-password-file", admin_pw.string()}));
    ok(cli({"token", "insert-blank", "--serial", "2100012345"}));
    json docs = {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", "issue"}}},
                 {"org_code_copy", {{"present", true}, {"stamped", true}}},
                 {"handler_id_copy", {{"present", true}, {"stamped", true}}},
                 {"token", {{"present", true}}}};
    json req = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", "91110108MA01C8D24U"}}},
                {"handler", {{"name", "张三"}, {"id_number", "11010519491231002X"}}},
                {"documents", docs},
                {"token_serial", "2100012345"},
                {"reason", ""},
                {"payment", {{"method", "cash"}, {"amount_fen", 5000}}}};
    fs::path req_file = write_file(tmp / "req.json", req.dump());
    RunResult r = cli({"--json", "order", "run", "issue", "--request", req_file.string(), "--as", "teller1",
                       "--as-password-file", teller_pw.string(), "--new-pin-file", pin.string(), "--no-handover"});
    ok(r);
    json j = json::parse(r.out);
    receipt_no = j.at("receipt_no").get<std::string>();
    order_id = j.at("order_id").get<std::int64_t>();
    BOOST_REQUIRE(!receipt_no.empty());
  }

  std::vector<std::string> as_teller() const { return {"--as", "teller1", "--as-password-file", teller_pw.string()}; }

  // Journal entries of the order with this action.
  std::vector<db::JournalEntry> entries(const std::string& action) {
    SystemClock clock;
    desk::AppContext ctx(data, clock, desk::AppContext::ReadOnly{});
    std::vector<db::JournalEntry> out;
    for (auto& e : ctx.journal().entries_of_order(order_id))
      if (e.record.action == action) out.push_back(std::move(e));
    return out;
  }
  std::int64_t print_count() {
    SystemClock clock;
    desk::AppContext ctx(data, clock, desk::AppContext::ReadOnly{});
    auto p = db::Payments(ctx.db()).by_receipt_no(receipt_no);
    BOOST_REQUIRE(p);
    return p->print_count;
  }
};

std::string pdf_text(const fs::path& pdf) { return run({"pdftotext", "-layout", pdf.string(), "-"}).out; }

}  // namespace

BOOST_AUTO_TEST_SUITE(printer_desk)

// The CLI prints the original, then a reprint marked 重印; each journaled once with
// its printer and job; the order completed afterwards does not count a third print.
BOOST_FIXTURE_TEST_CASE(cli_prints_to_a_printer_original_then_reprint_each_journaled_once, Counter,
                        *utf::precondition(cups_runs_as_root)) {
  Cupsd cupsd;
  cupsd.add_queue("Counter_A5", "cups-pdf:/");
  const auto since = fs::file_time_type::clock::now() - std::chrono::seconds(2);

  std::vector<std::string> args{"--json", "receipt", "print", receipt_no, "--printer", "Counter_A5"};
  for (const auto& a : as_teller()) args.push_back(a);
  RunResult r = cli(args, cupsd.env());
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  json first = json::parse(r.out);
  BOOST_TEST(first.at("outcome").get<std::string>() == "completed");
  BOOST_TEST(first.at("printer").get<std::string>() == "Counter_A5");
  BOOST_TEST(first.at("reprint").get<bool>() == false);
  const int job1 = first.at("job_id").get<int>();
  BOOST_TEST(job1 > 0);
  const std::string spooled1 = pdf_text(spooled_job(cupsd, job1));
  BOOST_TEST(spooled1.find(receipt_no) != std::string::npos);
  BOOST_TEST(spooled1.find("重印") == std::string::npos);
  BOOST_TEST(fs::is_regular_file(first.at("pdf").get<std::string>()));
  // cups-pdf wrote the page: the job really went through a printer's queue.
  const auto out = cups_pdf_output(job1, since);
  BOOST_REQUIRE_MESSAGE(out, "no cups-pdf output for job " << job1 << " in " << cups_pdf_output_folder());
  const auto info = run({"pdfinfo", out->string()});
  BOOST_TEST(info.out.find("(A5)") != std::string::npos, info.out);
  fs::remove(*out);

  r = cli(args, cupsd.env());
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  json second = json::parse(r.out);
  BOOST_TEST(second.at("reprint").get<bool>() == true);
  const int job2 = second.at("job_id").get<int>();
  BOOST_TEST(pdf_text(spooled_job(cupsd, job2)).find("重印") != std::string::npos);
  if (auto o2 = cups_pdf_output(job2, since)) fs::remove(*o2);

  auto printed = entries("receipt.printed");
  auto reprinted = entries("receipt.reprinted");
  BOOST_REQUIRE_EQUAL(printed.size(), 1u);
  BOOST_REQUIRE_EQUAL(reprinted.size(), 1u);
  BOOST_TEST(printed[0].record.details == fmt::format("printer Counter_A5 job {}", job1));
  BOOST_TEST(reprinted[0].record.details == fmt::format("printer Counter_A5 job {}", job2));
  BOOST_TEST(print_count() == 2);

  // Handed over afterwards: the receipt was printed, the archive adds no printing.
  ok(cli({"order", "resume", std::to_string(order_id), "--as", "teller1", "--as-password-file", teller_pw.string()}));
  BOOST_TEST(print_count() == 2);
  BOOST_TEST(entries("receipt.printed").size() == 1u);
  BOOST_TEST(entries("receipt.reprinted").size() == 1u);
}

// A printer that is not there: exit 1, the message names it and the archived PDF;
// nothing is counted, so the next print is still the original.
BOOST_FIXTURE_TEST_CASE(cli_printer_not_there_says_so_and_counts_nothing, Counter,
                        *utf::precondition(cups_runs_as_root)) {
  Cupsd cupsd;
  std::vector<std::string> args{"receipt", "print", receipt_no, "--printer", "Gone_Printer"};
  for (const auto& a : as_teller()) args.push_back(a);
  RunResult r = cli(args, cupsd.env());
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("Gone_Printer") != std::string::npos, r.err);
  BOOST_TEST(r.err.find((data / "archive").string()) != std::string::npos, r.err);
  BOOST_TEST(print_count() == 0);
  BOOST_TEST(entries("receipt.printed").empty());
  BOOST_TEST(entries("receipt.reprinted").empty());
}

// No printer set up at all: the desk says so and offers the archived PDF.
BOOST_FIXTURE_TEST_CASE(no_printer_set_up_is_said_and_the_pdf_offered, Counter, *utf::precondition(cups_runs_as_root)) {
  Cupsd cupsd;   // running, with no queue
  SystemClock clock;
  desk::AppContext ctx(data, clock, 10);
  desk::Desk desk(ctx);
  workflows::Actor teller = desk.login("teller1", Secret(std::string(kTellerPw)));
  desk::PaperPrinted p = desk.print_receipt_to(teller, receipt_no, desk.remembered_printer());
  BOOST_TEST(!p.ok());
  BOOST_TEST(printing::outcome_name(p.result.outcome) == std::string("no_printer"));
  BOOST_TEST(p.message.find("No printer is set up") != std::string::npos, p.message);
  BOOST_TEST(p.message.find(p.pdf.string()) != std::string::npos, p.message);
  BOOST_TEST(fs::is_regular_file(p.pdf));
  BOOST_TEST(!p.journaled);
  desk::PaperPrinted s = desk.print_slip_to(teller, order_id, "");
  BOOST_TEST(!s.ok());
  BOOST_TEST(fs::is_regular_file(s.pdf));
  BOOST_TEST(pdf_text(s.pdf).find("2100012345") != std::string::npos);
  for (const auto& e : ctx.journal().entries_of_order(order_id)) {
    BOOST_TEST(e.record.action != "receipt.printed");
    BOOST_TEST(e.record.action != "slip.printed");
  }
}

// Without a print service at all (no cupsd: runs without root too).
BOOST_FIXTURE_TEST_CASE(no_print_service_is_said_and_nothing_counted, Counter) {
  const std::string nowhere = (tmp / "no-cupsd.sock").string();
  std::vector<std::string> args{"receipt", "print", receipt_no, "--printer", "Counter_A5"};
  for (const auto& a : as_teller()) args.push_back(a);
  RunResult r = cli(args, {"CUPS_SERVER=" + nowhere});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("CUPS") != std::string::npos, r.err);
  BOOST_TEST(r.err.find((data / "archive").string()) != std::string::npos, r.err);
  BOOST_TEST(print_count() == 0);
  // --printer with --pdf is a usage error before anything runs.
  args.push_back("--pdf");
  args.push_back((tmp / "x.pdf").string());
  BOOST_TEST(cli(args).exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
