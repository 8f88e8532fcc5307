// The supervisor's day end to end on the real parts (issue 6, 13.1, 13.9): real
// issuances on SoftHSM2 tokens, then the daily close signed through PKCS#11
// with the supervisor's own enrolled token (no workstation-key fallback), `day
// verify`, plain `openssl dgst -sha256 -verify` on the exported statement, the
// CSV and PDF exports, a teller refused, a closed day refusing changes, and an
// attacker with the sqlite3 tool (triggers dropped) changing, deleting,
// inserting and reordering journal rows: `certdesk-cli journal verify` (exit 3)
// and `day verify` name the exact entry.
//
// The day commands run in a separate process, as certdesk-cli runs them: the
// certdesk-cli hands them to the desk (desk/desk.h) through app/cli_day.cpp.

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "common/crypto.h"
#include "desk/day_export.h"
#include "desk/day_signing.h"
#include "desk/desk.h"
#include "db/day_close.h"
#include "printing/layout.h"
#include "tests/app/flow_fixture.h"
#include "workflows/day.h"
#include "workflows/receipts.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using namespace certdesk::test;


namespace {

struct DayFixture : FlowFixture {
  fs::path data = tmp / "data";
  fs::path sup_pw = write_file(tmp / "sup.pw", "sup1-password\n");
  fs::path teller_pw = write_file(tmp / "teller.pw", "teller-password\n");
  fs::path admin_pw = write_file(tmp / "admin.pw", "admin-password\n");
  fs::path sup_pin = write_file(tmp / "sup.pin", "Sup-PIN-2468\n");
  std::string today = text::business_day(clock.now(), 480);
  std::string receipt, voided_receipt;

  // An admin enrols sup1's signing token (the desk, as `staff enroll-token` does); a close needs it.
  std::string enrol_sup(const std::string& serial = "4100055555", const std::string& pin = "Sup-PIN-2468") {
    std::string s = blank(serial);
    desk::enroll_staff_token(*ctx, admin, "sup1", s, Secret(pin));
    return s;
  }
  std::vector<std::string> closing() const { return {"--pin-file", sup_pin.string()}; }

  RunResult day_cli(std::vector<std::string> args, const fs::path& dir = {}) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", (dir.empty() ? data : dir).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv);
  }
  RunResult cli(std::vector<std::string> args, const fs::path& dir = {}) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", (dir.empty() ? data : dir).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv);
  }
  std::vector<std::string> as_sup() const { return {"--as", "sup1", "--as-password-file", sup_pw.string()}; }
  static std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  // A day with real work: two issuances, a failed login, a voided receipt.
  void busy_day() {
    blank("2100011111");
    auto r1 = issue("2100011111");
    BOOST_REQUIRE(r1.state == workflows::OrderState::completed);
    receipt = r1.receipt_no;
    BOOST_CHECK_THROW(ctx->staff().login("teller1", Secret("wrong-password")), AuthError);
    blank("2100022222");
    auto r2 = issue("2100022222", "246801", "91350100M000100Y43", "福建示例有限公司");
    BOOST_REQUIRE(r2.state == workflows::OrderState::completed);
    workflows::Receipts(ctx->services()).void_receipt(sup, r2.receipt_no, "收错了");
    voided_receipt = r2.receipt_no;
  }

  workflows::DaySummary summary() { return workflows::DayReview(ctx->db(), sup).summary(today); }

  // A copy of the data folder for one attack.
  fs::path copy(const std::string& name) {
    RunResult checkpoint = sql(data, "PRAGMA wal_checkpoint(TRUNCATE);");
    BOOST_TEST_REQUIRE(checkpoint.exit_code == 0, checkpoint.err);
    fs::path to = tmp / name;
    fs::copy(data, to, fs::copy_options::recursive);
    return to;
  }
  RunResult sql(const fs::path& dir, const std::string& script) {
    return test::run({"sqlite3", (dir / "certdesk.db").string()}, {}, script);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(day_close_on_tokens)

BOOST_FIXTURE_TEST_CASE(a_close_needs_the_supervisors_token_and_verifies_with_plain_openssl, DayFixture) {
  busy_day();
  workflows::DaySummary s = summary();
  BOOST_TEST(s.fee_total_fen == 5000);      // one receipt kept, one voided
  BOOST_TEST(s.receipts_voided == 1);
  BOOST_TEST(s.failures >= 1);
  BOOST_TEST(s.fee_total_fen == workflows::DayReview(ctx->db(), sup).receipts_table_total(today, 480));

  // No workstation-key fallback: without an enrolled token the close is refused, nothing written.
  const std::int64_t before = ctx->journal().head().count;
  RunResult r = day_cli(cat({"day", "close", today}, as_sup()));
  BOOST_TEST(r.exit_code == 4, r.err);
  BOOST_TEST(r.err.find("staff enroll-token sup1") != std::string::npos, r.err);
  BOOST_TEST(!db::DayCloses(ctx->db()).is_closed(today));
  BOOST_TEST(ctx->journal().head().count == before + 1);   // the CLI's login only

  enrol_sup();
  r = day_cli(cat(cat({"--json", "day", "close", today}, as_sup()), closing()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json j = json::parse(r.out);
  BOOST_TEST(j.at("signer").get<std::string>() == "supervisor");
  BOOST_TEST(j.at("fee_total_fen").get<std::int64_t>() == 5000);
  BOOST_TEST(fs::exists(j.at("report_pdf").get<std::string>()));

  r = day_cli(cat({"day", "verify", today}, as_sup()));
  BOOST_TEST(r.exit_code == 0, r.err);
  r = day_cli(cat(cat({"day", "close", today}, as_sup()), closing()));
  BOOST_TEST(r.exit_code == 4);   // already closed
  BOOST_TEST(r.err.find("already closed") != std::string::npos, r.err);

  fs::path stmt = tmp / "stmt.txt";
  r = day_cli(cat({"day", "export-statement", today, "--out", stmt.string()}, as_sup()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // The documented commands (docs/supervisor.md), by tools nobody here wrote.
  RunResult pub = test::run({"openssl", "x509", "-in", stmt.string() + ".cert.pem", "-pubkey", "-noout"});
  BOOST_REQUIRE(pub.exit_code == 0);
  write_file(tmp / "pub.pem", pub.out);
  RunResult v = test::run({"openssl", "dgst", "-sha256", "-verify", (tmp / "pub.pem").string(), "-signature",
                     stmt.string() + ".sig", stmt.string()});
  BOOST_TEST(v.exit_code == 0, v.out + v.err);
  BOOST_TEST(v.out.find("Verified OK") != std::string::npos);
  RunResult chain = test::run({"openssl", "verify", "-CAfile", ca_pem().string(), stmt.string() + ".cert.pem"});
  BOOST_TEST(chain.exit_code == 0, chain.out + chain.err);
  // One changed byte and openssl refuses.
  std::string text = read_file(stmt);
  BOOST_TEST(text.find("fee_total_fen: 5000\n") != std::string::npos);
  std::string forged = text;
  forged.replace(forged.find("fee_total_fen: 5000"), 19, "fee_total_fen: 4000");
  write_file(tmp / "forged.txt", forged);
  v = test::run({"openssl", "dgst", "-sha256", "-verify", (tmp / "pub.pem").string(), "-signature", stmt.string() + ".sig",
           (tmp / "forged.txt").string()});
  BOOST_TEST(v.exit_code != 0);
}

BOOST_FIXTURE_TEST_CASE(a_teller_is_refused, DayFixture) {
  busy_day();
  std::vector<std::string> as_teller{"--as", "teller1", "--as-password-file", teller_pw.string()};
  BOOST_TEST(day_cli(cat({"day", "report", today}, as_teller)).exit_code == 6);
  RunResult r = day_cli(cat({"day", "close", today}, as_teller));
  BOOST_TEST(r.exit_code == 6);
  BOOST_TEST(!db::DayCloses(ctx->db()).is_closed(today));
  BOOST_CHECK_THROW(workflows::DayReview(ctx->db(), teller), AuthError);
}

BOOST_FIXTURE_TEST_CASE(a_closed_day_refuses_changes, DayFixture) {
  busy_day();
  enrol_sup();
  RunResult r = day_cli(cat(cat({"day", "close", today}, as_sup()), closing()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::int64_t entries = summary().entries;
  // New work today belongs to the next business day.
  blank("2100033333");
  auto r3 = issue("2100033333", "112233", "91110108MA01C8D24U");
  BOOST_TEST((r3.state == workflows::OrderState::completed));
  BOOST_TEST(summary().entries == entries);
  auto h = db::Journal(ctx->db(), "", 480).entries_of_order(r3.order_id);
  BOOST_REQUIRE(!h.empty());
  BOOST_TEST(h.front().business_day > today);
  // A void of the closed day's receipt is a new entry on the next day; the closed day's figures stay.
  workflows::Receipts(ctx->services()).void_receipt(sup, receipt, "退款");
  BOOST_TEST(summary().fee_total_fen == 5000);
  // Writing into the closed day with the sqlite3 tool is refused by the trigger.
  auto head = ctx->journal().head();
  RunResult ins = sql(data, "INSERT INTO journal VALUES (" + std::to_string(head.count + 1) + ", '2026-01-01T00:00:00Z', '" +
                                today + "', 'x', 'x', 'login', NULL, '', '', '', NULL, '', '0000', '', '', '" + head.hash +
                                "', '" + std::string(64, 'a') + "');");
  BOOST_TEST(ins.exit_code != 0);
  BOOST_TEST(ins.err.find("closed") != std::string::npos, ins.err);
  // A correction refers to the old entry.
  r = day_cli(cat({"--json", "day", "correct", std::to_string(h.front().seq), "--reason", "wrong handler name"}, as_sup()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto c = db::DayJournal(ctx->db()).at(json::parse(r.out).at("seq").get<std::int64_t>());
  BOOST_REQUIRE(c);
  BOOST_TEST(c->record.action == "correction");
  BOOST_TEST(c->record.details == "corrects seq " + std::to_string(h.front().seq) + ": wrong handler name");
  BOOST_TEST(day_cli(cat({"day", "verify", today}, as_sup())).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(a_supervisor_signs_with_their_own_token, DayFixture) {
  busy_day();
  std::string serial = blank("4100055555");
  const fs::path& pin = sup_pin;
  fs::path wrong = write_file(tmp / "wrong.pin", "wrong-PIN-1\n");
  RunResult r = day_cli({"--json", "staff", "enroll-token", "sup1", "--token", serial, "--new-pin-file", pin.string(), "--as",
                         "admin", "--as-password-file", admin_pw.string()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // The key's fingerprint: SHA-256 of its SubjectPublicKeyInfo, 16 groups of 4 hex digits, in
  // staff_tokens and in the enrolment's journal entry.
  const std::string fingerprint = json::parse(r.out).at("key_fingerprint").get<std::string>();
  BOOST_TEST(fingerprint.size() == 16 * 4 + 15);
  auto enrolled = db::StaffTokens(ctx->db()).by_serial(serial);
  BOOST_REQUIRE(enrolled);
  BOOST_TEST(enrolled->key_fingerprint == fingerprint);
  BOOST_TEST(desk::key_fingerprint(enrolled->cert_der) == fingerprint);
  auto facts = db::DayJournal(ctx->db()).close_facts(ctx->journal().head().count);
  BOOST_REQUIRE(!facts.empty());
  auto enrolment = &facts.back();
  BOOST_TEST(enrolment->record.action == "staff.token_enrolled");
  BOOST_TEST(enrolment->record.details.find(fingerprint) != std::string::npos, enrolment->record.details);
  // Only an admin enrols; only a supervisor gets one.
  BOOST_TEST(day_cli(cat({"staff", "enroll-token", "sup1", "--token", blank("4100066666"), "--new-pin-file", pin.string()},
                         as_sup()))
                 .exit_code == 6);
  BOOST_TEST(day_cli({"staff", "enroll-token", "teller1", "--token", "4100066666", "--new-pin-file", pin.string(), "--as",
                      "admin", "--as-password-file", admin_pw.string()})
                 .exit_code == 4);

  // Without the PIN, or with a wrong one, nothing is closed.
  r = day_cli(cat({"day", "close", today}, as_sup()));
  BOOST_TEST(r.exit_code == 6, r.err);
  BOOST_TEST(r.err.find(serial) != std::string::npos, r.err);
  r = day_cli(cat({"day", "close", today, "--pin-file", wrong.string()}, as_sup()));
  BOOST_TEST(r.exit_code == 5, r.err);
  BOOST_TEST(!db::DayCloses(ctx->db()).is_closed(today));

  r = day_cli(cat({"--json", "day", "close", today, "--pin-file", pin.string()}, as_sup()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json j = json::parse(r.out);
  BOOST_TEST(j.at("signer").get<std::string>() == "supervisor");
  BOOST_TEST(j.at("signer_subject").get<std::string>().find("CN=sup1") != std::string::npos);
  BOOST_TEST(j.at("key_fingerprint").get<std::string>() == fingerprint);
  r = day_cli(cat({"--json", "day", "verify", today}, as_sup()));
  BOOST_TEST(r.exit_code == 0, r.err);
  json verified = json::parse(r.out);
  BOOST_TEST(verified.at("key_pinned").get<bool>());
  BOOST_TEST(verified.at("close_chain_ok").get<bool>());
  BOOST_TEST(verified.at("pinned_fingerprint").get<std::string>() == fingerprint);
  // The fingerprint is printed on the day report (the archived PDF and a fresh one).
  auto squeeze = [](std::string t) {
    t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
    return t;
  };
  RunResult text = test::run({"pdftotext", "-layout", j.at("report_pdf").get<std::string>(), "-"});
  BOOST_TEST(squeeze(text.out).find(squeeze(fingerprint)) != std::string::npos, text.out);
  BOOST_TEST(text.out.find("签名密钥指纹") != std::string::npos);

  fs::path stmt = tmp / "sup-stmt.txt";
  BOOST_REQUIRE(day_cli(cat({"day", "export-statement", today, "--out", stmt.string()}, as_sup())).exit_code == 0);
  RunResult v = test::run({"openssl", "dgst", "-sha256", "-verify", stmt.string() + ".pubkey.pem", "-signature",
                     stmt.string() + ".sig", stmt.string()});
  BOOST_TEST(v.out.find("Verified OK") != std::string::npos, v.out + v.err);
  RunResult subj = test::run({"openssl", "x509", "-in", stmt.string() + ".cert.pem", "-noout", "-subject"});
  BOOST_TEST(subj.out.find("sup1") != std::string::npos, subj.out);
  // The PIN never reached the database, the journal or the logs.
  BOOST_TEST(files_containing(data, "Sup-PIN-2468").empty());
}

BOOST_FIXTURE_TEST_CASE(exports_csv_with_bom_and_the_pdf_report, DayFixture) {
  busy_day();
  fs::path csv = tmp / "day.csv", pdf = tmp / "day.pdf";
  RunResult r = day_cli(cat({"--json", "day", "report", today, "--csv", csv.string(), "--pdf", pdf.string()}, as_sup()));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  std::string text = read_file(csv);
  BOOST_TEST(text.rfind("\xEF\xBB\xBFseq,utc_time,local_time,business_day,", 0) == 0);
  std::int64_t lines = std::count(text.begin(), text.end(), '\n');
  BOOST_TEST(lines == summary().entries + 1);
  BOOST_TEST(text.find("福建示例有限公司") != std::string::npos);   // the certificate's subject in details
  BOOST_TEST(text.find(",作废,") != std::string::npos, text);
  BOOST_TEST(desk::csv_field("a,\"b\"") == "\"a,\"\"b\"\"\"");
  BOOST_TEST(desk::csv_field("=HYPERLINK(1)") == "'=HYPERLINK(1)");
  BOOST_TEST(read_file(pdf).rfind("%PDF", 0) == 0);
  RunResult t = test::run({"pdftotext", "-layout", pdf.string(), "-"});
  BOOST_TEST(t.out.find("作废") != std::string::npos, t.out);
  BOOST_TEST(t.out.find(today) != std::string::npos);
  json j = json::parse(r.out);
  BOOST_TEST(j.at("exceptions").at(0).at("kind").get<std::string>() == "failure");
  // The report is one counter's: its workstation code in the JSON, the text and the PDF (issue 12.2).
  const std::string ws = ctx->config().workstation;
  BOOST_TEST_REQUIRE(!ws.empty());
  BOOST_TEST(j.at("workstation").get<std::string>() == ws);
  BOOST_TEST(t.out.find("柜台") != std::string::npos, t.out);
  BOOST_TEST(t.out.find("柜台 " + ws) != std::string::npos, t.out);   // the footer of every page
  RunResult plain = day_cli(cat({"day", "report", today}, as_sup()));
  BOOST_REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
  const std::string first_line = plain.out.substr(0, plain.out.find('\n'));
  BOOST_TEST(first_line.find(ws) != std::string::npos, plain.out);
  BOOST_TEST(first_line.find(ctx->config().branch) != std::string::npos, plain.out);
}

// The attacker: a copy of the closed data folder per attack, the journal's
// triggers dropped, rows changed with the sqlite3 tool.
BOOST_FIXTURE_TEST_CASE(tampering_names_the_exact_entry, DayFixture) {
  busy_day();
  enrol_sup();
  BOOST_REQUIRE(day_cli(cat(cat({"day", "close", today}, as_sup()), closing())).exit_code == 0);
  auto rec = db::DayCloses(ctx->db()).by_day(today);
  BOOST_REQUIRE(rec && rec->first_seq && rec->last_seq);
  const std::int64_t n = *rec->first_seq + 5;   // an entry of the closed day
  BOOST_REQUIRE(n + 1 <= *rec->last_seq);
  const std::string N = std::to_string(n), N1 = std::to_string(n + 1), P = std::to_string(n - 1);
  const std::string drop =
      "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; DROP TRIGGER journal_append_at_head; "
      "DROP TRIGGER journal_closed_day; DROP TRIGGER journal_move_anchor; ";

  struct Attack {
    std::string name, script, named;
  };
  std::vector<Attack> attacks{
      {"change", drop + "UPDATE journal SET staff = 'someone-else' WHERE seq = " + N + ";", "entry " + N + " was changed"},
      {"delete", drop + "DELETE FROM journal WHERE seq = " + N + ";", "entry " + N + " was removed"},
      {"insert",
       drop + "UPDATE journal SET seq = -seq WHERE seq >= " + N + "; UPDATE journal SET seq = -seq + 1 WHERE seq < 0; " +
           "INSERT INTO journal SELECT " + N + ", utc_time, business_day, workstation, 'ghost', 'login', NULL, '', '', '', "
           "NULL, '', '0000', '', '', hash, '" + std::string(64, 'b') + "' FROM journal WHERE seq = " + P + ";",
       "entry " + N + " was inserted"},
      {"reorder",
       drop + "UPDATE journal SET seq = -1 WHERE seq = " + N + "; UPDATE journal SET seq = " + N + " WHERE seq = " + N1 +
           "; UPDATE journal SET seq = " + N1 + " WHERE seq = -1;",
       "entries " + N + " and " + N1 + " were swapped"},
  };
  for (const auto& a : attacks) {
    BOOST_TEST_CONTEXT(a.name) {
      fs::path dir = copy(a.name);
      RunResult s = sql(dir, a.script);
      BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
      RunResult jv = cli({"journal", "verify"}, dir);
      BOOST_TEST(jv.exit_code == 3, jv.out + jv.err);
      BOOST_TEST(jv.err.find(a.named) != std::string::npos, jv.err);
      RunResult dv = day_cli(cat({"--json", "day", "verify", today}, as_sup()), dir);
      BOOST_TEST(dv.exit_code == 3, dv.err);
      BOOST_TEST(dv.err.find(a.named) != std::string::npos, dv.err);
      BOOST_TEST(dv.err.find("the day being verified") != std::string::npos, dv.err);
      BOOST_TEST(json::parse(dv.out).at("first_bad_seq").get<std::int64_t>() == n);
    }
  }

  // What the chain cannot see, the close can: a receipt's method, and the close's own row.
  {
    fs::path dir = copy("receipt");
    RunResult s = sql(dir, "DROP TRIGGER payments_closed_day; UPDATE payments SET method = 'card' WHERE receipt_no = '" +
                               receipt + "';");
    BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
    BOOST_TEST(cli({"journal", "verify"}, dir).exit_code == 0);
    RunResult dv = day_cli(cat({"day", "verify", today}, as_sup()), dir);
    BOOST_TEST(dv.exit_code == 3);
    BOOST_TEST(dv.err.find("method.cash") != std::string::npos, dv.err);
  }
  {
    fs::path dir = copy("statement");
    RunResult s = sql(dir, "DROP TRIGGER day_closes_no_update; UPDATE day_closes SET statement = replace(statement, "
                           "'fee_total_fen: 5000', 'fee_total_fen: 4000'), fee_total_fen = 4000;");
    BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
    RunResult dv = day_cli(cat({"day", "verify", today}, as_sup()), dir);
    BOOST_TEST(dv.exit_code == 3);
    BOOST_TEST(dv.err.find("fee_total_fen") != std::string::npos, dv.err);
  }
}

// Issue 13.1: what the attacker with the data folder did before, now caught.
BOOST_FIXTURE_TEST_CASE(forged_removed_and_redone_closes_are_caught, DayFixture) {
  busy_day();
  enrol_sup();
  BOOST_REQUIRE(day_cli(cat(cat({"day", "close", today}, as_sup()), closing())).exit_code == 0);
  const db::DayCloseRecord rec = *db::DayCloses(ctx->db()).by_day(today);
  const std::string fingerprint_a = desk::key_fingerprint(rec.signer_cert);

  // A closed day rewritten in a copy and its statement re-signed with `signer`: the
  // statement recomputed from the rewritten copy, so only the key can give it away.
  auto forge = [&](const fs::path& dir, workflows::StatementSigner& signer) {
    workflows::DaySummary s = [&] {
      db::Database copy_db = db::Database::open(dir / "certdesk.db", false);
      return workflows::DayReview(copy_db, sup).summary(today);
    }();
    const workflows::Bytes cert = signer.certificate();
    workflows::CloseFacts f;
    f.branch = "BJ01";
    f.head_seq = rec.head_seq;
    f.head_hash = rec.head_hash;
    f.closed_by = rec.closed_by;
    f.closed_utc = rec.closed_utc;
    f.signer = signer.kind();
    f.signer_certificate_sha256 = crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(cert.data()), cert.size()));
    f.previous_close_sha256 = workflows::kGenesisClose;
    const std::string stmt = workflows::statement_text(s, f);
    const workflows::Bytes sig = signer.sign(stmt);
    RunResult w = sql(dir, "DROP TRIGGER day_closes_no_update; UPDATE day_closes SET statement = '" + stmt +
                               "', statement_sha256 = '" + crypto::sha256_hex(stmt) + "', fee_total_fen = " +
                               std::to_string(s.fee_total_fen) + ", signature = X'" + crypto::to_hex(sig) +
                               "', signer_kind = '" + signer.kind() + "', signer_cert = X'" + crypto::to_hex(cert) +
                               "' WHERE business_day = '" + today + "';");
    BOOST_REQUIRE_MESSAGE(w.exit_code == 0, w.err);
  };
  auto verify_json = [&](const fs::path& dir) {
    RunResult v = day_cli(cat({"--json", "day", "verify", today}, as_sup()), dir);
    BOOST_TEST(v.exit_code == 3, v.err);
    return std::make_pair(json::parse(v.out), v.err);
  };

  {  // A new token enrolled for sup1 after the close, the close re-signed with it.
    const std::string serial_b = enrol_sup("4100077777", "Other-PIN-1357");
    auto token_b = desk::signer_for(*ctx, sup, [] { return std::optional<Secret>(Secret("Other-PIN-1357")); });
    fs::path dir = copy("token-b");
    forge(dir, *token_b);
    auto [j, err] = verify_json(dir);
    BOOST_TEST(j.at("signature_ok").get<bool>());
    BOOST_TEST(!j.at("key_pinned").get<bool>());
    BOOST_TEST(j.at("pinned_fingerprint").get<std::string>() == fingerprint_a);
    BOOST_TEST(j.at("signer_fingerprint").get<std::string>() == db::StaffTokens(ctx->db()).by_serial(serial_b)->key_fingerprint);
    BOOST_TEST(err.find(fingerprint_a) != std::string::npos, err);
  }
  {  // The close deleted: named, and the day cannot be closed again.
    fs::path dir = copy("deleted");
    RunResult s = sql(dir, "DROP TRIGGER day_closes_no_delete; DELETE FROM day_closes;");
    BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
    RunResult v = day_cli(cat({"day", "verify", today}, as_sup()), dir);
    BOOST_TEST(v.exit_code == 3, v.err);
    BOOST_TEST(v.err.find("was removed from the record of closes") != std::string::npos, v.err);
    fs::path pin_b = write_file(tmp / "b.pin", "Other-PIN-1357\n");   // sup1's active token is now B
    RunResult redo = day_cli(cat({"day", "close", today, "--pin-file", pin_b.string()}, as_sup()), dir);
    BOOST_TEST(redo.exit_code == 3, redo.err);
    BOOST_TEST(redo.err.find("was closed before") != std::string::npos, redo.err);
    BOOST_TEST(sql(dir, "SELECT count(*) FROM day_closes;").out == "0\n");
  }
  // The original still verifies: the later enrolment changed nothing of the close.
  BOOST_TEST(day_cli(cat({"day", "verify", today}, as_sup())).exit_code == 0);
}

// Issue 13.1: receipts against the journal, and a QR scanned from paper.
BOOST_FIXTURE_TEST_CASE(receipt_hashes_and_the_paper_qr_are_checked, DayFixture) {
  busy_day();
  desk::Desk desk(*ctx);
  const std::string good = printing::receipt_qr_text(desk.receipt(receipt));
  BOOST_TEST(good.rfind("certdesk:order=", 0) == 0);

  RunResult r = cli({"--json", "journal", "verify"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(json::parse(r.out).at("receipts_checked").get<std::int64_t>() == 2);

  r = cli({"--json", "receipt", "check", good});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(json::parse(r.out).at("verdict").get<std::string>() == "match");
  r = cli({"receipt", "check", good});
  BOOST_TEST(r.out.find(receipt) != std::string::npos, r.out);
  BOOST_TEST(r.out.find("matches the record") != std::string::npos, r.out);

  std::string bad = good;
  bad.back() = bad.back() == '0' ? '1' : '0';   // one digit of the hash
  r = cli({"receipt", "check", bad});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("does not match the record") != std::string::npos, r.err);
  std::string other_order = good;
  other_order.replace(other_order.find("order=") + 6, 6, "999999");
  BOOST_TEST(cli({"receipt", "check", other_order}).exit_code == 3);
  std::string unknown = good;
  unknown.replace(unknown.find("receipt=") + 8, receipt.size(), "BJ01-2026-999999");
  BOOST_TEST(cli({"receipt", "check", unknown}).exit_code == 3);
  r = cli({"--json", "receipt", "check", printing::receipt_qr_text(desk.receipt(voided_receipt))});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(json::parse(r.out).at("verdict").get<std::string>() == "voided");
  BOOST_TEST(r.err.find("voided") != std::string::npos, r.err);
  r = cli({"receipt", "check", "https://example.com/not-a-receipt"});
  BOOST_TEST(r.exit_code == 4, r.err);

  // The receipt's stored hash (its QR value) rewritten: journal verify names it; the paper no longer matches.
  fs::path dir = copy("receipt-hash");
  RunResult s = sql(dir, "DROP TRIGGER IF EXISTS payments_closed_day; UPDATE payments SET journal_hash = '" +
                             std::string(64, 'f') + "' WHERE receipt_no = '" + receipt + "';");
  BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  r = cli({"--json", "journal", "verify"}, dir);
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find(receipt) != std::string::npos, r.err);
  json j = json::parse(r.out);
  BOOST_TEST(!j.at("ok").get<bool>());
  BOOST_TEST(j.at("receipt_problems").at(0).at("problem").get<std::string>() == "hash");
  BOOST_TEST(cli({"receipt", "check", good}, dir).exit_code == 3);
}

// Issue 13.9: a start with the clock behind the journal is refused, naming both times.
BOOST_FIXTURE_TEST_CASE(a_start_with_the_clock_behind_the_journal_is_refused, DayFixture) {
  // The journal's newest entry is an hour ahead of this machine's clock.
  FixedClock ahead{clock.now() + std::chrono::hours(1)};
  {
    desk::AppContext later(data, ahead, 10);
    later.staff().login("teller1", Secret("teller-password"));
  }
  FixedClock behind{clock.now()};
  try {
    desk::AppContext refused(data, behind, 10);
    BOOST_FAIL("a start with the clock an hour behind was accepted");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::clock_behind);
    const std::string w = e.what();
    BOOST_TEST(w.find(text::local_time(behind.now(), 480)) != std::string::npos, w);
    BOOST_TEST(w.find(text::local_time(ahead.now(), 480)) != std::string::npos, w);
  }
  BOOST_CHECK_NO_THROW(desk::AppContext(data, behind, desk::AppContext::ReadOnly{}));   // reading is no start of work
  RunResult r = cli({"settings", "show"});   // certdesk-cli runs on this machine's clock
  BOOST_TEST(r.exit_code == 4, r.err);
  BOOST_TEST(r.err.find("the clock went back") != std::string::npos, r.err);
  BOOST_TEST(cli({"journal", "verify"}).exit_code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
