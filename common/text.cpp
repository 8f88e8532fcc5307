#include "common/text.h"

#include <fmt/format.h>

#include <chrono>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::text {

namespace {
// Decodes one code point at s[i]; returns its length, 0 when malformed.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t len;
  if (c < 0x80) { cp = c; return 1; }
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
  else return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static const char32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029; }

constexpr std::string_view ideographic_space = "\xE3\x80\x80";
}  // namespace

bool valid_utf8(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = decode(s, i, cp);
    if (!n) return false;
    i += n;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  if (!valid_utf8(s)) return s.size();
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string trim(std::string_view s) {
  auto space_at_front = [&]() {
    if (s.empty()) return std::size_t{0};
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n') return std::size_t{1};
    return s.substr(0, 3) == ideographic_space ? std::size_t{3} : std::size_t{0};
  };
  auto space_at_back = [&]() {
    if (s.empty()) return std::size_t{0};
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n') return std::size_t{1};
    return s.size() >= 3 && s.substr(s.size() - 3) == ideographic_space ? std::size_t{3} : std::size_t{0};
  };
  for (std::size_t n; (n = space_at_front()) != 0;) s.remove_prefix(n);
  for (std::size_t n; (n = space_at_back()) != 0;) s.remove_suffix(n);
  return std::string(s);
}

std::string checked(std::string_view field, std::string_view value, std::size_t max_chars, bool required) {
  if (!valid_utf8(value))
    throw InputError(codes::invalid_text, fmt::format(fmt::runtime(tr("{}: the text is not valid UTF-8; type it again.")), field));
  std::string t = trim(value);
  char32_t cp;
  for (std::size_t i = 0; i < t.size();) {
    std::size_t n = decode(t, i, cp);
    if (is_control(cp))
      throw InputError(codes::invalid_text,
                       fmt::format(fmt::runtime(tr("{}: contains a control character (U+{:04X}); remove it.")), field,
                                   static_cast<unsigned>(cp)));
    i += n;
  }
  if (required && t.empty())
    throw InputError(codes::invalid_text, fmt::format(fmt::runtime(tr("{}: must not be empty.")), field));
  std::size_t len = utf8_length(t);
  if (len > max_chars)
    throw InputError(codes::invalid_text,
                     fmt::format(fmt::runtime(tr("{}: {} characters is too long; at most {} are allowed.")), field, len,
                                 max_chars));
  return t;
}

std::string iso_utc(Seconds t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

namespace {
bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::chrono::sys_days parse_day(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) ||
      !parse_int(s.substr(8, 2), d))
    throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("'{}' is not a date of the form YYYY-MM-DD.")), s));
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("{} is not a real date.")), s));
  return std::chrono::sys_days(ymd);
}
}  // namespace

Seconds parse_iso_utc(std::string_view s) {
  int h, mi, se;
  if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' || !parse_int(s.substr(11, 2), h) ||
      !parse_int(s.substr(14, 2), mi) || !parse_int(s.substr(17, 2), se) || h > 23 || mi > 59 || se > 59)
    throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("'{}' is not a UTC time like 2026-01-31T08:00:00Z.")), s));
  return Seconds(parse_day(s.substr(0, 10))) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
}

std::string business_day(Seconds t, int utc_offset_minutes) {
  return iso_utc(t + std::chrono::minutes(utc_offset_minutes)).substr(0, 10);
}

Seconds business_day_start(std::string_view day, int utc_offset_minutes) {
  return Seconds(parse_day(day)) - std::chrono::minutes(utc_offset_minutes);
}

std::string local_time(Seconds t, int utc_offset_minutes) {
  std::string s = iso_utc(t + std::chrono::minutes(utc_offset_minutes));
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

}  // namespace certdesk::text
