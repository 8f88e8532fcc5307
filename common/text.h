#pragma once
// Free text a teller types (names, reasons) and time as text.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace certdesk::text {

// Trims surrounding white space (ASCII and the ideographic space U+3000).
std::string trim(std::string_view s);

// Checks a free-text field: valid UTF-8, no control characters (tabs and line
// breaks included), at most max_chars code points, not empty when required.
// Returns the trimmed text; throws InputError(invalid_text) naming the field.
std::string checked(std::string_view field, std::string_view value, std::size_t max_chars, bool required = true);

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
