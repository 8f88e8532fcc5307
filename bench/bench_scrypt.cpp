// The staff login's password check alone (issue 14 point 8): scrypt N=2^15, r=8,
// p=1 (32 MiB) through common/crypto — the cost the issue says to keep. It is the
// floor under `certdesk-cli order run issue`'s wall time, measured beside
// bench/bench_cli.sh's pipeline figure. Prints the median and range of wall and
// CPU time over RUNS checks (default 20) after one warm-up. The password is a
// constant of this program, never read from anywhere and never printed.
//   bench_scrypt [RUNS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/secret.h"

namespace {
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  using namespace certdesk;
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const std::string encoded = crypto::hash_password(Secret(std::string("bench-only-not-a-password")), 15);
  std::vector<double> wall, cpu;
  for (int i = 0; i <= runs; ++i) {
    Secret pw(std::string("bench-only-not-a-password"));
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_ms();
    if (!crypto::verify_password(pw, encoded)) return 1;
    const double c1 = cpu_ms();
    const auto t1 = std::chrono::steady_clock::now();
    if (i == 0) continue;   // warm-up
    wall.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    cpu.push_back(c1 - c0);
  }
  std::printf("scrypt N=2^15 r=8 p=1 (32 MiB), %d checks: wall median %.1f ms (%.1f – %.1f), CPU median %.1f ms\n",
              runs, median(wall), *std::min_element(wall.begin(), wall.end()),
              *std::max_element(wall.begin(), wall.end()), median(cpu));
  return 0;
}
