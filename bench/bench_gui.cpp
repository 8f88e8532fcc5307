// bench_gui: the teller's window at rest (issue 4, item 10). Opens a fresh data
// folder with one blank token, shows the counter window with its token polling
// (one poll a second on the worker thread) and measures the process's CPU time
// (all threads) over a period, as a share of one core. Run under Xvfb:
//   xvfb-run -a -s "-screen 0 1280x800x24" build/bench/bench_gui [SECONDS]
// Start-up to a usable login window is timed on the real binary:
//   time CERTDESK_EXIT_AT_LOGIN=1 build/app/certdesk --data-dir DIR

#include <sys/resource.h>
#include <unistd.h>
#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>
#include <wx/timer.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "bench/bench_gui_setup.h"
#include "desk/context.h"
#include "app/gui_model.h"
#include "forms/counter_frame.h"

using namespace certdesk;
namespace fs = std::filesystem;

namespace {
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
long rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 30;
  bench::start_wx(argv);

  SystemClock clock;
  const fs::path dir = bench::new_data_folder("certdesk-bench-gui", clock);
  int rc = 0;
  {
    desk::AppContext ctx(dir, clock, 10);
    auto admin = ctx.staff().login("admin", Secret("admin-password-1"));
    ctx.staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password-1"));
    ctx.insert_blank_token("2100012345");
    auto teller = ctx.staff().login("teller1", Secret("teller-password-1"));
    app::GuiCounterModel model(ctx);
    auto worker = std::make_unique<forms::Worker>();
    auto* frame = new forms::CounterFrame(model, *worker, teller);
    frame->Show();

    wxGUIEventLoop loop;
    // Let the window settle (first paint, first polls) before measuring.
    double cpu0 = 0;
    auto t0 = std::chrono::steady_clock::now();
    int polls0 = 0;
    wxTimer start, stop;
    start.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
      cpu0 = cpu_seconds();
      polls0 = frame->polls();
      t0 = std::chrono::steady_clock::now();
      stop.StartOnce(seconds * 1000);
    });
    stop.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
      double cpu = cpu_seconds() - cpu0;
      double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      int polls = frame->polls() - polls0;
      std::printf("idle window with token polling: %.3f s CPU over %.1f s wall = %.2f %% of one core; %d polls (%.1f ms CPU per poll incl. idle), max RSS %ld KiB\n",
                  cpu, wall, 100.0 * cpu / wall, polls, polls ? 1000.0 * cpu / polls : 0.0, rss_kib());
      frame->Close(true);
      loop.ScheduleExit();
    });
    start.StartOnce(3000);
    loop.Run();
    worker.reset();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  wxEntryCleanup();
  return rc;
}
