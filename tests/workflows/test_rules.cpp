// Unit tests for the rules of SPEC §1–§4 that live in workflows/: the two state
// machines, fees, the document checklist, request parsing, roles and approvals,
// free-text checks. No token, no display; an in-memory database where needed.

#include <boost/test/unit_test.hpp>

#include "common/error.h"
#include "common/text.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "common/i18n.h"
#include "tests/workflows/sample_request.h"
#include "workflows/day.h"
#include "workflows/documents.h"
#include "workflows/fees.h"
#include "workflows/request.h"
#include "workflows/staff.h"
#include "workflows/states.h"

using namespace certdesk;
using namespace certdesk::workflows;

namespace {

const char* kRequest = test::kSampleRequest;

template <class E>
bool throws_code(const std::function<void()>& f, const std::string& code) {
  try {
    f();
  } catch (const E& e) {
    return e.code() == code;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_states)

BOOST_AUTO_TEST_CASE(the_happy_path_is_allowed_in_order_only) {
  using S = OrderState;
  const S path[] = {S::draft, S::documents_checked, S::paid, S::token_done, S::handed_over, S::completed};
  for (int i = 0; i + 1 < 6; ++i) {
    BOOST_TEST(order_move_allowed(path[i], path[i + 1]));
    for (int j = 0; j < 6; ++j)
      if (j != i + 1) BOOST_TEST(!order_move_allowed(path[i], path[j]), to_string(path[i]) << "→" << to_string(path[j]));
  }
}

BOOST_AUTO_TEST_CASE(final_states_never_move) {
  for (auto from : {OrderState::completed, OrderState::cancelled, OrderState::failed})
    for (auto to : {OrderState::draft, OrderState::documents_checked, OrderState::paid, OrderState::token_done,
                    OrderState::handed_over, OrderState::completed, OrderState::cancelled, OrderState::failed})
      BOOST_TEST(!order_move_allowed(from, to));
}

BOOST_AUTO_TEST_CASE(cancel_only_before_the_token_work_fail_from_any_unfinished) {
  BOOST_TEST(order_move_allowed(OrderState::draft, OrderState::cancelled));
  BOOST_TEST(order_move_allowed(OrderState::documents_checked, OrderState::cancelled));
  BOOST_TEST(order_move_allowed(OrderState::paid, OrderState::cancelled));
  BOOST_TEST(!order_move_allowed(OrderState::token_done, OrderState::cancelled));
  BOOST_TEST(!order_move_allowed(OrderState::handed_over, OrderState::cancelled));
  for (auto s : {OrderState::draft, OrderState::documents_checked, OrderState::paid, OrderState::token_done,
                 OrderState::handed_over})
    BOOST_TEST(order_move_allowed(s, OrderState::failed));
}

BOOST_AUTO_TEST_CASE(a_refused_move_names_both_states) {
  try {
    require_order_move(OrderState::draft, OrderState::paid);
    BOOST_FAIL("no exception");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::illegal_transition);
    BOOST_TEST(std::string(e.what()).find("draft") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("paid") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_are_refused) {
  for (auto s : {OrderState::draft, OrderState::documents_checked, OrderState::paid, OrderState::token_done,
                 OrderState::handed_over, OrderState::completed, OrderState::cancelled, OrderState::failed})
    BOOST_TEST((order_state_from(to_string(s)) == s));
  BOOST_CHECK_THROW(order_state_from("shipped"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_states)

BOOST_AUTO_TEST_CASE(every_move_of_the_table_is_allowed_and_every_other_refused) {
  const TokenState all[] = {TokenState::blank,     TokenState::active, TokenState::locked, TokenState::suspended,
                            TokenState::lost,      TokenState::damaged, TokenState::retired};
  int allowed = 0, refused = 0;
  for (auto from : all)
    for (auto to : all) {
      bool in_table = false;
      for (const auto& m : token_moves()) in_table |= (m.from == from && m.to == to);
      BOOST_TEST(token_move_allowed(from, to) == in_table);
      if (in_table) {
        BOOST_CHECK_NO_THROW(require_token_move("2100012345", from, to));
        ++allowed;
      } else {
        BOOST_TEST(throws_code<RuleRefused>([&] { require_token_move("2100012345", from, to); }, codes::token_state_refused));
        ++refused;
      }
    }
  BOOST_TEST(allowed == int(token_moves().size()));
  BOOST_TEST(refused == 49 - allowed);
}

BOOST_AUTO_TEST_CASE(spec_moves) {
  BOOST_TEST(token_move_allowed(TokenState::blank, TokenState::active));
  BOOST_TEST(token_move_allowed(TokenState::active, TokenState::locked));
  BOOST_TEST(token_move_allowed(TokenState::locked, TokenState::active));
  BOOST_TEST(token_move_allowed(TokenState::active, TokenState::suspended));
  BOOST_TEST(token_move_allowed(TokenState::suspended, TokenState::active));
  BOOST_TEST(token_move_allowed(TokenState::suspended, TokenState::lost));
  BOOST_TEST(!token_move_allowed(TokenState::retired, TokenState::active));
  BOOST_TEST(!token_move_allowed(TokenState::lost, TokenState::active));
  BOOST_TEST(!token_move_allowed(TokenState::blank, TokenState::locked));
}

BOOST_AUTO_TEST_CASE(a_refused_move_says_what_is_allowed) {
  try {
    require_token_move("2100012345", TokenState::suspended, TokenState::retired);
    BOOST_FAIL("no exception");
  } catch (const RuleRefused& e) {
    std::string m = e.what();
    BOOST_TEST(m.find("2100012345") != std::string::npos);
    BOOST_TEST(m.find("active") != std::string::npos);
    BOOST_TEST(m.find("lost") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fees)

BOOST_AUTO_TEST_CASE(defaults_of_the_schedule_per_flow) {
  auto db = db::Database::in_memory();
  db::FeeSchedule s(db);
  BOOST_TEST(quote(s, Flow::issue).total_fen == 5000);
  BOOST_TEST(quote(s, Flow::reissue, "lost").total_fen == 5000);
  BOOST_TEST(quote(s, Flow::reissue, "damaged_customer").total_fen == 5000);
  FeeQuote quality = quote(s, Flow::reissue, "damaged_quality");
  BOOST_TEST(quality.total_fen == 0);
  BOOST_TEST(quality.free_by_rule_needs_approval);
  BOOST_TEST(quote(s, Flow::unlock).total_fen == 0);
  BOOST_TEST(quote(s, Flow::update).total_fen == 10000);
  BOOST_TEST(quote(s, Flow::replace).total_fen == 5000);
  BOOST_TEST(quote(s, Flow::cancel).total_fen == 0);
  BOOST_CHECK_THROW(quote(s, Flow::reissue, "stolen"), InputError);
}

BOOST_AUTO_TEST_CASE(an_edited_schedule_is_used_and_zero_lines_are_dropped) {
  auto db = db::Database::in_memory();
  db::FeeSchedule s(db);
  s.set({"service.issue", 2000, "Issuance service"});
  FeeQuote q = quote(s, Flow::issue);
  BOOST_TEST(q.total_fen == 7000);
  BOOST_TEST(q.lines.size() == 2u);
  s.set({"service.issue", 0, "Issuance service"});
  BOOST_TEST(quote(s, Flow::issue).lines.size() == 1u);
}

BOOST_AUTO_TEST_CASE(yuan_formatting_is_integer_fen) {
  BOOST_TEST(yuan(5000) == "50.00");
  BOOST_TEST(yuan(5) == "0.05");
  BOOST_TEST(yuan(100000050) == "1000000.50");
  BOOST_TEST(yuan(0) == "0.00");
  BOOST_TEST(yuan(-150) == "-1.50");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(documents)

BOOST_AUTO_TEST_CASE(the_sample_request_is_in_order) {
  ServiceRequest r = parse_request(kRequest);
  DocumentReview rev = review_documents(r, "2026-11-22");
  BOOST_TEST(rev.problems.empty());
  BOOST_TEST(rev.uscc == "91110108MA01C8D24U");
  BOOST_TEST(problems_needing_approval(r, rev).empty());
}

BOOST_AUTO_TEST_CASE(checklists_per_flow) {
  auto items = [](Flow f, const char* reason = "") {
    std::string s;
    for (const auto& c : checklist(f, reason))
      if (c.mandatory) s += c.item + ",";
    return s;
  };
  BOOST_TEST(items(Flow::issue) == "application_form,org_code_copy,handler_id_copy,");
  BOOST_TEST(items(Flow::reissue, "lost") == "application_form,org_code_copy,");
  BOOST_TEST(items(Flow::unlock) == "application_form,org_code_copy,handler_id_copy,token,");
  BOOST_TEST(items(Flow::update) == "application_form,org_code_copy,handler_id_copy,token,");
  BOOST_TEST(items(Flow::replace) == "application_form,org_code_copy,handler_id_copy,");
  BOOST_TEST(items(Flow::cancel) == "application_form,org_code_copy,handler_id_copy,");
}

BOOST_AUTO_TEST_CASE(a_missing_document_blocks_and_is_named) {
  ServiceRequest r = parse_request(kRequest);
  r.documents.erase("handler_id_copy");
  DocumentReview rev = review_documents(r, "2026-11-22");
  BOOST_TEST(rev.problems.size() == 1u);
  BOOST_TEST(throws_code<InputError>([&] { problems_needing_approval(r, rev); }, codes::missing_document));
  r.document_overrides["handler_id_copy"] = "copy follows by fax";
  BOOST_TEST(problems_needing_approval(r, rev).size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_unstamped_copy_and_a_wrong_business_type_are_problems) {
  ServiceRequest r = parse_request(kRequest);
  r.documents["org_code_copy"].stamped = false;
  r.documents["application_form"].business_type = "update";
  DocumentReview rev = review_documents(r, "2026-11-22");
  BOOST_TEST(rev.problems.size() == 2u);
  bool type_overridable = true;
  for (const auto& p : rev.problems)
    if (p.item == "business_type") type_overridable = p.overridable;
  BOOST_TEST(!type_overridable);
}

BOOST_AUTO_TEST_CASE(invalid_numbers_are_refused_with_their_code) {
  ServiceRequest r = parse_request(kRequest);
  r.handler_id_number = "110105194912310021";
  BOOST_TEST(throws_code<InputError>([&] { problems_needing_approval(r, review_documents(r, "2026-11-22")); },
                                     codes::invalid_id_number));
  r = parse_request(kRequest);
  r.uscc = "91110108MA01C8D24V";
  BOOST_TEST(throws_code<InputError>([&] { problems_needing_approval(r, review_documents(r, "2026-11-22")); },
                                     codes::invalid_uscc));
  // A pre-2016 code that fails MOD 31 is accepted with a written reason (and an approval later).
  r.uscc_override_reason = "registered 2015, confirmed with the registry";
  BOOST_TEST(problems_needing_approval(r, review_documents(r, "2026-11-22")).size() == 1u);
}

BOOST_AUTO_TEST_CASE(input_is_normalised_before_it_is_checked) {
  ServiceRequest r = parse_request(kRequest);
  r.uscc = "  ９１１１０１０８ＭＡ０１Ｃ８Ｄ２４Ｕ ";
  r.handler_id_number = "11010519491231002x";
  DocumentReview rev = review_documents(r, "2026-11-22");
  BOOST_TEST(rev.problems.empty());
  BOOST_TEST(rev.uscc == "91110108MA01C8D24U");
  BOOST_TEST(rev.handler_id_number == "11010519491231002X");
}

BOOST_AUTO_TEST_CASE(control_characters_and_overlong_names_are_refused) {
  ServiceRequest r = parse_request(kRequest);
  r.organisation_name = "北京示例\x07科技";
  BOOST_TEST(throws_code<InputError>([&] { review_documents(r, "2026-11-22"); }, codes::invalid_text));
  r.organisation_name = std::string(101 * 3, 'a');
  BOOST_TEST(throws_code<InputError>([&] { review_documents(r, "2026-11-22"); }, codes::invalid_text));
  r = parse_request(kRequest);
  r.handler_name = "   ";
  BOOST_TEST(throws_code<InputError>([&] { review_documents(r, "2026-11-22"); }, codes::invalid_text));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(requests)

BOOST_AUTO_TEST_CASE(the_spec_sample_parses) {
  ServiceRequest r = parse_request(kRequest);
  BOOST_TEST(r.organisation_name == "北京示例科技有限公司");
  BOOST_TEST(r.amount_fen == 5000);
  BOOST_TEST(r.documents.at("application_form").business_type == "issue");
  BOOST_TEST(r.token_serial == "2100012345");
}

BOOST_AUTO_TEST_CASE(malformed_requests_name_what_is_wrong) {
  auto message = [](const std::string& json) -> std::string {
    try {
      parse_request(json);
    } catch (const InputError& e) {
      return e.what();
    }
    return "accepted";
  };
  BOOST_TEST(message("{not json").find("not valid JSON") != std::string::npos);
  BOOST_TEST(message("[1,2]").find("JSON object") != std::string::npos);
  BOOST_TEST(message(R"({"handler":{"name":"a","id_number":"b"},"documents":{},"payment":{"method":"cash","amount_fen":1}})")
                 .find("organisation") != std::string::npos);
  std::string j = kRequest;
  std::string floaty = j;
  floaty.replace(floaty.find("5000"), 4, "50.00");
  BOOST_TEST(message(floaty).find("amount_fen") != std::string::npos);
  std::string negative = j;
  negative.replace(negative.find("5000"), 4, "-5000");
  BOOST_TEST(message(negative).find("amount_fen") != std::string::npos);
  std::string text_uscc = j;
  text_uscc.replace(text_uscc.find("\"91110108MA01C8D24U\""), 20, "91110108");
  BOOST_TEST(message(text_uscc).find("uscc") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_request_key_is_stable_and_sensitive) {
  ServiceRequest a = parse_request(kRequest), b = parse_request(kRequest);
  BOOST_TEST(request_key(a) == request_key(b));
  b.token_serial = "2100012346";
  BOOST_TEST(request_key(a) != request_key(b));
}

BOOST_AUTO_TEST_CASE(flows_by_name) {
  BOOST_TEST((flow_from("reissue") == Flow::reissue));
  BOOST_CHECK_THROW(flow_from("renew"), InputError);
  BOOST_TEST(std::string(business_type_label(Flow::issue)) == "证书初次办理");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(people)

BOOST_AUTO_TEST_CASE(the_role_table) {
  BOOST_TEST(role_allows(Role::teller, Permission::run_order));
  BOOST_TEST(!role_allows(Role::teller, Permission::approve));
  BOOST_TEST(!role_allows(Role::teller, Permission::void_receipt));
  BOOST_TEST(!role_allows(Role::teller, Permission::close_day));
  BOOST_TEST(!role_allows(Role::teller, Permission::manage_staff));
  for (auto p : {Permission::run_order, Permission::approve, Permission::void_receipt, Permission::review_day,
                 Permission::close_day})
    BOOST_TEST(role_allows(Role::supervisor, p));
  BOOST_TEST(!role_allows(Role::supervisor, Permission::manage_staff));
  for (auto p : {Permission::manage_staff, Permission::edit_fees, Permission::edit_settings})
    BOOST_TEST(role_allows(Role::admin, p));
  BOOST_TEST(!role_allows(Role::admin, Permission::run_order));
  BOOST_TEST(throws_code<AuthError>([] { require({1, "li", Role::teller}, Permission::close_day); }, codes::permission_denied));
}

struct ScriptedApproval : ApprovalPrompt {
  std::string name, password;
  bool cancel = false;
  std::optional<ApprovalCredentials> approve(std::string_view) override {
    if (cancel) return std::nullopt;
    return ApprovalCredentials{name, Secret(password)};
  }
};

struct StaffFixture {
  db::Database db = db::Database::in_memory();
  db::Journal journal{db, "ws1", 480};
  FixedClock clock{Seconds(std::chrono::seconds(1795000000))};
  StaffService staff{db, journal, clock, 10};
  Actor admin = staff.bootstrap_admin("admin", Secret("admin-password"));
  Actor teller = staff.add(admin, "teller1", Role::teller, Secret("teller-password"));
  Actor teller2 = staff.add(admin, "teller2", Role::teller, Secret("teller2-password"));
  Actor sup = staff.add(admin, "sup1", Role::supervisor, Secret("sup1-password"));
};

BOOST_FIXTURE_TEST_CASE(login_checks_the_password_and_journals_both_outcomes, StaffFixture) {
  BOOST_TEST(staff.login("teller1", Secret("teller-password")).id == teller.id);
  BOOST_TEST(throws_code<AuthError>([&] { staff.login("teller1", Secret("wrong")); }, codes::bad_credentials));
  BOOST_TEST(throws_code<AuthError>([&] { staff.login("nobody", Secret("wrong")); }, codes::bad_credentials));
  BOOST_TEST(journal.verify().ok);
  auto day = journal.entries_of_day(text::business_day(clock.now(), 480));
  int ok = 0, refused = 0;
  for (const auto& e : day) {
    ok += e.record.action == "login";
    refused += e.record.action == "login.refused";
  }
  BOOST_TEST(ok == 1);
  BOOST_TEST(refused == 2);
}

BOOST_FIXTURE_TEST_CASE(passwords_are_never_stored_in_clear, StaffFixture) {
  auto row = db::Staff(db).by_name("teller1");
  BOOST_REQUIRE(row);
  BOOST_TEST(row->password_hash.find("teller-password") == std::string::npos);
  BOOST_TEST(row->password_hash.rfind("scrypt$", 0) == 0u);
  BOOST_TEST(throws_code<InputError>([&] { staff.add(admin, "short", Role::teller, Secret("1234567")); }, codes::invalid_text));
  BOOST_TEST(throws_code<AuthError>([&] { staff.add(teller, "x", Role::teller, Secret("long-enough")); },
                                    codes::permission_denied));
}

BOOST_FIXTURE_TEST_CASE(an_approval_needs_another_supervisor, StaffFixture) {
  ScriptedApproval p;
  p.name = "sup1";
  p.password = "sup1-password";
  BOOST_TEST(staff.approve(teller, p, "waive the fee").supervisor.id == sup.id);
  // Nobody approves their own work.
  BOOST_TEST(throws_code<AuthError>([&] { staff.approve(sup, p, "waive the fee"); }, codes::self_approval));
  // A teller cannot approve another teller.
  p.name = "teller2";
  p.password = "teller2-password";
  BOOST_TEST(throws_code<AuthError>([&] { staff.approve(teller, p, "waive the fee"); }, codes::permission_denied));
  p.name = "sup1";
  p.password = "wrong";
  BOOST_TEST(throws_code<AuthError>([&] { staff.approve(teller, p, "waive the fee"); }, codes::bad_credentials));
  p.cancel = true;
  BOOST_TEST(throws_code<AuthError>([&] { staff.approve(teller, p, "waive the fee"); }, codes::approval_required));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(free_text)

BOOST_AUTO_TEST_CASE(checks) {
  BOOST_TEST(text::checked("f", "  张三 ", 10) == "张三");
  BOOST_TEST(text::checked("f", "\xE3\x80\x80张三\xE3\x80\x80", 10) == "张三");
  BOOST_TEST(throws_code<InputError>([] { text::checked("f", "a\tb", 10); }, codes::invalid_text));
  BOOST_TEST(throws_code<InputError>([] { text::checked("f", "a\nb", 10); }, codes::invalid_text));
  BOOST_TEST(throws_code<InputError>([] { text::checked("f", "\xFF\xFE", 10); }, codes::invalid_text));
  BOOST_TEST(throws_code<InputError>([] { text::checked("f", "一二三四五六七八九十一", 10); }, codes::invalid_text));
  BOOST_CHECK_NO_THROW(text::checked("f", "一二三四五六七八九十", 10));
  BOOST_TEST(text::checked("f", "", 10, false).empty());
}

BOOST_AUTO_TEST_CASE(time_text) {
  Seconds t = text::parse_iso_utc("2026-11-21T16:30:00Z");
  BOOST_TEST(text::iso_utc(t) == "2026-11-21T16:30:00Z");
  BOOST_TEST(text::business_day(t, 480) == "2026-11-22");   // 00:30 in Beijing
  BOOST_TEST(text::business_day(t, 0) == "2026-11-21");
  BOOST_TEST(text::iso_utc(text::business_day_start("2026-11-22", 480)) == "2026-11-21T16:00:00Z");
  BOOST_CHECK_THROW(text::parse_iso_utc("2026-02-31T00:00:00Z"), InputError);
  BOOST_CHECK_THROW(text::business_day_start("2026-13-01", 480), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the words the window shows, in the default language ----------------------------
// Simplified Chinese is the default (SPEC, brief): every state, flow, document
// and journal action the teller or supervisor sees has its translation in
// po/zh_CN.po, looked up in its context. The suite switches to Chinese and back.

namespace {
struct Chinese {
  Chinese() {
    setenv("CERTDESK_LANG", "zh_CN", 1);
    init_language();
  }
  ~Chinese() {
    setenv("CERTDESK_LANG", "en", 1);
    init_language();
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(language, Chinese)

BOOST_AUTO_TEST_CASE(states_flows_and_documents_have_chinese_names) {
  BOOST_TEST(std::string(tr_ctx("state", "paid")) == "已收费");
  BOOST_TEST(std::string(tr_ctx("state", "active")) == "正常");
  BOOST_TEST(std::string(tr_ctx("flow", "cancel")) == "注销");   // the flow, not the button
  for (OrderState s : {OrderState::draft, OrderState::documents_checked, OrderState::paid, OrderState::token_done,
                       OrderState::handed_over, OrderState::completed, OrderState::cancelled, OrderState::failed})
    BOOST_TEST(std::string(tr_ctx("state", to_string(s))) != to_string(s), to_string(s));
  for (TokenState s : {TokenState::blank, TokenState::active, TokenState::locked, TokenState::suspended,
                       TokenState::lost, TokenState::damaged, TokenState::retired})
    BOOST_TEST(std::string(tr_ctx("state", to_string(s))) != to_string(s), to_string(s));
  for (Flow f : {Flow::issue, Flow::reissue, Flow::unlock, Flow::update, Flow::replace, Flow::cancel}) {
    BOOST_TEST(std::string(tr_ctx("flow", to_string(f))) != to_string(f), to_string(f));
    for (const char* reason : {"lost", "damaged"})
      for (const ChecklistItem& item : checklist(f, reason))
        BOOST_TEST(std::string(tr_ctx("document", item.label)) != item.label, item.label);
  }
  for (Role r : {Role::teller, Role::supervisor, Role::admin})
    BOOST_TEST(std::string(tr(to_string(r))) != to_string(r), to_string(r));
}

BOOST_AUTO_TEST_CASE(journal_actions_and_steps_read_in_chinese) {
  BOOST_TEST(action_label("login.refused") == "登录被拒");
  BOOST_TEST(action_label("receipt.voided") == "作废收据");
  BOOST_TEST(action_label("something.new") == "something.new");   // unknown: as written
  BOOST_TEST(step_label("paid") == "已收费");                       // a state
  BOOST_TEST(step_label("token.keygen") == "介质内生成密钥");        // an action
  BOOST_TEST(step_label("cert.revoked:0a1b") == "cert.revoked:0a1b");
}

BOOST_AUTO_TEST_CASE(english_is_the_fallback) {
  setenv("CERTDESK_LANG", "en", 1);
  init_language();
  BOOST_TEST(std::string(tr_ctx("state", "paid")) == "paid");
  BOOST_TEST(action_label("login.refused") == "login.refused");
}

BOOST_AUTO_TEST_SUITE_END()
