#pragma once
// Free text a teller types (names, reasons) and time as text.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace certdesk::text {

// Trims surrounding white space (ASCII and the ideographic space U+3000).
std::string trim(std::string_view s);

// Checks a free-text field: valid UTF-8 (no unpaired surrogate, no overlong
// form), no control characters (tabs and line breaks included), no
// noncharacters (U+FFFF, U+FDD0…U+FDEF, …), at most max_chars code points, not
// empty when required. Returns the trimmed text in Unicode normalisation form C
// (so "é" typed as e + U+0301 is stored, compared and printed as one "é");
// throws InputError(invalid_text) naming the field.
std::string checked(std::string_view field, std::string_view value, std::size_t max_chars, bool required = true);

// Unicode normalisation form C of valid UTF-8 (utf8proc). Throws
// InputError(invalid_text) when s is not valid UTF-8.
std::string nfc(std::string_view s);
// U+FDD0…U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE …).
bool is_noncharacter(char32_t cp);

// A value as it may appear inside a message: control characters, line breaks,
// NUL, noncharacters and bytes that are not UTF-8 written as escapes (\x1B,
// \u{FFFF}); cut to max_chars code points with "…" at the end. Never throws.
std::string printable(std::string_view value, std::size_t max_chars = 120);
// A whole message made safe to print on one line: line breaks and tabs become
// a space, other control characters, NUL and bad bytes are escaped (as in
// printable), and a message longer than max_chars code points keeps its start
// and its end (the advice) around a "…". Never throws.
std::string one_line(std::string_view message, std::size_t max_chars = 600);

// Number of code points of valid UTF-8 (bytes when it is not UTF-8).
std::size_t utf8_length(std::string_view s);
bool valid_utf8(std::string_view s);

// "2026-11-22T03:14:00Z"
std::string iso_utc(Seconds t);
// Parses iso_utc's format; throws InputError on anything else.
Seconds parse_iso_utc(std::string_view s);
// The branch-local business day "YYYY-MM-DD" of t for a fixed UTC offset in minutes
// (Asia/Shanghai = +480; China keeps no daylight saving time).
std::string business_day(Seconds t, int utc_offset_minutes);
// "YYYY-MM-DD" → the UTC instant the business day starts at, for that offset.
// Throws InputError on a malformed or impossible date.
Seconds business_day_start(std::string_view day, int utc_offset_minutes);
// "YYYY-MM-DD HH:MM" in branch-local time, for printing.
std::string local_time(Seconds t, int utc_offset_minutes);

}  // namespace certdesk::text
