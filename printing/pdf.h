#pragma once
// PDF output of the printed documents (the archive copy, and what `lp` can print)
// and where the archive keeps them.
//
// Archive layout (SPEC §4 "also archived as PDF"):
//   <data_dir>/archive/receipts/<receipt no>.pdf           the first print
//   <data_dir>/archive/receipts/<receipt no>-copy-<N>.pdf  the N-th reprint (重印), N from 1
//   <data_dir>/archive/receipts/<receipt no>-void.pdf      the voided receipt (作废)
//   <data_dir>/archive/slips/<order no>.pdf                (copies: <order no>-copy-<N>.pdf)
//   <data_dir>/archive/reports/<business day>.pdf
// A void and a reprint are new files; an archived original is never replaced by them.

#include <filesystem>
#include <string>

#include "printing/document_data.h"
#include "printing/layout.h"

namespace certdesk::printing {

// The PDF of every page of a laid-out document (fonts embedded as subsets), in
// memory; nothing is written. Throws Error(data_dir_unusable) when cairo fails.
std::string render_pdf(const DocumentLayout& document);

// render_pdf written to a file through output::write_file_atomically
// (common/safe_output.h): a temporary file beside `path`, all of it written,
// fsync'd, its %%EOF trailer checked, renamed over `path`. The file appears
// complete or not at all. Throws Error(kind other, code data_dir_unusable)
// naming the file when it cannot be written (a full disk included).
void write_pdf(const DocumentLayout& document, const std::filesystem::path& path);

// layout_receipt / layout_slip / layout_daily_report, then write_pdf. Throw what those throw.
void write_receipt_pdf(const ReceiptData& receipt, Paper paper, const std::filesystem::path& path);
void write_slip_pdf(const HandoverSlipData& slip, Paper paper, const std::filesystem::path& path);
void write_report_pdf(const DailyReportData& report, Paper paper, const std::filesystem::path& path);

enum class ArchiveKind { receipt, slip, report };

// Which print of a document: the original, the N-th reprint, or the voided one.
struct ArchiveVariant {
  enum class Kind { original, copy, voided } kind = Kind::original;
  int copy_number = 0;  // 1, 2, … for Kind::copy
  static ArchiveVariant original() { return {}; }
  static ArchiveVariant copy(int n) { return {Kind::copy, n}; }
  static ArchiveVariant voided() { return {Kind::voided, 0}; }
};

// The archive file of a document (layout above), creating its folder. `number` is a
// receipt number, order number or business day; it must be a plain file name part
// (letters, digits, '-', '_', '.', not starting with '.'), else InputError(bad_request).
// Throws Error(data_dir_unusable) when the folder cannot be created.
std::filesystem::path archive_path(const std::filesystem::path& data_dir, ArchiveKind kind, const std::string& number,
                                   ArchiveVariant variant = ArchiveVariant::original());

}  // namespace certdesk::printing
