#include "desk/day_export.h"

#include <fmt/format.h>

#include <fstream>
#include <unordered_map>

#include "desk/day_signing.h"
#include "desk/papers.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/safe_output.h"
#include "common/text.h"
#include "db/day_close.h"
#include "printing/amount_words.h"
#include "workflows/request.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

namespace {

std::string local(const AppContext& ctx, const std::string& utc) {
  try {
    return text::local_time(text::parse_iso_utc(utc), ctx.config().utc_offset_minutes);
  } catch (const Error&) {
    return utc;
  }
}

std::string flow_label(const std::string& flow) {
  try {
    return workflows::business_type_label(workflows::flow_from(flow));
  } catch (const Error&) {
    return flow;
  }
}

std::string exception_detail(const workflows::DayException& x) {
  const db::JournalRecord& r = x.entry.record;
  std::string d = tr_ctx("action", r.action.c_str());
  if (r.outcome != codes::ok) d += " [" + r.outcome + "]";
  if (!r.receipt_no.empty()) d += " " + r.receipt_no;
  if (r.amount_fen && *r.amount_fen) d += " ¥" + printing::format_fen(*r.amount_fen);
  // The journal keeps its details as written (they are hashed); an approval's
  // "…; asked of NAME" is shown in the report's language.
  std::string details = r.details;
  const std::string asked = "; asked of ";
  if (std::size_t at = details.rfind(asked); at != std::string::npos) {
    const std::string whom = details.substr(at + asked.size());
    details = details.substr(0, at) + "；" +
              (whom == "nobody" ? std::string(tr("no supervisor approved")) : msg(tr("asked of {}"), whom));
  }
  if (!details.empty()) d += " " + details;
  return d;
}

}  // namespace

const char* exception_label(workflows::ExceptionKind k) {
  switch (k) {
    case workflows::ExceptionKind::failure: return "失败";
    case workflows::ExceptionKind::override: return "越权";
    case workflows::ExceptionKind::waiver: return "减免";
    case workflows::ExceptionKind::void_receipt: return "作废";
    case workflows::ExceptionKind::unlock: return "解锁";
    case workflows::ExceptionKind::unfinished: return "未完成";
  }
  return "?";
}

std::string exception_labels(unsigned flags) {
  std::string out;
  for (auto k : {workflows::ExceptionKind::failure, workflows::ExceptionKind::override, workflows::ExceptionKind::waiver,
                 workflows::ExceptionKind::void_receipt, workflows::ExceptionKind::unlock, workflows::ExceptionKind::unfinished})
    if (flags & workflows::flag(k)) out += (out.empty() ? "" : "、") + std::string(exception_label(k));
  return out;
}

std::string csv_field(const std::string& value, bool is_text) {
  std::string v = value;
  if (is_text && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos || (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::int64_t write_day_csv(AppContext& ctx, const workflows::Actor& who, const std::string& day, const fs::path& out,
                           const workflows::JournalFilter& filter) {
  workflows::DayReview review(ctx.db(), who);
  // Which entries end an order left unfinished: the review's rows know.
  std::unordered_map<std::int64_t, unsigned> flags;
  for (const auto& r : review.rows(day, filter))
    if (r.flags) flags[r.seq] = r.flags;
  std::int64_t n = 0;
  std::string f = "\xEF\xBB\xBF";
  f += "seq,utc_time,local_time,business_day,workstation,staff,action,flow,order_id,organisation,token_serial,"
       "cert_serial,amount_fen,amount_yuan,receipt_no,outcome,exceptions,details,hash\r\n";
  review.for_each(day, filter, [&](const db::JournalEntry& e) {
    const db::JournalRecord& r = e.record;
    auto it = flags.find(e.seq);
    std::string row = std::to_string(e.seq) + "," + csv_field(e.utc_time) + "," + csv_field(local(ctx, e.utc_time)) + "," +
                      csv_field(e.business_day) + "," + csv_field(e.workstation) + "," + csv_field(r.staff) + "," +
                      csv_field(r.action) + "," + csv_field(r.flow) + "," +
                      (r.order_id ? std::to_string(*r.order_id) : "") + "," + csv_field(r.organisation) + "," +
                      csv_field(r.token_serial) + "," + csv_field(r.cert_serial) + "," +
                      (r.amount_fen ? std::to_string(*r.amount_fen) : "") + "," +
                      (r.amount_fen ? printing::format_fen(*r.amount_fen) : "") + "," + csv_field(r.receipt_no) + "," +
                      csv_field(r.outcome) + "," + csv_field(it == flags.end() ? "" : exception_labels(it->second)) +
                      "," + csv_field(r.details) + "," + e.hash + "\r\n";
    f += row;
    ++n;
  });
  // Complete or not at all, and a full disk is an error (issue 13.3).
  output::write_file_atomically(out, f);
  return n;
}

printing::DailyReportData day_report_data(AppContext& ctx, const workflows::Actor& who, const std::string& day) {
  workflows::DayReview review(ctx.db(), who);
  workflows::DaySummary s = review.summary(day);
  printing::DailyReportData d;
  d.business_day = day;
  d.branch_name = ctx.config().branch_name;
  d.workstation = ctx.config().workstation;
  d.generated_at = text::local_time(ctx.clock().now(), ctx.config().utc_offset_minutes);
  d.generated_by = who.name;
  for (const auto& x : s.exceptions) {
    printing::ReportException e;
    std::string t = local(ctx, x.entry.utc_time);
    e.time = t.size() >= 16 ? t.substr(11, 5) : t;
    e.kind = exception_label(x.kind);
    e.teller = x.entry.record.staff;
    e.order_no = x.entry.record.order_id ? std::to_string(*x.entry.record.order_id) : "";
    e.detail = exception_detail(x);
    d.exceptions.push_back(std::move(e));
  }
  for (const auto& r : s.by_flow) d.by_flow.push_back({flow_label(r.key), r.orders, r.amount_fen});
  for (const auto& r : s.by_teller) d.by_teller.push_back({r.key.empty() ? "系统" : r.key, r.receipts, r.amount_fen});
  for (const auto& r : s.by_method) d.by_payment_method.push_back({payment_method_label(r.key), r.receipts, r.amount_fen});
  d.total_fen = s.fee_total_fen;
  d.receipts_issued = s.receipts_issued;
  d.receipts_voided = s.receipts_voided;
  d.entry_count = s.entries;
  d.first_seq = s.first_seq ? std::to_string(*s.first_seq) : "";
  d.last_seq = s.last_seq ? std::to_string(*s.last_seq) : "";
  d.journal_head_hash = ctx.journal().head().hash;
  if (auto c = db::DayCloses(ctx.db()).by_day(day)) {
    d.closed = true;
    d.closed_by = c->closed_by;
    d.closed_at = local(ctx, c->closed_utc);
    d.journal_head_hash = c->head_hash;
    PkiSignatureChecker checker(ctx);
    std::string why = checker.check(c->signer_cert, c->statement, c->signature);
    std::string key = c->signer_kind == "supervisor" ? "已用主管令牌签名" : "已用工作站密钥签名";
    d.signature_status = why.empty() ? key + "（验证通过）" : key + "（验证失败：" + why + "）";
    try {
      d.key_fingerprint = key_fingerprint(c->signer_cert);
    } catch (const Error&) {
      d.key_fingerprint = "证书无法读取";
    }
  } else {
    d.signature_status = "未日终签退，未签名";
  }
  return d;
}

}  // namespace certdesk::desk
