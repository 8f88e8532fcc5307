// The teller's window prints through forms::DocumentPrintout (issue: print
// preview and printing). Rendered here without a printer: a print preview over
// a receipt counts the layout's pages, and a page drawn on a memory DC is not
// blank. Never starts a real print job (wxGTK may hang on CUPS without a dialog).

#include <boost/test/unit_test.hpp>

#include <wx/app.h>
#include <wx/bitmap.h>
#include <wx/dcmemory.h>
#include <wx/image.h>
#include <wx/init.h>
#include <wx/print.h>

#include "forms/printout.h"
#include "printing/layout.h"

using namespace certdesk;

namespace {

struct WxGlobal {
  WxGlobal() {
    static int argc = 1;
    static char name[] = "test_print";
    static char* argv[] = {name, nullptr};
    wxApp::SetInstance(new wxApp);
    wxEntryStart(argc, argv);
    wxTheApp->CallOnInit();
  }
  ~WxGlobal() { wxEntryCleanup(); }
};
BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);

printing::ReceiptData sample_receipt() {
  printing::ReceiptData r;
  r.receipt_no = "BJ01-2026-000123";
  r.branch_name = "朝阳营业厅";
  r.payer = "北京示例科技有限公司";
  r.payer_uscc = "91350100M000100Y43";
  r.lines = {{"数字证书新办（含USBKEY介质）", 1, 5000, 5000}};
  r.total_fen = 5000;
  r.payment_method = "微信支付";
  r.payee = "北京市数字证书服务大厅";
  r.teller = "张晓明";
  r.issued_at = "2026-11-22 11:14";
  r.order_no = "BJ01-20261122-0042";
  r.journal_hash = std::string(64, 'a');
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_receipt_previews_with_the_layouts_pages_and_renders_on_a_memory_dc) {
  const printing::DocumentLayout layout = printing::layout_receipt(sample_receipt(), printing::Paper::a5);
  BOOST_TEST_REQUIRE(layout.page_count() >= 1);

  {
    wxPrintPreview preview(new forms::DocumentPrintout(layout), new forms::DocumentPrintout(layout));
    BOOST_TEST(preview.IsOk());
    BOOST_TEST(preview.GetMinPage() == 1);
    BOOST_TEST(preview.GetMaxPage() == layout.page_count());
  }

  // One page on a bitmap, as a 96-dpi "printer" with an A5 page.
  const int w = 560, h = 794;
  wxBitmap bitmap(w, h, 24);
  wxMemoryDC dc(bitmap);
  BOOST_TEST_REQUIRE(dc.IsOk());
  dc.SetBackground(*wxWHITE_BRUSH);
  dc.Clear();
  forms::DocumentPrintout printout(layout);
  printout.SetPPIScreen(96, 96);
  printout.SetPPIPrinter(96, 96);
  printout.SetPageSizePixels(w, h);
  printout.SetPageSizeMM(148, 210);
  printout.SetPaperRectPixels(wxRect(0, 0, w, h));
  printout.SetDC(&dc);
  printout.OnPreparePrinting();
  BOOST_TEST(printout.HasPage(1));
  BOOST_TEST(!printout.HasPage(layout.page_count() + 1));
  BOOST_TEST(printout.OnPrintPage(1));
  printout.SetDC(nullptr);
  dc.SelectObject(wxNullBitmap);

  const wxImage image = bitmap.ConvertToImage();
  long dark = 0, dark_lower_half = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (image.GetRed(x, y) < 128 && image.GetGreen(x, y) < 128 && image.GetBlue(x, y) < 128) {
        ++dark;
        if (y > h / 2) ++dark_lower_half;
      }
  BOOST_TEST_MESSAGE("dark pixels: " << dark << ", in the lower half: " << dark_lower_half);
  BOOST_TEST(dark > 500);                  // text, table rules, the QR code
  BOOST_TEST(dark < long(w) * h / 2);      // not a black page
  BOOST_TEST(dark_lower_half > 0);         // scaled to the page, not drawn in a corner
}
