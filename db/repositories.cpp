#include "db/repositories.h"

#include <sqlite3.h>

#include <charconv>
#include <cstdio>

#include "common/error.h"
#include "db/detail.h"

namespace certdesk::db {

using detail::bind_opt;
using detail::guarded;
using detail::opt_int;

namespace {

// "" is stored as NULL where a column is UNIQUE but optional (an organisation without USCC).
void bind_text_or_null(SQLite::Statement& s, int index, const std::string& v) {
  if (v.empty())
    s.bind(index);
  else
    s.bind(index, v);
}

void bind_id_or_null(SQLite::Statement& s, int index, const std::optional<Id>& v) { bind_opt(s, index, v); }

void require_changed(SQLite::Database& db, const std::string& what) {
  if (db.getChanges() == 0) throw DbError(codes::not_found, msg(tr("{} was not found: check the number and try again."), what));
}

// ---- row readers ------------------------------------------------------------------

constexpr const char* kOrgCols = "id, name, COALESCE(uscc, ''), created_utc";
Organisation read_org(SQLite::Statement& s) {
  return Organisation{s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                      s.getColumn(3).getString()};
}

constexpr const char* kHandlerCols = "id, organisation_id, name, id_number";
Handler read_handler(SQLite::Statement& s) {
  return Handler{s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getString(),
                 s.getColumn(3).getString()};
}

constexpr const char* kStaffCols = "id, name, role, password_hash, active, created_utc";
StaffMember read_staff(SQLite::Statement& s) {
  return StaffMember{s.getColumn(0).getInt64(),   s.getColumn(1).getString(),    s.getColumn(2).getString(),
                     s.getColumn(3).getString(),  s.getColumn(4).getInt() != 0, s.getColumn(5).getString()};
}

constexpr const char* kTokenCols = "id, serial, organisation_id, state, label, vendor, updated_utc";
TokenRecord read_token(SQLite::Statement& s) {
  return TokenRecord{s.getColumn(0).getInt64(),  s.getColumn(1).getString(), opt_int(s.getColumn(2)),
                     s.getColumn(3).getString(), s.getColumn(4).getString(), s.getColumn(5).getString(),
                     s.getColumn(6).getString()};
}

constexpr const char* kCertCols =
    "id, serial, organisation_id, token_serial, subject, not_before, not_after, key_id, status, revoked_at, "
    "revocation_reason, order_id, der";
CertificateRecord read_cert(SQLite::Statement& s) {
  CertificateRecord c;
  c.id = s.getColumn(0).getInt64();
  c.serial = s.getColumn(1).getString();
  c.organisation_id = s.getColumn(2).getInt64();
  c.token_serial = s.getColumn(3).getString();
  c.subject = s.getColumn(4).getString();
  c.not_before = s.getColumn(5).getInt64();
  c.not_after = s.getColumn(6).getInt64();
  c.key_id = s.getColumn(7).getString();
  c.status = s.getColumn(8).getString();
  c.revoked_at = opt_int(s.getColumn(9));
  c.revocation_reason = s.getColumn(10).getString();
  c.order_id = opt_int(s.getColumn(11));
  SQLite::Column der = s.getColumn(12);
  const auto* p = static_cast<const std::uint8_t*>(der.getBlob());
  c.der.assign(p, p + der.getBytes());
  return c;
}

constexpr const char* kOrderCols =
    "id, flow, state, step, organisation_id, handler_id, token_serial, staff_id, request_key, request_json, "
    "data_json, error_code, created_utc, updated_utc";
ServiceOrder read_order(SQLite::Statement& s) {
  ServiceOrder o;
  o.id = s.getColumn(0).getInt64();
  o.flow = s.getColumn(1).getString();
  o.state = s.getColumn(2).getString();
  o.step = s.getColumn(3).getString();
  o.organisation_id = opt_int(s.getColumn(4));
  o.handler_id = opt_int(s.getColumn(5));
  o.token_serial = s.getColumn(6).getString();
  o.staff_id = s.getColumn(7).getInt64();
  o.request_key = s.getColumn(8).getString();
  o.request_json = s.getColumn(9).getString();
  o.data_json = s.getColumn(10).getString();
  o.error_code = s.getColumn(11).getString();
  o.created_utc = s.getColumn(12).getString();
  o.updated_utc = s.getColumn(13).getString();
  return o;
}

constexpr const char* kCheckCols =
    "id, order_id, item, present, stamped, values_json, override_reason, override_by, scan_sha256";
DocumentCheck read_check(SQLite::Statement& s) {
  DocumentCheck d;
  d.id = s.getColumn(0).getInt64();
  d.order_id = s.getColumn(1).getInt64();
  d.item = s.getColumn(2).getString();
  d.present = s.getColumn(3).getInt() != 0;
  d.stamped = s.getColumn(4).getInt() != 0;
  d.values_json = s.getColumn(5).getString();
  d.override_reason = s.getColumn(6).getString();
  d.override_by = opt_int(s.getColumn(7));
  d.scan_sha256 = s.getColumn(8).getString();
  return d;
}

constexpr const char* kPaymentCols =
    "id, order_id, receipt_no, method, payer, item, quantity, unit_fen, amount_fen, teller_id, created_utc, "
    "invoice_no, status, void_reason, voided_by, journal_hash, print_count";
Payment read_payment(SQLite::Statement& s) {
  Payment p;
  p.id = s.getColumn(0).getInt64();
  p.order_id = s.getColumn(1).getInt64();
  p.receipt_no = s.getColumn(2).getString();
  p.method = s.getColumn(3).getString();
  p.payer = s.getColumn(4).getString();
  p.item = s.getColumn(5).getString();
  p.quantity = s.getColumn(6).getInt64();
  p.unit_fen = s.getColumn(7).getInt64();
  p.amount_fen = s.getColumn(8).getInt64();
  p.teller_id = s.getColumn(9).getInt64();
  p.created_utc = s.getColumn(10).getString();
  p.invoice_no = s.getColumn(11).getString();
  p.status = s.getColumn(12).getString();
  p.void_reason = s.getColumn(13).getString();
  p.voided_by = opt_int(s.getColumn(14));
  p.journal_hash = s.getColumn(15).getString();
  p.print_count = s.getColumn(16).getInt64();
  return p;
}

// Runs a prepared query and reads every row with `read`.
template <class T, class Read>
std::vector<T> all_rows(SQLite::Statement& q, Read read) {
  std::vector<T> out;
  while (q.executeStep()) out.push_back(read(q));
  return out;
}

template <class T, class Read>
std::optional<T> one_row(SQLite::Statement& q, Read read) {
  if (q.executeStep()) return read(q);
  return std::nullopt;
}

std::string sql(const char* cols, const char* rest) { return std::string("SELECT ") + cols + " " + rest; }

// LIKE pattern with %, _ and \ escaped, so typed text matches literally.
std::string like_escaped(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

}  // namespace

// ---- Organisations ----------------------------------------------------------------

Id Organisations::insert(const Organisation& o) {
  return guarded(msg(tr("saving organisation '{}'"), o.name), [&] {
    SQLite::Statement q(detail::sql(db_), "INSERT INTO organisations (name, uscc, created_utc) VALUES (?1, ?2, ?3)");
    q.bind(1, o.name);
    bind_text_or_null(q, 2, o.uscc);
    q.bind(3, o.created_utc);
    q.exec();
    return detail::sql(db_).getLastInsertRowid();
  });
}

std::optional<Organisation> Organisations::by_id(Id id) {
  return guarded(msg(tr("reading organisation {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrgCols, "FROM organisations WHERE id = ?1"));
    q.bind(1, static_cast<std::int64_t>(id));
    return one_row<Organisation>(q, read_org);
  });
}

std::optional<Organisation> Organisations::by_uscc(const std::string& uscc) {
  return guarded(msg(tr("reading organisation {}"), uscc), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrgCols, "FROM organisations WHERE uscc = ?1"));
    q.bind(1, uscc);
    return one_row<Organisation>(q, read_org);
  });
}

std::vector<Organisation> Organisations::search(const std::string& text, int limit) {
  return guarded(tr("searching organisations"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrgCols,
                                       "FROM organisations WHERE name LIKE ?1 ESCAPE '\\' OR uscc LIKE ?2 ESCAPE '\\' "
                                       "ORDER BY name, id LIMIT ?3"));
    const std::string escaped = like_escaped(text);
    q.bind(1, "%" + escaped + "%");
    q.bind(2, escaped + "%");
    q.bind(3, limit);
    return all_rows<Organisation>(q, read_org);
  });
}

Id Organisations::upsert_handler(const Handler& h) {
  return guarded(msg(tr("saving handler '{}'"), h.name), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO handlers (organisation_id, name, id_number) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (organisation_id, id_number) DO UPDATE SET name = excluded.name RETURNING id");
    q.bind(1, static_cast<std::int64_t>(h.organisation_id));
    q.bind(2, h.name);
    q.bind(3, h.id_number);
    if (!q.executeStep()) throw DbError(codes::database_error, msg(tr("Saving handler '{}' returned no record number; try again, and call support if it repeats."), h.name));
    Id id = q.getColumn(0).getInt64();
    while (q.executeStep()) {
    }
    return id;
  });
}

std::optional<Handler> Organisations::handler(Id id) {
  return guarded(msg(tr("reading handler {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kHandlerCols, "FROM handlers WHERE id = ?1"));
    q.bind(1, static_cast<std::int64_t>(id));
    return one_row<Handler>(q, read_handler);
  });
}

std::vector<Handler> Organisations::handlers_of(Id organisation_id) {
  return guarded(tr("reading handlers"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kHandlerCols, "FROM handlers WHERE organisation_id = ?1 ORDER BY name, id"));
    q.bind(1, static_cast<std::int64_t>(organisation_id));
    return all_rows<Handler>(q, read_handler);
  });
}

// ---- Staff --------------------------------------------------------------------------

Id Staff::insert(const StaffMember& s) {
  return guarded(msg(tr("saving staff member '{}'"), s.name), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO staff (name, role, password_hash, active, created_utc) VALUES (?1, ?2, ?3, ?4, ?5)");
    q.bind(1, s.name);
    q.bind(2, s.role);
    q.bind(3, s.password_hash);
    q.bind(4, s.active ? 1 : 0);
    q.bind(5, s.created_utc);
    q.exec();
    return detail::sql(db_).getLastInsertRowid();
  });
}

std::optional<StaffMember> Staff::by_name(const std::string& name) {
  return guarded(msg(tr("reading staff member '{}'"), name), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kStaffCols, "FROM staff WHERE name = ?1"));
    q.bind(1, name);
    return one_row<StaffMember>(q, read_staff);
  });
}

std::optional<StaffMember> Staff::by_id(Id id) {
  return guarded(msg(tr("reading staff member {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kStaffCols, "FROM staff WHERE id = ?1"));
    q.bind(1, static_cast<std::int64_t>(id));
    return one_row<StaffMember>(q, read_staff);
  });
}

std::vector<StaffMember> Staff::all() {
  return guarded(tr("reading the staff list"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kStaffCols, "FROM staff ORDER BY name"));
    return all_rows<StaffMember>(q, read_staff);
  });
}

std::int64_t Staff::count() {
  return guarded(tr("counting staff"), [&] { return detail::sql(db_).execAndGet("SELECT count(*) FROM staff").getInt64(); });
}

void Staff::set_password_hash(Id id, const std::string& hash) {
  guarded(msg(tr("changing the password of staff member {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE staff SET password_hash = ?2 WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(id));
    q.bind(2, hash);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("staff member {}"), id));
  });
}

void Staff::set_active(Id id, bool active) {
  guarded(msg(tr("changing staff member {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE staff SET active = ?2 WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(id));
    q.bind(2, active ? 1 : 0);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("staff member {}"), id));
  });
}

// ---- Tokens ---------------------------------------------------------------------------

Id Tokens::upsert(const TokenRecord& t) {
  return guarded(msg(tr("saving token {}"), t.serial), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO tokens (serial, organisation_id, state, label, vendor, updated_utc) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (serial) DO UPDATE SET "
                        "organisation_id = excluded.organisation_id, state = excluded.state, label = excluded.label, "
                        "vendor = excluded.vendor, updated_utc = excluded.updated_utc RETURNING id");
    q.bind(1, t.serial);
    bind_id_or_null(q, 2, t.organisation_id);
    q.bind(3, t.state);
    q.bind(4, t.label);
    q.bind(5, t.vendor);
    q.bind(6, t.updated_utc);
    if (!q.executeStep()) throw DbError(codes::database_error, msg(tr("Saving token {} returned no record number; try again, and call support if it repeats."), t.serial));
    Id id = q.getColumn(0).getInt64();
    while (q.executeStep()) {
    }
    return id;
  });
}

std::optional<TokenRecord> Tokens::by_serial(const std::string& serial) {
  return guarded(msg(tr("reading token {}"), serial), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kTokenCols, "FROM tokens WHERE serial = ?1"));
    q.bind(1, serial);
    return one_row<TokenRecord>(q, read_token);
  });
}

std::vector<TokenRecord> Tokens::of_organisation(Id organisation_id) {
  return guarded(msg(tr("reading the tokens of organisation {}"), organisation_id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kTokenCols, "FROM tokens WHERE organisation_id = ?1 ORDER BY id"));
    q.bind(1, static_cast<std::int64_t>(organisation_id));
    return all_rows<TokenRecord>(q, read_token);
  });
}

void Tokens::set_state(const std::string& serial, const std::string& state, const std::string& updated_utc) {
  guarded(msg(tr("changing the state of token {}"), serial), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE tokens SET state = ?2, updated_utc = ?3 WHERE serial = ?1");
    q.bind(1, serial);
    q.bind(2, state);
    q.bind(3, updated_utc);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("token {}"), serial));
  });
}

// ---- Certificates -------------------------------------------------------------------

Id Certificates::insert(const CertificateRecord& c) {
  return guarded(msg(tr("saving certificate {}"), c.serial), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO certificates (serial, organisation_id, token_serial, subject, not_before, "
                        "not_after, key_id, status, revoked_at, revocation_reason, order_id, der) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    q.bind(1, c.serial);
    q.bind(2, static_cast<std::int64_t>(c.organisation_id));
    q.bind(3, c.token_serial);
    q.bind(4, c.subject);
    q.bind(5, static_cast<std::int64_t>(c.not_before));
    q.bind(6, static_cast<std::int64_t>(c.not_after));
    q.bind(7, c.key_id);
    q.bind(8, c.status);
    bind_opt(q, 9, c.revoked_at);
    q.bind(10, c.revocation_reason);
    bind_id_or_null(q, 11, c.order_id);
    static const std::uint8_t kEmpty = 0;  // a null pointer would bind NULL, not an empty blob
    q.bind(12, static_cast<const void*>(c.der.empty() ? &kEmpty : c.der.data()), static_cast<int>(c.der.size()));
    q.exec();
    return detail::sql(db_).getLastInsertRowid();
  });
}

std::optional<CertificateRecord> Certificates::by_serial(const std::string& serial) {
  return guarded(msg(tr("reading certificate {}"), serial), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kCertCols, "FROM certificates WHERE serial = ?1"));
    q.bind(1, serial);
    return one_row<CertificateRecord>(q, read_cert);
  });
}

std::vector<CertificateRecord> Certificates::of_organisation(Id organisation_id) {
  return guarded(tr("reading certificates"), [&] {
    SQLite::Statement q(detail::sql(db_),
                        sql(kCertCols, "FROM certificates WHERE organisation_id = ?1 ORDER BY not_before DESC, id DESC"));
    q.bind(1, static_cast<std::int64_t>(organisation_id));
    return all_rows<CertificateRecord>(q, read_cert);
  });
}

std::vector<CertificateRecord> Certificates::valid_of_organisation(Id organisation_id) {
  return guarded(tr("reading certificates"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kCertCols,
                                       "FROM certificates WHERE organisation_id = ?1 AND status = 'valid' "
                                       "ORDER BY not_before DESC, id DESC"));
    q.bind(1, static_cast<std::int64_t>(organisation_id));
    return all_rows<CertificateRecord>(q, read_cert);
  });
}

std::vector<CertificateRecord> Certificates::on_token(const std::string& token_serial) {
  return guarded(msg(tr("reading the certificates on token {}"), token_serial), [&] {
    SQLite::Statement q(detail::sql(db_),
                        sql(kCertCols, "FROM certificates WHERE token_serial = ?1 ORDER BY not_before DESC, id DESC"));
    q.bind(1, token_serial);
    return all_rows<CertificateRecord>(q, read_cert);
  });
}

void Certificates::mark_revoked(const std::string& serial, std::int64_t at, const std::string& reason) {
  guarded(msg(tr("revoking certificate {}"), serial), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "UPDATE certificates SET status = 'revoked', revoked_at = ?2, revocation_reason = ?3 "
                        "WHERE serial = ?1");
    q.bind(1, serial);
    q.bind(2, static_cast<std::int64_t>(at));
    q.bind(3, reason);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("certificate {}"), serial));
  });
}

std::vector<CertificateRecord> Certificates::all() {
  return guarded(tr("reading certificates"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kCertCols, "FROM certificates ORDER BY id"));
    return all_rows<CertificateRecord>(q, read_cert);
  });
}

// ---- Orders ---------------------------------------------------------------------------

Id Orders::insert(const ServiceOrder& o) {
  return guarded(msg(tr("saving a {} order"), o.flow), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO orders (flow, state, step, organisation_id, handler_id, token_serial, staff_id, "
                        "request_key, request_json, data_json, error_code, created_utc, updated_utc) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    q.bind(1, o.flow);
    q.bind(2, o.state);
    q.bind(3, o.step);
    bind_id_or_null(q, 4, o.organisation_id);
    bind_id_or_null(q, 5, o.handler_id);
    q.bind(6, o.token_serial);
    q.bind(7, static_cast<std::int64_t>(o.staff_id));
    q.bind(8, o.request_key);
    q.bind(9, o.request_json);
    q.bind(10, o.data_json);
    q.bind(11, o.error_code);
    q.bind(12, o.created_utc);
    q.bind(13, o.updated_utc);
    q.exec();
    return detail::sql(db_).getLastInsertRowid();
  });
}

std::optional<ServiceOrder> Orders::by_id(Id id) {
  return guarded(msg(tr("reading order {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrderCols, "FROM orders WHERE id = ?1"));
    q.bind(1, static_cast<std::int64_t>(id));
    return one_row<ServiceOrder>(q, read_order);
  });
}

std::optional<ServiceOrder> Orders::by_request_key(const std::string& key) {
  return guarded(tr("reading an order by its request"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrderCols, "FROM orders WHERE request_key = ?1"));
    q.bind(1, key);
    return one_row<ServiceOrder>(q, read_order);
  });
}

void Orders::update(const ServiceOrder& o) {
  guarded(msg(tr("saving order {}"), o.id), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "UPDATE orders SET state = ?2, step = ?3, data_json = ?4, error_code = ?5, token_serial = ?6, "
                        "organisation_id = ?7, handler_id = ?8, updated_utc = ?9 WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(o.id));
    q.bind(2, o.state);
    q.bind(3, o.step);
    q.bind(4, o.data_json);
    q.bind(5, o.error_code);
    q.bind(6, o.token_serial);
    bind_id_or_null(q, 7, o.organisation_id);
    bind_id_or_null(q, 8, o.handler_id);
    q.bind(9, o.updated_utc);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("order {}"), o.id));
  });
}

std::vector<ServiceOrder> Orders::unfinished() {
  return guarded(tr("reading unfinished orders"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrderCols,
                                       "FROM orders WHERE state NOT IN ('completed', 'cancelled', 'failed') "
                                       "ORDER BY created_utc, id"));
    return all_rows<ServiceOrder>(q, read_order);
  });
}

std::vector<ServiceOrder> Orders::recent(int limit) {
  return guarded(tr("reading recent orders"), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrderCols, "FROM orders ORDER BY id DESC LIMIT ?1"));
    q.bind(1, limit);
    return all_rows<ServiceOrder>(q, read_order);
  });
}

std::vector<ServiceOrder> Orders::of_organisation(Id organisation_id) {
  return guarded(msg(tr("reading the orders of organisation {}"), organisation_id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kOrderCols, "FROM orders WHERE organisation_id = ?1 ORDER BY id DESC"));
    q.bind(1, static_cast<std::int64_t>(organisation_id));
    return all_rows<ServiceOrder>(q, read_order);
  });
}

// ---- DocumentChecks -------------------------------------------------------------------

void DocumentChecks::insert(const DocumentCheck& d) {
  guarded(msg(tr("saving the check of '{}'"), d.item), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO document_checks (order_id, item, present, stamped, values_json, override_reason, "
                        "override_by, scan_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    q.bind(1, static_cast<std::int64_t>(d.order_id));
    q.bind(2, d.item);
    q.bind(3, d.present ? 1 : 0);
    q.bind(4, d.stamped ? 1 : 0);
    q.bind(5, d.values_json);
    q.bind(6, d.override_reason);
    bind_id_or_null(q, 7, d.override_by);
    q.bind(8, d.scan_sha256);
    q.exec();
  });
}

std::vector<DocumentCheck> DocumentChecks::of_order(Id order_id) {
  return guarded(msg(tr("reading the document checks of order {}"), order_id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kCheckCols, "FROM document_checks WHERE order_id = ?1 ORDER BY id"));
    q.bind(1, static_cast<std::int64_t>(order_id));
    return all_rows<DocumentCheck>(q, read_check);
  });
}

// ---- FeeSchedule ----------------------------------------------------------------------

namespace {
Fee read_fee(SQLite::Statement& s) {
  return Fee{s.getColumn(0).getString(), s.getColumn(1).getInt64(), s.getColumn(2).getString()};
}
}  // namespace

std::optional<Fee> FeeSchedule::get(const std::string& item) {
  return guarded(msg(tr("reading the fee of '{}'"), item), [&] {
    SQLite::Statement q(detail::sql(db_), "SELECT item, amount_fen, description FROM fees WHERE item = ?1");
    q.bind(1, item);
    return one_row<Fee>(q, read_fee);
  });
}

std::vector<Fee> FeeSchedule::all() {
  return guarded(tr("reading the fee schedule"), [&] {
    SQLite::Statement q(detail::sql(db_), "SELECT item, amount_fen, description FROM fees ORDER BY item");
    return all_rows<Fee>(q, read_fee);
  });
}

void FeeSchedule::set(const Fee& f) {
  guarded(msg(tr("saving the fee of '{}'"), f.item), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO fees (item, amount_fen, description) VALUES (?1, ?2, ?3) ON CONFLICT (item) "
                        "DO UPDATE SET amount_fen = excluded.amount_fen, description = excluded.description");
    q.bind(1, f.item);
    q.bind(2, static_cast<std::int64_t>(f.amount_fen));
    q.bind(3, f.description);
    q.exec();
  });
}

// ---- Payments -------------------------------------------------------------------------

std::string Payments::next_receipt_no(const std::string& branch, const std::string& workstation, int year) {
  if (branch.empty() || branch.find('-') != std::string::npos)
    throw DbError(codes::bad_request, msg(tr("The branch code '{}' cannot number receipts (empty or with '-'); correct it in the settings."), branch));
  if (workstation.empty() || workstation.find('-') != std::string::npos)
    throw DbError(codes::bad_request,
                  msg(tr("The workstation code '{}' cannot number receipts (empty or with '-'); correct it in the settings."), workstation));
  if (year < 1000 || year > 9999)
    throw DbError(codes::bad_request, msg(tr("The year {} cannot number receipts; check the computer's clock."), year));
  if (sqlite3_get_autocommit(detail::sql(db_).getHandle()) != 0)
    throw DbError(codes::database_error,
                  tr("A receipt number is taken only inside the payment's transaction (so a cancelled payment gives it back); call support."));
  // The series key "BJ01-W01" lives in receipt_counters.branch: a folder from before
  // the workstation series keeps its old "BJ01" row (and its old numbers) untouched.
  const std::string series = branch + "-" + workstation;
  return guarded(tr("numbering a receipt"), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO receipt_counters (branch, year, last) VALUES (?1, ?2, 1) "
                        "ON CONFLICT (branch, year) DO UPDATE SET last = last + 1 RETURNING last");
    q.bind(1, series);
    q.bind(2, year);
    if (!q.executeStep()) throw DbError(codes::database_error, tr("Numbering a receipt returned no number; try again, and call support if it repeats."));
    std::int64_t n = q.getColumn(0).getInt64();
    while (q.executeStep()) {
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "-%04d-%06lld", year, static_cast<long long>(n));
    return series + buf;
  });
}

Id Payments::insert(const Payment& p) {
  return guarded(msg(tr("saving payment {}"), p.receipt_no), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO payments (order_id, receipt_no, method, payer, item, quantity, unit_fen, "
                        "amount_fen, teller_id, created_utc, invoice_no, status, void_reason, voided_by, "
                        "journal_hash, print_count) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    q.bind(1, static_cast<std::int64_t>(p.order_id));
    q.bind(2, p.receipt_no);
    q.bind(3, p.method);
    q.bind(4, p.payer);
    q.bind(5, p.item);
    q.bind(6, static_cast<std::int64_t>(p.quantity));
    q.bind(7, static_cast<std::int64_t>(p.unit_fen));
    q.bind(8, static_cast<std::int64_t>(p.amount_fen));
    q.bind(9, static_cast<std::int64_t>(p.teller_id));
    q.bind(10, p.created_utc);
    q.bind(11, p.invoice_no);
    q.bind(12, p.status);
    q.bind(13, p.void_reason);
    bind_id_or_null(q, 14, p.voided_by);
    q.bind(15, p.journal_hash);
    q.bind(16, static_cast<std::int64_t>(p.print_count));
    q.exec();
    return detail::sql(db_).getLastInsertRowid();
  });
}

std::optional<Payment> Payments::by_receipt_no(const std::string& receipt_no) {
  return guarded(msg(tr("reading receipt {}"), receipt_no), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kPaymentCols, "FROM payments WHERE receipt_no = ?1"));
    q.bind(1, receipt_no);
    return one_row<Payment>(q, read_payment);
  });
}

std::vector<Payment> Payments::of_order(Id order_id) {
  return guarded(msg(tr("reading the payments of order {}"), order_id), [&] {
    SQLite::Statement q(detail::sql(db_), sql(kPaymentCols, "FROM payments WHERE order_id = ?1 ORDER BY id"));
    q.bind(1, static_cast<std::int64_t>(order_id));
    return all_rows<Payment>(q, read_payment);
  });
}

void Payments::set_journal_hash(Id id, const std::string& hash) {
  guarded(msg(tr("saving the journal hash of payment {}"), id), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE payments SET journal_hash = ?2 WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(id));
    q.bind(2, hash);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("payment {}"), id));
  });
}

void Payments::mark_voided(const std::string& receipt_no, const std::string& reason, Id by) {
  guarded(msg(tr("voiding receipt {}"), receipt_no), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "UPDATE payments SET status = 'voided', void_reason = ?2, voided_by = ?3 WHERE receipt_no = ?1");
    q.bind(1, receipt_no);
    q.bind(2, reason);
    q.bind(3, static_cast<std::int64_t>(by));
    q.exec();
    require_changed(detail::sql(db_), msg(tr("receipt {}"), receipt_no));
  });
}

void Payments::count_print(const std::string& receipt_no) {
  guarded(msg(tr("counting a print of receipt {}"), receipt_no), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE payments SET print_count = print_count + 1 WHERE receipt_no = ?1");
    q.bind(1, receipt_no);
    q.exec();
    require_changed(detail::sql(db_), msg(tr("receipt {}"), receipt_no));
  });
}

// ---- Settings -------------------------------------------------------------------------

std::optional<std::string> Settings::get(const std::string& key) {
  return guarded(msg(tr("reading setting '{}'"), key), [&]() -> std::optional<std::string> {
    SQLite::Statement q(detail::sql(db_), "SELECT value FROM settings WHERE key = ?1");
    q.bind(1, key);
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
  });
}

std::string Settings::get_or(const std::string& key, const std::string& fallback) {
  auto v = get(key);
  return v ? *v : fallback;
}

std::int64_t Settings::get_int(const std::string& key, std::int64_t fallback) {
  auto v = get(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size())
    throw DbError(codes::bad_request,
                  msg(tr("The setting '{}' holds '{}', not a whole number; correct it in the settings."), key, *v));
  return n;
}

void Settings::set(const std::string& key, const std::string& value) {
  guarded(msg(tr("saving setting '{}'"), key), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
                        "excluded.value");
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
  });
}

}  // namespace certdesk::db
