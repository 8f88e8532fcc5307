// Unit tests for the supervisor's day (workflows/day.h): the totals and
// exception rules, the filters and paging, permissions, and the close's
// bookkeeping (closed days refuse entries, later entries go to the next day,
// corrections) on an in-memory database. The signature here is a stand-in
// (SHA-256); the real PKCS#11 signature is tested in tests/app/test_day.cpp.

#include <boost/test/unit_test.hpp>

#include <memory>
#include <set>

#include "common/crypto.h"
#include "common/error.h"
#include "common/text.h"
#include "db/database.h"
#include "db/day_close.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "db/testing.h"
#include "workflows/day.h"
#include "workflows/services.h"

using namespace certdesk;
using namespace certdesk::workflows;
using namespace std::chrono;

namespace {

// Ports the day never uses.
struct NoTokens : TokenPort {
  std::vector<TokenView> list() override { return {}; }
  std::unique_ptr<TokenSession> open(const std::string&) override { throw TokenError(codes::no_token, "none"); }
};
struct NoCa : CaPort {
  IssuedCert issue(const Bytes&, const std::string&, const std::string&, Seconds, int) override { return {}; }
  void revoke(const std::string&, RevocationReason, Seconds) override {}
  bool knows(const std::string&, bool*) override { return false; }
  std::vector<CaRecord> records() override { return {}; }
};
struct NoPins : SoPinSource {
  Secret for_token(const std::string&) override { return Secret("x"); }
  Secret transport() override { return Secret("x"); }
};

// "Signs" with SHA-256 of the statement; the checker recomputes it. The
// "certificate" stands for a key: its fingerprint is a hash of its bytes.
struct HashSigner : StatementSigner {
  Bytes cert{1, 2, 3};
  std::string as = "supervisor";
  std::string kind() const override { return as; }
  Bytes certificate() override { return cert; }
  Bytes sign(const std::string& s) override { return crypto::sha256(s); }
};
std::string fingerprint_of(const Bytes& cert) {
  return "FP " + crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(cert.data()), cert.size()));
}
struct HashChecker : SignatureChecker {
  std::string check(const Bytes&, const std::string& data, const Bytes& sig) override {
    return crypto::sha256(data) == sig ? "" : "does not match";
  }
  std::string key_fingerprint(const Bytes& cert) override { return fingerprint_of(cert); }
};

// 2026-11-22 in Beijing starts at 2026-11-21T16:00:00Z.
Seconds beijing(int day, int hour, int minute = 0) {
  return sys_days{year{2026} / November / day} + hours{hour} + minutes{minute} - hours{8};
}

struct Day {
  db::Database db = db::Database::in_memory();
  db::Journal journal{db, "ws1", 480};
  FixedClock clock{beijing(22, 9)};
  NoTokens tokens;
  NoCa ca;
  NoPins pins;
  Services services{db, journal, clock, tokens, ca, pins, CounterConfig{}};
  Actor teller1, teller2, sup;
  db::Id org = 0;
  std::string receipt_base = "BJ01-2026-";
  int receipts = 0;

  Day() {
    db::Staff staff(db);
    teller1 = {staff.insert({0, "teller1", "teller", "x", true, ""}), "teller1", Role::teller};
    teller2 = {staff.insert({0, "teller2", "teller", "x", true, ""}), "teller2", Role::teller};
    sup = {staff.insert({0, "sup1", "supervisor", "x", true, ""}), "sup1", Role::supervisor};
    org = db::Organisations(db).insert({0, "北京示例科技有限公司", "91110108MA01C8D24U", ""});
  }

  // An admin enrolled `cert` as sup1's signing key (what desk::enroll_staff_token journals).
  void enrol(const Bytes& cert = Bytes{1, 2, 3}) {
    log({.staff = "admin", .action = "staff.token_enrolled", .details = enrolment_details("sup1", fingerprint_of(cert))});
  }

  void log(const db::JournalRecord& r) {
    db::Transaction tx(db);
    journal.append(r, clock.now());
    tx.commit();
    clock.advance(minutes(1));
  }

  db::Id order(const Actor& who, const std::string& flow) {
    db::ServiceOrder o;
    o.flow = flow;
    o.state = "draft";
    o.staff_id = who.id;
    o.organisation_id = org;
    o.request_key = "k" + std::to_string(++receipts) + flow;
    db::Id id = db::Orders(db).insert(o);
    log({.staff = who.name, .action = "order.created", .order_id = id, .organisation = "91110108MA01C8D24U", .flow = flow});
    return id;
  }

  // A receipt and its payment entry.
  std::string pay(const Actor& who, db::Id order_id, const std::string& flow, const std::string& method,
                  std::int64_t fen, const std::string& details = "") {
    std::string no = receipt_base + std::to_string(100000 + ++receipts);
    db::Payment p;
    p.order_id = order_id;
    p.receipt_no = no;
    p.method = method;
    p.quantity = 1;
    p.unit_fen = fen;
    p.amount_fen = fen;
    p.teller_id = who.id;
    p.created_utc = text::iso_utc(clock.now());
    db::Transaction tx(db);
    db::Payments(db).insert(p);
    journal.append({.staff = who.name, .action = "payment", .order_id = order_id, .organisation = "91110108MA01C8D24U",
                    .amount_fen = fen, .receipt_no = no, .details = details.empty() ? method : details, .flow = flow},
                   clock.now());
    tx.commit();
    clock.advance(minutes(1));
    return no;
  }

  void void_receipt(const std::string& no, std::int64_t fen, db::Id order_id) {
    db::Transaction tx(db);
    db::Payments(db).mark_voided(no, "wrong amount", sup.id);
    journal.append({.staff = sup.name, .action = "receipt.voided", .order_id = order_id, .amount_fen = fen,
                    .receipt_no = no, .details = "wrong amount"},
                   clock.now());
    tx.commit();
    clock.advance(minutes(1));
  }

  void complete(const Actor& who, db::Id id, const std::string& flow) {
    log({.staff = who.name, .action = "order.completed", .order_id = id, .organisation = "91110108MA01C8D24U", .flow = flow});
  }

  // A typical day: see the test for the figures it must give.
  void busy_day() {
    log({.staff = "teller1", .action = "login"});
    log({.staff = "nobody", .action = "login.refused", .outcome = codes::bad_credentials});   // failure
    db::Id a = order(teller1, "issue");
    pay(teller1, a, "issue", "cash", 5000);
    complete(teller1, a, "issue");
    db::Id b = order(teller2, "reissue");
    std::string rb = pay(teller2, b, "reissue", "card", 5000);
    void_receipt(rb, 5000, b);                                                           // void
    log({.staff = "teller2", .action = "order.rolled_back", .order_id = b, .flow = "reissue"});
    db::Id c = order(teller1, "reissue");
    log({.staff = "teller1", .action = "override", .order_id = c, .details = "handler_id_copy: faxed copy"});   // override
    pay(teller1, c, "reissue", "waived", 0, "waived by sup1: quality fault");                                  // waiver
    complete(teller1, c, "reissue");
    db::Id d = order(teller2, "unlock");
    log({.staff = "teller2", .action = "token.unlocked", .order_id = d, .flow = "unlock"});                      // unlock
    complete(teller2, d, "unlock");
    db::Id e = order(teller1, "update");
    pay(teller1, e, "update", "transfer", 10000);
    log({.staff = "teller1", .action = "order.interrupted", .order_id = e, .outcome = "9008",
         .details = "token removed", .flow = "update"});                                                                         // failure + unfinished
    db::Id f = order(teller2, "issue");
    db::Transaction tx(db);   // an order of another organisation, completed
    journal.append({.staff = "teller2", .action = "order.completed", .order_id = f, .organisation = "91350100M000100Y43",
                    .flow = "issue"},
                   clock.now());
    tx.commit();
    log({.staff = "teller1", .action = "logout"});
  }
};

const TotalRow* row(const std::vector<TotalRow>& v, const std::string& key) {
  for (const auto& r : v)
    if (r.key == key) return &r;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(day_review)

BOOST_AUTO_TEST_CASE(a_teller_is_refused_the_review_and_the_close) {
  Day d;
  try {
    DayReview r(d.db, d.teller1);
    BOOST_FAIL("a teller opened the day review");
  } catch (const AuthError& e) {
    BOOST_TEST(e.code() == codes::permission_denied);
  }
  BOOST_CHECK_THROW(DayClose(d.services, d.teller1), AuthError);
  Actor admin{99, "admin", Role::admin};
  BOOST_CHECK_THROW(DayReview(d.db, admin), AuthError);
  BOOST_CHECK_NO_THROW(DayReview(d.db, d.sup));
}

BOOST_AUTO_TEST_CASE(totals_by_flow_teller_and_method_match_the_receipts) {
  Day d;
  d.busy_day();
  DayReview review(d.db, d.sup);
  DaySummary s = review.summary("2026-11-22");
  BOOST_TEST(s.entries == db::DayJournal(d.db).range("2026-11-22").count);
  BOOST_TEST(s.receipts_issued == 4);
  BOOST_TEST(s.receipts_voided == 1);
  BOOST_TEST(s.fee_total_fen == 15000);   // cash 50 + transfer 100; the card receipt was voided, the waiver is 0
  BOOST_TEST(s.fee_total_fen == review.receipts_table_total("2026-11-22", 480));
  BOOST_TEST(s.voids == 1);
  BOOST_TEST(s.voided_fen == 5000);

  BOOST_REQUIRE(row(s.by_method, "cash"));
  BOOST_TEST(row(s.by_method, "cash")->amount_fen == 5000);
  BOOST_TEST(row(s.by_method, "transfer")->amount_fen == 10000);
  BOOST_TEST(row(s.by_method, "waived")->receipts == 1);
  BOOST_TEST(row(s.by_method, "waived")->amount_fen == 0);
  BOOST_TEST(!row(s.by_method, "card"));   // its only receipt was voided
  std::int64_t sum = 0;
  for (const auto& r : s.by_method) sum += r.amount_fen;
  BOOST_TEST(sum == s.fee_total_fen);

  BOOST_TEST(row(s.by_flow, "issue")->orders == 2);
  BOOST_TEST(row(s.by_flow, "issue")->amount_fen == 5000);
  BOOST_TEST(row(s.by_flow, "reissue")->orders == 2);
  BOOST_TEST(row(s.by_flow, "reissue")->amount_fen == 0);
  BOOST_TEST(row(s.by_flow, "update")->amount_fen == 10000);
  BOOST_TEST(row(s.by_teller, "teller1")->amount_fen == 15000);
  BOOST_TEST(row(s.by_teller, "teller1")->receipts == 3);
  BOOST_TEST(row(s.by_teller, "teller2")->amount_fen == 0);
  std::int64_t entries = 0;
  for (const auto& r : s.by_teller) entries += r.entries;
  BOOST_TEST(entries == s.entries);
}

BOOST_AUTO_TEST_CASE(exceptions_come_in_their_order) {
  Day d;
  d.busy_day();
  DaySummary s = DayReview(d.db, d.sup).summary("2026-11-22");
  std::vector<std::string> kinds;
  for (const auto& x : s.exceptions) kinds.push_back(to_string(x.kind));
  std::vector<std::string> want{"failure", "failure", "override", "waiver", "void", "unlock", "unfinished"};
  BOOST_TEST(kinds == want, boost::test_tools::per_element());
  BOOST_TEST(s.exceptions[0].entry.record.action == "login.refused");
  BOOST_TEST(s.exceptions[1].entry.record.action == "order.interrupted");
  BOOST_TEST(s.exceptions.back().entry.record.flow == "update");   // the update order never finished
  BOOST_TEST(s.failures == 2);
  BOOST_TEST(s.overrides == 1);
  BOOST_TEST(s.waivers == 1);
  BOOST_TEST(s.unlocks == 1);
  BOOST_TEST(s.unfinished_orders == 1);
}

BOOST_AUTO_TEST_CASE(the_list_shows_exceptions_first_and_the_filters_agree_with_sql) {
  Day d;
  d.busy_day();
  DayReview review(d.db, d.sup);
  auto rows = review.rows("2026-11-22");
  BOOST_TEST(static_cast<std::int64_t>(rows.size()) == review.summary("2026-11-22").entries);
  std::size_t first_plain = 0;
  while (first_plain < rows.size() && rows[first_plain].flags) ++first_plain;
  BOOST_TEST(first_plain == 6u);   // 2 failures, override, waiver, void, unlock; the unfinished order's last entry is the failure
  for (std::size_t i = first_plain; i < rows.size(); ++i) BOOST_TEST(rows[i].flags == 0u);
  for (std::size_t i = 1; i < first_plain; ++i) BOOST_TEST(rows[i - 1].seq < rows[i].seq);

  // Each filter: the rows (C++) are exactly the entries the indexed SQL page gives.
  std::vector<JournalFilter> filters(6);
  filters[0].staff = "teller1";
  filters[1].flow = "reissue";
  filters[2].outcome = JournalFilter::Outcome::failed;
  filters[3].outcome = JournalFilter::Outcome::ok;
  filters[4].organisation = "91350100M000100Y43";
  filters[5].staff = "teller1";
  filters[5].outcome = JournalFilter::Outcome::failed;
  for (const auto& f : filters) {
    std::set<std::int64_t> a, b;
    for (const auto& r : review.rows("2026-11-22", f)) a.insert(r.seq);
    std::int64_t after = 0;
    for (;;) {   // pages of 3: keyset paging
      auto p = review.page("2026-11-22", f, after, 3);
      for (const auto& e : p) {
        BOOST_TEST(matches(e, f));
        b.insert(e.seq);
      }
      if (p.size() < 3) break;
      after = p.back().seq;
    }
    BOOST_TEST(a == b);
    BOOST_TEST(!a.empty());
  }
  JournalFilter org;
  org.organisation = "91350100M000100Y43";
  BOOST_TEST(review.rows("2026-11-22", org).size() == 1u);
  JournalFilter failed;
  failed.outcome = JournalFilter::Outcome::failed;
  BOOST_TEST(review.rows("2026-11-22", failed).size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_order_shows_its_whole_history_across_days) {
  Day d;
  db::Id id = d.order(d.teller1, "update");
  d.pay(d.teller1, id, "update", "cash", 10000);
  d.clock.set(beijing(23, 10));
  d.complete(d.teller1, id, "update");
  DayReview review(d.db, d.sup);
  auto h = review.order_history(id);
  BOOST_REQUIRE(h.size() == 3u);
  BOOST_TEST(h[0].business_day == "2026-11-22");
  BOOST_TEST(h[2].business_day == "2026-11-23");
  // Unfinished on the 22nd, not on the 23rd.
  BOOST_TEST(review.summary("2026-11-22").unfinished_orders == 1);
  BOOST_TEST(review.summary("2026-11-23").unfinished_orders == 0);
  auto days = review.days();
  BOOST_TEST(days.size() == 2u);
  BOOST_TEST(days[0] == "2026-11-23");
}

BOOST_AUTO_TEST_CASE(a_malformed_day_is_refused) {
  Day d;
  DayReview review(d.db, d.sup);
  BOOST_CHECK_THROW(review.summary("2026-02-31"), InputError);
  BOOST_CHECK_THROW(review.summary("yesterday"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(day_close)

BOOST_AUTO_TEST_CASE(a_closed_day_never_changes_and_later_entries_go_to_the_next_day) {
  Day d;
  d.busy_day();
  d.enrol();
  HashSigner signer;
  DayClose closing(d.services, d.sup);
  const std::int64_t entries = DayReview(d.db, d.sup).summary("2026-11-22").entries;
  d.clock.set(beijing(22, 18));
  db::DayCloseRecord rec = closing.close("2026-11-22", signer);
  BOOST_TEST(rec.entry_count == entries);
  BOOST_TEST(rec.fee_total_fen == 15000);
  BOOST_TEST(rec.head_hash != d.journal.head().hash);   // the day.closed entry came after
  BOOST_TEST(rec.statement.rfind("certdesk-day-close-v2\nbranch: BJ01\nbusiness_day: 2026-11-22\n", 0) == 0);
  BOOST_TEST(rec.statement.find("\nprevious_close_sha256: " + kGenesisClose + "\n") != std::string::npos);   // the first close
  BOOST_TEST(rec.statement.find("\nfee_total_fen: 15000\n") != std::string::npos);
  BOOST_TEST(rec.statement.find("\nmethod.cash: receipts=1 amount_fen=5000\n") != std::string::npos);
  BOOST_TEST(rec.statement_sha256 == crypto::sha256_hex(rec.statement));

  // The close's own entry, and everything after, belongs to the 23rd although it is still the 22nd.
  auto head = db::DayJournal(d.db).at(d.journal.head().count);
  BOOST_REQUIRE(head);
  BOOST_TEST(head->record.action == "day.closed");
  BOOST_TEST(head->business_day == "2026-11-23");
  db::JournalEntry later = [&] {
    db::Transaction tx(d.db);
    auto e = d.journal.append({.staff = "teller1", .action = "login"}, d.clock.now());
    tx.commit();
    return e;
  }();
  BOOST_TEST(later.business_day == "2026-11-23");
  BOOST_TEST(DayReview(d.db, d.sup).summary("2026-11-22").entries == entries);

  // A bypass of Journal::append is refused by the trigger.
  db::JournalHead h = d.journal.head();
  try {
    db::testing::exec(d.db,
                      "INSERT INTO journal (seq, utc_time, business_day, workstation, staff, action, order_id, organisation, "
                      "token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash) VALUES (" +
                          std::to_string(h.count + 1) +
                          ", '2026-11-22T10:00:00Z', '2026-11-22', 'ws1', 'x', 'login', NULL, '', '', '', NULL, '', '0000', "
                          "'', '', '" + h.hash + "', '" + std::string(64, 'a') + "')");
    BOOST_FAIL("an entry was added to a closed day");
  } catch (const DbError& e) {
    BOOST_TEST(std::string(e.what()).find("closed") != std::string::npos);
  }
  // A receipt of the closed day keeps its amount.
  BOOST_CHECK_THROW(db::testing::exec(d.db, "UPDATE payments SET amount_fen = 1 WHERE method = 'cash'"), DbError);
  // The close itself cannot be changed or removed.
  BOOST_CHECK_THROW(db::testing::exec(d.db, "UPDATE day_closes SET fee_total_fen = 0"), DbError);
  BOOST_CHECK_THROW(db::testing::exec(d.db, "DELETE FROM day_closes"), DbError);

  // Closing again is refused.
  try {
    closing.close("2026-11-22", signer);
    BOOST_FAIL("closed twice");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::duplicate);
  }
  // Verify: all good.
  HashChecker checker;
  DayVerifyReport v = closing.verify("2026-11-22", checker);
  BOOST_TEST(v.ok, v.problem);
  BOOST_TEST(v.statement_matches);
  BOOST_TEST(v.head_matches);
  BOOST_TEST(v.key_pinned);
  BOOST_TEST(v.close_chain_ok);
  BOOST_TEST(v.signer_fingerprint == fingerprint_of(signer.cert));
  BOOST_TEST(v.pinned_fingerprint == v.signer_fingerprint);
}

BOOST_AUTO_TEST_CASE(closing_a_day_that_has_not_begun_or_as_a_teller_is_refused) {
  Day d;
  d.busy_day();
  HashSigner signer;
  BOOST_CHECK_THROW(DayClose(d.services, d.sup).close("2026-11-24", signer), RuleRefused);
  Actor bad{d.teller1.id, "teller1", Role::teller};
  BOOST_CHECK_THROW(DayClose(d.services, bad), AuthError);
  BOOST_TEST(!db::DayCloses(d.db).is_closed("2026-11-22"));
}

BOOST_AUTO_TEST_CASE(two_closed_days_in_a_row_push_entries_further) {
  Day d;
  d.busy_day();
  HashSigner signer;
  DayClose closing(d.services, d.sup);
  closing.close("2026-11-22", signer);
  d.clock.set(beijing(23, 8));
  closing.close("2026-11-23", signer);   // the 23rd holds only the first close's entry
  d.clock.set(beijing(22, 23));          // a clock set back: still not the 22nd nor the 23rd
  db::Transaction tx(d.db);
  auto e = d.journal.append({.staff = "teller1", .action = "login"}, d.clock.now());
  tx.commit();
  BOOST_TEST(e.business_day == "2026-11-24");
}

BOOST_AUTO_TEST_CASE(a_correction_refers_to_the_old_entry) {
  Day d;
  d.busy_day();
  d.enrol();
  HashSigner signer;
  DayClose closing(d.services, d.sup);
  closing.close("2026-11-22", signer);
  db::JournalEntry e = closing.correct(5, "amount was typed for the wrong order");
  BOOST_TEST(e.record.action == "correction");
  BOOST_TEST(e.record.details == "corrects seq 5: amount was typed for the wrong order");
  BOOST_TEST(e.business_day == "2026-11-23");
  BOOST_CHECK_THROW(closing.correct(999999, "x"), RuleRefused);
  BOOST_CHECK_THROW(closing.correct(5, ""), InputError);
  HashChecker checker;
  BOOST_TEST(closing.verify("2026-11-22", checker).ok);
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 13.1: pinned keys and chained closes, with the attacker's SQL.
BOOST_AUTO_TEST_SUITE(day_close_pinned_and_chained)

namespace {

bool any_says(const DayVerifyReport& r, const std::string& words) {
  for (const auto& p : r.problems)
    if (p.find(words) != std::string::npos) return true;
  BOOST_TEST_MESSAGE("problems: " << r.problems.size() << (r.problems.empty() ? "" : ", first: " + r.problems.front()));
  return false;
}

const std::string kUnlockCloses = "DROP TRIGGER day_closes_no_update; DROP TRIGGER day_closes_no_delete;";

// Rewrites the stored close in place with a statement "signed" by `forger`, as
// an attacker who holds another key would (the journal is left alone).
void resign(Day& d, const std::string& day, HashSigner& forger, const std::string& kind) {
  db::DayCloseRecord rec = *db::DayCloses(d.db).by_day(day);
  std::string stmt = rec.statement;
  auto swap_line = [&](const std::string& key, const std::string& value) {
    std::size_t at = stmt.find("\n" + key + ": ") + key.size() + 3;
    stmt.replace(at, stmt.find('\n', at) - at, value);
  };
  const Bytes cert = forger.certificate();
  swap_line("signer", kind);
  swap_line("signer_certificate_sha256",
            crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(cert.data()), cert.size())));
  const std::string sig = crypto::to_hex(forger.sign(stmt));
  db::testing::exec(d.db, kUnlockCloses);
  db::testing::exec(d.db, "UPDATE day_closes SET statement = '" + stmt + "', statement_sha256 = '" + crypto::sha256_hex(stmt) +
                              "', signature = X'" + sig + "', signer_kind = '" + kind + "', signer_cert = X'" +
                              crypto::to_hex(cert) + "' WHERE business_day = '" + day + "'");
}

}  // namespace

// A busy 22nd, sup1's key enrolled, closed at 18:00 with it.
struct ClosedDay {
  Day d;
  HashSigner signer;
  HashChecker checker;
  DayClose closing{d.services, d.sup};
  db::DayCloseRecord first;
  ClosedDay() {
    d.busy_day();
    d.enrol(signer.cert);
    d.clock.set(beijing(22, 18));
    first = closing.close("2026-11-22", signer);
    BOOST_TEST_REQUIRE(closing.verify("2026-11-22", checker).ok);
  }
};

BOOST_FIXTURE_TEST_CASE(a_workstation_signer_is_refused_and_a_close_it_signed_fails, ClosedDay) {
  HashSigner workstation;
  workstation.as = "workstation";
  workstation.cert = {9, 9, 9};
  d.clock.set(beijing(23, 18));
  try {
    closing.close("2026-11-23", workstation);
    BOOST_FAIL("a workstation key closed a day");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::rule_refused);
  }
  BOOST_TEST(!db::DayCloses(d.db).is_closed("2026-11-23"));
  // The 22nd re-signed with a key whose signature verifies but that is not sup1's.
  resign(d, "2026-11-22", workstation, "workstation");
  DayVerifyReport v = closing.verify("2026-11-22", checker);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.signature_ok);
  BOOST_TEST(v.statement_matches);
  BOOST_TEST(!v.key_pinned);
  BOOST_TEST(v.problem.find("workstation") != std::string::npos, v.problem);
}

BOOST_FIXTURE_TEST_CASE(a_token_enrolled_after_the_close_never_verifies_it, ClosedDay) {
  // The next morning someone enrols a new token for sup1 and re-signs the closed day with it.
  d.clock.set(beijing(23, 9));
  HashSigner token_b;
  token_b.cert = {4, 5, 6};
  d.enrol(token_b.cert);
  resign(d, "2026-11-22", token_b, "supervisor");
  DayVerifyReport v = closing.verify("2026-11-22", checker);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.signature_ok);
  BOOST_TEST(!v.key_pinned);
  BOOST_TEST(v.signer_fingerprint == fingerprint_of(token_b.cert));
  BOOST_TEST(v.pinned_fingerprint == fingerprint_of(signer.cert));   // the enrolment in force at the close
  BOOST_TEST(v.problem.find(fingerprint_of(signer.cert)) != std::string::npos, v.problem);
  BOOST_TEST(!v.close_chain_ok);   // and the journal still records the statement signed first
  BOOST_TEST(any_says(v, "the close of 2026-11-22 was replaced"));
  // A close of the 23rd with token B is pinned: B was enrolled before it.
  d.clock.set(beijing(23, 18));
  closing.close("2026-11-23", token_b);
  DayVerifyReport w = closing.verify("2026-11-23", checker);
  BOOST_TEST(w.key_pinned);
  BOOST_TEST(!w.ok);   // the chain still names the re-signed 22nd
}

BOOST_AUTO_TEST_CASE(only_the_closing_supervisors_own_enrolment_pins_a_close) {
  Day d;
  d.busy_day();
  // The same key enrolled for sup10, whose name starts like sup1's: it pins nothing of sup1's.
  d.log({.staff = "admin", .action = "staff.token_enrolled", .details = enrolment_details("sup10", fingerprint_of({1, 2, 3}))});
  HashSigner signer;
  DayClose(d.services, d.sup).close("2026-11-22", signer);
  HashChecker checker;
  DayVerifyReport v = DayClose(d.services, d.sup).verify("2026-11-22", checker);
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.key_pinned);
  BOOST_TEST(v.pinned_fingerprint.empty());
  BOOST_TEST(v.problem.find("enrols no signing token for sup1") != std::string::npos, v.problem);
}

BOOST_FIXTURE_TEST_CASE(closes_are_chained_and_a_removed_close_is_named, ClosedDay) {
  BOOST_TEST(first.statement.find("\nprevious_close_sha256: " + kGenesisClose + "\n") != std::string::npos);
  d.clock.set(beijing(23, 18));
  db::DayCloseRecord second = closing.close("2026-11-23", signer);
  BOOST_TEST(second.statement.find("\nprevious_close_sha256: " + first.statement_sha256 + "\n") != std::string::npos);
  BOOST_TEST(closing.verify("2026-11-23", checker).ok);

  db::testing::exec(d.db, kUnlockCloses + " DELETE FROM day_closes WHERE business_day = '2026-11-22'");
  DayVerifyReport v = closing.verify("2026-11-23", checker);
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.close_chain_ok);
  BOOST_TEST(v.problem.find("the close of 2026-11-22") != std::string::npos, v.problem);
  BOOST_TEST(v.problem.find("removed") != std::string::npos, v.problem);
  // The removed day itself: reported, not "never closed".
  DayVerifyReport gone = closing.verify("2026-11-22", checker);
  BOOST_TEST(!gone.ok);
  BOOST_TEST(gone.problem.find("removed") != std::string::npos, gone.problem);
  BOOST_TEST(gone.bad_seq.has_value());
  // And it cannot be closed again.
  BOOST_CHECK_THROW(closing.close("2026-11-22", signer), JournalIntegrityError);
  BOOST_TEST(!db::DayCloses(d.db).is_closed("2026-11-22"));
}

BOOST_FIXTURE_TEST_CASE(a_redone_close_is_named, ClosedDay) {
  // The attacker removes the close and closes the day again with other figures,
  // journaling the new close as DayClose::close would.
  db::DayCloseRecord again = first;
  again.statement.replace(again.statement.find("fee_total_fen: 15000"), 20, "fee_total_fen: 10000");
  again.statement_sha256 = crypto::sha256_hex(again.statement);
  again.signature = signer.sign(again.statement);
  db::testing::exec(d.db, kUnlockCloses + " DELETE FROM day_closes WHERE business_day = '2026-11-22'");
  {
    db::Transaction tx(d.db);
    db::DayCloses(d.db).insert(again);
    d.journal.append({.staff = "sup1", .action = "day.closed",
                      .details = "closes 2026-11-22: redone, statement sha256 " + again.statement_sha256 + ", signed"},
                     d.clock.now());
    tx.commit();
  }
  DayVerifyReport v = closing.verify("2026-11-22", checker);
  BOOST_TEST(!v.ok);
  BOOST_TEST(!v.close_chain_ok);
  BOOST_TEST(!v.statement_matches);   // the figures differ from the journal too
  BOOST_TEST(any_says(v, "the close of 2026-11-22 was redone"));
}

BOOST_FIXTURE_TEST_CASE(a_close_added_without_its_entry_is_named, ClosedDay) {
  db::DayCloseRecord added = first;
  added.business_day = "2026-11-21";
  {
    db::Transaction tx(d.db);
    db::DayCloses(d.db).insert(added);
    tx.commit();
  }
  DayVerifyReport w = closing.verify("2026-11-22", checker);
  BOOST_TEST(!w.close_chain_ok);
  BOOST_TEST(any_says(w, "the close of 2026-11-21 has no day.closed entry"));
}

BOOST_AUTO_TEST_SUITE_END()
