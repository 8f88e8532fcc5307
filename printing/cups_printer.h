#pragma once
// The system's printers through libcups, without the GTK print backend (issue 14
// point 4: with Debian 12's libcups2 2.4.2-3+deb12u10 the GTK print dialog freezes
// the window, OpenPrinting/cups#1429). Lists the queues cupsd knows, sends an
// archived PDF with the paper size from the settings, and follows the job until
// it completes or fails. Every expected failure (no printer, a stopped or
// rejecting queue, a failed job) is a value, never an exception.
//
// Which cupsd: libcups' usual choice — $CUPS_SERVER (a host or a Unix socket
// path), else ~/.cups/client.conf, /etc/cups/client.conf, else the local socket.
//
// Threads: every function here except describe() and media_for() talks to cupsd
// and BLOCKS (a round trip for the list; for print_pdf the whole job, up to
// PrintRequest::wait). Call them from a worker, never on the UI thread. They are
// safe to call from any one thread at a time (libcups keeps per-thread state).

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "printing/layout.h"

namespace certdesk::printing {

// One queue as cupsd reports it.
struct PrinterInfo {
  std::string name;           // the queue name, what print_pdf takes ("HP_LaserJet_M404")
  std::string description;    // printer-info, the name a person gave it; may be empty
  std::string location;       // printer-location; may be empty
  bool is_default = false;    // the system's (or the user's lpoptions) default destination
  bool accepting = true;      // printer-is-accepting-jobs
  bool stopped = false;       // printer-state is stopped (paused, or stopped by an error)
  std::string state_message;  // printer-state-message; may be empty
};

struct PrinterList {
  std::vector<PrinterInfo> printers;  // cupsd's order (by name); instances (lpoptions NAME/INSTANCE) left out
  bool service_available = true;      // false: cupsd could not be reached (printers is empty)
  std::string message;                // CUPS' error when it could not be reached
  // The default printer's name, else the only printer's, else empty.
  std::string preselected() const;
};

// The system's printers, the default one flagged. BLOCKS on cupsd.
PrinterList list_printers();

// What came of a print.
enum class PrintOutcome {
  completed,          // cupsd says the job completed
  no_print_service,   // cupsd cannot be reached (not installed or not running)
  no_printer,         // no printer is set up, or none was named and there is no default
  printer_not_found,  // the named printer does not exist (any more)
  printer_stopped,    // the queue is stopped (paused, or stopped after an error): nothing sent
  printer_rejecting,  // the queue does not accept jobs: nothing sent
  job_failed,         // the job was refused, aborted or cancelled; message says why
  timed_out,          // still pending or printing when the wait ended; the job is left in the queue
};

// "completed", "no_printer", … (logs, JSON, tests).
const char* outcome_name(PrintOutcome outcome);

struct PrintRequest {
  std::filesystem::path pdf;     // the archived PDF to print (must exist)
  std::string printer;           // the queue; empty: the default destination
  Paper paper = Paper::a5;       // sent as the job's media (see media_for)
  double page_height_pt = 0;     // a roll's page length (DocumentLayout::page_size().height); 0: 297 mm
  std::string title;             // the job's name, e.g. DocumentLayout::title(); empty: the file name
  int copies = 1;                // 1..99
  std::chrono::milliseconds wait{60000};  // how long to follow the job
};

struct PrintResult {
  PrintOutcome outcome = PrintOutcome::job_failed;
  std::string printer;  // the queue used (the default's name when none was asked for)
  int job_id = 0;       // 0 when nothing was sent
  std::string message;  // CUPS' own words (a job's or printer's state message, an IPP error); may be empty
  bool ok() const { return outcome == PrintOutcome::completed; }
};

// The `media` option sent for a paper: "A5", "A4", and for the 80 mm roll
// "Custom.80x<length>mm" with the page's length (297 mm when unknown).
std::string media_for(Paper paper, double page_height_pt = 0);

// Sends request.pdf to the printer and waits, polling the job's state, until it
// completes, fails, or request.wait runs out. Checks the queue first: a stopped
// or rejecting queue gets nothing. If the queue stops while the job waits in it
// (the default error policy stops a queue whose backend failed), the job is
// cancelled so that it cannot come out later unnoticed, and the result is
// printer_stopped with the printer's message. BLOCKS for up to request.wait plus
// the round trips to cupsd. Throws InputError(bad_request) for a request that is
// not one (no file, copies out of range); everything cupsd says is in the result.
PrintResult print_pdf(const PrintRequest& request);

// A sentence for the teller in the current language (tr()), naming the printer
// and CUPS' message where there is one, and what to do ("the PDF is archived at …"
// is the caller's to add).
std::string describe(const PrintResult& result);

}  // namespace certdesk::printing
