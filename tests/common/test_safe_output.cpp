// common/safe_output (issue 13.2, 13.3): an output path a person names can never
// reach the application's own files, a device or a missing folder; a write that
// fails half-way (a short write, ENOSPC, an fsync error — through the fault
// seam) is an error that leaves the target as it was and no temporary file.

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "common/safe_output.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using namespace certdesk;
using certdesk::test::TempDir;
using certdesk::test::read_file;
using certdesk::test::write_file;

namespace {

const std::string kPdf = "%PDF-1.5\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

// The fault seam: writes at most `limit` bytes in all, then fails with `error`
// (0: reports 0 bytes written); or fails fsync.
struct FaultyCalls final : output::FileCalls {
  std::size_t limit = SIZE_MAX;
  int error = ENOSPC;
  bool fail_fsync = false;
  std::size_t written = 0;
  int calls = 0;
  ssize_t write(int fd, const void* data, std::size_t size) override {
    ++calls;
    if (written >= limit) {
      if (error == 0) return 0;
      errno = error;
      return -1;
    }
    std::size_t n = std::min(size, limit - written);
    ssize_t r = ::write(fd, data, n);
    if (r > 0) written += static_cast<std::size_t>(r);
    return r;
  }
  int fsync(int fd) override {
    if (fail_fsync) {
      errno = EIO;
      return -1;
    }
    return ::fsync(fd);
  }
};

// The folder's entries other than `keep` (a temporary file left behind shows here).
int entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

template <class E, class F>
std::string refusal(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

struct Folders {
  TempDir tmp{"certdesk-output"};
  fs::path data = tmp / "data";
  fs::path out = tmp / "out";
  Folders() {
    fs::create_directories(data / "secrets");
    fs::create_directories(out);
    write_file(data / "certdesk.db", "the database");
    write_file(data / "secrets" / "master.key", "the key");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(output_paths)

BOOST_FIXTURE_TEST_CASE(a_path_outside_the_data_folder_is_written_whole, Folders) {
  fs::path p = output::write_output_file(out / "r.pdf", data, kPdf, output::Content::pdf);
  BOOST_TEST(read_file(out / "r.pdf") == kPdf);
  BOOST_TEST(p == fs::canonical(out / "r.pdf"));
  struct stat st {};
  BOOST_REQUIRE(::stat((out / "r.pdf").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(entries(out) == 1);
  // An existing regular file is replaced (a new inode: a hard link elsewhere keeps the old bytes).
  output::write_output_file(out / "r.pdf", data, kPdf + "%%EOF\n", output::Content::pdf);
  BOOST_TEST(read_file(out / "r.pdf") == kPdf + "%%EOF\n");
}

BOOST_FIXTURE_TEST_CASE(the_data_folder_is_refused_however_it_is_named, Folders) {
  fs::create_directories(out / "sub");
  fs::create_symlink(data, out / "link-to-data");
  fs::create_symlink(data / "certdesk.db", out / "db-link");
  for (const fs::path& p : {data / "certdesk.db", data / "secrets" / "master.key", data / "new.pdf",
                            out / "sub" / ".." / ".." / "data" / "certdesk.db", out / "link-to-data" / "certdesk.db",
                            out / "link-to-data" / "secrets" / "x", out / "db-link"}) {
    std::string why = refusal<RuleRefused>([&] { output::write_output_file(p, data, kPdf, output::Content::pdf); });
    BOOST_TEST(why.find("data folder") != std::string::npos, p << ": " << why);
  }
  // The same through a data folder named by a symlink.
  fs::create_symlink(data, tmp / "data-alias");
  BOOST_TEST(!refusal<RuleRefused>([&] { output::check_output_path(data / "x.csv", tmp / "data-alias"); }).empty());
  BOOST_TEST(read_file(data / "certdesk.db") == "the database");
  BOOST_TEST(read_file(data / "secrets" / "master.key") == "the key");
  BOOST_TEST(!fs::exists(data / "new.pdf"));
}

BOOST_FIXTURE_TEST_CASE(devices_folders_fifos_links_and_missing_folders_are_refused, Folders) {
  BOOST_REQUIRE(::mkfifo((out / "fifo").c_str(), 0600) == 0);
  fs::create_symlink(out / "elsewhere.pdf", out / "link.pdf");
  for (const fs::path& p : {fs::path("/dev/null"), fs::path("/dev/zero"), out, out / "fifo", out / "link.pdf",
                            out / "missing" / "r.pdf", fs::path("")}) {
    std::string why = refusal<RuleRefused>([&] { output::write_output_file(p, data, kPdf, output::Content::pdf); });
    BOOST_TEST(!why.empty(), "not refused: " << p);
  }
  BOOST_TEST(!refusal<RuleRefused>([&] { output::check_output_path("/dev/null", data); }).empty());
  BOOST_TEST(fs::is_fifo(out / "fifo"));
  BOOST_TEST(!fs::exists(out / "elsewhere.pdf"));
  BOOST_TEST(!fs::exists(out / "missing"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failed_writes)

BOOST_AUTO_TEST_CASE(a_short_write_then_enospc_is_an_error_and_leaves_the_old_file) {
  TempDir dir;
  write_file(dir / "r.pdf", "the old receipt");
  for (int error : {ENOSPC, EIO, 0}) {
    FaultyCalls calls;
    calls.limit = 10;
    calls.error = error;
    try {
      output::write_file_atomically(dir / "r.pdf", kPdf, output::Content::pdf, calls);
      BOOST_FAIL("a short write was reported as success");
    } catch (const Error& e) {
      BOOST_TEST(e.code() == codes::data_dir_unusable);
      BOOST_TEST(std::string(e.what()).find("r.pdf") != std::string::npos, e.what());
    }
    BOOST_TEST(calls.calls >= 2);   // the rest was tried after the short write
    BOOST_TEST(read_file(dir / "r.pdf") == "the old receipt");
    BOOST_TEST(entries(dir.path()) == 1);   // no temporary file left
  }
}

BOOST_AUTO_TEST_CASE(short_writes_that_go_on_complete_the_file) {
  struct Trickle final : output::FileCalls {
    ssize_t write(int fd, const void* data, std::size_t size) override { return ::write(fd, data, std::min<std::size_t>(size, 3)); }
  } trickle;
  TempDir dir;
  output::write_file_atomically(dir / "r.pdf", kPdf, output::Content::pdf, trickle);
  BOOST_TEST(read_file(dir / "r.pdf") == kPdf);
}

BOOST_AUTO_TEST_CASE(an_fsync_error_is_an_error) {
  TempDir dir;
  FaultyCalls calls;
  calls.fail_fsync = true;
  BOOST_CHECK_THROW(output::write_file_atomically(dir / "r.csv", "a,b\r\n", output::Content::any, calls), Error);
  BOOST_TEST(!fs::exists(dir / "r.csv"));
  BOOST_TEST(entries(dir.path()) == 0);
}

BOOST_AUTO_TEST_CASE(a_cut_off_pdf_never_replaces_the_target) {
  TempDir dir;
  write_file(dir / "r.pdf", "the old receipt");
  BOOST_TEST(output::is_complete_pdf(kPdf));
  BOOST_TEST(!output::is_complete_pdf(kPdf.substr(0, kPdf.size() - 8)));
  BOOST_TEST(!output::is_complete_pdf(""));
  BOOST_CHECK_THROW(output::write_file_atomically(dir / "r.pdf", kPdf.substr(0, 20), output::Content::pdf), Error);
  BOOST_TEST(read_file(dir / "r.pdf") == "the old receipt");
  BOOST_TEST(entries(dir.path()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
