#pragma once
// The day's exports (SPEC §5): the CSV of the day's journal entries (UTF-8 with
// BOM so spreadsheet programs show the Chinese) and the data of the PDF daily
// report. Shared by the CLI and the review window. Permission review_day is
// checked by workflows::DayReview.

#include <filesystem>
#include <string>

#include "desk/context.h"
#include "printing/document_data.h"
#include "workflows/day.h"

namespace certdesk::desk {

// 失败 越权 减免 作废 解锁 未完成
const char* exception_label(workflows::ExceptionKind k);
// The exception kinds of a flags word, as labels joined by "、".
std::string exception_labels(unsigned flags);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or
// surrounding space; quotes doubled. Text that a spreadsheet would take for a
// formula (starting with = + - @) gets a leading apostrophe.
std::string csv_field(const std::string& value, bool text = true);

// Writes the day's entries (seq order, filtered) as CSV: the BOM EF BB BF, a
// header row, CRLF line ends. Columns: seq, utc_time, local_time,
// business_day, workstation, staff, action, flow, order_id, organisation,
// token_serial, cert_serial, amount_fen, amount_yuan, receipt_no, outcome,
// exceptions, details, hash. Returns the number of rows written. Written next
// to `out` and renamed over it. Throws Error(data_dir_unusable) when it cannot be written.
std::int64_t write_day_csv(AppContext& ctx, const workflows::Actor& who, const std::string& business_day,
                           const std::filesystem::path& out, const workflows::JournalFilter& filter = {});

// The daily report of a day (exceptions first, totals, journal facts, the
// close and its signature's status when the day is closed).
printing::DailyReportData day_report_data(AppContext& ctx, const workflows::Actor& who, const std::string& business_day);

}  // namespace certdesk::desk
