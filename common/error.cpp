#include "common/error.h"

#include <openssl/err.h>

#include "common/text.h"

namespace certdesk {

Error::Error(ErrorKind kind, std::string code, const std::string& message)
    : std::runtime_error(text::one_line(message)), kind_(kind), code_(std::move(code)) {}

namespace {
std::string drain_openssl_queue() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}
}  // namespace

CryptoError::CryptoError(const std::string& what_failed, std::string code)
    : Error(ErrorKind::other, std::move(code), [&] {
        std::string detail = drain_openssl_queue();
        return detail.empty() ? what_failed : what_failed + " (" + detail + ")";
      }()) {}

}  // namespace certdesk
