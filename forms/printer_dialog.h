#pragma once
// certdesk's own printer dialog (issue 14 point 4): the system's printers as
// libcups lists them (no GTK print dialog: with Debian 12's libcups2 2.4.2-3+deb12u10
// it freezes the window, OpenPrinting/cups#1429), this workstation's last choice
// or else the system default preselected, and the papers printed through the one
// desk function that archives, sends, follows the job and journals
// (CounterTasks::print_receipt / print_slip). When nothing came out (no print
// service, no printer, a failed job) the teller is told why and offered the
// archived PDF: open its folder or save a copy.

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/listbox.h>
#include <wx/stattext.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "forms/counter_tasks.h"
#include "forms/model.h"
#include "forms/worker.h"

namespace certdesk::forms {

// Chooses a printer. OK (打印) is enabled only on a printer that accepts jobs.
class PrinterDialog : public wxDialog {
 public:
  PrinterDialog(wxWindow* parent, PrinterChoice choice, const wxString& what);
  // The chosen queue's name (after wxID_OK).
  std::string chosen() const;
  wxListBox* list() const { return list_; }
  wxStaticText* status_label() const { return status_; }
  wxButton* print_button() const { return print_; }

 private:
  void update();
  PrinterChoice choice_;
  wxListBox* list_;
  wxStaticText* status_;
  wxButton* print_;
};

// What was not printed, and the archived PDFs offered instead.
class PrintProblemDialog : public wxDialog {
 public:
  PrintProblemDialog(wxWindow* parent, std::vector<PaperPrint> prints);
  wxStaticText* message_label() const { return message_; }

 private:
  std::vector<PaperPrint> prints_;
  wxStaticText* message_;
};

// One paper to print: a receipt by number, or an order's handover slip.
struct PaperToPrint {
  bool receipt = true;
  std::string receipt_no;
  std::int64_t order_id = 0;
};

// The one way the window prints: lists the printers on the worker, asks in
// PrinterDialog (or, with no print service or no printer, goes straight to the
// message and the PDF), remembers the choice, prints each paper on the worker and
// shows what did not come out. `done` gets every print's outcome (empty when the
// teller cancelled), on the UI thread, only while `parent` exists. Call on the UI
// thread. Does nothing (done({})) when the model offers no CounterTasks.
void print_papers(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who,
                  std::vector<PaperToPrint> papers, std::function<void(const std::vector<PaperPrint>&)> done);

// One line per print for a status label: "Printed …" or the problem.
wxString summarise(const std::vector<PaperPrint>& prints);

}  // namespace certdesk::forms
