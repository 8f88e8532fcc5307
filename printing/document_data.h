#pragma once
// What the printed documents say: plain data filled by workflows/ or the window
// layer, with no database and no wxWidgets. Money is integer fen; times are
// already branch-local text ("2026-11-22 11:14", text::local_time) because a
// document prints what the teller saw, never converts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certdesk::printing {

// One charged item of a receipt. amount_fen must equal quantity × unit_fen.
struct ReceiptLine {
  std::string item;            // "数字证书新办（含USBKEY）"
  std::int64_t quantity = 1;
  std::int64_t unit_fen = 0;
  std::int64_t amount_fen = 0;
};

// A receipt (收据, SPEC §4). total_fen must equal the sum of the lines' amounts.
struct ReceiptData {
  std::string receipt_no;      // gap-free per branch and year: "BJ01-2026-000123"
  std::string branch_name;     // "北京市数字证书服务大厅 朝阳营业厅"
  std::string payer;           // organisation that paid (交款单位)
  std::string payer_uscc;      // its unified social credit code; empty when not known
  std::vector<ReceiptLine> lines;
  std::int64_t total_fen = 0;
  std::string payment_method;  // as printed: "现金", "微信支付", "银行转账"
  std::string payee;           // the hall that received the money (收款单位)
  std::string teller;          // staff name (收款人)
  std::string issued_at;       // local "YYYY-MM-DD HH:MM"
  std::string order_no;        // the order the money belongs to
  std::string journal_hash;    // hex SHA-256 of the payment's journal entry
  std::optional<std::string> invoice_no;  // 发票号 when the hall issued a tax invoice
  bool voided = false;         // 作废: stays printable, keeps its number
  std::string void_reason;     // required when voided
  std::string voided_by;       // supervisor who approved the void; may be empty
  std::string voided_at;       // local time of the void; may be empty
  bool reprint = false;        // 重印: a copy of an earlier print
};

// The handover slip (领取单): what went back to the customer, signed by both sides.
struct HandoverSlipData {
  std::string order_no;
  std::string flow;                  // business done, as printed: "证书新办", "证书更新", "解锁"
  std::string branch_name;
  std::string organisation;
  std::string uscc;                  // 统一社会信用代码
  std::string handler_name;          // the person at the counter (经办人)
  std::string handler_id_masked;     // "110105********1234" — never the full number
  std::string token_serial;
  std::string token_vendor;          // "飞天诚信 ePass3003"
  std::string certificate_serial;    // hex
  std::string certificate_subject;   // "CN=北京示例科技有限公司,O=…"
  std::string valid_from;            // local date or date-time
  std::string valid_to;
  std::vector<std::string> items_returned;  // "USBKEY 1 个", "营业执照复印件原件 已退回"
  std::vector<std::string> notes;           // "此前签发给本单位的证书均已作废"
  std::string receipt_no;            // receipt of the same order; may be empty (no charge)
  std::string teller;
  std::string issued_at;             // local "YYYY-MM-DD HH:MM"
  bool reprint = false;
};

// One row of a daily report's totals table (by flow, by teller or by payment method).
struct ReportTotalRow {
  std::string label;          // "证书新办", "张三", "现金"
  std::int64_t count = 0;     // orders / payments counted
  std::int64_t amount_fen = 0;
};

// One exception of the day, printed first for the supervisor (SPEC §5).
struct ReportException {
  std::string time;           // local "HH:MM"
  std::string kind;           // "作废", "失败", "越权", "减免", "解锁", "未完成"
  std::string teller;
  std::string order_no;
  std::string detail;         // free text: reason, error code, receipt number
};

// The daily report (日终报表) of one branch and business day.
struct DailyReportData {
  std::string business_day;   // "2026-11-22"
  std::string branch_name;
  std::string workstation;    // the counter's code ("W01"): the report is of one counter (issue 12)
  std::string generated_at;   // local time the report was made
  std::string generated_by;
  std::vector<ReportException> exceptions;
  std::vector<ReportTotalRow> by_flow;
  std::vector<ReportTotalRow> by_teller;
  std::vector<ReportTotalRow> by_payment_method;
  std::int64_t total_fen = 0;       // money taken, voided receipts excluded
  std::int64_t receipts_issued = 0;
  std::int64_t receipts_voided = 0;
  std::int64_t entry_count = 0;     // journal entries of the day
  std::string first_seq;            // journal sequence range of the day; may be empty
  std::string last_seq;
  std::string journal_head_hash;    // hex; the hash the close signs
  bool closed = false;              // 日终签退 done
  std::string closed_by;
  std::string closed_at;
  std::string signature_status;     // "已用主管令牌签名（验证通过）", "未配置令牌，未签名"
  std::string key_fingerprint;      // of the key that signed the close, "3F2A 9B10 …"; empty when not closed
};

}  // namespace certdesk::printing
