// Receipts bound to their journal entries (db/receipt_hashes.h): the stored
// hash (the QR code's value), the amount and the order of every receipt are
// checked against the payment entry that names it.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <string>

#include "db/database.h"
#include "db/journal.h"
#include "db/receipt_hashes.h"
#include "db/repositories.h"
#include "db/testing.h"
#include "tests/db/db_fixture.h"

using namespace certdesk;

namespace {

struct Booked {
  db::Database db = db::Database::in_memory();
  db::Journal journal{db, "ws-01", 480};
  db::Id teller = db::Staff(db).insert({0, "li.na", "teller", "scrypt$x", true, ""});
  db::Id org = db::Organisations(db).insert({0, "北京示例科技有限公司", "91110108MA01C8D24U", ""});
  int minutes = 0;

  db::Id new_order(const std::string& key) {
    db::ServiceOrder o;
    o.flow = "issue";
    o.state = "paid";
    o.organisation_id = org;
    o.staff_id = teller;
    o.request_key = key;
    return db::Orders(db).insert(o);
  }

  // A cash receipt with the next number (inside a transaction).
  db::Payment receipt(db::Id order, std::int64_t fen) {
    db::Payment p;
    p.order_id = order;
    p.receipt_no = db::Payments(db).next_receipt_no("BJ01", "W01", 2026);
    p.method = "cash";
    p.amount_fen = p.unit_fen = fen;
    p.teller_id = teller;
    return p;
  }

  // A payment booked as the counter books it: receipt, entry naming it, the
  // entry's hash stored on the receipt — in one transaction.
  std::string pay(db::Id order, std::int64_t fen) {
    db::Transaction tx(db);
    db::Payments payments(db);
    const db::Payment p = receipt(order, fen);
    const db::Id id = payments.insert(p);
    db::JournalRecord r;
    r.staff = "li.na";
    r.action = "payment";
    r.order_id = order;
    r.amount_fen = fen;
    r.receipt_no = p.receipt_no;
    r.details = "cash";
    r.flow = "issue";
    payments.set_journal_hash(id, journal.append(r, test::sample_time(++minutes)).hash);
    tx.commit();
    return p.receipt_no;
  }
};

bool has(const db::ReceiptCheckReport& r, const std::string& receipt, const std::string& problem) {
  for (const auto& p : r.problems)
    if (p.receipt_no == receipt && p.problem == problem && p.message.find(receipt) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(receipt_hashes, Booked)

BOOST_AUTO_TEST_CASE(booked_receipts_match_their_entries) {
  pay(new_order("a"), 15000);
  pay(new_order("b"), 0);   // waived
  const db::Id c = new_order("c");
  journal.append({.staff = "li.na", .action = "login"}, test::sample_time(50));
  pay(c, 5000);
  const db::ReceiptCheckReport r = db::check_receipt_hashes(db);
  BOOST_TEST(r.checked == 3);
  BOOST_TEST(r.ok());
  BOOST_TEST(journal.verify().ok);
}

BOOST_AUTO_TEST_CASE(a_changed_receipt_is_named_with_what_differs) {
  const std::string a = pay(new_order("a"), 15000);
  const std::string b = pay(new_order("b"), 5000);
  const std::string c = pay(new_order("c"), 5000);
  const std::string d = pay(new_order("d"), 5000);
  // The QR value rewritten; the amount lowered; the receipt moved to another order.
  db::testing::exec(db, "UPDATE payments SET journal_hash = '" + std::string(64, 'e') + "' WHERE receipt_no = '" + a + "'");
  db::testing::exec(db, "UPDATE payments SET amount_fen = 500 WHERE receipt_no = '" + b + "'");
  const db::Id other = new_order("e");
  db::testing::exec(db, "UPDATE payments SET order_id = " + std::to_string(other) + " WHERE receipt_no = '" + c + "'");
  const db::ReceiptCheckReport r = db::check_receipt_hashes(db);
  BOOST_TEST(r.checked == 4);
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.problems.size() == 3u);
  BOOST_TEST(has(r, a, "hash"));
  BOOST_TEST(has(r, b, "amount"));
  BOOST_TEST(has(r, c, "order"));
  BOOST_TEST(!has(r, d, "hash"));
  for (const auto& p : r.problems) BOOST_TEST(p.seq.has_value());
  // The journal itself is untouched: only the binding shows the change.
  BOOST_TEST(journal.verify().ok);
}

BOOST_AUTO_TEST_CASE(a_receipt_without_its_entry_or_with_two_is_named) {
  const std::string a = pay(new_order("a"), 15000);
  const db::Id order = new_order("b");
  // A receipt slipped in without a journal entry.
  db::Transaction tx(db);
  const db::Payment forged = receipt(order, 100);
  db::Payments(db).insert(forged);
  // A second payment entry naming receipt a.
  db::JournalRecord again{.staff = "li.na", .action = "payment", .order_id = order, .amount_fen = 15000,
                          .receipt_no = a};
  journal.append(again, test::sample_time(90));
  tx.commit();
  const db::ReceiptCheckReport r = db::check_receipt_hashes(db);
  BOOST_TEST(r.checked == 2);
  BOOST_TEST(has(r, forged.receipt_no, "no_entry"));
  BOOST_TEST(has(r, a, "two_entries"));
  BOOST_TEST(r.problems.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
