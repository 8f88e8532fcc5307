#include "app/prompts.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::app {

Secret read_secret(const std::filesystem::path& file, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(codes::bad_request,
                     msg(tr("The {} file {} is a folder; name the file that holds the secret."), tr(what), file.string()));
  std::ifstream f(file, std::ios::binary);
  if (!f)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("Cannot read the {} file {}.")), tr(what), file.string()));
  // A PIN or password is one short line: read at most 4 KiB + 1 (never all of /dev/zero).
  constexpr std::size_t kMax = 4096;
  std::string s(kMax + 1, '\0');
  f.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<std::size_t>(f.gcount()));
  if (s.size() > kMax) {
    explicit_bzero(s.data(), s.size());
    throw InputError(codes::bad_request,
                     msg(tr("The {} file {} is longer than 4 KiB; it must hold the one line of the secret."), tr(what),
                         file.string()));
  }
  auto nl = s.find_first_of("\r\n");
  if (nl != std::string::npos) {
    explicit_bzero(s.data() + nl, s.size() - nl);
    s.resize(nl);
  }
  if (s.empty())
    throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("The {} file {} is empty.")), tr(what), file.string()));
  // A NUL would silently cut the secret where C code (PKCS#11, OpenSSL) reads it.
  if (s.find('\0') != std::string::npos) {
    explicit_bzero(s.data(), s.size());
    throw InputError(codes::bad_request,
                     msg(tr("The {} file {} contains a NUL byte; write the secret again as plain text."), tr(what),
                         file.string()));
  }
  // ESC, other control characters or bytes that are not UTF-8: a binary or wrong file, not a typed secret.
  const bool control = std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7F;
  });
  if (control || !text::valid_utf8(s)) {
    explicit_bzero(s.data(), s.size());
    throw InputError(codes::bad_request,
                     msg(tr("The {} file {} holds control characters or bytes that are not text; write the secret again as plain text."),
                         tr(what), file.string()));
  }
  Secret out(s);
  explicit_bzero(s.data(), s.size());
  return out;
}

std::optional<Secret> ask_secret(const std::string& prompt) {
  if (!isatty(STDIN_FILENO)) return std::nullopt;
  std::fprintf(stderr, "%s", prompt.c_str());
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  if (line.empty()) return std::nullopt;
  Secret s(line);
  explicit_bzero(line.data(), line.size());
  return s;
}

TerminalPinPrompt::TerminalPinPrompt(std::optional<std::filesystem::path> new_pin_file,
                                     std::optional<std::filesystem::path> pin_file)
    : new_pin_file_(std::move(new_pin_file)), pin_file_(std::move(pin_file)) {
  if (new_pin_file_) read_secret(*new_pin_file_, tr_noop("new PIN"));
  if (pin_file_) read_secret(*pin_file_, tr_noop("PIN"));
}

std::optional<Secret> TerminalPinPrompt::new_pin(const workflows::PinRules& rules, std::string_view serial) {
  if (new_pin_file_) return read_secret(*new_pin_file_, tr_noop("new PIN"));
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto first = ask_secret(fmt::format(fmt::runtime(tr("Customer: choose the PIN for token {} ({} to {} characters): ")),
                                        serial, rules.min_len, rules.max_len));
    if (!first) return std::nullopt;
    auto second = ask_secret(tr("Customer: type the PIN again: "));
    if (!second) return std::nullopt;
    if (*first == *second) return first;
    std::fprintf(stderr, "%s\n", tr("The two PINs differ; try again."));
  }
  return std::nullopt;
}

void TerminalPinPrompt::check_ahead(const workflows::PinRules& rules, std::string_view) {
  if (new_pin_file_) workflows::check_pin_rules(rules, read_secret(*new_pin_file_, tr_noop("new PIN")));
}

std::optional<Secret> TerminalPinPrompt::current_pin(const workflows::PinRules&, std::string_view serial) {
  if (pin_file_) return read_secret(*pin_file_, tr_noop("PIN"));
  return ask_secret(fmt::format(fmt::runtime(tr("Customer: type the PIN of token {}: ")), serial));
}

TerminalApprovalPrompt::TerminalApprovalPrompt(std::string name, std::optional<std::filesystem::path> password_file)
    : name_(std::move(name)), password_file_(std::move(password_file)) {
  if (password_file_) read_secret(*password_file_, tr_noop("password"));
}

std::optional<workflows::ApprovalCredentials> TerminalApprovalPrompt::approve(std::string_view what) {
  if (name_.empty()) return std::nullopt;
  std::fprintf(stderr, "%s\n", fmt::format(fmt::runtime(tr("Supervisor approval needed: {}")), what).c_str());
  if (password_file_) return workflows::ApprovalCredentials{name_, read_secret(*password_file_, tr_noop("password"))};
  auto pw = ask_secret(fmt::format(fmt::runtime(tr("Password of {}: ")), name_));
  if (!pw) return std::nullopt;
  return workflows::ApprovalCredentials{name_, std::move(*pw)};
}

void TerminalProgress::step(std::string_view what, int done, int total) {
  if (!quiet_) std::fprintf(stderr, "[%d/%d] %.*s\n", done, total, static_cast<int>(what.size()), what.data());
}

}  // namespace certdesk::app
