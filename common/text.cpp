#include "common/text.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

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

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// One printable piece per code point (or per bad byte), so cutting never splits one.
// with_breaks: a line break or tab is a space (a whole message); else it is escaped (a value).
template <class F>
void for_each_shown(std::string_view s, bool breaks_as_space, F&& emit) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = decode(s, i, cp);
    if (n == 0) {
      emit(fmt::format("\\x{:02X}", static_cast<unsigned char>(s[i])));
      i += 1;
      continue;
    }
    i += n;
    if (breaks_as_space && (cp == '\n' || cp == '\r' || cp == '\t' || cp == 0x2028 || cp == 0x2029)) {
      if (cp == '\r' && i < s.size() && s[i] == '\n') ++i;
      emit(" ");
    } else if (cp < 0x80 && is_control(cp)) {
      emit(fmt::format("\\x{:02X}", static_cast<unsigned>(cp)));
    } else if (is_control(cp) || is_noncharacter(cp)) {
      emit(fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(cp)));
    } else {
      std::string one;
      append_utf8(one, cp);
      emit(one);
    }
  }
}

std::vector<std::string> shown_pieces(std::string_view s, bool breaks_as_space) {
  std::vector<std::string> pieces;
  for_each_shown(s, breaks_as_space, [&](std::string p) { pieces.push_back(std::move(p)); });
  return pieces;
}

constexpr std::string_view ellipsis = "\xE2\x80\xA6";   // …
}  // namespace

bool is_noncharacter(char32_t cp) { return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE; }

std::string nfc(std::string_view s) {
  if (!valid_utf8(s))
    throw InputError(codes::invalid_text, tr("The text is not valid UTF-8; type it again."));
  if (s.empty()) return {};
  utf8proc_uint8_t* raw = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &raw,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(raw, &std::free);   // owned before the check
  if (n < 0) throw InputError(codes::invalid_text, tr("The text is not valid UTF-8; type it again."));
  return std::string(reinterpret_cast<const char*>(owned.get()), static_cast<std::size_t>(n));
}

std::string printable(std::string_view value, std::size_t max_chars) {
  std::vector<std::string> pieces = shown_pieces(value, false);
  std::string out;
  std::size_t keep = pieces.size() > max_chars ? (max_chars > 0 ? max_chars - 1 : 0) : pieces.size();
  for (std::size_t i = 0; i < keep; ++i) out += pieces[i];
  if (keep < pieces.size()) out += ellipsis;
  return out;
}

std::string one_line(std::string_view message, std::size_t max_chars) {
  std::vector<std::string> pieces = shown_pieces(message, true);
  std::string out;
  if (pieces.size() <= max_chars || max_chars < 3) {
    for (auto& p : pieces) out += p;
    return out;
  }
  // The start says what failed, the end what to do: keep both.
  const std::size_t tail = max_chars / 3;
  const std::size_t head = max_chars - tail - 1;
  for (std::size_t i = 0; i < head; ++i) out += pieces[i];
  out += ellipsis;
  for (std::size_t i = pieces.size() - tail; i < pieces.size(); ++i) out += pieces[i];
  return out;
}

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
  std::string t = nfc(trim(value));
  char32_t cp;
  for (std::size_t i = 0; i < t.size();) {
    std::size_t n = decode(t, i, cp);
    if (is_control(cp))
      throw InputError(codes::invalid_text,
                       fmt::format(fmt::runtime(tr("{}: contains a control character (U+{:04X}); remove it.")), field,
                                   static_cast<unsigned>(cp)));
    if (is_noncharacter(cp))
      throw InputError(codes::invalid_text,
                       fmt::format(fmt::runtime(tr("{}: contains U+{:04X}, which is not a character; remove it.")), field,
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
