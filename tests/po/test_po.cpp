// Issue 14.6: the Simplified Chinese catalogue is complete. GNU msgfmt (Debian
// gettext) checks po/zh_CN.po as the source tree holds it (read only; the
// compiled catalogue goes to /dev/null) and must count 0 untranslated and 0 fuzzy
// messages. The integrator runs it after po/update has merged the new msgids.

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

namespace {

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& command) {
  Run r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  BOOST_TEST_REQUIRE(p != nullptr);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string po_file() {
  const char* src = std::getenv("CERTDESK_SOURCE_DIR");
  BOOST_TEST_REQUIRE(src != nullptr);
  return std::string(src) + "/po/zh_CN.po";
}

}  // namespace

BOOST_AUTO_TEST_CASE(zh_CN_po_has_no_untranslated_and_no_fuzzy_message) {
  Run r = run("msgfmt --check --statistics -o /dev/null '" + po_file() + "'");
  BOOST_TEST_INFO(r.out);
  BOOST_TEST(r.status == 0);
  // "642 translated messages." or "640 translated messages, 1 fuzzy translation, 1 untranslated message."
  std::smatch m;
  BOOST_TEST_REQUIRE(std::regex_search(r.out, m, std::regex(R"((\d+) translated messages?)")));
  BOOST_TEST(std::stoi(m[1]) > 500);
  BOOST_TEST(r.out.find("untranslated") == std::string::npos);
  BOOST_TEST(r.out.find("fuzzy") == std::string::npos);
}

// The same check fails on a catalogue that has a gap: the test can see one.
BOOST_AUTO_TEST_CASE(the_check_sees_an_untranslated_and_a_fuzzy_message) {
  char dir[] = "/tmp/certdesk-po-XXXXXX";
  BOOST_TEST_REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string file = std::string(dir) + "/gap.po";
  FILE* f = std::fopen(file.c_str(), "w");
  BOOST_TEST_REQUIRE(f != nullptr);
  std::fputs("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
             "msgid \"Close\"\nmsgstr \"\"\n\n#, fuzzy\nmsgid \"Open\"\nmsgstr \"打开\"\n",
             f);
  std::fclose(f);
  Run r = run("msgfmt --check --statistics -o /dev/null '" + file + "'");
  BOOST_TEST_INFO(r.out);
  BOOST_TEST(r.out.find("1 untranslated") != std::string::npos);
  BOOST_TEST(r.out.find("1 fuzzy") != std::string::npos);
  std::remove(file.c_str());
  ::rmdir(dir);
}
