#include "printing/page_builder.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "common/error.h"

namespace certdesk::printing::detail {
namespace {

constexpr double kMm = 72.0 / 25.4;


}  // namespace

void set_context_options(PangoContext* context) {
  // Unhinted metrics: glyph advances scale linearly, so a line broken while
  // measuring breaks at the same place on a PDF page, a preview or a printer.
  std::unique_ptr<cairo_font_options_t, CFree<cairo_font_options_destroy>> options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context, options.get());   // copies them
  pango_cairo_context_set_resolution(context, 72.0);
}

void set_layout_text(PangoLayout* layout, const std::string& text, const TextStyle& style, double width) {
  std::unique_ptr<PangoFontDescription, CFree<pango_font_description_free>> font(pango_font_description_new());
  pango_font_description_set_family(font.get(), kFontFamilies);
  pango_font_description_set_weight(font.get(), style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
  pango_layout_set_font_description(layout, font.get());
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width(layout, width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
  PangoAlignment align = PANGO_ALIGN_LEFT;
  if (style.align == Align::center) align = PANGO_ALIGN_CENTER;
  if (style.align == Align::right) align = PANGO_ALIGN_RIGHT;
  pango_layout_set_alignment(layout, align);
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
}

QrItem make_qr(const std::string& text, double x, double y, double module, int quiet) {
  errno = 0;
  std::unique_ptr<QRcode, CFree<QRcode_free>> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code)
    throw Error(ErrorKind::other, codes::bad_request,
                std::string("cannot make the receipt's QR code: ") + std::strerror(errno));
  QrItem qr;
  qr.x = x;
  qr.y = y;
  qr.module = module;
  qr.size = code->width;
  qr.quiet = quiet;
  qr.dark.resize(static_cast<std::size_t>(code->width) * code->width);
  for (std::size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = code->data[i] & 1;
  return qr;
}

PageBuilder::PageBuilder(Paper paper, std::string title)
    : pango_lock_(lock_pango()), paper_(paper), title_(std::move(title)) {
  switch (paper) {
    case Paper::a5:
      width_ = 148 * kMm;
      height_ = 210 * kMm;
      margin_x_ = 14 * kMm;
      margin_top_ = 12 * kMm;
      margin_bottom_ = 14 * kMm;
      break;
    case Paper::a4:
      width_ = 210 * kMm;
      height_ = 297 * kMm;
      margin_x_ = 18 * kMm;
      margin_top_ = 16 * kMm;
      margin_bottom_ = 14 * kMm;
      break;
    case Paper::roll80:
      width_ = 80 * kMm;
      height_ = 0;
      margin_x_ = 4 * kMm;
      margin_top_ = 5 * kMm;
      margin_bottom_ = 8 * kMm;
      break;
  }
  context_.reset(pango_font_map_create_context(shared_font_map()));
  set_context_options(context_.get());
  layout_.reset(pango_layout_new(context_.get()));
  pages_.emplace_back();
  y_ = margin_top_;
}

PageBuilder::~PageBuilder() = default;

PangoLayout* PageBuilder::measure(const std::string& text, const TextStyle& style, double width) {
  set_layout_text(layout_.get(), text, style, width);
  return layout_.get();
}

double PageBuilder::text_height(const std::string& text, const TextStyle& style, double width) {
  int w = 0, h = 0;
  pango_layout_get_size(measure(text, style, width), &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

double PageBuilder::text_width(const std::string& text, const TextStyle& style) {
  int w = 0, h = 0;
  pango_layout_get_size(measure(text, style, 0), &w, &h);
  return static_cast<double>(w) / PANGO_SCALE;
}

double PageBuilder::text_at(double x, double y, double width, const std::string& text, const TextStyle& style) {
  pages_.back().items.push_back(TextItem{x, y, width, text, style});
  return text_height(text, style, width);
}

double PageBuilder::paragraph(const std::string& text, const TextStyle& style, double x, double width) {
  const double h = text_height(text, style, width);
  need(h);
  text_at(x, y_, width, text, style);
  y_ += h;
  return h;
}

void PageBuilder::add(Item item) { pages_.back().items.push_back(std::move(item)); }

double PageBuilder::bottom_limit() const {
  return paper_ == Paper::roll80 ? 1e12 : height_ - margin_bottom_ - 14;  // 14 pt kept for the footer
}

bool PageBuilder::need(double height) {
  if (paper_ == Paper::roll80) return false;
  if (y_ + height <= bottom_limit()) return false;
  if (pages_.back().items.empty() || y_ <= margin_top_) return false;  // would not fit on any page
  new_page();
  return true;
}

void PageBuilder::new_page() {
  pages_.emplace_back();
  y_ = margin_top_;
}

std::shared_ptr<const DocumentLayout::Pages> PageBuilder::finish(const Decorate& decorate) {
  auto result = std::make_shared<DocumentLayout::Pages>();
  result->title = title_;
  result->size = {width_, paper_ == Paper::roll80 ? y_ + margin_bottom_ : height_};
  const int count = static_cast<int>(pages_.size());
  for (int i = 0; i < count; ++i)
    if (decorate) decorate(pages_[i], i, count, result->size);
  result->pages = std::move(pages_);
  pages_.clear();
  return result;
}

}  // namespace certdesk::printing::detail
