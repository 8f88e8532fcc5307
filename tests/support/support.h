#pragma once
// Test helpers shared by every suite: temporary folders, file search, running a program.

#include <filesystem>
#include <string>
#include <vector>

namespace certdesk::test {

// A fresh folder under $TMPDIR, removed with everything in it when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "certdesk-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes text to a file (mode 0600) and returns its path.
std::filesystem::path write_file(const std::filesystem::path& p, const std::string& text);
std::string read_file(const std::filesystem::path& p);

struct RunResult {
  int exit_code = -1;
  std::string out;   // stdout
  std::string err;   // stderr
  bool timed_out = false;   // killed with SIGKILL after the timeout
};
// Runs argv (no shell) with extra "NAME=value" environment entries; captures
// stdout and stderr. With timeout_seconds > 0 the program is killed (SIGKILL)
// when it runs longer.
RunResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
              const std::string& stdin_text = "", int timeout_seconds = 0);

// True when needle occurs anywhere in the bytes of any regular file under root (recursive).
// Returns the paths that contain it.
std::vector<std::filesystem::path> files_containing(const std::filesystem::path& root, const std::string& needle);

// $CERTDESK_BIN_DIR/name (the build's app folder), for tests that run the CLI.
std::filesystem::path bin(const std::string& name);

}  // namespace certdesk::test
