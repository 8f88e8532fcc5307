#pragma once
// Internal to printing/: the display list a DocumentLayout is made of, and the
// builder that measures text with pango and breaks pages. Not for other folders.

#include <cairo.h>
#include <pango/pangocairo.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "common/handle.h"
#include "printing/layout.h"

namespace certdesk::printing::detail {

struct Rgb {
  double r = 0, g = 0, b = 0;
};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kGrey{0.35, 0.35, 0.35};
inline constexpr Rgb kLight{0.92, 0.92, 0.92};
inline constexpr Rgb kRed{0.78, 0.08, 0.08};

enum class Align { left, center, right };

struct TextStyle {
  double size = 10;  // points
  bool bold = false;
  Align align = Align::left;
  Rgb color = kBlack;
};

// Text set in a box `width` wide (wrapped there; width <= 0: one unwrapped line), top at y.
struct TextItem {
  double x = 0, y = 0, width = 0;
  std::string text;
  TextStyle style;
};
struct LineItem {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width = 0.6;
  Rgb color = kBlack;
  bool dashed = false;
};
struct RectItem {
  double x = 0, y = 0, w = 0, h = 0;
  Rgb color = kBlack;
  bool filled = false;
  double line_width = 0.6;
};
// A QR symbol: `size` × `size` modules, dark[i] for module (i % size, i / size). (x, y) is
// the top-left corner of the quiet zone, which is `quiet` modules wide on every side.
struct QrItem {
  double x = 0, y = 0, module = 1;
  int size = 0;
  int quiet = 4;
  std::vector<unsigned char> dark;
};
// Large rotated text (the 作废 mark) with an optional smaller second line, centred on (cx, cy).
struct StampItem {
  double cx = 0, cy = 0, angle_degrees = 0, size = 60;
  std::string text;
  std::string subtitle;
  Rgb color = kRed;
  double alpha = 0.35;
};

using Item = std::variant<TextItem, LineItem, RectItem, QrItem, StampItem>;

struct Page {
  std::vector<Item> items;
};

}  // namespace certdesk::printing::detail

namespace certdesk::printing {
struct DocumentLayout::Pages {
  PageSize size;
  std::string title;
  std::vector<detail::Page> pages;
};
}  // namespace certdesk::printing

namespace certdesk::printing::detail {

// Encodes text as a QR symbol (error correction M, 8-bit). Throws Error when libqrencode fails.
QrItem make_qr(const std::string& text, double x, double y, double module, int quiet = 4);

// One pango font map for the whole process (pango's default map is one per thread, and
// each new thread would load fontconfig's faces again), and the lock every use of it
// holds: a font map is not safe for two threads at once. Recursive, so a layout drawn
// while a builder is alive does not deadlock.
PangoFontMap* shared_font_map();
using PangoLock = std::unique_lock<std::recursive_mutex>;
PangoLock lock_pango();

// Lays content out top to bottom: a cursor y, margins, page breaks (none on a roll,
// whose page grows). Measures text exactly as DocumentLayout::draw_page sets it.
class PageBuilder {
 public:
  PageBuilder(Paper paper, std::string title);
  ~PageBuilder();
  PageBuilder(const PageBuilder&) = delete;
  PageBuilder& operator=(const PageBuilder&) = delete;

  Paper paper() const { return paper_; }
  double left() const { return margin_x_; }
  double right() const { return width_ - margin_x_; }
  double content_width() const { return width_ - 2 * margin_x_; }
  double page_width() const { return width_; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  void advance(double dy) { y_ += dy; }
  int page_index() const { return static_cast<int>(pages_.size()) - 1; }

  // Height and natural width of text set in `width` (<= 0: unwrapped).
  double text_height(const std::string& text, const TextStyle& style, double width);
  double text_width(const std::string& text, const TextStyle& style);

  // Adds text at (x, y) without moving the cursor; returns its height.
  double text_at(double x, double y, double width, const std::string& text, const TextStyle& style);
  // Adds text at the cursor across [x, x + width] after need(); moves the cursor below it.
  double paragraph(const std::string& text, const TextStyle& style, double x, double width);
  double paragraph(const std::string& text, const TextStyle& style) {
    return paragraph(text, style, left(), content_width());
  }

  void add(Item item);

  // Makes room for `height` points below the cursor: starts a new page when the
  // current one has too little left (never on a roll, nor on an empty page).
  // Returns true when it started a new page.
  bool need(double height);
  void new_page();

  // Finishes the document: sets a roll's height to its content, then runs decorate
  // once per page with its index, the page count and the page size (footers, stamps).
  using Decorate = std::function<void(Page& page, int index, int count, PageSize size)>;
  std::shared_ptr<const DocumentLayout::Pages> finish(const Decorate& decorate);

  double bottom_limit() const;

 private:
  PangoLayout* measure(const std::string& text, const TextStyle& style, double width);

  PangoLock pango_lock_;  // first: held until the pango objects below are gone
  Paper paper_;
  std::string title_;
  double width_ = 0, height_ = 0;  // height 0 on a roll until finish()
  double margin_x_ = 0, margin_top_ = 0, margin_bottom_ = 0;
  double y_ = 0;
  std::vector<Page> pages_;
  // The layout holds a reference to the context: declared after it, released first.
  std::unique_ptr<PangoContext, CFree<g_object_unref>> context_;
  std::unique_ptr<PangoLayout, CFree<g_object_unref>> layout_;
};

// Applies the text settings measurement and drawing share: the font, absolute size,
// weight, wrap width and alignment.
void set_layout_text(PangoLayout* layout, const std::string& text, const TextStyle& style, double width);
// Font options shared by measuring and drawing so line breaks agree on every target.
void set_context_options(PangoContext* context);

}  // namespace certdesk::printing::detail
