#pragma once
// Durable steps of a service order. record() writes the order's new state and
// step, any extra rows, and one journal entry in ONE transaction (STYLE habit
// 5), so a crash between two steps leaves an order whose recorded step says
// exactly what was done.

#include <functional>
#include <map>
#include <utility>
#include <vector>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "db/repositories.h"
#include "workflows/services.h"
#include "workflows/staff.h"
#include "workflows/states.h"

namespace certdesk::workflows {

// What a flow returns to the window or the CLI.
struct OrderResult {
  db::Id order_id = 0;
  OrderState state = OrderState::draft;
  std::string flow;
  std::string receipt_no;
  std::string cert_serial;
  std::string token_serial;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::int64_t amount_fen = 0;
  bool waiting = false;       // stopped at a prompt the customer cancelled; resume later
  std::string notes;          // for the receipt and slip, e.g. "earlier certificates are invalid"
};

class OrderBook {
 public:
  explicit OrderBook(Services& s) : s_(s) {}

  // One durable step. When `to` is set the state moves (refused moves throw
  // RuleRefused before anything is written). `also` runs inside the same
  // transaction before the journal entry is written (insert a payment, a
  // certificate …; it may fill in the entry), `after` once it is written (to
  // bind a row to the entry's hash). The journal entry gets the
  // order's id, flow, organisation and token filled in when left empty.
  db::JournalEntry record(db::ServiceOrder& order, const Actor& who, const std::string& step,
                          std::optional<OrderState> to, db::JournalRecord entry,
                          const std::function<void(db::JournalRecord&)>& also = {},
                          const std::function<void(const db::JournalEntry&)>& after = {});

  // Several state moves in ONE transaction, one journal entry each (e.g. the
  // handover: token_done → handed_over → completed).
  void advance(db::ServiceOrder& order, const Actor& who,
               const std::vector<std::pair<OrderState, db::JournalRecord>>& moves);

  // The order's step data (data_json) as an object, and a setter for one key
  // (takes effect at the next record()).
  static nlohmann::json data(const db::ServiceOrder& order);
  static void set_data(db::ServiceOrder& order, const std::string& key, nlohmann::json value);

  OrderResult result_of(const db::ServiceOrder& order);

 private:
  void fill(db::JournalRecord& entry, const db::ServiceOrder& order, const Actor& who);
  Services& s_;
  std::map<db::Id, std::string> uscc_of_;   // organisation id → USCC, for journal entries
};

}  // namespace certdesk::workflows
