#include "forms/printer_dialog.h"

#include <wx/filedlg.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/utils.h>

#include <filesystem>
#include <memory>

#include "forms/ui.h"

namespace certdesk::forms {

namespace fs = std::filesystem;

namespace {

wxString printer_line(const printing::PrinterInfo& p) {
  wxString line = wx(p.name);
  if (!p.description.empty() && p.description != p.name) line += wxString::FromUTF8(" — ") + wx(p.description);
  if (p.is_default) line += " " + _("(default)");
  if (p.stopped) line += " " + _("(stopped)");
  else if (!p.accepting) line += " " + _("(not accepting jobs)");
  return line;
}

}  // namespace

// ---- PrinterDialog -------------------------------------------------------------------
PrinterDialog::PrinterDialog(wxWindow* parent, PrinterChoice choice, const wxString& what)
    : wxDialog(parent, wxID_ANY, _("Print"), wxDefaultPosition, wxDefaultSize, wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      choice_(std::move(choice)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(this, wxID_ANY, wxString::Format(_("Print %s on:"), what)), 0, wxALL, 10);
  list_ = new wxListBox(this, wxID_ANY, wxDefaultPosition, wxSize(480, 160));
  for (const auto& p : choice_.list.printers) list_->Append(printer_line(p));
  const std::string pre = choice_.preselected();
  for (std::size_t i = 0; i < choice_.list.printers.size(); ++i)
    if (choice_.list.printers[i].name == pre) list_->SetSelection(int(i));
  s->Add(list_, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);
  status_ = new wxStaticText(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(480, -1));
  s->Add(status_, 0, wxEXPAND | wxALL, 10);
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  b->AddStretchSpacer();
  print_ = new wxButton(this, wxID_OK, _("&Print"));
  b->Add(print_, 0, wxRIGHT, 8);
  b->Add(new wxButton(this, wxID_CANCEL, _("Cancel")));
  s->Add(b, 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(s);
  CentreOnParent();
  list_->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { update(); });
  list_->Bind(wxEVT_LISTBOX_DCLICK, [this](wxCommandEvent&) {
    if (print_->IsEnabled()) EndModal(wxID_OK);
  });
  print_->SetDefault();
  update();
  list_->SetFocus();
}

std::string PrinterDialog::chosen() const {
  int sel = list_->GetSelection();
  return sel >= 0 && std::size_t(sel) < choice_.list.printers.size() ? choice_.list.printers[std::size_t(sel)].name : "";
}

void PrinterDialog::update() {
  int sel = list_->GetSelection();
  bool usable = false;
  wxString text;
  if (sel < 0 || std::size_t(sel) >= choice_.list.printers.size()) {
    text = _("Choose a printer.");
  } else {
    const auto& p = choice_.list.printers[std::size_t(sel)];
    usable = !p.stopped && p.accepting;
    if (!p.location.empty()) text = wxString::Format(_("Location: %s"), wx(p.location));
    if (!usable) text = _("This printer cannot print now; choose another or ask the administrator.");
    if (!p.state_message.empty()) text += (text.empty() ? "" : "\n") + wx(p.state_message);
  }
  status_->SetLabel(text);
  status_->Wrap(480);
  print_->Enable(usable);
  Layout();
}

// ---- PrintProblemDialog --------------------------------------------------------------
PrintProblemDialog::PrintProblemDialog(wxWindow* parent, std::vector<PaperPrint> prints)
    : wxDialog(parent, wxID_ANY, _("Not printed")), prints_(std::move(prints)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  wxString text;
  for (const auto& p : prints_)
    if (!p.ok) text += wx(p.message) + "\n\n";
  text += _("Give the customer the papers another way: open the folder of the archived PDF, or save a copy (e.g. on a USB stick) to print elsewhere.");
  message_ = new wxStaticText(this, wxID_ANY, text);
  message_->Wrap(560);
  s->Add(message_, 0, wxALL, 12);
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  auto* open = new wxButton(this, wxID_ANY, _("&Open the folder"));
  auto* save = new wxButton(this, wxID_ANY, _("&Save a copy as…"));
  b->Add(open, 0, wxRIGHT, 8);
  b->Add(save, 0, wxRIGHT, 8);
  b->AddStretchSpacer();
  b->Add(new wxButton(this, wxID_CANCEL, _("Close")));
  s->Add(b, 0, wxEXPAND | wxALL, 12);
  SetSizerAndFit(s);
  CentreOnParent();
  open->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    for (const auto& p : prints_)
      if (!p.ok && !p.pdf.empty()) {
        wxLaunchDefaultApplication(wx(p.pdf.parent_path().string()));
        return;
      }
  });
  save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    for (const auto& p : prints_) {
      if (p.ok || p.pdf.empty()) continue;
      wxFileDialog dlg(this, _("Save the PDF as"), wxEmptyString, wx(p.pdf.filename().string()), _("PDF files (*.pdf)|*.pdf"),
                       wxFD_SAVE | wxFD_OVERWRITE_PROMPT);
      if (dlg.ShowModal() != wxID_OK) return;
      std::error_code ec;
      fs::copy_file(p.pdf, fs::path(utf8(dlg.GetPath())), fs::copy_options::overwrite_existing, ec);
      if (ec)
        wxMessageBox(wxString::Format(_("The copy could not be saved: %s"), wx(ec.message())), _("Not printed"),
                     wxOK | wxICON_ERROR, this);
    }
  });
}

// ---- print_papers --------------------------------------------------------------------
wxString summarise(const std::vector<PaperPrint>& prints) {
  wxString out;
  for (const auto& p : prints) {
    if (!out.empty()) out += "\n";
    const wxString what = p.what == "receipt" ? wxString::Format(_("Receipt %s"), wx(p.number))
                                              : wxString::Format(_("Handover slip of order %s"), wx(p.number));
    out += (p.ok ? wxString::FromUTF8("✓ ") : wxString::FromUTF8("✗ ")) + what + (p.reprint ? " (" + _("reprint") + ")" : "") +
           ": " + wx(p.message);
  }
  return out;
}

void print_papers(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who,
                  std::vector<PaperToPrint> papers, std::function<void(const std::vector<PaperPrint>&)> done) {
  CounterTasks* tasks = model.tasks();
  if (!tasks || papers.empty()) {
    done({});
    return;
  }
  auto send = [parent, tasks, &worker, who, papers, done](const std::string& printer) {
    worker.run<std::vector<PaperPrint>>(
        parent,
        [tasks, who, papers, printer] {
          std::vector<PaperPrint> out;
          for (const auto& p : papers)
            out.push_back(p.receipt ? tasks->print_receipt(who, p.receipt_no, printer)
                                    : tasks->print_slip(who, p.order_id, printer));
          return out;
        },
        [parent, done](std::vector<PaperPrint> prints) {
          done(prints);
          bool failed = false;
          for (const auto& p : prints) failed = failed || !p.ok;
          if (failed) PrintProblemDialog(parent, prints).ShowModal();
        },
        [parent, done](const Failure& f) {
          done({});
          show_failure(parent, f, _("Print"));
        });
  };
  worker.run<PrinterChoice>(
      parent, [tasks] { return tasks->printers(); },
      [parent, tasks, &worker, papers, send, done](PrinterChoice choice) {
        // No print service or no printer: nothing to choose; the prints say so and archive the PDF.
        if (!choice.list.service_available || choice.list.printers.empty()) {
          send("");
          return;
        }
        const wxString what = papers.size() > 1 ? _("the receipt and the handover slip")
                              : papers.front().receipt ? _("the receipt")
                                                       : _("the handover slip");
        PrinterDialog dlg(parent, std::move(choice), what);
        if (dlg.ShowModal() != wxID_OK) {
          done({});   // the teller cancelled: nothing printed, nothing journaled
          return;
        }
        const std::string printer = dlg.chosen();
        worker.post([tasks, printer] {
          try {
            tasks->remember_printer(printer);
          } catch (...) {
          }
        });
        send(printer);
      },
      [parent, done](const Failure& f) {
        done({});
        show_failure(parent, f, _("Print"));
      });
}

}  // namespace certdesk::forms
