// The printer port (printing/cups_printer.h) against a cupsd of its own with
// cups-pdf queues (tests/printing/cupsd.h). The cases that start a cupsd need root
// and are reported skipped without it.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <regex>
#include <string>

#include "common/error.h"
#include "printing/cups_printer.h"
#include "printing/pdf.h"
#include "tests/printing/cupsd.h"
#include "tests/printing/samples.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using namespace certdesk::printing;
using certdesk::test::Cupsd;
using certdesk::test::cups_pdf_output;
using certdesk::test::cups_pdf_output_folder;
using certdesk::test::dark_share;
using certdesk::test::run;
using certdesk::test::TempDir;
namespace utf = boost::unit_test;

namespace {

fs::path receipt_pdf(const fs::path& dir) {
  const fs::path pdf = dir / "receipt.pdf";
  write_receipt_pdf(certdesk::test::sample_receipt(), Paper::a5, pdf);
  return pdf;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cups_printer)

BOOST_AUTO_TEST_CASE(lists_the_queues_with_the_default_flagged, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  Cupsd cupsd;
  cupsd.add_queue("Counter_A5", "cups-pdf:/");
  cupsd.add_queue("Backoffice", "cups-pdf:/");
  cupsd.admin({"lpadmin", "-d", "Counter_A5"});
  cupsd.admin({"cupsdisable", "-r", "toner low", "Backoffice"});
  const PrinterList list = list_printers();
  BOOST_TEST(list.service_available);
  BOOST_REQUIRE_EQUAL(list.printers.size(), 2u);
  BOOST_TEST(list.printers[0].name == "Backoffice");
  BOOST_TEST(!list.printers[0].is_default);
  BOOST_TEST(list.printers[0].stopped);
  BOOST_TEST(list.printers[0].description == "Backoffice (test)");
  BOOST_TEST(list.printers[1].name == "Counter_A5");
  BOOST_TEST(list.printers[1].is_default);
  BOOST_TEST(!list.printers[1].stopped);
  BOOST_TEST(list.printers[1].accepting);
  BOOST_TEST(list.preselected() == "Counter_A5");
}

BOOST_AUTO_TEST_CASE(prints_a_receipt_on_a5_and_the_job_completes, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  Cupsd cupsd;
  cupsd.add_queue("PDF", "cups-pdf:/");
  cupsd.admin({"lpadmin", "-d", "PDF"});
  const fs::path pdf = receipt_pdf(cupsd.dir());
  const auto since = fs::file_time_type::clock::now() - std::chrono::seconds(2);

  PrintRequest request;
  request.pdf = pdf;  // no printer named: the default
  request.paper = Paper::a5;
  request.title = "收据 BJ01-2026-000123";
  const PrintResult result = print_pdf(request);
  BOOST_TEST_MESSAGE("outcome " << outcome_name(result.outcome) << ": " << result.message);
  BOOST_REQUIRE(result.outcome == PrintOutcome::completed);
  BOOST_TEST(result.ok());
  BOOST_TEST(result.printer == "PDF");
  BOOST_TEST(result.job_id > 0);
  BOOST_TEST(describe(result).find("PDF") != std::string::npos);

  // What cupsd received is our PDF, text and all.
  const fs::path spool_file = certdesk::test::spooled_job(cupsd, result.job_id);
  BOOST_REQUIRE(fs::exists(spool_file));
  const auto text = run({"pdftotext", "-layout", spool_file.string(), "-"});
  BOOST_TEST(text.out.find("BJ01-2026-000123") != std::string::npos);
  BOOST_TEST(text.out.find("人民币伍拾元整") != std::string::npos);

  // cups-pdf's output: an A5 page (the queue's default is A4: media=A5 did it) with the receipt drawn on it.
  const auto out = cups_pdf_output(result.job_id, since);
  BOOST_REQUIRE_MESSAGE(out, "no cups-pdf output for job " << result.job_id << " in " << cups_pdf_output_folder());
  struct RemoveOutput {
    fs::path p;
    ~RemoveOutput() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } remove_output{*out};
  const auto info = run({"pdfinfo", out->string()});
  BOOST_TEST_MESSAGE(info.out);
  BOOST_TEST(std::regex_search(info.out, std::regex(R"(Page size:\s+4(19|20|21)(\.\d+)? x 595(\.\d+)? pts \(A5\))")));
  const fs::path png_base = cupsd.dir() / "out";
  BOOST_REQUIRE_EQUAL(run({"pdftoppm", "-gray", "-r", "50", "-singlefile", out->string(), png_base.string()}).exit_code, 0);
  const double dark = dark_share(fs::path(png_base).concat(".pgm"));
  BOOST_TEST(dark > 0.01);  // text, rules and the QR code
  BOOST_TEST(dark < 0.5);
}

BOOST_AUTO_TEST_CASE(no_printer_set_up_is_a_value, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  Cupsd cupsd;
  const PrinterList list = list_printers();
  BOOST_TEST(list.service_available);
  BOOST_TEST(list.printers.empty());
  BOOST_TEST(list.preselected().empty());
  PrintRequest request;
  request.pdf = receipt_pdf(cupsd.dir());
  const PrintResult result = print_pdf(request);
  BOOST_TEST(outcome_name(result.outcome) == std::string("no_printer"));
  BOOST_TEST(result.job_id == 0);
  BOOST_TEST(describe(result).find("No printer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_printer_that_is_gone_and_no_cupsd_are_values, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  TempDir dir;
  const fs::path pdf = receipt_pdf(dir.path());
  {
    Cupsd cupsd;
    cupsd.add_queue("PDF", "cups-pdf:/");
    PrintRequest request;
    request.pdf = pdf;
    request.printer = "Removed_Printer";
    const PrintResult result = print_pdf(request);
    BOOST_TEST(outcome_name(result.outcome) == std::string("printer_not_found"));
    BOOST_TEST(describe(result).find("Removed_Printer") != std::string::npos);
  }
  const std::string nowhere = (dir.path() / "no-cupsd.sock").string();
  cupsSetServer(nowhere.c_str());
  const PrinterList list = list_printers();
  BOOST_TEST(!list.service_available);
  PrintRequest request;
  request.pdf = pdf;
  const PrintResult result = print_pdf(request);
  BOOST_TEST(outcome_name(result.outcome) == std::string("no_print_service"));
  BOOST_TEST(describe(result).find("not running") != std::string::npos);
  cupsSetServer(nullptr);
}

BOOST_AUTO_TEST_CASE(a_stopped_or_rejecting_queue_gets_nothing, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  Cupsd cupsd;
  cupsd.add_queue("PDF", "cups-pdf:/");
  cupsd.admin({"cupsdisable", "-r", "out of paper", "PDF"});
  PrintRequest request;
  request.pdf = receipt_pdf(cupsd.dir());
  request.printer = "PDF";
  PrintResult result = print_pdf(request);
  BOOST_TEST(outcome_name(result.outcome) == std::string("printer_stopped"));
  BOOST_TEST(result.job_id == 0);
  BOOST_TEST(result.message == "out of paper");
  const std::string said = describe(result);
  BOOST_TEST(said.find("PDF is stopped") != std::string::npos);
  BOOST_TEST(said.find("out of paper") != std::string::npos);
  BOOST_TEST(run({"lpstat", "-o"}, cupsd.env()).out.empty());  // nothing queued behind the stop

  cupsd.admin({"cupsenable", "PDF"});
  cupsd.admin({"cupsreject", "-r", "maintenance", "PDF"});
  result = print_pdf(request);
  BOOST_TEST(outcome_name(result.outcome) == std::string("printer_rejecting"));
  BOOST_TEST(result.job_id == 0);
}

BOOST_AUTO_TEST_CASE(a_failing_job_reports_cups_message, *utf::precondition(certdesk::test::cups_runs_as_root)) {
  Cupsd cupsd;
  // What cupsd does when a backend fails is the queue's error policy: abort-job ends the
  // job aborted; retry-job holds it for a later try; stop-printer stops the queue.
  cupsd.add_queue("Jammed", "certdeskfail:/", "printer-error-policy=abort-job");
  cupsd.add_queue("Retries", "certdeskfail:/", "printer-error-policy=retry-job");
  cupsd.add_queue("Stops", "certdeskfail:/", "printer-error-policy=stop-printer");
  PrintRequest request;
  request.pdf = receipt_pdf(cupsd.dir());
  request.printer = "Jammed";
  request.wait = std::chrono::seconds(30);
  PrintResult result = print_pdf(request);
  BOOST_TEST_MESSAGE("outcome " << outcome_name(result.outcome) << ": " << result.message);
  BOOST_TEST(outcome_name(result.outcome) == std::string("job_failed"));
  BOOST_TEST(result.job_id > 0);
  BOOST_TEST(result.message.find("paper jam in tray 2") != std::string::npos);
  BOOST_TEST(describe(result).find("paper jam in tray 2") != std::string::npos);

  request.printer = "Retries";
  result = print_pdf(request);
  BOOST_TEST_MESSAGE("outcome " << outcome_name(result.outcome) << ": " << result.message);
  BOOST_TEST(outcome_name(result.outcome) == std::string("job_failed"));
  BOOST_TEST(result.message.find("paper jam in tray 2") != std::string::npos);
  BOOST_TEST(run({"lpstat", "-o", "Retries"}, cupsd.env()).out.empty());  // cancelled, no retry in 5 minutes

  request.printer = "Stops";
  result = print_pdf(request);
  BOOST_TEST_MESSAGE("outcome " << outcome_name(result.outcome) << ": " << result.message);
  BOOST_TEST(outcome_name(result.outcome) == std::string("printer_stopped"));
  BOOST_TEST(result.message.find("paper jam in tray 2") != std::string::npos);
  // Cancelled, so it cannot come out when someone resumes the queue.
  BOOST_TEST(run({"lpstat", "-o", "Stops"}, cupsd.env()).out.empty());
}

BOOST_AUTO_TEST_CASE(bad_requests_are_refused) {
  TempDir dir;
  PrintRequest request;
  request.pdf = dir / "missing.pdf";
  BOOST_CHECK_THROW(print_pdf(request), certdesk::InputError);
  request.pdf = receipt_pdf(dir.path());
  request.copies = 0;
  BOOST_CHECK_THROW(print_pdf(request), certdesk::InputError);
  BOOST_TEST(media_for(Paper::a5) == "A5");
  BOOST_TEST(media_for(Paper::a4) == "A4");
  BOOST_TEST(media_for(Paper::roll80) == "Custom.80x297mm");
  BOOST_TEST(media_for(Paper::roll80, 400) == "Custom.80x142mm");
}

BOOST_AUTO_TEST_SUITE_END()
