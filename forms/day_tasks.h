#pragma once
// The supervisor's tasks beside the day's review (issue 14.1): void a receipt
// with a reason, reprint one (marked 重印), issue an authorisation code for a
// remote unlock. An interface the window owns (STYLE habit 3); app/gui_model.cpp
// implements it over the desk for the supervisor logged in. Every call runs on
// the window's worker thread and may throw certdesk::Error.

#include <string>

namespace certdesk::forms {

struct IssuedCodeView {
  std::string code;            // shown once; never stored
  std::string token_serial;
  std::string expires_local;   // branch-local "YYYY-MM-DD HH:MM"
};

class SupervisorTasks {
 public:
  virtual ~SupervisorTasks() = default;
  // Voids the receipt (it keeps its number); returns the archived voided copy's path.
  virtual std::string void_receipt(const std::string& receipt_no, const std::string& reason) = 0;
  // Archives a reprint (重印 after the first printing); returns the PDF's path.
  virtual std::string reprint_receipt(const std::string& receipt_no) = 0;
  virtual IssuedCodeView issue_code(const std::string& token_serial, int valid_hours) = 0;
};

}  // namespace certdesk::forms
