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
  fill(entry, order, who);
  if (entry.action.empty()) entry.action = to ? "order." + next.state : "order.step";
  if (entry.details.empty()) entry.details = step;
  db::JournalEntry written = s_.journal.append(entry, now);
  if (after) after(written);
  tx.commit();
  order = std::move(next);
  return written;
}

void OrderBook::fill(db::JournalRecord& entry, const db::ServiceOrder& order, const Actor& who) {
  if (entry.staff.empty()) entry.staff = who.name;
  if (!entry.order_id) entry.order_id = order.id;
  if (entry.flow.empty()) entry.flow = order.flow;
  if (entry.token_serial.empty()) entry.token_serial = order.token_serial;
  if (entry.organisation.empty() && order.organisation_id) {
    auto it = uscc_of_.find(*order.organisation_id);
    if (it == uscc_of_.end()) {
      auto org = db::Organisations(s_.db).by_id(*order.organisation_id);
      it = uscc_of_.emplace(*order.organisation_id, org ? org->uscc : "").first;
    }
    entry.organisation = it->second;
  }
}

void OrderBook::advance(db::ServiceOrder& order, const Actor& who,
                        const std::vector<std::pair<OrderState, db::JournalRecord>>& moves) {
  OrderState at = order_state_from(order.state);
  for (const auto& [to, entry] : moves) {
    require_order_move(at, to);
    at = to;
  }
  Seconds now = s_.clock.now();
  db::ServiceOrder next = order;
  next.state = to_string(at);
  next.step = to_string(at);
  next.updated_utc = text::iso_utc(now);
  db::Transaction tx(s_.db);
  db::Orders(s_.db).update(next);
  for (auto [to, entry] : moves) {
    fill(entry, order, who);
    if (entry.action.empty()) entry.action = std::string("order.") + to_string(to);
    if (entry.details.empty()) entry.details = to_string(to);
    s_.journal.append(entry, now);
  }
  tx.commit();
  order = std::move(next);
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
