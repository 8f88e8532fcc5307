#pragma once
// The one layout code path of every printed document. A layout is computed once
// for a paper size (pages, positions, line breaks) and then drawn page by page on
// any cairo context: a PDF surface for the archive (printing/pdf.h), an image
// surface for a preview, or a printer's context (wxGCDC → cairo) in the window
// layer. Units are PostScript points (1/72 in) with the origin at the top-left
// corner of the page; a caller whose device uses other units scales the context
// first (e.g. cairo_scale(cr, dpi / 72.0, dpi / 72.0)).
//
// Text is set in "Noto Sans CJK SC" by name: fontconfig would otherwise pick the
// Japanese variant of the same collection for Chinese text.

#include <cairo.h>

#include <memory>
#include <string>
#include <string_view>

#include "printing/document_data.h"

namespace certdesk::printing {

inline constexpr const char* kFontFamily = "Noto Sans CJK SC";
// The documents' text is set in kSubsetFamily, a subset of kFontFamily made at build
// time (printing/make_font_subset.cpp, files kSubset*File in font_dir()), falling back
// to kFontFamily for the characters it lacks (issue 14.8). kFontFamilies is the list
// given to pango.
inline constexpr const char* kSubsetFamily = "Certdesk Noto Sans CJK SC subset";
inline constexpr const char* kFontFamilies = "Certdesk Noto Sans CJK SC subset,Noto Sans CJK SC";
inline constexpr const char* kSubsetRegularFile = "certdesk-cjk-sc-regular.otf";
inline constexpr const char* kSubsetBoldFile = "certdesk-cjk-sc-bold.otf";
// Where the subset is read: $CERTDESK_FONTDIR when set; else <prefix>/share/certdesk/fonts
// when the program runs from <prefix>/bin and the files are there (the Debian package);
// else the build tree's fonts folder.
std::string font_dir();

// A5 (148×210 mm) is the receipt's default; roll80 is an 80 mm receipt roll whose
// single page is as long as the content.
enum class Paper { a5, a4, roll80 };

// Page size in points.
struct PageSize {
  double width = 0;
  double height = 0;
};

// "a5", "a4", "roll80" (settings, the CLI); parse_paper throws InputError(bad_request) on anything else.
const char* paper_name(Paper paper);
Paper parse_paper(std::string_view name);

// A document laid out on one paper size. Cheap to copy (shares its immutable pages).
class DocumentLayout {
 public:
  struct Pages;  // defined in layout.cpp
  explicit DocumentLayout(std::shared_ptr<const Pages> pages);

  int page_count() const;
  // Every page of a document has the same size; a roll's height fits the content.
  PageSize page_size() const;
  // Draws page `page` (0-based) with the context's current transformation as the
  // page's point space; saves and restores the context's state. Paints a white
  // page first. Throws std::out_of_range for a page that does not exist. Cairo
  // errors are sticky on the context/surface: the caller checks them (pdf.cpp does).
  void draw_page(cairo_t* cr, int page) const;
  // The document's title ("收据 BJ01-2026-000123"), for a PDF's metadata or a print job's name.
  const std::string& title() const;

 private:
  std::shared_ptr<const Pages> pages_;
};

// Lays out a receipt: title 收据 (重印 mark on a reprint), number, date, payer, items
// table, total in figures and in capitals, payment method, invoice number, payee,
// teller, and a QR code of receipt_qr_text(); a voided receipt carries a diagonal
// 作废 mark and the reason on every page. Throws InputError(bad_request) when the data
// contradict themselves (no number, line amount ≠ quantity × unit price, total ≠ sum,
// voided without a reason, an amount the capitals cannot write).
DocumentLayout layout_receipt(const ReceiptData& receipt, Paper paper = Paper::a5);

// Lays out a handover slip (领取单) with the customer's and the teller's signature and
// date lines. Throws InputError(bad_request) without an order number.
DocumentLayout layout_slip(const HandoverSlipData& slip, Paper paper = Paper::a5);

// Lays out the daily report (日终报表): exceptions first, totals tables, journal facts and
// the close status; tables continue on further pages with their heading repeated, every
// page numbered "第 n 页 / 共 N 页". Throws InputError(bad_request) without a business day.
DocumentLayout layout_daily_report(const DailyReportData& report, Paper paper = Paper::a4);

// Sets up what a process otherwise pays for on its first document (≈ 25–40 ms of CPU
// here): fontconfig's configuration, the font map all threads share, both faces of
// kFontFamily. Optional: call it once, early, on a worker thread (it BLOCKS ≈ 40 ms) so
// the first receipt does not wait for it. Safe from any thread.
void prepare_fonts();

// The QR code's text on a receipt: "certdesk:order=<order>;receipt=<no>;hash=<hex>".
std::string receipt_qr_text(const ReceiptData& receipt);

}  // namespace certdesk::printing
