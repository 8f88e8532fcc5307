#pragma once
// Where the window suites and the GUI benchmarks put screenshots; no Boost.Test
// here, so bench/ can include tests/gui/gui_driver.h without linking it.

#include <cstdlib>
#include <filesystem>

namespace certdesk::test {

// The folder for screenshots: $CERTDESK_SCREENSHOT_DIR (set by CMake to the build
// folder), never the source tree; scripts/screenshots copies them to docs/screenshots.
inline std::filesystem::path screenshot_dir() {
  const char* dir = std::getenv("CERTDESK_SCREENSHOT_DIR");
  std::filesystem::path d =
      dir && *dir ? std::filesystem::path(dir) : std::filesystem::current_path() / "screenshots";
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace certdesk::test
