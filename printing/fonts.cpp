// The process's pango font map and its lock (page_builder.h), its fonts, and the warm-up (layout.h).
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <fontconfig/fcfreetype.h>
#include <pango/pangofc-fontmap.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "printing/layout.h"
#include "printing/page_builder.h"

namespace certdesk::printing {

namespace fs = std::filesystem;

std::string font_dir() {
  if (const char* env = std::getenv("CERTDESK_FONTDIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.parent_path().filename() == "bin") {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "certdesk" / "fonts";
    if (fs::exists(installed / kSubsetRegularFile, ec)) return installed.string();
  }
  return CERTDESK_FONTDIR;
}

namespace detail {
namespace {

// Gives every font of `set` (the subset's two faces) the family `family`.
void rename_all(FcFontSet* set, const char* family) {
  for (int i = 0; i < set->nfont; ++i) {
    FcPattern* p = set->fonts[i];
    FcPatternDel(p, FC_FAMILY);
    FcPatternDel(p, FC_FAMILYLANG);
    FcPatternDel(p, FC_FULLNAME);
    FcPatternDel(p, FC_FULLNAMELANG);
    FcPatternAddString(p, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
  }
}

// Adds face `index` of `file` to the application fonts. One face only:
// FcConfigAppFontAddFile would scan all ten faces of a Noto Sans CJK .ttc.
bool add_face(FcConfig* config, const char* file, int index) {
  int count = 0;
  FcPattern* p = FcFreeTypeQuery(reinterpret_cast<const FcChar8*>(file), index, nullptr, &count);
  FcFontSet* set = FcConfigGetFonts(config, FcSetApplication);
  if (p && set && FcFontSetAdd(set, p)) return true;
  if (p) FcPatternDestroy(p);
  return false;
}

// The documents' fonts (issue 14.8): the build's subset of Noto Sans CJK SC (GB 2312,
// ASCII, punctuation; printing/make_font_subset.cpp) as kSubsetFamily, and the full
// font's faces (the .ttc the subset was made from) as the fallback for every character
// the subset lacks, e.g. a rare character in an organisation's name. A configuration of
// its own: no XML configuration to parse and no system font list to sort on each new
// pattern. Null when a file is missing: the process then uses fontconfig's default
// configuration (the full font, as before).
FcConfig* document_font_config() {
  const fs::path dir = font_dir();
  std::error_code ec;
  for (const char* f : {kSubsetRegularFile, kSubsetBoldFile})
    if (!fs::is_regular_file(dir / f, ec)) return nullptr;
  for (const char* f : {CERTDESK_CJK_REGULAR_FONT, CERTDESK_CJK_BOLD_FONT})
    if (!fs::is_regular_file(f, ec)) return nullptr;
  FcConfig* config = FcConfigCreate();
  bool ok = config != nullptr;
  for (const char* f : {kSubsetRegularFile, kSubsetBoldFile})
    ok = ok && FcConfigAppFontAddFile(config, reinterpret_cast<const FcChar8*>((dir / f).c_str()));
  if (ok) rename_all(FcConfigGetFonts(config, FcSetApplication), kSubsetFamily);
  for (const char* f : {CERTDESK_CJK_REGULAR_FONT, CERTDESK_CJK_BOLD_FONT}) ok = ok && add_face(config, f, CERTDESK_CJK_SC_FACE);
  if (!ok && config) {
    FcConfigDestroy(config);
    return nullptr;
  }
  return config;
}

}  // namespace

PangoFontMap* shared_font_map() {
  // Created once, never freed: it lives as long as the process, like pango's default map.
  static PangoFontMap* const map = [] {
    PangoFontMap* m = pango_cairo_font_map_new();
    if (FcConfig* config = document_font_config()) {
      pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(m), config);   // takes a reference
      FcConfigDestroy(config);
    }
    return m;
  }();
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
