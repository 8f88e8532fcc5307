#pragma once
// Writing a file so that neither a bad path nor a full disk can cost data
// (issue 13.2, 13.3). Every file a person names (receipt print --pdf, crl
// --out, day report --csv/--pdf, day export) goes through write_output_file;
// the archive's own files through write_file_atomically. Both write a
// temporary file in the target's folder (O_EXCL, 0600), write all of it,
// fsync, check what was written, rename it over the target and fsync the
// folder: the target is complete or untouched, never cut off.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace certdesk::output {

// What the bytes must look like before they replace the target.
enum class Content {
  any,
  pdf,   // starts with "%PDF-" and ends with the "%%EOF" trailer (a cut-off PDF never passes)
};

// The system calls the writer makes, so a test can make them fail (the fault
// seam: a short write, ENOSPC, an fsync error). Return and errno as the calls.
class FileCalls {
 public:
  virtual ~FileCalls() = default;
  virtual ssize_t write(int fd, const void* data, std::size_t size);
  virtual int fsync(int fd);
};
// The real calls.
FileCalls& system_calls();

// Refuses a path a person named for an output (RuleRefused, rule
// "output-path", code rule_refused; the CLI exits 4), before anything is
// written: a path inside the data folder (after resolving symlinks and ".."),
// a symbolic link, an existing file that is not a regular file (a directory,
// a device node, a fifo, a socket), or a folder that does not exist. Returns
// the path resolved (absolute, no symlinks in its folder). Reads the disk.
std::filesystem::path check_output_path(const std::filesystem::path& path, const std::filesystem::path& data_dir);

// Writes bytes to path as described above. On any failure (short write,
// ENOSPC, fsync, a check, the rename) the temporary file is removed, the
// target is left as it was, and Error(kind other, code data_dir_unusable)
// names the file and the cause. Blocks (disk).
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, Content content = Content::any,
                           FileCalls& calls = system_calls());

// check_output_path, then write_file_atomically. Returns the path written.
std::filesystem::path write_output_file(const std::filesystem::path& path, const std::filesystem::path& data_dir,
                                        std::string_view bytes, Content content = Content::any);

// True when bytes look like a whole PDF (Content::pdf's check).
bool is_complete_pdf(std::string_view bytes);

}  // namespace certdesk::output
