#include "workflows/order_book.h"

#include "common/text.h"

namespace certdesk::workflows {

db::JournalEntry OrderBook::record(db::ServiceOrder& order, const Actor& who, const std::string& step,
                                   std::optional<OrderState> to, db::JournalRecord entry,
                                   const std::function<void(db::JournalRecord&)>& also,
                                   const std::function<void(const db::JournalEntry&)>& after) {
  OrderState from = order_state_from(order.state);
  if (to) require_order_move(from, *to);
  Seconds now = s_.clock.now();
  db::ServiceOrder next = order;
  if (to) next.state = to_string(*to);
  next.step = step;
  next.updated_utc = text::iso_utc(now);

  db::Transaction tx(s_.db);
  db::Orders(s_.db).update(next);
  if (also) also(entry);
  if (entry.staff.empty()) entry.staff = who.name;
  if (!entry.order_id) entry.order_id = order.id;
  if (entry.flow.empty()) entry.flow = order.flow;
  if (entry.token_serial.empty()) entry.token_serial = order.token_serial;
  if (entry.organisation.empty() && order.organisation_id) {
    if (auto org = db::Organisations(s_.db).by_id(*order.organisation_id)) entry.organisation = org->uscc;
  }
  if (entry.action.empty()) entry.action = to ? "order." + next.state : "order.step";
  if (entry.details.empty()) entry.details = step;
  db::JournalEntry written = s_.journal.append(entry, now);
  if (after) after(written);
  tx.commit();
  order = std::move(next);
  return written;
}

nlohmann::json OrderBook::data(const db::ServiceOrder& order) {
  if (order.data_json.empty()) return nlohmann::json::object();
  return nlohmann::json::parse(order.data_json, nullptr, false);
}

void OrderBook::set_data(db::ServiceOrder& order, const std::string& key, nlohmann::json value) {
  nlohmann::json d = data(order);
  if (!d.is_object()) d = nlohmann::json::object();
  d[key] = std::move(value);
  order.data_json = d.dump();
}

OrderResult OrderBook::result_of(const db::ServiceOrder& order) {
  OrderResult r;
  r.order_id = order.id;
  r.state = order_state_from(order.state);
  r.flow = order.flow;
  r.token_serial = order.token_serial;
  nlohmann::json d = data(order);
  if (d.is_object()) {
    r.cert_serial = d.value("cert_serial", "");
    r.not_before = d.value("not_before", std::int64_t{0});
    r.not_after = d.value("not_after", std::int64_t{0});
    r.notes = d.value("notes", "");
  }
  for (const auto& p : db::Payments(s_.db).of_order(order.id)) {
    if (p.status != "issued") continue;
    r.receipt_no = p.receipt_no;
    r.amount_fen += p.amount_fen;
  }
  return r;
}

}  // namespace certdesk::workflows
