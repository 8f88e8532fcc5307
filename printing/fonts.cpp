// The process's pango font map and its lock (page_builder.h), and the warm-up (layout.h).
#include <cairo-pdf.h>

#include "printing/layout.h"
#include "printing/page_builder.h"

namespace certdesk::printing {
namespace detail {

PangoFontMap* shared_font_map() {
  // Created once, never freed: it lives as long as the process, like pango's default map.
  static PangoFontMap* const map = pango_cairo_font_map_new();
  return map;
}

PangoLock lock_pango() {
  static std::recursive_mutex mutex;
  return PangoLock(mutex);
}

}  // namespace detail

void prepare_fonts() {
  // A line in each weight, drawn onto a PDF surface that writes nowhere: what is wanted is
  // the side effects (fontconfig's configuration and cache, the font map, both faces and
  // their shaping data, cairo's font backend). Drawing a whole sample receipt and slip
  // instead was measured too: no faster first receipt, three times the warm-up.
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
      [](void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }, nullptr, 100, 100);
  cairo_t* cr = cairo_create(surface);
  {
    const detail::PangoLock lock = detail::lock_pango();
    PangoContext* context = pango_font_map_create_context(detail::shared_font_map());
    pango_cairo_update_context(cr, context);
    detail::set_context_options(context);
    PangoLayout* layout = pango_layout_new(context);
    for (const bool bold : {false, true}) {
      detail::set_layout_text(layout, "收据 领取单 0123456789 ABC", detail::TextStyle{10, bold}, 0);
      pango_cairo_show_layout(cr, layout);
    }
    g_object_unref(layout);
    g_object_unref(context);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
}

}  // namespace certdesk::printing
