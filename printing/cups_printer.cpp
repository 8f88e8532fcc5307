#include "common/handle.h"
#include "printing/cups_printer.h"

#include <cups/cups.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <system_error>
#include <thread>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::printing {
namespace {

namespace fs = std::filesystem;

using HttpPtr = std::unique_ptr<http_t, CFree<httpClose>>;
using IppPtr = std::unique_ptr<ipp_t, CFree<ippDelete>>;

// A cups_dest_t array and its count, freed together.
class Dests {
 public:
  explicit Dests(http_t* http) { count_ = cupsGetDests2(http, &dests_); }
  ~Dests() { cupsFreeDests(count_, dests_); }
  Dests(const Dests&) = delete;
  Dests& operator=(const Dests&) = delete;
  int count() const { return count_; }
  cups_dest_t* begin() const { return dests_; }
  cups_dest_t* end() const { return dests_ + count_; }
  cups_dest_t* find(const std::string& name) const {
    return cupsGetDest(name.empty() ? nullptr : name.c_str(), nullptr, count_, dests_);
  }

 private:
  cups_dest_t* dests_ = nullptr;
  int count_ = 0;
};

// A job's options (cupsAddOption's array and its count), freed together.
class Options {
 public:
  Options() = default;
  ~Options() { cupsFreeOptions(count_, options_); }
  Options(const Options&) = delete;
  Options& operator=(const Options&) = delete;
  void add(const char* name, const std::string& value) {
    count_ = cupsAddOption(name, value.c_str(), count_, &options_);
  }
  int count() const { return count_; }
  cups_option_t* get() const { return options_; }

 private:
  cups_option_t* options_ = nullptr;
  int count_ = 0;
};

// Options of a destination (cupsGetDests fills them from the printer's attributes).
std::string option(const cups_dest_t& dest, const char* name) {
  const char* value = cupsGetOption(name, dest.num_options, dest.options);
  return value ? value : "";
}

PrinterInfo info_of(const cups_dest_t& dest) {
  PrinterInfo p;
  p.name = dest.name;
  p.description = option(dest, "printer-info");
  p.location = option(dest, "printer-location");
  p.is_default = dest.is_default != 0;
  p.accepting = option(dest, "printer-is-accepting-jobs") != "false";
  p.stopped = option(dest, "printer-state") == std::to_string(IPP_PSTATE_STOPPED);
  p.state_message = option(dest, "printer-state-message");
  return p;
}

std::string last_error() {
  const char* text = cupsLastErrorString();
  return text ? text : "";
}

// A connection to the cupsd libcups is configured for; null when it cannot be reached.
HttpPtr connect_cupsd() {
  return HttpPtr(httpConnect2(cupsServer(), ippPort(), nullptr, AF_UNSPEC, cupsEncryption(), 1, 10000, nullptr));
}

std::string printer_uri(const std::string& name) {
  char uri[HTTP_MAX_URI];
  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(), "/printers/%s",
                   name.c_str());
  return uri;
}

struct JobState {
  ipp_jstate_t state = IPP_JSTATE_PENDING;
  std::string message;  // the job's or its printer's state message
  bool known = false;
};

std::string text_attribute(ipp_t* response, const char* name) {
  ipp_attribute_t* attr = ippFindAttribute(response, name, IPP_TAG_TEXT);
  const char* value = attr ? ippGetString(attr, 0, nullptr) : nullptr;
  return value ? value : "";
}

JobState job_state(http_t* http, const std::string& printer, int job_id) {
  IppPtr request(ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES));
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, printer_uri(printer).c_str());
  ippAddInteger(request.get(), IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
  static const char* const wanted[] = {"job-state", "job-state-message", "job-printer-state-message"};
  ippAddStrings(request.get(), IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 3, nullptr, wanted);
  // cupsDoRequest takes the request and frees it.
  IppPtr response(cupsDoRequest(http, request.release(), "/"));
  JobState js;
  if (!response || cupsLastError() > IPP_STATUS_OK_EVENTS_COMPLETE) {
    js.message = last_error();
    return js;
  }
  if (ipp_attribute_t* attr = ippFindAttribute(response.get(), "job-state", IPP_TAG_ENUM)) {
    js.state = static_cast<ipp_jstate_t>(ippGetInteger(attr, 0));
    js.known = true;
  }
  js.message = text_attribute(response.get(), "job-state-message");
  if (js.message.empty()) js.message = text_attribute(response.get(), "job-printer-state-message");
  return js;
}

// The queue's state now, asked of cupsd (Get-Printer-Attributes); nullopt when it has no such queue.
std::optional<PrinterInfo> printer_now(http_t* http, const std::string& name) {
  IppPtr request(ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES));
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, printer_uri(name).c_str());
  ippAddString(request.get(), IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
  static const char* const wanted[] = {"printer-state", "printer-state-message", "printer-is-accepting-jobs"};
  ippAddStrings(request.get(), IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 3, nullptr, wanted);
  IppPtr response(cupsDoRequest(http, request.release(), "/"));
  if (!response || cupsLastError() > IPP_STATUS_OK_EVENTS_COMPLETE) return std::nullopt;
  PrinterInfo p;
  p.name = name;
  if (ipp_attribute_t* attr = ippFindAttribute(response.get(), "printer-state", IPP_TAG_ENUM))
    p.stopped = ippGetInteger(attr, 0) == IPP_PSTATE_STOPPED;
  if (ipp_attribute_t* attr = ippFindAttribute(response.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN))
    p.accepting = ippGetBoolean(attr, 0) != 0;
  p.state_message = text_attribute(response.get(), "printer-state-message");
  return p;
}

}  // namespace

std::string PrinterList::preselected() const {
  for (const PrinterInfo& p : printers)
    if (p.is_default) return p.name;
  return printers.size() == 1 ? printers.front().name : std::string();
}

PrinterList list_printers() {
  PrinterList list;
  HttpPtr http = connect_cupsd();
  if (!http) {
    list.service_available = false;
    list.message = last_error();
    return list;
  }
  Dests dests(http.get());
  for (const cups_dest_t& dest : dests) {
    if (dest.instance) continue;
    PrinterInfo p = info_of(dest);
    if (const auto now = printer_now(http.get(), p.name)) {  // the state message is not among cupsGetDests' options
      p.stopped = now->stopped;
      p.accepting = now->accepting;
      p.state_message = now->state_message;
    }
    list.printers.push_back(std::move(p));
  }
  return list;
}

const char* outcome_name(PrintOutcome outcome) {
  switch (outcome) {
    case PrintOutcome::completed: return "completed";
    case PrintOutcome::no_print_service: return "no_print_service";
    case PrintOutcome::no_printer: return "no_printer";
    case PrintOutcome::printer_not_found: return "printer_not_found";
    case PrintOutcome::printer_stopped: return "printer_stopped";
    case PrintOutcome::printer_rejecting: return "printer_rejecting";
    case PrintOutcome::job_failed: return "job_failed";
    case PrintOutcome::timed_out: return "timed_out";
  }
  return "job_failed";
}

std::string media_for(Paper paper, double page_height_pt) {
  switch (paper) {
    case Paper::a5: return "A5";
    case Paper::a4: return "A4";
    case Paper::roll80: {
      const long mm = page_height_pt > 0 ? std::lround(std::ceil(page_height_pt * 25.4 / 72.0)) : 297;
      return "Custom.80x" + std::to_string(mm) + "mm";
    }
  }
  return "A5";
}

PrintResult print_pdf(const PrintRequest& request) {
  std::error_code ec;
  if (!fs::is_regular_file(request.pdf, ec))
    throw InputError(codes::bad_request, msg(tr("there is no PDF to print at {}"), request.pdf.string()));
  if (request.copies < 1 || request.copies > 99)
    throw InputError(codes::bad_request, msg(tr("the number of copies must be 1 to 99, not {}"), request.copies));

  PrintResult result;
  result.printer = request.printer;
  HttpPtr http = connect_cupsd();
  if (!http) {
    result.outcome = PrintOutcome::no_print_service;
    result.message = last_error();
    return result;
  }

  {
    Dests dests(http.get());
    const cups_dest_t* dest = dests.find(request.printer);
    if (!dest) {
      result.outcome = request.printer.empty() ? PrintOutcome::no_printer : PrintOutcome::printer_not_found;
      if (dests.count() > 0 && request.printer.empty()) result.message = "no default printer";
      return result;
    }
    result.printer = dest->name;
  }
  {
    const auto printer = printer_now(http.get(), result.printer);
    if (!printer) {
      result.outcome = PrintOutcome::printer_not_found;
      result.message = last_error();
      return result;
    }
    result.message = printer->state_message;
    if (printer->stopped) {
      result.outcome = PrintOutcome::printer_stopped;
      return result;
    }
    if (!printer->accepting) {
      result.outcome = PrintOutcome::printer_rejecting;
      return result;
    }
    result.message.clear();
  }

  Options options;
  options.add("media", media_for(request.paper, request.page_height_pt));
  options.add("copies", std::to_string(request.copies));
  const std::string title = request.title.empty() ? request.pdf.filename().string() : request.title;
  result.job_id = cupsPrintFile2(http.get(), result.printer.c_str(), request.pdf.c_str(), title.c_str(),
                                 options.count(), options.get());
  if (result.job_id == 0) {
    result.outcome = PrintOutcome::job_failed;
    result.message = last_error();
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + request.wait;
  auto pause = std::chrono::milliseconds(50);
  bool was_processing = false;
  for (;;) {
    const JobState js = job_state(http.get(), result.printer, result.job_id);
    if (js.known) {
      result.message = js.message;
      switch (js.state) {
        case IPP_JSTATE_COMPLETED: result.outcome = PrintOutcome::completed; return result;
        case IPP_JSTATE_ABORTED:
        case IPP_JSTATE_CANCELED: result.outcome = PrintOutcome::job_failed; return result;
        case IPP_JSTATE_PROCESSING: was_processing = true; break;
        default: break;
      }
      // Waiting again after the printer had it, or held (certdesk never holds a job): the
      // backend failed and cupsd would retry later, long after the teller moved on. So would
      // a stopped queue whenever someone resumes it. Cancel, so the paper cannot come out
      // unnoticed, and say why.
      const bool sent_back = js.state == IPP_JSTATE_HELD || (was_processing && js.state == IPP_JSTATE_PENDING);
      if (sent_back || js.state == IPP_JSTATE_PENDING || js.state == IPP_JSTATE_STOPPED) {
        const auto now = printer_now(http.get(), result.printer);
        const bool stopped = (now && now->stopped) || js.state == IPP_JSTATE_STOPPED;
        if (sent_back || stopped) {
          cupsCancelJob2(http.get(), result.printer.c_str(), result.job_id, 0);
          result.outcome = stopped ? PrintOutcome::printer_stopped : PrintOutcome::job_failed;
          if (now && !now->state_message.empty()) result.message = now->state_message;
          return result;
        }
      }
    } else if (!js.message.empty()) {
      result.message = js.message;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.outcome = PrintOutcome::timed_out;
      return result;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(500));
  }
}

std::string describe(const PrintResult& r) {
  const std::string because = r.message.empty() ? std::string() : msg(tr("CUPS says: {}"), r.message);
  auto with_reason = [&](std::string text) { return because.empty() ? text : text + " " + because; };
  switch (r.outcome) {
    case PrintOutcome::completed: return msg(tr("Printed on {} (job {})."), r.printer, r.job_id);
    case PrintOutcome::no_print_service:
      return with_reason(tr("The print service (CUPS) is not running on this workstation, so nothing was printed. "
                            "Ask the administrator to start it."));
    case PrintOutcome::no_printer:
      return tr("No printer is set up on this workstation, so nothing was printed. Ask the administrator to add one.");
    case PrintOutcome::printer_not_found:
      return msg(tr("The printer {} does not exist on this workstation any more; choose another printer."), r.printer);
    case PrintOutcome::printer_stopped:
      return with_reason(msg(tr("The printer {} is stopped, so nothing was printed. Check the printer (paper, cable, "
                                "power), resume it and print again."),
                             r.printer));
    case PrintOutcome::printer_rejecting:
      return with_reason(msg(tr("The printer {} does not accept jobs now, so nothing was printed. Choose another "
                                "printer or ask the administrator."),
                             r.printer));
    case PrintOutcome::job_failed:
      return with_reason(msg(tr("Printing on {} failed (job {})."), r.printer, r.job_id));
    case PrintOutcome::timed_out:
      return with_reason(msg(tr("The printer {} has not finished job {} yet. Check the printer before printing again."),
                             r.printer, r.job_id));
  }
  return {};
}

}  // namespace certdesk::printing
