#include "workflows/receipts.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "workflows/documents.h"

namespace certdesk::workflows {

db::Payment Receipts::get(const std::string& receipt_no) {
  auto p = db::Payments(s_.db).by_receipt_no(receipt_no);
  if (!p)
    throw RuleRefused(codes::not_found, "receipt", fmt::format(fmt::runtime(tr("There is no receipt {}.")), receipt_no));
  return *p;
}

db::Payment Receipts::void_receipt(const Actor& supervisor, const std::string& receipt_no, const std::string& reason) {
  require(supervisor, Permission::void_receipt);
  std::string why = text::checked(tr("void reason"), reason, kMaxReason);
  db::Payment p = get(receipt_no);
  if (p.status == "voided")
    throw RuleRefused(codes::duplicate, "receipt",
                      fmt::format(fmt::runtime(tr("Receipt {} is already void ({}).")), receipt_no, p.void_reason));
  // Nobody voids the money of their own order: a second supervisor must (SPEC §1).
  auto order = db::Orders(s_.db).by_id(p.order_id);
  if (p.teller_id == supervisor.id || (order && order->staff_id == supervisor.id))
    throw AuthError(codes::self_approval,
                    msg(tr("{} ran the order of receipt {} and cannot void its receipt; another supervisor must."),
                        supervisor.name, receipt_no));
  db::Transaction tx(s_.db);
  db::Payments(s_.db).mark_voided(receipt_no, why, supervisor.id);
  s_.journal.append({.staff = supervisor.name, .action = "receipt.voided", .order_id = p.order_id,
                     .amount_fen = p.amount_fen, .receipt_no = receipt_no, .details = why},
                    s_.clock.now());
  tx.commit();
  return get(receipt_no);
}

bool Receipts::record_print(const Actor& who, const std::string& receipt_no, const std::string& where) {
  db::Payment p = get(receipt_no);
  bool reprint = p.print_count > 0;
  db::Transaction tx(s_.db);
  db::Payments(s_.db).count_print(receipt_no);
  s_.journal.append({.staff = who.name, .action = reprint ? "receipt.reprinted" : "receipt.printed", .order_id = p.order_id,
                     .receipt_no = receipt_no,
                     .details = p.status != "voided" ? where : where.empty() ? "void" : "void; " + where},
                    s_.clock.now());
  tx.commit();
  return reprint;
}

}  // namespace certdesk::workflows
