#pragma once
// The receipt and slip the printing suites print and read back.

#include <string>

#include "printing/document_data.h"

namespace certdesk::test {

using printing::HandoverSlipData;
using printing::ReceiptData;

inline const std::string kHash = "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";

inline ReceiptData sample_receipt() {
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
  r.journal_hash = kHash;
  return r;
}

inline HandoverSlipData sample_slip() {
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
  s.items_returned = {"USBKEY 1 个（已写入证书）", "营业执照复印件 1 份（留存）"};
  s.notes = {"此前签发给本单位的证书均已作废。"};
  s.receipt_no = "BJ01-2026-000123";
  s.teller = "张晓明";
  s.issued_at = "2026-11-22 11:20";
  return s;
}

}  // namespace certdesk::test
