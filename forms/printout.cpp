#include "common/handle.h"
#include "forms/printout.h"

#include <wx/dc.h>
#include <wx/dcgraph.h>
#include <wx/graphics.h>

#include <cairo.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include <wx/image.h>
#include <wx/bitmap.h>

#include "forms/ui.h"

namespace certdesk::forms {

DocumentPrintout::DocumentPrintout(printing::DocumentLayout layout)
    : wxPrintout(wx(layout.title())), layout_(std::move(layout)) {}

bool DocumentPrintout::HasPage(int page) { return page >= 1 && page <= layout_.page_count(); }

void DocumentPrintout::GetPageInfo(int* min_page, int* max_page, int* page_from, int* page_to) {
  *min_page = 1;
  *max_page = layout_.page_count();
  *page_from = 1;
  *page_to = layout_.page_count();
}

bool DocumentPrintout::OnPrintPage(int page) {
  wxDC* dc = GetDC();
  if (!dc || !HasPage(page)) return false;
  const printing::PageSize size = layout_.page_size();
  if (size.width <= 0 || size.height <= 0) return false;

  // Fit the page (in points) into the DC's printable page, keeping the aspect ratio:
  // one logical unit of the DC is then one point of the layout.
  FitThisSizeToPage(wxSize(int(size.width + 0.5), int(size.height + 0.5)));
  const double sx = dc->LogicalToDeviceXRel(100000) / 100000.0;
  const double sy = dc->LogicalToDeviceYRel(100000) / 100000.0;
  const double ox = dc->LogicalToDeviceX(0);
  const double oy = dc->LogicalToDeviceY(0);

  // A wxGCDC (wxGTK3's memory and window DCs, the preview's bitmap): its cairo
  // context's transformation already maps logical units to the device.
  if (wxGraphicsContext* gc = dc->GetGraphicsContext()) {
    if (auto* cr = static_cast<cairo_t*>(gc->GetNativeContext())) {
      layout_.draw_page(cr, page - 1);
      return true;
    }
  }
  // wxGTK's printer DC: a cairo context in device units; scale points to the device.
  if (auto* cr = static_cast<cairo_t*>(dc->GetImpl()->GetCairoContext())) {
    cairo_save(cr);
    cairo_translate(cr, ox, oy);
    cairo_scale(cr, sx, sy);
    layout_.draw_page(cr, page - 1);
    cairo_restore(cr);
    return true;
  }

  // No cairo context (a plain wxMemoryDC): render onto an image surface and blit it.
  const int w = std::max(1, int(size.width * sx + 0.5));
  const int h = std::max(1, int(size.height * sy + 0.5));
  std::unique_ptr<cairo_surface_t, CFree<cairo_surface_destroy>> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
  {
    std::unique_ptr<cairo_t, CFree<cairo_destroy>> icr(cairo_create(surface.get()));
    cairo_scale(icr.get(), sx, sy);
    layout_.draw_page(icr.get(), page - 1);
  }
  cairo_surface_flush(surface.get());
  wxImage image(w, h);
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::ptrdiff_t(y) * stride);
    for (int x = 0; x < w; ++x)
      image.SetRGB(x, y, (row[x] >> 16) & 0xff, (row[x] >> 8) & 0xff, row[x] & 0xff);
  }
  double ux = 1.0, uy = 1.0;
  dc->GetUserScale(&ux, &uy);
  dc->SetUserScale(1.0, 1.0);
  dc->DrawBitmap(wxBitmap(image), wxCoord(ox), wxCoord(oy));
  dc->SetUserScale(ux, uy);
  return true;
}

}  // namespace certdesk::forms
