#pragma once
// A cupsd of the test's own for the printer suites (tests/printing, tests/app,
// tests/gui): configuration, spool, logs and the socket in a temporary folder
// (cupsd -f -c … -s …, Listen on a Unix socket there), libcups pointed at it with
// cupsSetServer/CUPS_SERVER, cups-pdf queues added with lpadmin. Needs root:
// cups-pdf's backend is root-only (mode 0700), and cupsd runs such a backend only
// when it runs as root itself; a case that needs it declares
// `*boost::unit_test::precondition(certdesk::test::cups_runs_as_root)` and is
// reported skipped, never passed, when not root.
//
// cups-pdf reads its configuration from /etc/cups only (the path is compiled in), so
// its output lands in the folder /etc/cups/cups-pdf.conf names (${HOME}/PDF on Debian);
// a test finds its own file there by job number and removes it. cups-pdf re-renders
// through Ghostscript and keeps no text layer: the text is checked on the spooled
// job file (PreserveJobFiles Yes), the output by its page size and by rendering it.
#include <boost/test/unit_test.hpp>

#include <cups/cups.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/support.h"

namespace certdesk::test {

namespace cups_detail {
namespace fs = std::filesystem;
using certdesk::test::run;
using certdesk::test::TempDir;
using certdesk::test::write_file;

inline const char* const kPpd = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd";


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
inline fs::path cups_pdf_output_folder() {
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
inline std::optional<fs::path> cups_pdf_output(int job_id, fs::file_time_type since) {
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


// The share of dark pixels in a grey PGM that pdftoppm wrote (header "P5 w h 255").
inline double dark_share(const fs::path& pgm) {
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

// The spooled file of a job (PreserveJobFiles Yes): what cupsd received.
inline fs::path spooled_job(const Cupsd& cupsd, int job_id) {
  char name[32];
  std::snprintf(name, sizeof name, "d%05d-001", job_id);
  return cupsd.dir() / "spool" / name;
}

}  // namespace cups_detail

using cups_detail::Cupsd;
using cups_detail::cups_pdf_output;
using cups_detail::cups_pdf_output_folder;
using cups_detail::dark_share;
using cups_detail::spooled_job;

// The precondition of every case that starts a cupsd with a cups-pdf queue.
inline boost::test_tools::assertion_result cups_runs_as_root(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(geteuid() == 0);
  r.message() << "needs root: cups-pdf's backend runs only under a root cupsd (CI runs these as root)";
  return r;
}

}  // namespace certdesk::test
