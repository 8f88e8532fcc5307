// certdesk_add_test defines BOOST_TEST_MODULE for every source; only test_database.cpp
// may generate main() and the module's init, so the other files drop it.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include "common/error.h"
#include "db/repositories.h"
#include "tests/db/db_fixture.h"

using namespace certdesk;

namespace {

template <class F>
std::string code_of(F&& f) {
  try {
    f();
  } catch (const DbError& e) {
    return e.code();
  }
  return "no error";
}

struct Fixture {
  db::Database db = db::Database::in_memory();
  db::Organisations orgs{db};
  db::Staff staff{db};
  db::Orders orders{db};

  db::Id teller = staff.insert({0, "li.na", "teller", "scrypt$15$8$1$c2FsdA==$aGFzaA==", true, "2026-11-22T03:00:00Z"});
  db::Id org = orgs.insert({0, "北京示例科技有限公司", "91110108MA01C8D24U", "2026-11-22T03:00:00Z"});

  db::Id new_order(const std::string& key) {
    db::ServiceOrder o;
    o.flow = "issue";
    o.state = "draft";
    o.organisation_id = org;
    o.staff_id = teller;
    o.request_key = key;
    o.request_json = "{}";
    o.created_utc = o.updated_utc = "2026-11-22T03:14:00Z";
    return orders.insert(o);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(repositories, Fixture)

BOOST_AUTO_TEST_CASE(organisations_round_trip_and_search) {
  auto o = orgs.by_id(org);
  BOOST_TEST_REQUIRE(o.has_value());
  BOOST_TEST(o->name == "北京示例科技有限公司");
  BOOST_TEST(o->uscc == "91110108MA01C8D24U");
  BOOST_TEST(o->created_utc == "2026-11-22T03:00:00Z");
  BOOST_TEST(orgs.by_uscc("91110108MA01C8D24U")->id == org);
  BOOST_TEST(!orgs.by_uscc("nothing"));
  BOOST_TEST(!orgs.by_id(999));
  db::Id legacy = orgs.insert({0, "上海旧单位", "", ""});
  db::Id legacy2 = orgs.insert({0, "广州旧单位", "", ""});  // two without USCC are not duplicates
  BOOST_TEST(legacy != legacy2);
  BOOST_TEST(orgs.by_id(legacy)->uscc == "");
  BOOST_TEST(orgs.search("示例").size() == 1u);
  BOOST_TEST(orgs.search("9111").size() == 1u);
  BOOST_TEST(orgs.search("1108").empty());  // USCC matches from its start only
  BOOST_TEST(orgs.search("旧单位").size() == 2u);
  BOOST_TEST(orgs.search("旧单位", 1).size() == 1u);
  BOOST_TEST(orgs.search("%").empty());  // typed text is matched literally
  BOOST_TEST(code_of([&] { orgs.insert({0, "重复", "91110108MA01C8D24U", ""}); }) == codes::duplicate);
}

BOOST_AUTO_TEST_CASE(handlers_upsert_by_id_number) {
  db::Id h = orgs.upsert_handler({0, org, "张三", "11010519491231002X"});
  BOOST_TEST(orgs.upsert_handler({0, org, "张叁", "11010519491231002X"}) == h);
  BOOST_TEST(orgs.handler(h)->name == "张叁");
  orgs.upsert_handler({0, org, "李四", "110105194912310021"});
  BOOST_TEST(orgs.handlers_of(org).size() == 2u);
  BOOST_TEST(!orgs.handler(999));
  BOOST_TEST(code_of([&] { orgs.upsert_handler({0, 999, "王五", "110105194912310030"}); }) == codes::database_error);
}

BOOST_AUTO_TEST_CASE(staff_round_trip) {
  auto s = staff.by_name("li.na");
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST(s->id == teller);
  BOOST_TEST(s->role == "teller");
  BOOST_TEST(s->active);
  BOOST_TEST(s->password_hash == "scrypt$15$8$1$c2FsdA==$aGFzaA==");
  staff.insert({0, "zhao.min", "supervisor", "scrypt$x", true, ""});
  BOOST_TEST(staff.count() == 2);
  BOOST_TEST(staff.all().size() == 2u);
  staff.set_password_hash(teller, "scrypt$new");
  staff.set_active(teller, false);
  BOOST_TEST(staff.by_id(teller)->password_hash == "scrypt$new");
  BOOST_TEST(!staff.by_id(teller)->active);
  BOOST_TEST(code_of([&] { staff.set_active(999, true); }) == codes::not_found);
  BOOST_TEST(code_of([&] { staff.insert({0, "li.na", "admin", "h", true, ""}); }) == codes::duplicate);
  BOOST_TEST(code_of([&] { staff.insert({0, "x", "cashier", "h", true, ""}); }) == codes::database_error);
}

BOOST_AUTO_TEST_CASE(tokens_upsert_and_state) {
  db::Tokens tokens(db);
  db::Id t = tokens.upsert({0, "2100012345", std::nullopt, "blank", "", "Watchdata", "2026-11-22T03:00:00Z"});
  BOOST_TEST(!tokens.by_serial("2100012345")->organisation_id);
  BOOST_TEST(tokens.upsert({0, "2100012345", org, "active", "BJ-EXAMPLE", "Watchdata", "2026-11-22T03:10:00Z"}) == t);
  auto r = tokens.by_serial("2100012345");
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->organisation_id.value() == org);
  BOOST_TEST(r->state == "active");
  BOOST_TEST(r->label == "BJ-EXAMPLE");
  BOOST_TEST(r->vendor == "Watchdata");
  tokens.set_state("2100012345", "locked", "2026-11-22T03:20:00Z");
  BOOST_TEST(tokens.by_serial("2100012345")->state == "locked");
  BOOST_TEST(tokens.by_serial("2100012345")->updated_utc == "2026-11-22T03:20:00Z");
  BOOST_TEST(tokens.of_organisation(org).size() == 1u);
  BOOST_TEST(code_of([&] { tokens.set_state("nothing", "locked", ""); }) == codes::not_found);
}

BOOST_AUTO_TEST_CASE(certificates_round_trip_and_revoke) {
  db::Certificates certs(db);
  db::Id order = new_order("k1");
  db::CertificateRecord c;
  c.serial = "0a1b2c";
  c.organisation_id = org;
  c.token_serial = "2100012345";
  c.subject = "CN=北京示例科技有限公司,O=北京示例科技有限公司,C=CN";
  c.not_before = 1795000000;
  c.not_after = 1795000000 + 365 * 86400;
  c.key_id = "01ab";
  c.order_id = order;
  c.der = {0x30, 0x82, 0x00, 0xff};
  certs.insert(c);
  db::CertificateRecord older = c;
  older.serial = "09";
  older.not_before -= 400 * 86400;
  older.not_after -= 400 * 86400;
  older.order_id.reset();
  older.der.clear();
  certs.insert(older);
  auto r = certs.by_serial("0a1b2c");
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->subject == c.subject);
  BOOST_TEST(r->not_after - r->not_before == 365 * 86400);
  BOOST_TEST(r->order_id.value() == order);
  BOOST_TEST(r->der == c.der);
  BOOST_TEST(r->status == "valid");
  BOOST_TEST(!r->revoked_at);
  BOOST_TEST(certs.by_serial("09")->der.empty());
  auto of = certs.of_organisation(org);
  BOOST_TEST_REQUIRE(of.size() == 2u);
  BOOST_TEST(of[0].serial == "0a1b2c");  // newest first
  certs.mark_revoked("09", 1795000100, "superseded");
  auto revoked = certs.by_serial("09");
  BOOST_TEST(revoked->status == "revoked");
  BOOST_TEST(revoked->revoked_at.value() == 1795000100);
  BOOST_TEST(revoked->revocation_reason == "superseded");
  BOOST_TEST(certs.valid_of_organisation(org).size() == 1u);
  BOOST_TEST(certs.on_token("2100012345").size() == 2u);
  BOOST_TEST(certs.all().size() == 2u);
  BOOST_TEST(code_of([&] { certs.insert(c); }) == codes::duplicate);
  c.serial = "0c";
  c.status = "expired";
  BOOST_TEST(code_of([&] { certs.insert(c); }) == codes::database_error);
  BOOST_TEST(code_of([&] { certs.mark_revoked("nothing", 1, "x"); }) == codes::not_found);
}

BOOST_AUTO_TEST_CASE(orders_round_trip_update_and_lists) {
  db::Id a = new_order("key-a");
  db::Id b = new_order("key-b");
  auto o = orders.by_id(a);
  BOOST_TEST_REQUIRE(o.has_value());
  BOOST_TEST(o->flow == "issue");
  BOOST_TEST(o->state == "draft");
  BOOST_TEST(o->staff_id == teller);
  BOOST_TEST(orders.by_request_key("key-b")->id == b);
  BOOST_TEST(code_of([&] { new_order("key-a"); }) == codes::duplicate);

  db::Id h = orgs.upsert_handler({0, org, "张三", "11010519491231002X"});
  o->state = "completed";
  o->step = "handover";
  o->data_json = R"({"cert_serial":"0a1b2c"})";
  o->error_code = "";
  o->token_serial = "2100012345";
  o->handler_id = h;
  o->updated_utc = "2026-11-22T04:00:00Z";
  orders.update(*o);
  auto u = orders.by_id(a);
  BOOST_TEST(u->state == "completed");
  BOOST_TEST(u->step == "handover");
  BOOST_TEST(u->data_json == R"({"cert_serial":"0a1b2c"})");
  BOOST_TEST(u->token_serial == "2100012345");
  BOOST_TEST(u->handler_id.value() == h);
  BOOST_TEST(u->updated_utc == "2026-11-22T04:00:00Z");
  BOOST_TEST(u->created_utc == "2026-11-22T03:14:00Z");

  auto unfinished = orders.unfinished();
  BOOST_TEST_REQUIRE(unfinished.size() == 1u);
  BOOST_TEST(unfinished[0].id == b);
  auto recent = orders.recent(1);
  BOOST_TEST_REQUIRE(recent.size() == 1u);
  BOOST_TEST(recent[0].id == b);
  BOOST_TEST(orders.of_organisation(org).size() == 2u);
  o->id = 999;
  BOOST_TEST(code_of([&] { orders.update(*o); }) == codes::not_found);

  db::ServiceOrder stranger;
  stranger.flow = "issue";
  stranger.state = "draft";
  stranger.staff_id = 999;  // no such teller: foreign key
  stranger.request_key = "key-c";
  BOOST_TEST(code_of([&] { orders.insert(stranger); }) == codes::database_error);
}

BOOST_AUTO_TEST_CASE(document_checks_round_trip) {
  db::DocumentChecks checks(db);
  db::Id order = new_order("k");
  db::Id sup = staff.insert({0, "zhao.min", "supervisor", "h", true, ""});
  checks.insert({0, order, "application_form", true, true, R"({"business_type":"issue"})", "", std::nullopt, ""});
  checks.insert({0, order, "handler_id_copy", false, false, "", "customer brought the original", sup,
                 std::string(64, 'a')});
  auto all = checks.of_order(order);
  BOOST_TEST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].item == "application_form");
  BOOST_TEST(all[0].present);
  BOOST_TEST(all[0].stamped);
  BOOST_TEST(all[0].values_json == R"({"business_type":"issue"})");
  BOOST_TEST(!all[0].override_by);
  BOOST_TEST(!all[1].present);
  BOOST_TEST(all[1].override_reason == "customer brought the original");
  BOOST_TEST(all[1].override_by.value() == sup);
  BOOST_TEST(all[1].scan_sha256 == std::string(64, 'a'));
  BOOST_TEST(code_of([&] { checks.insert({0, 999, "token", true, false, "", "", std::nullopt, ""}); }) ==
             codes::database_error);
}

BOOST_AUTO_TEST_CASE(fee_schedule_set_and_get) {
  db::FeeSchedule fees(db);
  fees.set({"service.unlock", 2000, "Unlock service"});
  fees.set({"service.extra", 300, "Extra"});
  BOOST_TEST(fees.get("service.unlock")->amount_fen == 2000);
  BOOST_TEST(fees.get("service.extra")->description == "Extra");
  BOOST_TEST(fees.all().size() == 8u);
  BOOST_TEST(!fees.get("nothing"));
  BOOST_TEST(code_of([&] { fees.set({"token", -1, "negative"}); }) == codes::database_error);
}

BOOST_AUTO_TEST_CASE(receipt_numbers_are_gap_free) {
  db::Payments payments(db);
  auto take = [&](const std::string& branch, int year, bool commit, const std::string& ws = "W01") {
    db::Transaction tx(db);
    std::string no = payments.next_receipt_no(branch, ws, year);
    if (commit) tx.commit();
    return no;
  };
  BOOST_TEST(take("BJ01", 2026, true) == "BJ01-W01-2026-000001");
  BOOST_TEST(take("BJ01", 2026, true) == "BJ01-W01-2026-000002");
  BOOST_TEST(take("BJ01", 2026, false) == "BJ01-W01-2026-000003");  // rolled back: given back
  BOOST_TEST(take("BJ01", 2026, true) == "BJ01-W01-2026-000003");
  BOOST_TEST(take("BJ01", 2027, true) == "BJ01-W01-2027-000001");
  BOOST_TEST(take("SH02", 2026, true) == "SH02-W01-2026-000001");
  // Each workstation has its own series (issue 12): two counters never share a number.
  BOOST_TEST(take("BJ01", 2026, true, "W02") == "BJ01-W02-2026-000001");
  try {
    db::Transaction tx(db);
    payments.next_receipt_no("BJ01", "W01", 2026);
    throw std::runtime_error("printer caught fire");
  } catch (const std::runtime_error&) {
  }
  BOOST_TEST(take("BJ01", 2026, true) == "BJ01-W01-2026-000004");
  // Outside a transaction the number could not be given back: refused.
  BOOST_TEST(code_of([&] { payments.next_receipt_no("BJ01", "W01", 2026); }) == codes::database_error);
  BOOST_TEST(code_of([&] { take("", 2026, true); }) == codes::bad_request);
  BOOST_TEST(code_of([&] { take("BJ01", 2026, true, ""); }) == codes::bad_request);
  BOOST_TEST(code_of([&] { take("BJ01", 2026, true, "W-1"); }) == codes::bad_request);
}

BOOST_AUTO_TEST_CASE(receipt_numbers_survive_reopen) {
  test::TempDir dir;
  for (int i = 1; i <= 2; ++i) {
    auto file_db = db::Database::open(dir / "certdesk.db", true);
    db::Payments payments(file_db);
    db::Transaction tx(file_db);
    BOOST_TEST(payments.next_receipt_no("BJ01", "W01", 2026) == "BJ01-W01-2026-00000" + std::to_string(i));
    tx.commit();
  }
}

BOOST_AUTO_TEST_CASE(payments_round_trip_void_and_print) {
  db::Payments payments(db);
  db::Id order = new_order("k");
  db::Id sup = staff.insert({0, "zhao.min", "supervisor", "h", true, ""});
  db::Transaction tx(db);
  db::Payment p;
  p.order_id = order;
  p.receipt_no = payments.next_receipt_no("BJ01", "W01", 2026);
  p.method = "cash";
  p.payer = "北京示例科技有限公司";
  p.item = "USB key token";
  p.quantity = 1;
  p.unit_fen = 5000;
  p.amount_fen = 5000;
  p.teller_id = teller;
  p.created_utc = "2026-11-22T03:30:00Z";
  p.invoice_no = "No.0012345";
  db::Id id = payments.insert(p);
  payments.set_journal_hash(id, std::string(64, 'f'));
  tx.commit();

  auto r = payments.by_receipt_no("BJ01-W01-2026-000001");
  BOOST_TEST_REQUIRE(r.has_value());
  BOOST_TEST(r->id == id);
  BOOST_TEST(r->amount_fen == 5000);
  BOOST_TEST(r->payer == "北京示例科技有限公司");
  BOOST_TEST(r->invoice_no == "No.0012345");
  BOOST_TEST(r->status == "issued");
  BOOST_TEST(r->journal_hash == std::string(64, 'f'));
  BOOST_TEST(r->print_count == 0);
  payments.count_print(p.receipt_no);
  payments.count_print(p.receipt_no);
  BOOST_TEST(payments.by_receipt_no(p.receipt_no)->print_count == 2);
  payments.mark_voided(p.receipt_no, "wrong amount", sup);
  auto v = payments.by_receipt_no(p.receipt_no);
  BOOST_TEST(v->status == "voided");
  BOOST_TEST(v->void_reason == "wrong amount");
  BOOST_TEST(v->voided_by.value() == sup);
  BOOST_TEST(payments.of_order(order).size() == 1u);
  BOOST_TEST(code_of([&] { payments.insert(p); }) == codes::duplicate);
  p.receipt_no = "BJ01-2026-000099";
  p.status = "lost";
  BOOST_TEST(code_of([&] { payments.insert(p); }) == codes::database_error);
  BOOST_TEST(code_of([&] { payments.count_print("nothing"); }) == codes::not_found);
}

BOOST_AUTO_TEST_CASE(settings_round_trip) {
  db::Settings settings(db);
  BOOST_TEST(!settings.get("branch"));
  BOOST_TEST(settings.get_or("branch", "XX00") == "XX00");
  settings.set("branch", "BJ01");
  settings.set("branch", "BJ02");
  BOOST_TEST(settings.get("branch").value() == "BJ02");
  BOOST_TEST(settings.get_int("renewal.before_days", 30) == 30);
  settings.set("renewal.before_days", "45");
  BOOST_TEST(settings.get_int("renewal.before_days", 30) == 45);
  settings.set("renewal.before_days", "45 days");
  BOOST_TEST(code_of([&] { settings.get_int("renewal.before_days", 30); }) == codes::bad_request);
}

BOOST_AUTO_TEST_SUITE_END()
