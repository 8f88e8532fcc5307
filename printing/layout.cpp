#include "printing/layout.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "common/error.h"
#include "common/i18n.h"
#include "printing/amount_words.h"
#include "printing/page_builder.h"

namespace certdesk::printing {

using detail::Align;
using detail::PageBuilder;
using detail::Rgb;
using detail::TextStyle;

// ---------------------------------------------------------------------------
// DocumentLayout: replaying the display list on a cairo context

namespace {

template <typename T>
using GPtr = std::unique_ptr<T, CFree<g_object_unref>>;

void set_source(cairo_t* cr, const Rgb& c, double alpha = 1.0) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

class Painter {
 public:
  // What pango_cairo_create_context does, on the process's font map.
  explicit Painter(cairo_t* cr) : cr_(cr), context_(pango_font_map_create_context(detail::shared_font_map())) {
    pango_cairo_update_context(cr_, context_.get());
    detail::set_context_options(context_.get());
    layout_.reset(pango_layout_new(context_.get()));
  }

  void operator()(const detail::TextItem& t) {
    detail::set_layout_text(layout_.get(), t.text, t.style, t.width);
    set_source(cr_, t.style.color);
    cairo_move_to(cr_, t.x, t.y);
    pango_cairo_show_layout(cr_, layout_.get());
  }
  void operator()(const detail::LineItem& l) {
    cairo_save(cr_);
    set_source(cr_, l.color);
    cairo_set_line_width(cr_, l.width);
    if (l.dashed) {
      const double dash[] = {2.0, 2.0};
      cairo_set_dash(cr_, dash, 2, 0);
    }
    cairo_move_to(cr_, l.x1, l.y1);
    cairo_line_to(cr_, l.x2, l.y2);
    cairo_stroke(cr_);
    cairo_restore(cr_);
  }
  void operator()(const detail::RectItem& r) {
    cairo_save(cr_);
    set_source(cr_, r.color);
    cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
    if (r.filled) {
      cairo_fill(cr_);
    } else {
      cairo_set_line_width(cr_, r.line_width);
      cairo_stroke(cr_);
    }
    cairo_restore(cr_);
  }
  void operator()(const detail::QrItem& q) {
    cairo_save(cr_);
    const double side = (q.size + 2 * q.quiet) * q.module;
    cairo_set_source_rgb(cr_, 1, 1, 1);  // the quiet zone must be light whatever lies below
    cairo_rectangle(cr_, q.x, q.y, side, side);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    const double origin_x = q.x + q.quiet * q.module, origin_y = q.y + q.quiet * q.module;
    // One rectangle per horizontal run of dark modules: the same area as one square per
    // module, a third of the path (the PDF's content stream) to write and compress.
    for (int row = 0; row < q.size; ++row) {
      const unsigned char* dark = &q.dark[static_cast<std::size_t>(row) * q.size];
      for (int col = 0; col < q.size;) {
        if (!dark[col]) {
          ++col;
          continue;
        }
        int end = col;
        while (end < q.size && dark[end]) ++end;
        cairo_rectangle(cr_, origin_x + col * q.module, origin_y + row * q.module, (end - col) * q.module, q.module);
        col = end;
      }
    }
    cairo_fill(cr_);  // one path: no seams between neighbouring modules
    cairo_restore(cr_);
  }
  void operator()(const detail::StampItem& s) {
    cairo_save(cr_);
    cairo_translate(cr_, s.cx, s.cy);
    cairo_rotate(cr_, s.angle_degrees * G_PI / 180.0);
    pango_cairo_update_context(cr_, context_.get());
    pango_layout_context_changed(layout_.get());

    TextStyle big{s.size, true, Align::center, s.color};
    detail::set_layout_text(layout_.get(), s.text, big, 0);
    int w = 0, h = 0;
    pango_layout_get_size(layout_.get(), &w, &h);
    const double big_w = static_cast<double>(w) / PANGO_SCALE, big_h = static_cast<double>(h) / PANGO_SCALE;
    double sub_h = 0, sub_w = 0;
    TextStyle small{s.size * 0.16, true, Align::center, s.color};
    const double sub_width = std::max(big_w * 1.15, s.size * 2);
    if (!s.subtitle.empty()) {
      detail::set_layout_text(layout_.get(), s.subtitle, small, sub_width);
      pango_layout_get_size(layout_.get(), &w, &h);
      sub_w = sub_width;
      sub_h = static_cast<double>(h) / PANGO_SCALE;
    }
    const double total_h = big_h + sub_h;
    const double box_w = std::max(big_w, sub_w) + s.size * 0.3, box_h = total_h + s.size * 0.2;
    set_source(cr_, s.color, s.alpha);
    cairo_set_line_width(cr_, s.size / 18);
    cairo_rectangle(cr_, -box_w / 2, -box_h / 2, box_w, box_h);
    cairo_stroke(cr_);

    detail::set_layout_text(layout_.get(), s.text, big, 0);
    cairo_move_to(cr_, -big_w / 2, -total_h / 2);
    pango_cairo_show_layout(cr_, layout_.get());
    if (!s.subtitle.empty()) {
      detail::set_layout_text(layout_.get(), s.subtitle, small, sub_width);
      cairo_move_to(cr_, -sub_width / 2, -total_h / 2 + big_h);
      pango_cairo_show_layout(cr_, layout_.get());
    }
    cairo_restore(cr_);
    pango_cairo_update_context(cr_, context_.get());
    pango_layout_context_changed(layout_.get());
  }

 private:
  cairo_t* cr_;
  GPtr<PangoContext> context_;
  GPtr<PangoLayout> layout_;
};

}  // namespace

DocumentLayout::DocumentLayout(std::shared_ptr<const Pages> pages) : pages_(std::move(pages)) {}

int DocumentLayout::page_count() const { return static_cast<int>(pages_->pages.size()); }

PageSize DocumentLayout::page_size() const { return pages_->size; }

const std::string& DocumentLayout::title() const { return pages_->title; }

void DocumentLayout::draw_page(cairo_t* cr, int page) const {
  if (page < 0 || page >= page_count())
    throw std::out_of_range("page " + std::to_string(page) + " of a " + std::to_string(page_count()) +
                            "-page document");
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, 0, 0, pages_->size.width, pages_->size.height);
  cairo_fill(cr);
  {
    const detail::PangoLock lock = detail::lock_pango();
    Painter painter(cr);
    for (const detail::Item& item : pages_->pages[static_cast<std::size_t>(page)].items) std::visit(painter, item);
  }
  cairo_restore(cr);
}

const char* paper_name(Paper paper) {
  switch (paper) {
    case Paper::a5: return "a5";
    case Paper::a4: return "a4";
    case Paper::roll80: return "roll80";
  }
  return "a5";
}

Paper parse_paper(std::string_view name) {
  for (Paper p : {Paper::a5, Paper::a4, Paper::roll80})
    if (name == paper_name(p)) return p;
  throw InputError(codes::bad_request, msg(tr("unknown paper size \"{}\" (use a5, a4 or roll80)"), name));
}

std::string receipt_qr_text(const ReceiptData& r) {
  return "certdesk:order=" + r.order_no + ";receipt=" + r.receipt_no + ";hash=" + r.journal_hash;
}

// ---------------------------------------------------------------------------
// Building blocks shared by the three documents

namespace {

struct Sizes {
  double body, small, title, heading;
};

Sizes sizes_for(Paper p) {
  switch (p) {
    case Paper::a5: return {9.5, 7.5, 22, 11};
    case Paper::a4: return {10, 8, 24, 12};
    case Paper::roll80: return {8, 6.5, 16, 9};
  }
  return {9.5, 7.5, 22, 11};
}

[[noreturn]] void refuse(const std::string& message) { throw InputError(codes::bad_request, message); }

// The hall's name and the document's title, centred, with a red boxed mark (重印) at the right.
void title_block(PageBuilder& b, const Sizes& sz, const std::string& header, const std::string& subheader,
                 const std::string& title, bool reprint) {
  TextStyle head{sz.body, false, Align::center, detail::kGrey};
  if (!header.empty()) b.paragraph(header, head);
  if (!subheader.empty() && subheader != header) b.paragraph(subheader, head);
  b.advance(sz.body * 0.3);

  TextStyle big{sz.title, true, Align::center};
  const double y0 = b.y();
  const double h = b.text_at(b.left(), y0, b.content_width(), title, big);
  const double title_w = b.text_width(title, big);
  if (reprint) {
    TextStyle mark{sz.heading, true, Align::left, detail::kRed};
    const double pad = sz.heading * 0.35;
    const double w = b.text_width("重印", mark) + 2 * pad;
    const double mh = b.text_height("重印", mark, 0) + pad;
    const double x = b.paper() == Paper::roll80 ? b.right() - w : b.left() + b.content_width() / 2 + title_w / 2 + 14;
    const double y = y0 + (h - mh) / 2;
    b.add(detail::RectItem{x, y, w, mh, detail::kRed, false, 1.2});
    b.text_at(x + pad, y + pad / 2, 0, "重印", mark);
  }
  // The double rule under a Chinese voucher's title.
  const double cx = b.left() + b.content_width() / 2, half = title_w / 2 + sz.title * 0.5;
  const double rule_y = y0 + h + 1;
  b.add(detail::LineItem{cx - half, rule_y, cx + half, rule_y, 1.0});
  b.add(detail::LineItem{cx - half, rule_y + 2.2, cx + half, rule_y + 2.2, 0.5});
  b.set_y(rule_y + 2.2 + sz.body * 0.8);
}

// "label value" on one line pair: left text and right-aligned text; stacked on a roll.
void left_right(PageBuilder& b, const std::string& left_text, const TextStyle& left_style,
                const std::string& right_text, const TextStyle& right_style) {
  if (b.paper() == Paper::roll80) {
    b.paragraph(left_text, left_style);
    TextStyle r = right_style;
    r.align = Align::left;
    b.paragraph(right_text, r);
    return;
  }
  TextStyle r = right_style;
  r.align = Align::right;
  const double half = b.content_width() / 2;
  const double h = std::max(b.text_height(left_text, left_style, half), b.text_height(right_text, r, half));
  b.need(h);
  b.text_at(b.left(), b.y(), half, left_text, left_style);
  b.text_at(b.left() + half, b.y(), half, right_text, r);
  b.advance(h);
}

// "label：value" with the value wrapped in its own column.
void field(PageBuilder& b, const std::string& label, const std::string& value, const TextStyle& style,
           double label_width) {
  TextStyle lab = style;
  lab.color = detail::kGrey;
  const double vw = b.content_width() - label_width;
  const double h = std::max(b.text_height(label, lab, label_width), b.text_height(value, style, vw));
  b.need(h);
  b.text_at(b.left(), b.y(), label_width, label, lab);
  b.text_at(b.left() + label_width, b.y(), vw, value, style);
  b.advance(h + style.size * 0.35);
}

struct Column {
  std::string heading;
  double fraction;  // of the content width
  Align align = Align::left;
};

struct Cell {
  std::string text;
  int span = 1;
  std::optional<Align> align;
  bool bold = false;
  Rgb color = detail::kBlack;
};

// A ruled table. Rows that do not fit start a new page, where the heading row is repeated.
class Table {
 public:
  Table(PageBuilder& b, std::vector<Column> columns, double size)
      : b_(b), columns_(std::move(columns)), size_(size), pad_(size * 0.32) {
    double x = b_.left();
    for (const Column& c : columns_) {
      xs_.push_back(x);
      x += c.fraction * b_.content_width();
    }
    xs_.push_back(b_.right());
  }

  void heading() {
    std::vector<Cell> cells;
    for (const Column& c : columns_) cells.push_back(Cell{c.heading, 1, Align::center, true});
    b_.need(2 * height(cells));  // never a heading alone at the foot of a page
    draw(cells, true);
  }

  void row(const std::vector<Cell>& cells, bool fill = false) {
    const double h = height(cells);
    if (b_.need(h)) heading();  // continued on a new page
    draw(cells, fill);
  }

 private:
  double height(const std::vector<Cell>& cells) {
    double h = 0;
    std::size_t col = 0;
    for (const Cell& c : cells) {
      const double w = xs_[std::min(col + c.span, columns_.size())] - xs_[col] - 2 * pad_;
      TextStyle s{size_, c.bold, Align::left};
      h = std::max(h, b_.text_height(c.text, s, w));
      col += static_cast<std::size_t>(c.span);
    }
    return h + 2 * pad_;
  }

  void draw(const std::vector<Cell>& cells, bool fill) {
    const double h = height(cells);
    const double top = b_.y();
    if (fill) b_.add(detail::RectItem{b_.left(), top, b_.content_width(), h, detail::kLight, true});
    std::size_t col = 0;
    for (const Cell& c : cells) {
      const std::size_t end = std::min(col + c.span, columns_.size());
      const double x = xs_[col], w = xs_[end] - x - 2 * pad_;
      TextStyle s{size_, c.bold, c.align.value_or(columns_[col].align), c.color};
      b_.text_at(x + pad_, top + pad_, w, c.text, s);
      b_.add(detail::LineItem{x, top, x, top + h, 0.5});
      col = end;
    }
    b_.add(detail::LineItem{b_.right(), top, b_.right(), top + h, 0.5});
    b_.add(detail::LineItem{b_.left(), top, b_.right(), top, 0.5});
    b_.add(detail::LineItem{b_.left(), top + h, b_.right(), top + h, 0.5});
    b_.advance(h);
  }

  PageBuilder& b_;
  std::vector<Column> columns_;
  std::vector<double> xs_;
  double size_, pad_;
};

void section(PageBuilder& b, const Sizes& sz, const std::string& heading) {
  TextStyle s{sz.heading, true};
  const double h = b.text_height(heading, s, b.content_width());
  b.advance(sz.body * 0.8);
  b.need(h + 3 * sz.body * 1.8);  // keep a heading with the first rows below it
  b.text_at(b.left(), b.y(), b.content_width(), heading, s);
  b.advance(h + sz.body * 0.4);
}

// "label：______ 日期：______" lines for hand-written signatures.
void signature_line(PageBuilder& b, const Sizes& sz, const std::string& label, const std::string& printed_name) {
  TextStyle s{sz.body + 0.5};
  const double h = b.text_height(label, s, 0);
  const double row_h = h * 2.1;
  const double date_label_w = b.text_width("日期：", s);
  const double label_w = b.text_width(label, s);
  auto rule = [&](double x1, double x2, double baseline) {
    b.add(detail::LineItem{x1, baseline, x2, baseline, 0.6});
  };
  if (b.paper() == Paper::roll80) {
    b.need(2 * row_h);
    double base = b.y() + row_h;
    b.text_at(b.left(), base - h, 0, label, s);
    rule(b.left() + label_w + 2, b.right(), base);
    base += row_h;
    b.text_at(b.left(), base - h, 0, "日期：", s);
    rule(b.left() + date_label_w + 2, b.right(), base);
    b.set_y(base + sz.small);
  } else {
    b.need(row_h + sz.small * 2);
    const double base = b.y() + row_h;
    const double date_w = b.content_width() * 0.3;
    const double sign_end = b.right() - date_w - 14;
    b.text_at(b.left(), base - h, 0, label, s);
    rule(b.left() + label_w + 2, sign_end, base);
    const double date_x = sign_end + 14;
    b.text_at(date_x, base - h, 0, "日期：", s);
    rule(date_x + date_label_w + 2, b.right(), base);
    b.set_y(base + 2);
  }
  if (!printed_name.empty()) {
    TextStyle small{sz.small, false, Align::left, detail::kGrey};
    b.text_at(b.left() + label_w + 4, b.y(), 0, printed_name, small);
    b.advance(b.text_height(printed_name, small, 0));
  }
}

void footer(detail::Page& page, PageSize size, Paper paper, const std::string& left_text, int index, int count) {
  if (paper == Paper::roll80) return;
  const Sizes sz = sizes_for(paper);
  // Same margins as PageBuilder's: 18 mm (A4) or 14 mm (A5) at the sides, 14 mm at the foot.
  const double margin = paper == Paper::a4 ? 18 * 72 / 25.4 : 14 * 72 / 25.4;
  const double y = size.height - 14 * 72 / 25.4;
  const double w = size.width - 2 * margin;
  TextStyle s{sz.small, false, Align::left, detail::kGrey};
  page.items.push_back(detail::LineItem{margin, y - 3, size.width - margin, y - 3, 0.4, detail::kGrey});
  page.items.push_back(detail::TextItem{margin, y, w, left_text, s});
  s.align = Align::right;
  page.items.push_back(detail::TextItem{margin, y, w,
                                        "第 " + std::to_string(index + 1) + " 页 / 共 " + std::to_string(count) + " 页",
                                        s});
}

std::string or_dash(const std::string& s) { return s.empty() ? "—" : s; }

}  // namespace

// ---------------------------------------------------------------------------
// Receipt (收据)

namespace {

void check_receipt(const ReceiptData& r) {
  if (r.receipt_no.empty()) refuse("the receipt has no number");
  if (r.lines.empty()) refuse("receipt " + r.receipt_no + " has no items");
  std::int64_t sum = 0;
  for (const ReceiptLine& line : r.lines) {
    std::int64_t product = 0;
    if (line.quantity <= 0 || line.unit_fen < 0 || __builtin_mul_overflow(line.quantity, line.unit_fen, &product) ||
        product != line.amount_fen)
      refuse("receipt " + r.receipt_no + ": the amount of \"" + line.item + "\" is not quantity × unit price");
    if (__builtin_add_overflow(sum, line.amount_fen, &sum) || sum > kMaxFen)
      refuse("receipt " + r.receipt_no + ": the total is larger than a receipt can carry");
  }
  if (sum != r.total_fen)
    refuse("receipt " + r.receipt_no + ": the total " + format_yuan(r.total_fen) + " is not the sum of its items (" +
           format_yuan(sum) + ")");
  if (r.voided && r.void_reason.empty()) refuse("voided receipt " + r.receipt_no + " has no reason");
}

}  // namespace

DocumentLayout layout_receipt(const ReceiptData& r, Paper paper) {
  check_receipt(r);
  const std::string words = amount_in_words(r.total_fen);
  const Sizes sz = sizes_for(paper);
  const bool roll = paper == Paper::roll80;
  PageBuilder b(paper, "收据 " + r.receipt_no);

  title_block(b, sz, r.payee, r.branch_name, roll ? "收 据" : "收　　据", r.reprint);

  TextStyle body{sz.body};
  TextStyle number{sz.body + 1, true, Align::right, detail::kRed};
  left_right(b, "日期：" + r.issued_at, body, "No. " + r.receipt_no, number);
  b.advance(sz.body * 0.6);

  if (r.voided) {
    TextStyle red{sz.body, true, Align::left, detail::kRed};
    std::string text = "本收据已作废。原因：" + r.void_reason;
    if (!r.voided_by.empty()) text += "；批准：" + r.voided_by;
    if (!r.voided_at.empty()) text += "；时间：" + r.voided_at;
    const double pad = sz.body * 0.45;
    const double h = b.text_height(text, red, b.content_width() - 2 * pad);
    b.need(h + 2 * pad);
    b.add(detail::RectItem{b.left(), b.y(), b.content_width(), h + 2 * pad, detail::kRed, false, 1.0});
    b.text_at(b.left() + pad, b.y() + pad, b.content_width() - 2 * pad, text, red);
    b.advance(h + 2 * pad + sz.body * 0.6);
  }

  const double label_w = b.text_width("统一社会信用代码：", body) + 2;
  field(b, "交款单位：", or_dash(r.payer), TextStyle{sz.body, true}, label_w);
  if (!r.payer_uscc.empty()) field(b, "统一社会信用代码：", r.payer_uscc, body, label_w);
  field(b, "订单号：", or_dash(r.order_no), body, label_w);
  b.advance(sz.body * 0.3);

  std::vector<Column> cols = roll ? std::vector<Column>{{"项目", 0.40}, {"数量", 0.12, Align::right},
                                                        {"单价", 0.23, Align::right}, {"金额", 0.25, Align::right}}
                                  : std::vector<Column>{{"收费项目", 0.46}, {"数量", 0.12, Align::right},
                                                        {"单价（元）", 0.20, Align::right},
                                                        {"金额（元）", 0.22, Align::right}};
  Table table(b, cols, sz.body);
  table.heading();
  for (const ReceiptLine& line : r.lines)
    table.row({{line.item}, {std::to_string(line.quantity)}, {format_fen(line.unit_fen)}, {format_fen(line.amount_fen)}});
  table.row({{"合计（小写）", 3, Align::left, true}, {format_yuan(r.total_fen), 1, Align::right, true}});
  table.row({{roll ? "大写" : "合计（大写）", 1, Align::left, true}, {words, 3, Align::left, true}});
  b.advance(sz.body * 0.9);

  field(b, "支付方式：", or_dash(r.payment_method), body, label_w);
  if (r.invoice_no && !r.invoice_no->empty()) field(b, "发票号：", *r.invoice_no, body, label_w);
  field(b, "收款单位（盖章）：", or_dash(r.payee), body, label_w);
  field(b, "收款人：", or_dash(r.teller), body, label_w);

  // The QR code ties the paper to the journal entry of the payment.
  const double module = roll ? 1.45 : 1.6;
  b.advance(sz.body * 0.5);
  detail::QrItem qr = detail::make_qr(receipt_qr_text(r), 0, 0, module);
  const double side = (qr.size + 2 * qr.quiet) * module;
  TextStyle small{sz.small, false, Align::left, detail::kGrey};
  TextStyle small_bold{sz.small + 0.5, true, Align::left, detail::kBlack};
  const std::string caption = "扫码核验：收据与业务流水对应";
  const std::string hash_line = "流水哈希：" + or_dash(r.journal_hash);
  const std::string note = "凭二维码可核对本收据与业务流水，请妥善保管。";
  if (roll) {
    b.need(side);
    qr.x = b.left() + (b.content_width() - side) / 2;
    qr.y = b.y();
    b.add(qr);
    b.advance(side);
    small.align = Align::center;
    small_bold.align = Align::center;
    b.paragraph(caption, small_bold);
    b.paragraph(hash_line, small);
    b.paragraph(note, small);
  } else {
    const double text_x = b.left() + side + 6, text_w = b.content_width() - side - 6;
    const double text_h = b.text_height(caption, small_bold, text_w) + b.text_height(hash_line, small, text_w) +
                          b.text_height(note, small, text_w) + 8;
    b.need(std::max(side, text_h));
    qr.x = b.left() - qr.quiet * module;  // align the symbol, not its quiet zone, with the margin
    qr.y = b.y();
    b.add(qr);
    double ty = b.y() + qr.quiet * module;
    ty += b.text_at(text_x, ty, text_w, caption, small_bold) + 4;
    ty += b.text_at(text_x, ty, text_w, hash_line, small) + 4;
    ty += b.text_at(text_x, ty, text_w, note, small);
    b.set_y(b.y() + std::max(side, ty - b.y()));
  }

  const std::string footer_text = "收据 No. " + r.receipt_no + (r.reprint ? "（重印）" : "");
  auto layout = b.finish([&](detail::Page& page, int index, int count, PageSize size) {
    if (count > 1) footer(page, size, paper, footer_text, index, count);
    if (r.voided) {
      detail::StampItem stamp;
      stamp.cx = size.width / 2;
      stamp.cy = size.height / 2;
      stamp.angle_degrees = -30;
      stamp.size = paper == Paper::a4 ? 150 : paper == Paper::a5 ? 110 : 60;
      stamp.text = "作废";
      stamp.subtitle = "原因：" + r.void_reason;
      page.items.push_back(stamp);
    }
  });
  return DocumentLayout(std::move(layout));
}

// ---------------------------------------------------------------------------
// Handover slip (领取单)

DocumentLayout layout_slip(const HandoverSlipData& s, Paper paper) {
  if (s.order_no.empty()) refuse("the handover slip has no order number");
  const Sizes sz = sizes_for(paper);
  const bool roll = paper == Paper::roll80;
  PageBuilder b(paper, "领取单 " + s.order_no);

  title_block(b, sz, s.branch_name, "", roll ? "领取单" : "领　取　单", s.reprint);
  TextStyle body{sz.body};
  left_right(b, "订单号：" + s.order_no, body, "日期：" + s.issued_at, body);
  b.advance(sz.body * 0.6);

  auto with = [](const std::string& main, const std::string& extra) {
    if (extra.empty()) return main;
    return main.empty() ? extra : main + "（" + extra + "）";
  };
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"业务类型", s.flow},
      {"单位名称", s.organisation},
      {"统一社会信用代码", s.uscc},
      {"经办人", with(s.handler_name, s.handler_id_masked.empty() ? "" : "证件号 " + s.handler_id_masked)},
      {"USBKEY 序列号", with(s.token_serial, s.token_vendor)},
      {"证书序列号", s.certificate_serial},
      {"证书主题", s.certificate_subject},
      {"证书有效期", s.valid_from.empty() && s.valid_to.empty() ? "" : or_dash(s.valid_from) + " 至 " + or_dash(s.valid_to)},
      {"收据号", s.receipt_no},
  };
  Table table(b, {{"项目", roll ? 0.36 : 0.28}, {"内容", roll ? 0.64 : 0.72}}, sz.body);
  for (const auto& [label, value] : rows) {
    if (value.empty()) continue;
    table.row({{label, 1, Align::left, false, detail::kGrey}, {value}});
  }

  section(b, sz, "交付物品");
  if (s.items_returned.empty()) b.paragraph("（无）", body);
  for (std::size_t i = 0; i < s.items_returned.size(); ++i) {
    const std::string n = std::to_string(i + 1) + ". ";
    const double nw = b.text_width("00. ", body);
    const double h = b.text_height(s.items_returned[i], body, b.content_width() - nw);
    b.need(h);
    b.text_at(b.left(), b.y(), nw, n, body);
    b.text_at(b.left() + nw, b.y(), b.content_width() - nw, s.items_returned[i], body);
    b.advance(h + sz.body * 0.25);
  }

  section(b, sz, "说明");
  std::vector<std::string> notes = s.notes;
  notes.push_back("客户已当面核对以上物品及证书信息，确认无误。");
  for (const std::string& note : notes) {
    b.paragraph("• " + note, body);
    b.advance(sz.body * 0.25);
  }

  b.advance(sz.body * 1.2);
  signature_line(b, sz, "客户签字：", "");
  b.advance(sz.body * 0.6);
  signature_line(b, sz, "柜员签字：", s.teller);

  const std::string footer_text = "领取单 " + s.order_no;
  auto layout = b.finish([&](detail::Page& page, int index, int count, PageSize size) {
    if (count > 1) footer(page, size, paper, footer_text, index, count);
  });
  return DocumentLayout(std::move(layout));
}

// ---------------------------------------------------------------------------
// Daily report (日终报表)

namespace {

void totals_table(PageBuilder& b, const Sizes& sz, const std::string& heading, const std::string& what,
                  const std::vector<ReportTotalRow>& rows) {
  section(b, sz, heading);
  if (rows.empty()) {
    b.paragraph("（无）", TextStyle{sz.body, false, Align::left, detail::kGrey});
    return;
  }
  Table table(b, {{what, 0.5}, {"笔数", 0.2, Align::right}, {"金额（元）", 0.3, Align::right}}, sz.body);
  table.heading();
  std::int64_t count = 0, fen = 0;
  for (const ReportTotalRow& r : rows) {
    table.row({{r.label}, {std::to_string(r.count)}, {format_fen(r.amount_fen)}});
    count += r.count;
    fen += r.amount_fen;
  }
  table.row({{"合计", 1, std::nullopt, true}, {std::to_string(count), 1, std::nullopt, true},
             {format_fen(fen), 1, std::nullopt, true}},
            true);
}

}  // namespace

DocumentLayout layout_daily_report(const DailyReportData& d, Paper paper) {
  if (d.business_day.empty()) refuse("the daily report has no business day");
  const Sizes sz = sizes_for(paper);
  PageBuilder b(paper, "日终报表 " + d.business_day);

  title_block(b, sz, d.branch_name, "", "日终报表", false);
  TextStyle body{sz.body};
  left_right(b, "营业日：" + d.business_day, TextStyle{sz.body, true}, "生成：" + or_dash(d.generated_at) +
                                                                         (d.generated_by.empty() ? "" : " " + d.generated_by),
             body);
  b.advance(sz.body * 0.6);

  std::string money = format_yuan(d.total_fen);
  if (d.total_fen >= 0 && d.total_fen <= kMaxFen) money += "（" + amount_in_words(d.total_fen) + "）";
  std::string seq;
  if (!d.first_seq.empty() || !d.last_seq.empty()) seq = "（序号 " + or_dash(d.first_seq) + " – " + or_dash(d.last_seq) + "）";
  const std::string close = d.closed ? "已签退：" + or_dash(d.closed_by) + (d.closed_at.empty() ? "" : " " + d.closed_at)
                                     : "未签退（报表内容仍可能变化）";
  Table summary(b, {{"项目", 0.18}, {"内容", 0.82}}, sz.body);
  const std::vector<std::pair<std::string, std::string>> facts = {
      {"网点", or_dash(d.branch_name)},
      {"柜台", or_dash(d.workstation)},
      {"收款合计", money},
      {"收据", "开具 " + std::to_string(d.receipts_issued) + " 张，其中作废 " + std::to_string(d.receipts_voided) + " 张"},
      {"流水条数", std::to_string(d.entry_count) + " 条" + seq},
      {"流水末端哈希", or_dash(d.journal_head_hash)},
      {"日终签退", close},
      {"主管签名", or_dash(d.signature_status)},
      {"签名密钥指纹", or_dash(d.key_fingerprint)},
  };
  for (const auto& [label, value] : facts) summary.row({{label, 1, Align::left, false, detail::kGrey}, {value}});

  section(b, sz, "异常事项（" + std::to_string(d.exceptions.size()) + "）");
  if (d.exceptions.empty()) {
    b.paragraph("无异常事项。", TextStyle{sz.body, false, Align::left, detail::kGrey});
  } else {
    Table ex(b, {{"时间", 0.10}, {"类别", 0.11}, {"柜员", 0.13}, {"订单号", 0.24}, {"说明", 0.42}}, sz.body);
    ex.heading();
    for (const ReportException& e : d.exceptions)
      ex.row({{e.time}, {e.kind, 1, std::nullopt, true, detail::kRed}, {e.teller}, {e.order_no}, {e.detail}});
  }

  totals_table(b, sz, "按业务类型汇总", "业务类型", d.by_flow);
  totals_table(b, sz, "按柜员汇总", "柜员", d.by_teller);
  totals_table(b, sz, "按支付方式汇总", "支付方式", d.by_payment_method);

  b.advance(sz.body * 0.8);
  signature_line(b, sz, "主管签字：", d.closed ? d.closed_by : "");

  const std::string footer_text = "日终报表 · " + (d.branch_name.empty() ? "" : d.branch_name + " · ") +
                                  (d.workstation.empty() ? "" : "柜台 " + d.workstation + " · ") + d.business_day;
  auto layout = b.finish([&](detail::Page& page, int index, int count, PageSize size) {
    footer(page, size, paper, footer_text, index, count);
  });
  return DocumentLayout(std::move(layout));
}

}  // namespace certdesk::printing
