// The printer port against a cupsd of its own: configuration, spool, logs and the
// socket in a temporary folder (cupsd -f -c … -s …, Listen on a Unix socket there),
// libcups pointed at it with cupsSetServer/CUPS_SERVER, cups-pdf queues added with
// lpadmin. Needs root: cups-pdf's backend is root-only (mode 0700), and cupsd runs
// such a backend only when it runs as root itself.
//
// cups-pdf reads its configuration from /etc/cups only (the path is compiled in), so
// its output lands in the folder /etc/cups/cups-pdf.conf names (${HOME}/PDF on Debian);
// the test finds its own file there by job number and removes it. cups-pdf re-renders
// through Ghostscript and keeps no text layer: the text is checked on the spooled
// job file (PreserveJobFiles Yes), the output by its page size and by rendering it.
#include <boost/test/unit_test.hpp>

#include <cups/cups.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "common/error.h"
#include "printing/cups_printer.h"
#include "printing/pdf.h"
#include "tests/printing/samples.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using namespace certdesk::printing;
using certdesk::test::run;
using certdesk::test::TempDir;
using certdesk::test::write_file;

namespace {

const char* const kPpd = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd";

// A cupsd in a temporary folder, stopped (SIGTERM, then waited for) when destroyed.
class Cupsd {
 public:
  Cupsd() : dir_("certdesk-cupsd") {
    BOOST_REQUIRE_MESSAGE(geteuid() == 0, "the CUPS tests need root: cups-pdf's backend runs only under a root cupsd");
    const fs::path root = dir_.path();
    ::chmod(root.c_str(), 0755);  // filters run as lp and must reach the spool
    for (const char* sub : {"conf", "spool", "spool/tmp", "cache", "state", "logs", "bin/backend"})
      fs::create_directories(root / sub);
    socket_ = root / "cups.sock";
    write_file(root / "conf/cupsd.conf",
               "Listen " + socket_.string() +
                   "\nLogLevel debug\nPreserveJobFiles Yes\nPreserveJobHistory Yes\nWebInterface No\n"
                   "Browsing No\nDefaultAuthType None\nJobRetryLimit 0\n"
                   "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                   "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
                   "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n");
    // ServerBin of our own: the system's filters, plus a backend that always fails.
    for (const char* sub : {"filter", "daemon", "cgi-bin", "monitor", "notifier", "driver"})
      fs::create_directory_symlink(fs::path("/usr/lib/cups") / sub, root / "bin" / sub);
    for (const auto& entry : fs::directory_iterator("/usr/lib/cups/backend"))
      fs::create_symlink(entry.path(), root / "bin/backend" / entry.path().filename());
    const fs::path failing = root / "bin/backend/certdeskfail";
    write_file(failing,
               "#!/bin/sh\n[ $# -eq 0 ] && exit 0\ncat >/dev/null\n"
               "echo 'ERROR: paper jam in tray 2' >&2\nexit 1\n");
    ::chmod(failing.c_str(), 0755);
    write_file(root / "conf/cups-files.conf",
               "ServerRoot " + (root / "conf").string() + "\nRequestRoot " + (root / "spool").string() +
                   "\nTempDir " + (root / "spool/tmp").string() + "\nCacheDir " + (root / "cache").string() +
                   "\nStateDir " + (root / "state").string() + "\nServerBin " + (root / "bin").string() +
                   "\nDataDir /usr/share/cups\nAccessLog " + (root / "logs/access_log").string() +
                   "\nErrorLog " + (root / "logs/error_log").string() + "\nPageLog " +
                   (root / "logs/page_log").string() + "\nFileDevice No\n");
    pid_ = fork();
    BOOST_REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      const std::string conf = (root / "conf/cupsd.conf").string(), files = (root / "conf/cups-files.conf").string();
      execlp("cupsd", "cupsd", "-f", "-c", conf.c_str(), "-s", files.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setenv("CUPS_SERVER", socket_.c_str(), 1);
    cupsSetServer(socket_.c_str());  // libcups caches the server per thread
    for (int i = 0; i < 100; ++i) {
      if (run({"lpstat", "-r"}, env()).out.find("scheduler is running") != std::string::npos) return;
      int status = 0;
      BOOST_REQUIRE_MESSAGE(waitpid(pid_, &status, WNOHANG) == 0,
                            "cupsd exited at start: " + certdesk::test::read_file(root / "logs/error_log"));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_FAIL("cupsd did not answer on " + socket_.string());
  }

  ~Cupsd() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    unsetenv("CUPS_SERVER");
    cupsSetServer(nullptr);
  }
  Cupsd(const Cupsd&) = delete;
  Cupsd& operator=(const Cupsd&) = delete;

  std::vector<std::string> env() const { return {"CUPS_SERVER=" + socket_.string()}; }
  const fs::path& dir() const { return dir_.path(); }

  // Runs a CUPS admin tool (lpadmin, cupsdisable, …) against this cupsd; requires success.
  void admin(const std::vector<std::string>& argv) const {
    const auto r = run(argv, env(), "", 30);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, argv.front() + " failed: " + r.err);
  }
  void add_queue(const std::string& name, const std::string& uri, const std::string& extra_option = "") const {
    std::vector<std::string> argv{"lpadmin", "-p", name, "-v", uri, "-E", "-P", kPpd, "-D", name + " (test)"};
    if (!extra_option.empty()) argv.insert(argv.end(), {"-o", extra_option});
    admin(argv);
  }

 private:
  TempDir dir_;
  fs::path socket_;
  pid_t pid_ = -1;
};

// Where cups-pdf writes for this user: the Out line of /etc/cups/cups-pdf.conf.
fs::path cups_pdf_output_folder() {
  std::string out = "/var/spool/cups-pdf/${USER}";
  std::ifstream conf("/etc/cups/cups-pdf.conf");
  std::string line;
  while (std::getline(conf, line))
    if (line.rfind("Out ", 0) == 0) out = line.substr(4);
  const passwd* pw = getpwuid(geteuid());
  BOOST_REQUIRE(pw);
  out = std::regex_replace(out, std::regex(R"(\$\{HOME\})"), pw->pw_dir);
  out = std::regex_replace(out, std::regex(R"(\$\{USER\})"), pw->pw_name);
  return out;
}

// cups-pdf's file of a job ("…-job_<id>.pdf") written since `since`; waits a little
// because cups-pdf finishes the file just before the job is reported complete.
std::optional<fs::path> cups_pdf_output(int job_id, fs::file_time_type since) {
  const fs::path folder = cups_pdf_output_folder();
  const std::string suffix = "job_" + std::to_string(job_id) + ".pdf";
  for (int i = 0; i < 50; ++i) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      const std::string name = e.path().filename().string();
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          e.last_write_time() >= since)
        return e.path();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

fs::path receipt_pdf(const fs::path& dir) {
  const fs::path pdf = dir / "receipt.pdf";
  write_receipt_pdf(certdesk::test::sample_receipt(), Paper::a5, pdf);
  return pdf;
}

// The share of dark pixels in a grey PGM that pdftoppm wrote (header "P5 w h 255").
double dark_share(const fs::path& pgm) {
  const std::string bytes = certdesk::test::read_file(pgm);
  std::size_t pos = 0;
  int fields = 0;
  while (fields < 4 && pos < bytes.size()) {  // magic, width, height, maxval
    while (pos < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[pos]))) ++pos;
    while (pos < bytes.size() && !std::isspace(static_cast<unsigned char>(bytes[pos]))) ++pos;
    ++fields;
  }
  ++pos;
  std::size_t dark = 0, total = 0;
  for (; pos < bytes.size(); ++pos, ++total)
    if (static_cast<unsigned char>(bytes[pos]) < 128) ++dark;
  return total ? static_cast<double>(dark) / total : 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cups_printer)

BOOST_AUTO_TEST_CASE(lists_the_queues_with_the_default_flagged) {
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

BOOST_AUTO_TEST_CASE(prints_a_receipt_on_a5_and_the_job_completes) {
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
  char spooled[32];
  std::snprintf(spooled, sizeof spooled, "d%05d-001", result.job_id);
  const fs::path spool_file = cupsd.dir() / "spool" / spooled;
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

BOOST_AUTO_TEST_CASE(no_printer_set_up_is_a_value) {
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

BOOST_AUTO_TEST_CASE(a_printer_that_is_gone_and_no_cupsd_are_values) {
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

BOOST_AUTO_TEST_CASE(a_stopped_or_rejecting_queue_gets_nothing) {
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

BOOST_AUTO_TEST_CASE(a_failing_job_reports_cups_message) {
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
