#include "common/safe_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/handle.h"
#include "common/i18n.h"

namespace certdesk::output {

namespace fs = std::filesystem;

ssize_t FileCalls::write(int fd, const void* data, std::size_t size) { return ::write(fd, data, size); }
int FileCalls::fsync(int fd) { return ::fsync(fd); }

FileCalls& system_calls() {
  static FileCalls calls;
  return calls;
}

namespace {

[[noreturn]] void refuse(const std::string& message) { throw RuleRefused(codes::rule_refused, "output-path", message); }

[[noreturn]] void cannot_write(const fs::path& path, const std::string& why) {
  throw Error(ErrorKind::other, codes::data_dir_unusable,
              with_detail(msg(tr("Cannot write {}. Nothing was written there; free some space or choose another folder, then try again."),
                              path.string()),
                          why));
}

// Whether `inner` is `outer` or lies below it (both resolved).
bool is_within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;   // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p).lexically_normal() : r;
}

// Removes the temporary file unless released (the rename took it).
struct TempName {
  std::string path;
  bool keep = false;
  ~TempName() {
    if (!keep && !path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

bool is_complete_pdf(std::string_view bytes) {
  if (bytes.substr(0, 5) != "%PDF-") return false;
  std::string_view tail = bytes.substr(bytes.size() > 32 ? bytes.size() - 32 : 0);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.remove_suffix(1);
  return tail.size() >= 5 && tail.substr(tail.size() - 5) == "%%EOF";
}

fs::path check_output_path(const fs::path& path, const fs::path& data_dir) {
  if (path.empty() || path.filename().empty() || path.filename() == "." || path.filename() == "..")
    refuse(msg(tr("'{}' does not name a file to write; give a file name, e.g. /home/teller/receipt.pdf."), path.string()));
  const fs::path data = resolved(data_dir);
  const fs::path absolute = fs::absolute(path).lexically_normal();
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(absolute, ec);
  if (fs::is_symlink(link)) {
    if (is_within(resolved(absolute), data))
      refuse(msg(tr("{} points into the data folder {}; the application's own files are never overwritten. Choose a file outside it."),
                 path.string(), data.string()));
    refuse(msg(tr("{} is a symbolic link; name the file itself."), path.string()));
  }
  const fs::path target = resolved(absolute);
  if (is_within(target, data))
    refuse(msg(tr("{} is inside the data folder {}; the application's own files are never overwritten. Choose a file outside it."),
               path.string(), data.string()));
  if (fs::exists(link) && !fs::is_regular_file(link))
    refuse(msg(tr("{} exists and is not a regular file (a folder, device or pipe); choose a file name."), path.string()));
  const fs::path folder = target.parent_path();
  if (!fs::is_directory(folder, ec))
    refuse(msg(tr("The folder {} does not exist; create it or choose another one."), folder.string()));
  return target;
}

void write_file_atomically(const fs::path& path, std::string_view bytes, Content content, FileCalls& calls) {
  if (content == Content::pdf && !is_complete_pdf(bytes)) cannot_write(path, tr("the PDF was not produced completely"));
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  TempName temp;
  std::string pattern = (folder / ("." + path.filename().string() + ".part-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  // mkostemp: O_CREAT | O_EXCL, mode 0600 — never follows or reuses an existing name.
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd) cannot_write(path, std::strerror(errno));
  temp.path = name.data();
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = calls.write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) cannot_write(path, std::strerror(errno));
    if (n == 0) cannot_write(path, std::strerror(ENOSPC));
    done += static_cast<std::size_t>(n);   // a short write: write the rest (the next call reports why it stopped)
  }
  if (calls.fsync(fd.get()) != 0) cannot_write(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size != static_cast<off_t>(bytes.size()))
    cannot_write(path, tr("the file on disk does not have the size written"));
  if (content == Content::pdf) {
    char tail[32] = {};
    const std::size_t want = bytes.size() < sizeof tail ? bytes.size() : sizeof tail;
    ssize_t got = ::pread(fd.get(), tail, want, static_cast<off_t>(bytes.size() - want));
    if (got != static_cast<ssize_t>(want) || std::string_view(tail, want) != bytes.substr(bytes.size() - want))
      cannot_write(path, tr("the PDF read back from the disk is not complete"));
  }
  if (fd.close() != 0) cannot_write(path, std::strerror(errno));
  if (::rename(temp.path.c_str(), path.c_str()) != 0) cannot_write(path, std::strerror(errno));
  temp.keep = true;
  UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || calls.fsync(dir.get()) != 0) cannot_write(path, std::strerror(errno));
}

fs::path write_output_file(const fs::path& path, const fs::path& data_dir, std::string_view bytes, Content content) {
  fs::path target = check_output_path(path, data_dir);
  write_file_atomically(target, bytes, content);
  return target;
}

}  // namespace certdesk::output
