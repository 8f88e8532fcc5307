// bench_printing — milliseconds to lay out and write a receipt PDF and a handover slip PDF
// (median of 50 runs after 3 warm-ups; wall clock, and the thread's CPU time, which a
// loaded machine disturbs less), and the first receipt of the process (font set-up
// included). Run by hand; figures go to docs/benchmarks.md.
//   bench_printing [--samples DIR]   also writes receipt.pdf, receipt-void.pdf, slip.pdf, report.pdf to DIR
//   bench_printing --warm            runs printing::prepare_fonts() on a worker thread first
// Without --warm it ends by running itself with --warm-first (a new process: the warm-up and
// the first receipt after it), so one run prints every figure docs/benchmarks.md quotes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "printing/pdf.h"

namespace fs = std::filesystem;
using namespace certdesk::printing;

namespace {

ReceiptData sample_receipt() {
  ReceiptData r;
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
  r.journal_hash = "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";
  r.invoice_no = "24117000000012345678";
  return r;
}

HandoverSlipData sample_slip() {
  HandoverSlipData s;
  s.order_no = "BJ01-20261122-0042";
  s.flow = "证书新办";
  s.branch_name = "北京市数字证书服务大厅 朝阳营业厅";
  s.organisation = "北京示例科技有限公司";
  s.uscc = "91350100M000100Y43";
  s.handler_name = "李雷";
  s.handler_id_masked = "110105********1234";
  s.token_serial = "FT3003A0001987";
  s.token_vendor = "飞天诚信 ePass3003";
  s.certificate_serial = "4F1A9C03D2E7";
  s.certificate_subject = "CN=北京示例科技有限公司,O=北京示例科技有限公司,C=CN";
  s.valid_from = "2026-11-22";
  s.valid_to = "2027-11-21";
  s.items_returned = {"USBKEY 1 个（已写入证书，口令已由客户本人设置）", "营业执照复印件 1 份（留存）"};
  s.notes = {"此前签发给本单位的证书均已作废。", "USBKEY 口令连续输错 6 次将被锁定，请到柜台解锁。"};
  s.receipt_no = "BJ01-2026-000123";
  s.teller = "张晓明";
  s.issued_at = "2026-11-22 11:20";
  return s;
}

DailyReportData sample_report() {
  DailyReportData d;
  d.business_day = "2026-11-22";
  d.branch_name = "朝阳营业厅";
  d.generated_at = "2026-11-22 17:40";
  d.generated_by = "王主管";
  d.exceptions = {{"10:42", "作废", "张晓明", "BJ01-20261122-0017", "收据 BJ01-2026-000118 金额录入错误"},
                  {"14:05", "失败", "刘芳", "BJ01-20261122-0031", "9004 口令错误"}};
  d.by_flow = {{"证书新办", 12, 60000}, {"证书更新", 5, 25000}, {"解锁", 3, 0}};
  d.by_teller = {{"张晓明", 14, 60000}, {"刘芳", 6, 25000}};
  d.by_payment_method = {{"现金", 4, 20000}, {"微信支付", 13, 65000}};
  d.total_fen = 85000;
  d.receipts_issued = 18;
  d.receipts_voided = 1;
  d.entry_count = 311;
  d.first_seq = "40211";
  d.last_seq = "40521";
  d.journal_head_hash = "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";
  d.closed = true;
  d.closed_by = "王主管";
  d.closed_at = "2026-11-22 17:45";
  d.signature_status = "已用主管令牌签名（ECDSA P-256，验证通过）";
  return d;
}

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct Timing {
  double wall_ms, cpu_ms;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

Timing median_ms(const std::function<void()>& work, int warmups = 3, int runs = 50) {
  for (int i = 0; i < warmups; ++i) work();
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_ms();
    work();
    cpu.push_back(cpu_ms() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return {median(wall), median(cpu)};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::string(argv[1]) == "--samples") {
      const fs::path dir = argv[2];
      fs::create_directories(dir);
      write_receipt_pdf(sample_receipt(), Paper::a5, dir / "receipt.pdf");
      ReceiptData voided = sample_receipt();
      voided.voided = true;
      voided.void_reason = "金额录入错误，重新开具";
      voided.voided_by = "王主管";
      voided.voided_at = "2026-11-22 11:30";
      write_receipt_pdf(voided, Paper::a5, dir / "receipt-void.pdf");
      ReceiptData copy = sample_receipt();
      copy.reprint = true;
      write_receipt_pdf(copy, Paper::roll80, dir / "receipt-roll.pdf");
      write_slip_pdf(sample_slip(), Paper::a5, dir / "slip.pdf");
      write_report_pdf(sample_report(), Paper::a4, dir / "report.pdf");
      std::printf("sample PDFs written to %s\n", dir.c_str());
    } else if (argc != 1 && !(argc == 2 && (std::string(argv[1]) == "--warm" || std::string(argv[1]) == "--warm-first"))) {
      std::fprintf(stderr, "usage: bench_printing [--samples DIR | --warm]\n");
      return 2;
    }
    const fs::path out = fs::temp_directory_path() / ("bench_printing-" + std::to_string(::getpid()));
    fs::create_directories(out);
    const ReceiptData receipt = sample_receipt();
    const HandoverSlipData slip = sample_slip();
    const DailyReportData report = sample_report();
    const bool warm = argc == 2;
    const bool first_only = warm && std::string(argv[1]) == "--warm-first";
    if (warm)
      std::thread([] {
        const double cpu_start = cpu_ms();
        prepare_fonts();
        std::printf("%-34s %8s    %8.2f ms CPU (on a worker)\n", "prepare_fonts()", "", cpu_ms() - cpu_start);
      }).join();
    Timing first{};
    if (argc <= 2) {  // the process's first document: fontconfig, the font map and the faces are set up here
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_ms();
      write_receipt_pdf(receipt, Paper::a5, out / "first.pdf");
      first = {std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
               cpu_ms() - cpu_start};
    }
    auto line = [](const char* what, Timing t) {
      std::printf("%-34s %8.2f ms wall %8.2f ms CPU\n", what, t.wall_ms, t.cpu_ms);
    };
    if (first_only) {
      line("first receipt PDF after the warm-up", first);
      fs::remove_all(out);
      return 0;
    }
    const Timing receipt_ms = median_ms([&] { write_receipt_pdf(receipt, Paper::a5, out / "receipt.pdf"); });
    const Timing roll_ms = median_ms([&] { write_receipt_pdf(receipt, Paper::roll80, out / "roll.pdf"); });
    const Timing layout_ms = median_ms([&] { (void)layout_receipt(receipt, Paper::a5); });
    const Timing slip_ms = median_ms([&] { write_slip_pdf(slip, Paper::a5, out / "slip.pdf"); });
    const Timing report_ms = median_ms([&] { write_report_pdf(report, Paper::a4, out / "report.pdf"); });
    // What desk::archive_order_documents does: the slip on a worker while this thread writes
    // the receipt (CPU: this thread's only).
    const Timing pair_ms = median_ms([&] {
      std::thread worker([&] { write_slip_pdf(slip, Paper::a5, out / "pair-slip.pdf"); });
      write_receipt_pdf(receipt, Paper::a5, out / "pair-receipt.pdf");
      worker.join();
    });
    if (argc <= 2) line(warm ? "first receipt PDF after the warm-up" : "first receipt PDF of the process", first);
    line("receipt PDF, A5          median", receipt_ms);
    line("receipt PDF, 80 mm roll  median", roll_ms);
    line("receipt layout only, A5  median", layout_ms);
    line("handover slip PDF, A5    median", slip_ms);
    line("daily report PDF, A4     median", report_ms);
    line("receipt + slip on 2 threads median", pair_ms);
    fs::remove_all(out);
    if (argc == 1) {
      std::fflush(stdout);
      const std::string self = fs::read_symlink("/proc/self/exe").string();
      if (std::system(("'" + self + "' --warm-first").c_str()) != 0) return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_printing: %s\n", e.what());
    return 1;
  }
  return 0;
}
