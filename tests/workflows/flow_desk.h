#pragma once
// A counter on scripted fakes (tests/workflows/fake_ports.h) and an in-memory
// database: every flow, resume and roll back runs in milliseconds (label unit).

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "tests/workflows/fake_ports.h"
#include "workflows/documents.h"
#include "workflows/fees.h"
#include "workflows/flows.h"

namespace certdesk::test {

// 2026-11-22 09:00 in Beijing.
inline Seconds desk_start() { return Seconds(std::chrono::seconds(1795309200)); }

struct FlowDesk {
  db::Database db = db::Database::in_memory();
  db::Journal journal{db, "ws1", 480};
  FixedClock clock{desk_start()};
  Faults faults;
  FakeTokens tokens{faults};
  FakeCa ca{faults};
  FakeSoPins so_pins;
  workflows::Services services{db, journal, clock, tokens, ca, so_pins, workflows::CounterConfig{}};
  workflows::StaffService staff{db, journal, clock, 4};
  workflows::Actor admin, teller, sup;
  ScriptedPins pins;
  ScriptedApproval approval;
  workflows::NoProgress progress;
  workflows::Counter counter{services, staff, workflows::Prompts{pins, approval, progress}};
  workflows::Flows flows{counter};

  static constexpr const char* kUscc = "91110108MA01C8D24U";
  static constexpr const char* kName = "北京示例科技有限公司";
  static constexpr const char* kPin = "135790";

  FlowDesk() {
    admin = staff.bootstrap_admin("admin", Secret("admin-password"));
    teller = staff.add(admin, "teller1", workflows::Role::teller, Secret("teller-password"));
    sup = staff.add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password"));
    approval.name = "sup1";
    approval.password = "sup1-password";
  }

  static workflows::ServiceRequest request(workflows::Flow flow, const std::string& token_serial) {
    return sample_request(flow, token_serial, kUscc, kName, flow == workflows::Flow::reissue ? "lost" : "");
  }

  // Pays what the schedule says.
  workflows::OrderResult run(workflows::ServiceRequest r) {
    db::FeeSchedule fees(db);
    if (r.amount_fen == 0 && r.waiver_reason.empty()) r.amount_fen = workflows::quote(fees, r.flow, r.reason).total_fen;
    return flows.run(teller, r);
  }

  workflows::OrderResult issue(const std::string& serial, const std::string& pin = kPin) {
    tokens.insert_blank(serial);
    pins.new_pins.push_back(pin);
    return run(request(workflows::Flow::issue, serial));
  }

  std::string token_state(const std::string& serial) {
    auto t = db::Tokens(db).by_serial(serial);
    return t ? t->state : "";
  }
  std::optional<db::CertificateRecord> cert(const std::string& serial) { return db::Certificates(db).by_serial(serial); }
  db::ServiceOrder order(db::Id id) { return *db::Orders(db).by_id(id); }
  std::vector<std::string> actions_of(db::Id order_id) {
    std::vector<std::string> out;
    for (const auto& e : journal.entries_of_order(order_id)) out.push_back(e.record.action);
    return out;
  }
  bool has_action(db::Id order_id, const std::string& action) {
    auto a = actions_of(order_id);
    return std::find(a.begin(), a.end(), action) != a.end();
  }
  std::int64_t journal_size() { return journal.head().count; }
  std::vector<db::Payment> payments(db::Id order_id) { return db::Payments(db).of_order(order_id); }
  // The order's id from the database (the newest), for runs that threw.
  db::Id last_order_id() {
    db::Id best = 0;
    for (db::Id id = 1; id < 1000; ++id)
      if (db::Orders(db).by_id(id)) best = id;
    return best;
  }
};

}  // namespace certdesk::test

// Boost.Test prints these in failure messages.
namespace certdesk::workflows {
inline std::ostream& boost_test_print_type(std::ostream& os, OrderState s) { return os << to_string(s); }
inline std::ostream& boost_test_print_type(std::ostream& os, RevocationReason r) { return os << reason_name(r); }
inline std::ostream& boost_test_print_type(std::ostream& os, TokenReport r) { return os << to_string(r); }
}  // namespace certdesk::workflows
