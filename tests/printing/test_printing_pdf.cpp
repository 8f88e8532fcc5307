// Receipt, slip and daily report PDFs, read back with poppler-utils and zbar.
#include <boost/test/unit_test.hpp>

#include <cairo.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "printing/amount_words.h"
#include "printing/layout.h"
#include "printing/pdf.h"
#include "tests/printing/samples.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using namespace certdesk::printing;
using certdesk::test::run;
using certdesk::test::TempDir;
using certdesk::test::kHash;
using certdesk::test::sample_receipt;
using certdesk::test::sample_slip;

namespace {

DailyReportData sample_report(int exceptions) {
  DailyReportData d;
  d.business_day = "2026-11-22";
  d.branch_name = "朝阳营业厅";
  d.workstation = "W03";
  d.generated_at = "2026-11-22 17:40";
  d.generated_by = "王主管";
  for (int i = 0; i < exceptions; ++i)
    d.exceptions.push_back({"10:" + std::to_string(10 + i % 50), i % 2 ? "失败" : "作废", "张晓明",
                            "BJ01-20261122-" + std::to_string(1000 + i), "错误码 9004：口令错误 第 " + std::to_string(i) + " 次"});
  d.by_flow = {{"证书新办", 12, 60000}, {"证书更新", 5, 25000}, {"解锁", 3, 0}};
  d.by_teller = {{"张晓明", 14, 60000}, {"刘芳", 6, 25000}};
  d.by_payment_method = {{"现金", 4, 20000}, {"微信支付", 13, 65000}};
  d.total_fen = 85000;
  d.receipts_issued = 18;
  d.receipts_voided = 1;
  d.entry_count = 311;
  d.first_seq = "40211";
  d.last_seq = "40521";
  d.journal_head_hash = kHash;
  d.closed = true;
  d.closed_by = "王主管";
  d.closed_at = "2026-11-22 17:45";
  d.signature_status = "已用主管令牌签名（ECDSA P-256，验证通过）";
  return d;
}

std::string pdftotext(const fs::path& pdf, int page = 0) {
  std::vector<std::string> argv = {"pdftotext", "-layout"};
  if (page > 0) argv.insert(argv.end(), {"-f", std::to_string(page), "-l", std::to_string(page)});
  argv.insert(argv.end(), {pdf.string(), "-"});
  auto r = run(argv);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "pdftotext failed: " + r.err);
  return r.out;
}

int pdf_pages(const fs::path& pdf) {
  auto r = run({"pdfinfo", pdf.string()});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  const auto at = r.out.find("Pages:");
  BOOST_REQUIRE(at != std::string::npos);
  return std::stoi(r.out.substr(at + 6));
}

// pdftotext without the blanks it puts between glyphs it finds apart (rotated text, spaced numbers).
std::string compact(std::string text) {
  std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\f'; });
  return text;
}

std::string raw_page_text(const fs::path& pdf, int page) {
  auto r = run({"pdftotext", "-raw", "-f", std::to_string(page), "-l", std::to_string(page), pdf.string(), "-"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "pdftotext failed: " + r.err);
  return compact(r.out);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Decodes the QR code of page 1 as zbarimg reads it from a 200 dpi scan.
std::string decode_qr(const TempDir& dir, const fs::path& pdf) {
  const fs::path png_base = dir / "scan";
  auto r = run({"pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1", pdf.string(), png_base.string()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "pdftoppm failed: " + r.err);
  auto z = run({"zbarimg", "--raw", "-q", png_base.string() + ".png"});
  BOOST_REQUIRE_MESSAGE(z.exit_code == 0, "zbarimg found no code: " + z.err);
  std::string text = z.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

template <typename F>
bool throws_code(F f, const std::string& code) {
  try {
    f();
  } catch (const certdesk::Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.code() == code;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(receipt)

BOOST_AUTO_TEST_CASE(text_of_the_receipt) {
  TempDir dir;
  ReceiptData r = sample_receipt();
  r.invoice_no = "24117000000012345678";
  const fs::path pdf = dir / "r.pdf";
  write_receipt_pdf(r, Paper::a5, pdf);
  BOOST_TEST(pdf_pages(pdf) == 1);
  const std::string text = pdftotext(pdf);
  BOOST_TEST_MESSAGE(text);
  BOOST_TEST(contains(text, "BJ01-2026-000123"));
  BOOST_TEST(contains(text, "北京示例科技有限公司"));
  BOOST_TEST(contains(text, "91350100M000100Y43"));
  BOOST_TEST(contains(text, "¥50.00"));
  BOOST_TEST(contains(text, "人民币伍拾元整"));
  BOOST_TEST(contains(text, "收费项目"));
  BOOST_TEST(contains(text, "数字证书新办"));
  BOOST_TEST(contains(text, "微信支付"));
  BOOST_TEST(contains(text, "张晓明"));
  BOOST_TEST(contains(text, "2026-11-22 11:14"));
  BOOST_TEST(contains(text, "24117000000012345678"));
  BOOST_TEST(!contains(text, "作废"));
  BOOST_TEST(!contains(text, "重印"));
  BOOST_TEST(!fs::exists(dir / "r.pdf.part"));
}

BOOST_AUTO_TEST_CASE(qr_code_decodes_to_order_receipt_and_hash) {
  TempDir dir;
  const ReceiptData r = sample_receipt();
  const std::string expected = "certdesk:order=BJ01-20261122-0042;receipt=BJ01-2026-000123;hash=" + kHash;
  BOOST_TEST(receipt_qr_text(r) == expected);
  for (Paper paper : {Paper::a5, Paper::a4, Paper::roll80}) {
    const fs::path pdf = dir / (std::string(paper_name(paper)) + ".pdf");
    write_receipt_pdf(r, paper, pdf);
    BOOST_TEST(decode_qr(dir, pdf) == expected, paper_name(paper));
  }
}

BOOST_AUTO_TEST_CASE(fonts_are_the_simplified_chinese_face_embedded) {
  TempDir dir;
  const fs::path pdf = dir / "r.pdf";
  write_receipt_pdf(sample_receipt(), Paper::a5, pdf);
  auto r = run({"pdffonts", pdf.string()});
  BOOST_REQUIRE_EQUAL(r.exit_code, 0);
  BOOST_TEST_MESSAGE(r.out);
  BOOST_TEST(contains(r.out, "NotoSansCJKsc"));
  BOOST_TEST(!contains(r.out, "NotoSansCJKjp"));
  // Every font line says emb=yes (column "emb"): no line after the header ends up "no" there.
  std::size_t lines = 0;
  for (std::size_t at = r.out.find('\n', r.out.find("-----")); at != std::string::npos && at + 1 < r.out.size();
       at = r.out.find('\n', at + 1)) {
    const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    if (line.empty()) continue;
    ++lines;
    BOOST_TEST(contains(line, " yes "), line);
  }
  BOOST_TEST(lines >= 1u);
}

// The font map is one per process, used under a lock: documents written on several
// threads at once, after a warm-up on yet another, come out whole.
BOOST_AUTO_TEST_CASE(documents_from_several_threads_share_the_fonts) {
  TempDir dir;
  std::thread(prepare_fonts).join();
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t)
    writers.emplace_back([&dir, t] {
      for (int i = 0; i < 3; ++i) {
        write_receipt_pdf(sample_receipt(), Paper::a5, dir / ("r" + std::to_string(t) + std::to_string(i) + ".pdf"));
        write_slip_pdf(sample_slip(), Paper::roll80, dir / ("s" + std::to_string(t) + std::to_string(i) + ".pdf"));
      }
    });
  for (std::thread& w : writers) w.join();
  for (int t = 0; t < 3; ++t)
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(t) + std::to_string(i);
      BOOST_TEST(contains(pdftotext(dir / ("r" + n + ".pdf")), "人民币伍拾元整"));
      BOOST_TEST(contains(pdftotext(dir / ("s" + n + ".pdf")), "FT3003A0001987"));
    }
}

// The documents are set in the build's subset of Noto Sans CJK SC (GB 2312 and the
// punctuation we print); a character outside it, here two in an organisation's name
// (㐀 U+3400, CJK Extension A; 龘 U+9F98, not in GB 2312), still prints, from the full
// font, and reads back as itself (issue 14.8).
BOOST_AUTO_TEST_CASE(rare_characters_fall_back_to_the_full_font) {
  TempDir dir;
  BOOST_REQUIRE_MESSAGE(fs::is_regular_file(fs::path(font_dir()) / kSubsetRegularFile),
                        "the build's font subset is missing from " + font_dir());
  ReceiptData r = sample_receipt();
  r.payer = "北京㐀龘科技有限公司";
  const fs::path pdf = dir / "rare.pdf";
  write_receipt_pdf(r, Paper::a5, pdf);
  const std::string text = pdftotext(pdf);
  // compact(): pdftotext sets a blank where the font changes.
  BOOST_TEST(contains(compact(text), "北京㐀龘科技有限公司"), text);
  BOOST_TEST(contains(text, "人民币伍拾元整"), text);
  // Two fonts per weight used: the subset for the common text, the full font for the rare two.
  auto fonts = run({"pdffonts", pdf.string()});
  BOOST_REQUIRE_EQUAL(fonts.exit_code, 0);
  BOOST_TEST_MESSAGE(fonts.out);
  BOOST_TEST(contains(fonts.out, "NotoSansCJKsc"));
  // The same name with common characters only: the subset alone, a much smaller file.
  ReceiptData common = sample_receipt();
  const fs::path plain = dir / "plain.pdf";
  write_receipt_pdf(common, Paper::a5, plain);
  auto plain_fonts = run({"pdffonts", plain.string()});
  BOOST_REQUIRE_EQUAL(plain_fonts.exit_code, 0);
  auto lines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
  BOOST_TEST(lines(fonts.out) == lines(plain_fonts.out) + 1, "one more font in the receipt with rare characters");
}

// The desk renders a receipt and a slip at the same moment on two threads (desk/papers.cpp,
// issue 14.8): both come out whole — complete files ending in %%EOF, their text readable.
BOOST_AUTO_TEST_CASE(receipt_and_slip_rendered_at_once_are_whole) {
  TempDir dir;
  for (int round = 0; round < 4; ++round) {
    std::string receipt, slip;
    std::atomic<int> ready{0};
    auto start = [&ready] {
      ready.fetch_add(1);
      while (ready.load() < 2) std::this_thread::yield();
    };
    std::thread worker([&] {
      start();
      slip = render_pdf(layout_slip(sample_slip(), Paper::a5));
    });
    start();
    receipt = render_pdf(layout_receipt(sample_receipt(), Paper::a5));
    worker.join();
    for (const auto& [name, bytes] : {std::pair{"receipt", &receipt}, std::pair{"slip", &slip}}) {
      BOOST_REQUIRE(bytes->size() > 1000u);
      BOOST_TEST(bytes->compare(0, 5, "%PDF-") == 0, name);
      BOOST_TEST(bytes->find("%%EOF", bytes->size() - 16) != std::string::npos, name);
      const fs::path file = dir / (std::string(name) + std::to_string(round) + ".pdf");
      std::ofstream(file, std::ios::binary) << *bytes;
    }
    BOOST_TEST(contains(pdftotext(dir / ("receipt" + std::to_string(round) + ".pdf")), "人民币伍拾元整"));
    const std::string slip_text = pdftotext(dir / ("slip" + std::to_string(round) + ".pdf"));
    BOOST_TEST(contains(slip_text, "FT3003A0001987"), slip_text);
    BOOST_TEST(contains(slip_text, "北京示例科技有限公司"), slip_text);
  }
}

BOOST_AUTO_TEST_CASE(voided_receipt_is_marked_on_every_page) {
  TempDir dir;
  ReceiptData r = sample_receipt();
  r.lines.clear();
  r.total_fen = 0;
  for (int i = 0; i < 40; ++i) {
    r.lines.push_back({"证书更新 第 " + std::to_string(i + 1) + " 项", 2, 2500, 5000});
    r.total_fen += 5000;
  }
  r.voided = true;
  r.void_reason = "金额录入错误，重新开具";
  r.voided_by = "王主管";
  const fs::path pdf = dir / "void.pdf";
  write_receipt_pdf(r, Paper::a5, pdf);
  const int pages = pdf_pages(pdf);
  BOOST_TEST(pages >= 2);
  for (int p = 1; p <= pages; ++p) {
    // The diagonal mark: pdftotext gives rotated glyphs one by one, in drawing order.
    const std::string text = raw_page_text(pdf, p);
    BOOST_TEST(contains(text, "作废原因：金额录入错误，重新开具"), "page " << p);
    BOOST_TEST(contains(text, "共" + std::to_string(pages) + "页"), "page " << p);
  }
  BOOST_TEST(!contains(raw_page_text(pdf, 2), "本收据已作废"));  // the boxed notice is on page 1 only
  const std::string all = pdftotext(pdf);
  BOOST_TEST(contains(all, "人民币贰仟元整"));
  BOOST_TEST(contains(all, "证书更新 第 40 项"));
}

BOOST_AUTO_TEST_CASE(reprint_is_marked) {
  TempDir dir;
  ReceiptData r = sample_receipt();
  r.reprint = true;
  const fs::path pdf = dir / "copy.pdf";
  write_receipt_pdf(r, Paper::a5, pdf);
  const std::string text = pdftotext(pdf);
  BOOST_TEST(contains(text, "重印"));
  BOOST_TEST(!contains(text, "作废"));
}

BOOST_AUTO_TEST_CASE(roll_grows_with_content) {
  ReceiptData r = sample_receipt();
  const DocumentLayout one = layout_receipt(r, Paper::roll80);
  for (int i = 0; i < 10; ++i) {
    r.lines.push_back({"USBKEY 介质", 1, 6000, 6000});
    r.total_fen += 6000;
  }
  const DocumentLayout eleven = layout_receipt(r, Paper::roll80);
  BOOST_TEST(one.page_count() == 1);
  BOOST_TEST(eleven.page_count() == 1);
  BOOST_TEST(one.page_size().width == 80 * 72 / 25.4, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(eleven.page_size().height > one.page_size().height + 100);
  const DocumentLayout a5 = layout_receipt(sample_receipt());
  BOOST_TEST(a5.page_size().width == 148 * 72 / 25.4, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(a5.page_size().height == 210 * 72 / 25.4, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(inconsistent_receipts_are_refused) {
  using certdesk::codes::bad_request;
  ReceiptData r = sample_receipt();
  r.total_fen = 4000;
  BOOST_TEST(throws_code([&] { layout_receipt(r); }, bad_request));
  r = sample_receipt();
  r.lines[0].amount_fen = 4000;
  r.total_fen = 4000;
  BOOST_TEST(throws_code([&] { layout_receipt(r); }, bad_request));
  r = sample_receipt();
  r.voided = true;
  BOOST_TEST(throws_code([&] { layout_receipt(r); }, bad_request));
  r = sample_receipt();
  r.receipt_no.clear();
  BOOST_TEST(throws_code([&] { layout_receipt(r); }, bad_request));
  r = sample_receipt();
  r.lines[0].quantity = INT64_MAX;
  BOOST_TEST(throws_code([&] { layout_receipt(r); }, bad_request));
}

BOOST_AUTO_TEST_CASE(same_layout_draws_on_an_image_surface) {
  const DocumentLayout doc = layout_receipt(sample_receipt());
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 419, 595);
  cairo_t* cr = cairo_create(surface);
  doc.draw_page(cr, 0);
  BOOST_TEST(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  int dark = 0;
  for (int i = 0; i < cairo_image_surface_get_stride(surface) * 595; i += 4) dark += data[i] < 128;
  BOOST_TEST(dark > 1000);
  BOOST_CHECK_THROW(doc.draw_page(cr, 1), std::out_of_range);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(handover_slip) {
  TempDir dir;
  const fs::path pdf = dir / "slip.pdf";
  write_slip_pdf(sample_slip(), Paper::a5, pdf);
  const std::string text = pdftotext(pdf);
  BOOST_TEST_MESSAGE(text);
  for (const char* expected : {"领", "BJ01-20261122-0042", "北京示例科技有限公司", "91350100M000100Y43",
                               "110105********1234", "FT3003A0001987", "4F1A9C03D2E7", "2026-11-22 至 2027-11-21",
                               "USBKEY 1 个", "此前签发给本单位的证书均已作废", "客户签字", "柜员签字", "日期"})
    BOOST_TEST(contains(text, expected), expected);
  BOOST_TEST(!contains(text, "重印"));

  HandoverSlipData copy = sample_slip();
  copy.reprint = true;
  write_slip_pdf(copy, Paper::roll80, dir / "slip-roll.pdf");
  BOOST_TEST(contains(pdftotext(dir / "slip-roll.pdf"), "重印"));
  BOOST_TEST(throws_code([] { layout_slip(HandoverSlipData{}); }, certdesk::codes::bad_request));
}

BOOST_AUTO_TEST_CASE(daily_report_spans_numbered_pages) {
  TempDir dir;
  const fs::path pdf = dir / "report.pdf";
  write_report_pdf(sample_report(60), Paper::a4, pdf);
  const int pages = pdf_pages(pdf);
  BOOST_TEST(pages >= 2);
  for (int p = 1; p <= pages; ++p) {
    const std::string text = raw_page_text(pdf, p);
    BOOST_TEST(contains(text, "第" + std::to_string(p) + "页/共" + std::to_string(pages) + "页"), "page " << p);
    BOOST_TEST(contains(text, "日终报表"), "page " << p);
    BOOST_TEST(contains(text, "柜台W03"), "page " << p);   // the counter in every page's footer
  }
  // The exceptions table continues on page 2 with its heading repeated.
  BOOST_TEST(contains(pdftotext(pdf, 2), "订单号"));
  const std::string all = pdftotext(pdf);
  for (const char* expected : {"2026-11-22", "¥850.00", "人民币捌佰伍拾元整", "异常事项（60）", "BJ01-20261122-1059",
                               "按业务类型汇总", "按柜员汇总", "按支付方式汇总", "证书新办", "刘芳", "微信支付",
                               "311 条", "已签退", "主管签字"})
    BOOST_TEST(contains(all, expected), expected);
  BOOST_TEST(contains(all, kHash.substr(0, 32)));

  write_report_pdf(sample_report(0), Paper::a4, dir / "quiet.pdf");
  BOOST_TEST(pdf_pages(dir / "quiet.pdf") == 1);
  BOOST_TEST(contains(pdftotext(dir / "quiet.pdf"), "无异常事项"));
}

BOOST_AUTO_TEST_CASE(unwritable_file_is_an_error_and_leaves_nothing) {
  TempDir dir;
  BOOST_TEST(throws_code([&] { write_receipt_pdf(sample_receipt(), Paper::a5, dir / "missing" / "r.pdf"); },
                         certdesk::codes::data_dir_unusable));
  BOOST_TEST(fs::is_empty(dir.path()));
  // A folder where the file should go: the temporary file is written, the rename fails.
  fs::create_directory(dir / "taken.pdf");
  fs::create_directory(dir / "taken.pdf" / "x");
  BOOST_TEST(throws_code([&] { write_receipt_pdf(sample_receipt(), Paper::a5, dir / "taken.pdf"); },
                         certdesk::codes::data_dir_unusable));
  BOOST_TEST(!fs::exists(dir / "taken.pdf.part"));
}

BOOST_AUTO_TEST_CASE(archive_paths) {
  TempDir dir;
  const fs::path p = archive_path(dir.path(), ArchiveKind::receipt, "BJ01-2026-000123");
  BOOST_TEST(p == dir / "archive/receipts/BJ01-2026-000123.pdf");
  BOOST_TEST(fs::is_directory(dir / "archive/receipts"));
  BOOST_TEST(archive_path(dir.path(), ArchiveKind::receipt, "BJ01-2026-000123", ArchiveVariant::copy(2)) ==
             dir / "archive/receipts/BJ01-2026-000123-copy-2.pdf");
  BOOST_TEST(archive_path(dir.path(), ArchiveKind::receipt, "BJ01-2026-000123", ArchiveVariant::voided()) ==
             dir / "archive/receipts/BJ01-2026-000123-void.pdf");
  BOOST_TEST(archive_path(dir.path(), ArchiveKind::slip, "BJ01-20261122-0042") ==
             dir / "archive/slips/BJ01-20261122-0042.pdf");
  BOOST_TEST(archive_path(dir.path(), ArchiveKind::report, "2026-11-22") == dir / "archive/reports/2026-11-22.pdf");
  for (const char* bad : {"", "../x", "a/b", "..", ".hidden", "a b", "收据"})
    BOOST_TEST(throws_code([&] { archive_path(dir.path(), ArchiveKind::receipt, bad); }, certdesk::codes::bad_request),
               bad);
  BOOST_TEST(throws_code([&] { archive_path(dir.path(), ArchiveKind::receipt, "x", ArchiveVariant::copy(0)); },
                         certdesk::codes::bad_request));
  // A data folder that is a file cannot hold an archive.
  certdesk::test::write_file(dir / "file", "x");
  BOOST_TEST(throws_code([&] { archive_path(dir / "file", ArchiveKind::report, "2026-11-22"); },
                         certdesk::codes::data_dir_unusable));
}

BOOST_AUTO_TEST_CASE(paper_names) {
  BOOST_TEST(std::string(paper_name(parse_paper("roll80"))) == "roll80");
  BOOST_TEST((parse_paper("a4") == Paper::a4));
  BOOST_TEST((parse_paper("a5") == Paper::a5));
  BOOST_TEST(throws_code([] { parse_paper("letter"); }, certdesk::codes::bad_request));
}
