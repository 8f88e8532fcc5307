#include "printing/pdf.h"

#include <cairo-pdf.h>

#include <memory>
#include <string>
#include <system_error>

#include "common/error.h"
#include "common/safe_output.h"
#include "common/handle.h"

namespace certdesk::printing {
namespace {

namespace fs = std::filesystem;

using SurfacePtr = std::unique_ptr<cairo_surface_t, CFree<cairo_surface_destroy>>;
using ContextPtr = std::unique_ptr<cairo_t, CFree<cairo_destroy>>;

[[noreturn]] void cannot_write(const fs::path& path, const std::string& why) {
  throw Error(ErrorKind::other, codes::data_dir_unusable, "cannot write the PDF " + path.string() + ": " + why);
}

void check(cairo_status_t status, const fs::path& path) {
  if (status != CAIRO_STATUS_SUCCESS) cannot_write(path, cairo_status_to_string(status));
}

// cairo's stream callback: appends to a std::string.
cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string render_pdf(const DocumentLayout& document) {
  const PageSize size = document.page_size();
  const fs::path name = document.title();
  std::string bytes;
  {
    // Owned before its status is checked: a surface in error must still be destroyed.
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(append, &bytes, size.width, size.height));
    check(cairo_surface_status(surface.get()), name);
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title().c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "certdesk");
    {
      ContextPtr cr(cairo_create(surface.get()));
      check(cairo_status(cr.get()), name);
      for (int page = 0; page < document.page_count(); ++page) {
        document.draw_page(cr.get(), page);
        cairo_show_page(cr.get());
        check(cairo_status(cr.get()), name);
      }
    }
    cairo_surface_finish(surface.get());
    check(cairo_surface_status(surface.get()), name);
  }
  return bytes;
}

void write_pdf(const DocumentLayout& document, const fs::path& path) {
  output::write_file_atomically(path, render_pdf(document), output::Content::pdf);
}

void write_receipt_pdf(const ReceiptData& receipt, Paper paper, const fs::path& path) {
  write_pdf(layout_receipt(receipt, paper), path);
}

void write_slip_pdf(const HandoverSlipData& slip, Paper paper, const fs::path& path) {
  write_pdf(layout_slip(slip, paper), path);
}

void write_report_pdf(const DailyReportData& report, Paper paper, const fs::path& path) {
  write_pdf(layout_daily_report(report, paper), path);
}

fs::path archive_path(const fs::path& data_dir, ArchiveKind kind, const std::string& number, ArchiveVariant variant) {
  bool plain = !number.empty() && number.size() <= 100 && number.front() != '.';
  for (char c : number) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
                    c == '_' || c == '.';
    plain = plain && ok;
  }
  if (!plain) throw InputError(codes::bad_request, "\"" + number + "\" cannot name an archived document");

  const char* folder = kind == ArchiveKind::receipt ? "receipts" : kind == ArchiveKind::slip ? "slips" : "reports";
  std::string name = number;
  switch (variant.kind) {
    case ArchiveVariant::Kind::original: break;
    case ArchiveVariant::Kind::copy:
      if (variant.copy_number < 1) throw InputError(codes::bad_request, "a reprint's copy number starts at 1");
      name += "-copy-" + std::to_string(variant.copy_number);
      break;
    case ArchiveVariant::Kind::voided: name += "-void"; break;
  }
  const fs::path dir = data_dir / "archive" / folder;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(ErrorKind::other, codes::data_dir_unusable,
                "cannot create the archive folder " + dir.string() + ": " + ec.message());
  return dir / (name + ".pdf");
}

}  // namespace certdesk::printing
