#pragma once
// The workflow prompts for a terminal: PINs and passwords from files (never the
// command line) or, at a terminal, typed twice with echo off.

#include <filesystem>
#include <optional>
#include <string>

#include "workflows/ports.h"

namespace certdesk::app {

// Reads a secret from a file: the first line, without its line break. Throws
// InputError when the file cannot be read, is a folder, is empty, is longer
// than 4 KiB, or holds a NUL, another control character or bytes that are not
// UTF-8 (a wrong file, or a secret C code would cut or a keypad cannot type).
Secret read_secret(const std::filesystem::path& file, const char* what);
// Asks at the terminal with echo off; nullopt when stdin is not a terminal.
std::optional<Secret> ask_secret(const std::string& prompt);

class TerminalPinPrompt final : public workflows::PinPrompt {
 public:
  // Files win; otherwise the terminal; otherwise the prompt counts as cancelled.
  // The files are read once here, so a bad one (unreadable, empty, a NUL byte)
  // is refused before an order is opened or paid; throws InputError.
  TerminalPinPrompt(std::optional<std::filesystem::path> new_pin_file, std::optional<std::filesystem::path> pin_file);
  std::optional<Secret> new_pin(const workflows::PinRules& rules, std::string_view serial) override;
  std::optional<Secret> current_pin(const workflows::PinRules& rules, std::string_view serial) override;
  // The new-PIN file against the token's rules (InputError(pin_length)).
  void check_ahead(const workflows::PinRules& rules, std::string_view serial) override;

 private:
  std::optional<std::filesystem::path> new_pin_file_, pin_file_;
};

class TerminalApprovalPrompt final : public workflows::ApprovalPrompt {
 public:
  // Reads the password file once here, as TerminalPinPrompt does: a bad one is
  // refused before an order is opened, even when no approval is then needed.
  TerminalApprovalPrompt(std::string name, std::optional<std::filesystem::path> password_file);
  std::optional<workflows::ApprovalCredentials> approve(std::string_view what) override;

 private:
  std::string name_;
  std::optional<std::filesystem::path> password_file_;
};

class TerminalProgress final : public workflows::Progress {
 public:
  explicit TerminalProgress(bool quiet) : quiet_(quiet) {}
  void step(std::string_view what, int done, int total) override;

 private:
  bool quiet_;
};

}  // namespace certdesk::app
