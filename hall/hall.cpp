#include "hall/hall.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "common/i18n.h"
#include "common/text.h"
#include "hall/migrations.h"
#include "hall/pg.h"

namespace certdesk::hall {
namespace {

// canonical_bytes starts with "certdesk-journal-v1" NUL (20 bytes) then the seq ('i' + 8 bytes):
// what follows is the entry's content, the same wherever it stands in the chain.
constexpr std::size_t kContentOffset = 20 + 9;
std::string content_of(const std::string& canonical) {
  return canonical.size() > kContentOffset ? canonical.substr(kContentOffset) : std::string();
}

const std::string kUtcText = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

std::string utc_text(const std::string& column) { return "to_char(" + column + " AT TIME ZONE 'UTC', " + kUtcText + ")"; }

// The entries' columns as a counter ships them (COPY's column list); the server sets branch_id
// and received_utc, the trigger hall.entries_accept checks every row.
const char* const kCopyEntries =
    "COPY hall.entries (workstation_id, seq, utc_time, business_day, workstation, staff, action, order_id, "
    "organisation, token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash, "
    "canonical) FROM STDIN";

// The columns kEntryColumns of row i, from column `first` on, as a journal entry.
const std::string kEntryColumns =
    "e.seq, e.utc_time, e.business_day, e.workstation, e.staff, e.action, e.order_id, e.organisation, "
    "e.token_serial, e.cert_serial, e.amount_fen, e.receipt_no, e.outcome, e.details, e.flow, e.prev_hash, e.hash";

db::JournalEntry entry_at(const pg::Result& r, int i, int first) {
  db::JournalEntry e;
  int c = first;
  e.seq = r.integer(i, c++);
  e.utc_time = r.text(i, c++);
  e.business_day = r.text(i, c++);
  e.workstation = r.text(i, c++);
  e.record.staff = r.text(i, c++);
  e.record.action = r.text(i, c++);
  e.record.order_id = r.optional_integer(i, c++);
  e.record.organisation = r.text(i, c++);
  e.record.token_serial = r.text(i, c++);
  e.record.cert_serial = r.text(i, c++);
  e.record.amount_fen = r.optional_integer(i, c++);
  e.record.receipt_no = r.text(i, c++);
  e.record.outcome = r.text(i, c++);
  e.record.details = r.text(i, c++);
  e.record.flow = r.text(i, c++);
  e.prev_hash = r.text(i, c++);
  e.hash = r.text(i, c);
  return e;
}

HallError not_joined(const Counter& c) {
  return HallError(ErrorKind::rule, codes::hall_refused,
                   msg(tr("counter {} of branch {} has not joined the hall: join it first"), c.workstation, c.branch));
}

HallError schema_mismatch(int found) {
  return HallError(ErrorKind::other, codes::hall_schema_mismatch,
                   msg(tr("the hall database holds schema version {}, this program expects version {}: run the "
                          "hall's migrations or update the program"),
                       found, expected_schema_version()));
}

// The applied schema version, 0 when the database holds none.
int applied_version(pg::Session& s) {
  pg::Result reg = s.exec("SELECT to_regclass('hall.schema_version') IS NOT NULL");
  if (reg.text(0, 0) != "t") return 0;
  return static_cast<int>(s.exec("SELECT coalesce(max(version), 0) FROM hall.schema_version").integer(0, 0));
}

}  // namespace

int expected_schema_version() { return detail::migrations().empty() ? 0 : detail::migrations().back().version; }

struct Connection::Impl {
  explicit Impl(pg::ConnPtr c) : session(std::move(c)) {}
  pg::Session session;
  std::map<std::pair<std::string, std::string>, std::int64_t> workstation_ids;
  std::map<std::string, std::int64_t> branch_ids;

  std::int64_t workstation_id(const Counter& c) {
    const auto key = std::make_pair(c.branch, c.workstation);
    if (auto it = workstation_ids.find(key); it != workstation_ids.end()) return it->second;
    pg::Result r = session.exec(
        "SELECT w.id FROM hall.workstations w JOIN hall.branches b ON b.id = w.branch_id "
        "WHERE b.code = $1 AND w.code = $2",
        pg::Params().text(c.branch).text(c.workstation));
    if (r.rows() == 0) throw not_joined(c);
    return workstation_ids[key] = r.integer(0, 0);
  }

  std::optional<std::int64_t> branch_id(const std::string& branch) {
    if (auto it = branch_ids.find(branch); it != branch_ids.end()) return it->second;
    pg::Result r = session.exec("SELECT id FROM hall.branches WHERE code = $1", pg::Params().text(branch));
    if (r.rows() == 0) return std::nullopt;
    return branch_ids[branch] = r.integer(0, 0);
  }

  // One receipt, idempotent (the same again is a no-op, another with its number a conflict).
  void store_receipt(std::int64_t ws, const Receipt& receipt);

  std::pair<std::int64_t, std::string> head(std::int64_t ws) {
    pg::Result r = session.exec(
        "SELECT seq, hash FROM hall.entries WHERE workstation_id = $1 ORDER BY seq DESC LIMIT 1",
        pg::Params().integer(ws));
    if (r.rows() == 0) return {0, std::string(64, '0')};
    return {r.integer(0, 0), r.text(0, 1)};
  }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

Connection Connection::open(const std::string& conninfo, const std::string& password_file) {
  auto impl = std::make_unique<Impl>(pg::connect(conninfo, password_file));
  const int found = applied_version(impl->session);
  if (found != expected_schema_version()) throw schema_mismatch(found);
  return Connection(std::move(impl));
}

int Connection::migrate(const std::string& conninfo, const std::string& password_file) {
  pg::Session s(pg::connect(conninfo, password_file));
  s.exec("SET statement_timeout = 0");   // the owner's migrations are not a counter's statement: unbounded
  s.exec("SET lock_timeout = 0");
  s.exec("SELECT pg_advisory_lock(4242, 1)");   // one migrator at a time; released when s closes
  const int found = applied_version(s);
  if (found > expected_schema_version()) throw schema_mismatch(found);
  for (const detail::Migration& m : detail::migrations()) {
    if (m.version <= found) continue;
    s.exec_script(std::string("BEGIN;\n") + m.sql + "\nCOMMIT;");
  }
  return applied_version(s);
}

void Connection::join(const Counter& counter, const std::string& fingerprint) {
  impl_->session.ensure_connected();
  pg::Result r = impl_->session.exec("SELECT hall.join_workstation($1, $2, $3)",
                                     pg::Params().text(counter.branch).text(counter.workstation).text(fingerprint));
  impl_->workstation_ids[{counter.branch, counter.workstation}] = r.integer(0, 0);
}

ShipResult Connection::ship(const Counter& counter, const std::vector<db::JournalEntry>& entries, Seconds client_now) {
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (entries[i].seq != entries[i - 1].seq + 1)
      throw HallError(ErrorKind::input, codes::hall_gap,
                      msg(tr("entries to ship must follow each other: entry {} comes after entry {}"), entries[i].seq,
                          entries[i - 1].seq));
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  pg::Transaction tx(m.session);
  m.session.exec("SELECT pg_advisory_xact_lock(4242, $1::int)", pg::Params().integer(ws));
  auto [head_seq, head_hash] = m.head(ws);
  ShipResult out;
  std::size_t first_new = 0;
  if (!entries.empty()) {
    if (entries.front().seq > head_seq + 1)
      throw HallError(ErrorKind::rule, codes::hall_gap,
                      msg(tr("the hall holds entries up to {} of counter {}; entry {} cannot follow them: ship from "
                             "entry {}"),
                          head_seq, counter.workstation, entries.front().seq, head_seq + 1));
    const std::int64_t overlap_last = std::min(head_seq, entries.back().seq);
    if (entries.front().seq <= overlap_last) {
      pg::Result held = m.session.exec(
          "SELECT seq, hash FROM hall.entries WHERE workstation_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
          pg::Params().integer(ws).integer(entries.front().seq).integer(overlap_last));
      for (int r = 0; r < held.rows(); ++r) {
        const db::JournalEntry& e = entries[static_cast<std::size_t>(held.integer(r, 0) - entries.front().seq)];
        if (held.text(r, 1) != e.hash)
          throw HallError(ErrorKind::journal_integrity, codes::hall_conflict,
                          msg(tr("entry {} of counter {} differs from the one the hall holds: the local record was "
                                 "changed after it was shipped — call the supervisor"),
                              e.seq, counter.workstation));
      }
      first_new = static_cast<std::size_t>(overlap_last - entries.front().seq + 1);
      out.duplicates = static_cast<std::int64_t>(first_new);
    }
  }
  // One COPY for the batch: no statement of 38 000 parameters to parse and plan per 2 000 rows.
  if (first_new < entries.size()) {
    pg::CopyText rows;
    rows.reserve((entries.size() - first_new) * 700);
    for (std::size_t j = first_new; j < entries.size(); ++j) {
      const db::JournalEntry& e = entries[j];
      const db::JournalRecord& r = e.record;
      rows.integer(ws).integer(e.seq).text(e.utc_time).text(e.business_day).text(e.workstation).text(r.staff);
      rows.text(r.action).optional_integer(r.order_id).text(r.organisation).text(r.token_serial).text(r.cert_serial);
      rows.optional_integer(r.amount_fen).text(r.receipt_no).text(r.outcome).text(r.details).text(r.flow);
      rows.text(e.prev_hash).text(e.hash).bytes(db::Journal::canonical_bytes(e));
      rows.end_row();
    }
    out.accepted += m.session.copy_in(kCopyEntries, rows.data());
  }
  m.session.exec("INSERT INTO hall.contacts (workstation_id, client_utc, shipped) VALUES ($1, $2::timestamptz, $3)",
                 pg::Params().integer(ws).text(text::iso_utc(client_now)).integer(out.accepted));
  std::tie(out.head_seq, out.head_hash) = m.head(ws);
  tx.commit();
  return out;
}

void Connection::ship_receipt(const Counter& counter, const Receipt& receipt) {
  impl_->session.ensure_connected();
  impl_->store_receipt(impl_->workstation_id(counter), receipt);
}

void Connection::ship_receipts(const Counter& counter, const std::vector<Receipt>& receipts) {
  if (receipts.empty()) return;
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  pg::Transaction tx(m.session);
  for (const Receipt& r : receipts) m.store_receipt(ws, r);
  tx.commit();
}

void Connection::Impl::store_receipt(std::int64_t ws, const Receipt& receipt) {
  Impl& m = *this;
  pg::Result r = m.session.exec(
      "INSERT INTO hall.receipts (workstation_id, receipt_no, seq, method, amount_fen) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (workstation_id, receipt_no) DO NOTHING RETURNING 1",
      pg::Params().integer(ws).text(receipt.receipt_no).integer(receipt.seq).text(receipt.method).integer(
          receipt.amount_fen));
  if (r.rows() == 1) return;
  pg::Result held = m.session.exec(
      "SELECT seq, method, amount_fen FROM hall.receipts WHERE workstation_id = $1 AND receipt_no = $2",
      pg::Params().integer(ws).text(receipt.receipt_no));
  if (held.rows() == 1 && held.integer(0, 0) == receipt.seq && held.text(0, 1) == receipt.method &&
      held.integer(0, 2) == receipt.amount_fen)
    return;
  throw HallError(ErrorKind::journal_integrity, codes::hall_conflict,
                  msg(tr("receipt {} differs from the one the hall holds — call the supervisor"), receipt.receipt_no));
}

void Connection::ship_day_close(const Counter& counter, const db::DayCloseRecord& c) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  pg::Params p;
  p.integer(ws).text(c.business_day).text(c.closed_utc).text(c.closed_by).integer(c.entry_count);
  p.optional_integer(c.first_seq).optional_integer(c.last_seq).integer(c.head_seq).text(c.head_hash);
  p.integer(c.fee_total_fen).text(c.statement).text(c.statement_sha256);
  p.binary(std::string(c.signature.begin(), c.signature.end())).text(c.signer_kind);
  p.binary(std::string(c.signer_cert.begin(), c.signer_cert.end()));
  pg::Result r = m.session.exec(
      "INSERT INTO hall.day_closes (workstation_id, business_day, closed_utc, closed_by, entry_count, first_seq, "
      "last_seq, head_seq, head_hash, fee_total_fen, statement, statement_sha256, signature, signer_kind, "
      "signer_cert) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::bytea, $14, $15::bytea) "
      "ON CONFLICT (workstation_id, business_day) DO NOTHING RETURNING 1",
      p);
  if (r.rows() == 1) return;
  pg::Result held = m.session.exec(
      "SELECT statement_sha256, head_hash FROM hall.day_closes WHERE workstation_id = $1 AND business_day = $2",
      pg::Params().integer(ws).text(c.business_day));
  if (held.rows() == 1 && held.text(0, 0) == c.statement_sha256 && held.text(0, 1) == c.head_hash) return;
  throw HallError(ErrorKind::journal_integrity, codes::hall_conflict,
                  msg(tr("the day close of {} differs from the one the hall holds — call the supervisor"),
                      c.business_day));
}

HallClose Connection::close_hall_day(const std::string& branch, HallClose close) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  const auto b = m.branch_id(branch);
  if (!b) throw HallError(ErrorKind::rule, codes::hall_refused, msg(tr("the hall has no branch {}"), branch));
  pg::Transaction tx(m.session);
  m.session.exec("SELECT pg_advisory_xact_lock(4243, $1::int)", pg::Params().integer(*b));
  pg::Result last = m.session.exec(
      "SELECT seq, hash FROM hall.hall_closes WHERE branch_id = $1 ORDER BY seq DESC LIMIT 1", pg::Params().integer(*b));
  close.seq = last.rows() ? last.integer(0, 0) + 1 : 1;
  close.prev_hash = last.rows() ? last.text(0, 1) : std::string(64, '0');
  pg::Params p;
  p.integer(*b).integer(close.seq).text(close.business_day).text(close.closed_utc).text(close.closed_by);
  p.text(close.statement).binary(std::string(close.signature.begin(), close.signature.end()));
  p.binary(std::string(close.signer_cert.begin(), close.signer_cert.end())).text(close.prev_hash);
  pg::Result r = m.session.exec(
      "INSERT INTO hall.hall_closes (branch_id, seq, business_day, closed_utc, closed_by, statement, signature, "
      "signer_cert, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7::bytea, $8::bytea, $9, '') RETURNING hash",
      p);
  close.hash = r.text(0, 0);
  tx.commit();
  return close;
}

RemoteHead Connection::remote_head(const Counter& counter) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  RemoteHead out;
  std::tie(out.count, out.hash) = m.head(ws);
  pg::Result r = m.session.exec("SELECT " + utc_text("max(server_utc)") + " FROM hall.contacts WHERE workstation_id = $1",
                                pg::Params().integer(ws));
  if (!r.null(0, 0)) out.last_contact_utc = r.text(0, 0);
  return out;
}

Comparison Connection::compare(const Counter& counter, const std::vector<db::JournalEntry>& local) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  // The hall's copy, in pages of seq, hash and the canonical bytes as shipped.
  std::vector<std::pair<std::string, std::string>> remote;   // (hash, canonical), index = seq - 1
  std::string last_utc;
  for (;;) {
    pg::Result r = m.session.exec(
        "SELECT hash, canonical, utc_time FROM hall.entries WHERE workstation_id = $1 AND seq > $2 ORDER BY seq "
        "LIMIT 10000",
        pg::Params().integer(ws).integer(static_cast<std::int64_t>(remote.size())), true);
    for (int i = 0; i < r.rows(); ++i) remote.emplace_back(r.text(i, 0), r.text(i, 1));
    if (r.rows()) last_utc = r.text(r.rows() - 1, 2);
    if (r.rows() < 10000) break;
  }
  Comparison out;
  out.local_count = static_cast<std::int64_t>(local.size());
  out.remote_count = static_cast<std::int64_t>(remote.size());
  const std::size_t common = std::min(local.size(), remote.size());
  const auto local_content = [&](std::size_t i) { return content_of(db::Journal::canonical_bytes(local[i])); };
  for (std::size_t i = 0; i < common; ++i) {
    if (local[i].seq == static_cast<std::int64_t>(i + 1) && local[i].hash == remote[i].first &&
        db::Journal::canonical_bytes(local[i]) == remote[i].second)
      continue;
    out.seq = static_cast<std::int64_t>(i + 1);
    if (i + 1 < local.size() && local_content(i + 1) == content_of(remote[i].second)) {
      out.kind = Comparison::Kind::added;
      out.message = msg(tr("entry {} of this counter was never shipped where it stands: it was inserted after the "
                           "hall received entry {}"),
                        out.seq, out.seq);
    } else if (i + 1 < remote.size() && local_content(i) == content_of(remote[i + 1].second)) {
      out.kind = Comparison::Kind::removed;
      out.message = msg(tr("entry {} the hall holds is missing from this counter's journal: it was removed"),
                        out.seq);
    } else {
      out.kind = Comparison::Kind::changed;
      out.message = msg(tr("entry {} of this counter differs from the one shipped to the hall: it was changed"),
                        out.seq);
    }
    return out;
  }
  if (local.size() < remote.size()) {
    out.kind = Comparison::Kind::removed;
    out.seq = out.local_count + 1;
    out.message = msg(tr("the hall holds {} entries of this counter, its journal only {}: entries from {} on were "
                         "removed"),
                      out.remote_count, out.local_count, out.seq);
    return out;
  }
  out.pending = out.local_count - out.remote_count;
  // An entry after the hall's head that claims a time before the last one shipped was
  // written afterwards with a false date (a backdated, appended entry).
  for (std::size_t i = remote.size(); i < local.size(); ++i) {
    if (!last_utc.empty() && local[i].utc_time < last_utc) {
      out.kind = Comparison::Kind::added;
      out.seq = local[i].seq;
      out.message = msg(tr("entry {} of this counter claims {}, before the last entry the hall received ({}): it was "
                           "appended with a false time"),
                        local[i].seq, local[i].utc_time, last_utc);
      return out;
    }
  }
  return out;
}

Comparison Connection::compare(const Counter& counter, const std::vector<db::JournalEntry>& local,
                               const std::vector<db::DayCloseRecord>& local_closes) {
  Comparison out = compare(counter, local);
  if (!out.ok()) return out;
  Impl& m = *impl_;
  const std::int64_t ws = m.workstation_id(counter);
  pg::Result r = m.session.exec(
      "SELECT business_day, head_seq, head_hash, statement_sha256 FROM hall.day_closes WHERE workstation_id = $1 "
      "ORDER BY business_day",
      pg::Params().integer(ws));
  std::map<std::string, const db::DayCloseRecord*> mine;
  for (const db::DayCloseRecord& c : local_closes) mine[c.business_day] = &c;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string day = r.text(i, 0);
    auto it = mine.find(day);
    out.business_day = day;
    out.seq = r.integer(i, 1);
    if (it == mine.end()) {
      out.kind = Comparison::Kind::close_removed;
      out.message = msg(tr("the signed day close of {} (head entry {}) that the hall holds is missing from this "
                           "counter's database: it was deleted"),
                        day, out.seq);
      return out;
    }
    if (it->second->head_hash != r.text(i, 2) || it->second->statement_sha256 != r.text(i, 3) ||
        it->second->head_seq != out.seq) {
      out.kind = Comparison::Kind::close_changed;
      out.message = msg(tr("the signed day close of {} differs from the one shipped to the hall: it was changed"), day);
      return out;
    }
  }
  out.business_day.clear();
  out.seq = 0;
  return out;
}

std::vector<std::pair<std::string, db::DayCloseRecord>> Connection::day_closes(const std::string& branch,
                                                                                const std::string& business_day) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  std::vector<std::pair<std::string, db::DayCloseRecord>> out;
  const auto b = m.branch_id(branch);
  if (!b) return out;
  pg::Result r = m.session.exec(
      "SELECT w.code, d.business_day, d.closed_utc, d.closed_by, d.entry_count, d.first_seq, d.last_seq, d.head_seq, "
      "d.head_hash, d.fee_total_fen, d.statement, d.statement_sha256, d.signature, d.signer_kind, d.signer_cert "
      "FROM hall.day_closes d JOIN hall.workstations w ON w.id = d.workstation_id "
      "WHERE w.branch_id = $1 AND d.business_day = $2 ORDER BY w.code",
      pg::Params().integer(*b).text(business_day));
  for (int i = 0; i < r.rows(); ++i) {
    db::DayCloseRecord c;
    c.business_day = r.text(i, 1);
    c.closed_utc = r.text(i, 2);
    c.closed_by = r.text(i, 3);
    c.entry_count = r.integer(i, 4);
    c.first_seq = r.optional_integer(i, 5);
    c.last_seq = r.optional_integer(i, 6);
    c.head_seq = r.integer(i, 7);
    c.head_hash = r.text(i, 8);
    c.fee_total_fen = r.integer(i, 9);
    c.statement = r.text(i, 10);
    c.statement_sha256 = r.text(i, 11);
    const std::string sig = r.bytes(i, 12), cert = r.bytes(i, 14);
    c.signature.assign(sig.begin(), sig.end());
    c.signer_kind = r.text(i, 13);
    c.signer_cert.assign(cert.begin(), cert.end());
    out.emplace_back(r.text(i, 0), std::move(c));
  }
  return out;
}

std::vector<HallClose> Connection::hall_closes(const std::string& branch) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  std::vector<HallClose> out;
  const auto b = m.branch_id(branch);
  if (!b) return out;
  pg::Result r = m.session.exec(
      "SELECT seq, business_day, closed_utc, closed_by, statement, signature, signer_cert, prev_hash, hash "
      "FROM hall.hall_closes WHERE branch_id = $1 ORDER BY seq",
      pg::Params().integer(*b));
  for (int i = 0; i < r.rows(); ++i) {
    HallClose c;
    c.seq = r.integer(i, 0);
    c.business_day = r.text(i, 1);
    c.closed_utc = r.text(i, 2);
    c.closed_by = r.text(i, 3);
    c.statement = r.text(i, 4);
    const std::string sig = r.bytes(i, 5), cert = r.bytes(i, 6);
    c.signature.assign(sig.begin(), sig.end());
    c.signer_cert.assign(cert.begin(), cert.end());
    c.prev_hash = r.text(i, 7);
    c.hash = r.text(i, 8);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<db::JournalEntry> Connection::close_facts(const Counter& counter, std::int64_t up_to_seq) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  const std::int64_t ws = m.workstation_id(counter);
  pg::Result r = m.session.exec(
      "SELECT " + kEntryColumns +
          " FROM hall.entries e WHERE e.workstation_id = $1 AND e.seq <= $2 "
          "AND (e.action IN ('staff.token_enrolled', 'day.closed') OR e.seq = $2) ORDER BY e.seq",
      pg::Params().integer(ws).integer(up_to_seq));
  std::vector<db::JournalEntry> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(entry_at(r, i, 0));
  return out;
}

std::vector<ChainVerdict> Connection::verify_all() {
  Impl& m = *impl_;
  m.session.ensure_connected();
  pg::Transaction tx(m.session);   // one snapshot for every check
  m.session.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  std::vector<ChainVerdict> out;
  std::map<std::int64_t, std::size_t> index;   // workstation id -> out
  pg::Result chains = m.session.exec(R"(
    WITH x AS (
      SELECT e.workstation_id, e.seq,
             CASE WHEN e.canonical <> hall.canonical(e.seq, e.utc_time, e.business_day, e.workstation, e.staff,
                                                     e.action, e.order_id, e.organisation, e.token_serial,
                                                     e.cert_serial, e.amount_fen, e.receipt_no, e.outcome,
                                                     e.details, e.flow)
                    OR e.hash <> hall.chain_hash(e.prev_hash, e.canonical) THEN 'changed'
                  WHEN e.seq <> coalesce(lag(e.seq) OVER w, 0) + 1 THEN 'removed'
                  WHEN e.prev_hash <> coalesce(lag(e.hash) OVER w, hall.zero_hash()) THEN 'relinked'
             END AS problem,
             coalesce(lag(e.seq) OVER w, 0) AS prev_seq
        FROM hall.entries e WINDOW w AS (PARTITION BY e.workstation_id ORDER BY e.seq)),
    firsts AS (SELECT DISTINCT ON (workstation_id) workstation_id, seq, problem, prev_seq
                 FROM x WHERE problem IS NOT NULL ORDER BY workstation_id, seq),
    counts AS (SELECT workstation_id, count(*) AS n, max(seq) AS head FROM hall.entries GROUP BY workstation_id),
    shipped AS (SELECT workstation_id, sum(shipped) AS n FROM hall.contacts GROUP BY workstation_id)
    SELECT w.id, b.code, w.code, coalesce(c.n, 0), f.seq, f.problem, f.prev_seq, coalesce(s.n, 0)
      FROM hall.workstations w JOIN hall.branches b ON b.id = w.branch_id
      LEFT JOIN counts c ON c.workstation_id = w.id
      LEFT JOIN firsts f ON f.workstation_id = w.id
      LEFT JOIN shipped s ON s.workstation_id = w.id
     ORDER BY b.code, w.code)");
  for (int r = 0; r < chains.rows(); ++r) {
    ChainVerdict v;
    v.counter = {chains.text(r, 1), chains.text(r, 2)};
    v.checked = chains.integer(r, 3);
    const std::int64_t shipped = chains.integer(r, 7);
    if (!chains.null(r, 5)) {
      const std::string problem = chains.text(r, 5);
      const std::int64_t seq = chains.integer(r, 4), prev = chains.integer(r, 6);
      v.ok = false;
      if (problem == "changed") {
        v.problem = "changed";
        v.first_bad_seq = seq;
      } else if (problem == "removed") {
        v.problem = "removed";
        v.first_bad_seq = prev + 1;
      } else {   // the entry before no longer carries the hash this one links to: it was rewritten
        v.problem = "changed";
        v.first_bad_seq = prev > 0 ? prev : seq;
      }
    } else if (shipped != v.checked) {
      v.ok = false;
      v.problem = "removed";
      v.first_bad_seq = std::min(shipped, v.checked) + 1;
    }
    if (!v.ok)
      v.message = v.problem == "changed"
                      ? msg(tr("on the hall server, entry {} of counter {} was changed after it arrived"),
                            *v.first_bad_seq, v.counter.workstation)
                      : msg(tr("on the hall server, entries of counter {} were removed from entry {} on"),
                            v.counter.workstation, *v.first_bad_seq);
    index[chains.integer(r, 0)] = out.size();
    out.push_back(std::move(v));
  }
  const auto flag = [&](std::int64_t ws, const std::string& problem, std::optional<std::int64_t> seq,
                        const std::string& message) {
    auto it = index.find(ws);
    if (it == index.end() || !out[it->second].ok) return;
    ChainVerdict& v = out[it->second];
    v.ok = false;
    v.problem = problem;
    v.first_bad_seq = seq;
    v.message = message;
  };
  pg::Result closes = m.session.exec(R"(
    SELECT d.workstation_id, d.business_day, d.head_seq, w.code
      FROM hall.day_closes d JOIN hall.workstations w ON w.id = d.workstation_id
      LEFT JOIN hall.entries e ON e.workstation_id = d.workstation_id AND e.seq = d.head_seq
     WHERE d.statement_sha256 <> encode(sha256(convert_to(d.statement, 'UTF8')), 'hex')
        OR (d.head_seq > 0 AND e.hash IS DISTINCT FROM d.head_hash)
     ORDER BY d.workstation_id, d.business_day)");
  for (int r = 0; r < closes.rows(); ++r)
    flag(closes.integer(r, 0), "day-close", closes.integer(r, 2),
         msg(tr("on the hall server, the signed day close of {} of counter {} no longer matches its record"),
             closes.text(r, 1), closes.text(r, 3)));
  pg::Result totals = m.session.exec(R"(
    WITH t AS (SELECT workstation_id, business_day, count(*) AS n,
                      count(*) FILTER (WHERE outcome <> '0000') AS x, coalesce(sum(amount_fen), 0) AS a
                 FROM hall.entries GROUP BY workstation_id, business_day)
    SELECT coalesce(t.workstation_id, d.workstation_id), coalesce(t.business_day, d.business_day), w.code
      FROM t FULL JOIN hall.day_totals d ON d.workstation_id = t.workstation_id AND d.business_day = t.business_day
      JOIN hall.workstations w ON w.id = coalesce(t.workstation_id, d.workstation_id)
     WHERE t.n IS DISTINCT FROM d.entry_count OR t.x IS DISTINCT FROM d.exception_count
        OR t.a IS DISTINCT FROM d.amount_fen)");
  for (int r = 0; r < totals.rows(); ++r)
    flag(totals.integer(r, 0), "totals", std::nullopt,
         msg(tr("on the hall server, the totals of {} of counter {} no longer match its entries"), totals.text(r, 1),
             totals.text(r, 2)));
  pg::Result halls = m.session.exec(R"(
    SELECT b.code, c.seq FROM (
      SELECT h.branch_id, h.seq,
             h.hash <> hall.hall_close_hash(h) OR h.seq <> coalesce(lag(h.seq) OVER w, 0) + 1
             OR h.prev_hash <> coalesce(lag(h.hash) OVER w, hall.zero_hash()) AS bad
        FROM hall.hall_closes h WINDOW w AS (PARTITION BY h.branch_id ORDER BY h.seq)) c
      JOIN hall.branches b ON b.id = c.branch_id
     WHERE c.bad ORDER BY b.code, c.seq)");
  std::string last_branch;
  for (int r = 0; r < halls.rows(); ++r) {
    if (halls.text(r, 0) == last_branch) continue;
    last_branch = halls.text(r, 0);
    ChainVerdict v;
    v.counter = {last_branch, ""};
    v.ok = false;
    v.problem = "hall-close";
    v.first_bad_seq = halls.integer(r, 1);
    v.message = msg(tr("on the hall server, hall close {} of branch {} was changed, removed or redone"),
                    *v.first_bad_seq, last_branch);
    out.push_back(std::move(v));
  }
  tx.commit();
  return out;
}

HallDayPage Connection::hall_day_report(const std::string& branch, const std::string& business_day,
                                        const HallFilter& filter, int limit, const std::string& after) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  HallDayPage out;
  const auto b = m.branch_id(branch);
  if (!b) return out;
  // Cursor: rank|utc_time|workstation_id|seq of the last entry shown.
  std::string rank = "-1", utc, ws = "0", seq = "0";
  if (!after.empty()) {
    const auto p1 = after.find('|'), p3 = after.rfind('|');
    const auto p2 = after.rfind('|', p3 - 1);
    if (p1 == std::string::npos || p2 == std::string::npos || p2 <= p1)
      throw InputError(codes::bad_request, tr("the review page cursor is not valid: start from the first page"));
    rank = after.substr(0, p1);
    utc = after.substr(p1 + 1, p2 - p1 - 1);
    ws = after.substr(p2 + 1, p3 - p2 - 1);
    seq = after.substr(p3 + 1);
  }
  const int outcome = filter.outcome == HallFilter::Outcome::any ? 0 : filter.outcome == HallFilter::Outcome::ok ? 1 : 2;
  pg::Params p;
  p.integer(*b).text(business_day).text(filter.workstation).text(filter.staff).text(filter.flow).integer(outcome);
  p.text(rank).text(utc).text(ws).text(seq).integer(limit);
  pg::Result r = m.session.exec(
      "SELECT w.code, " + utc_text("e.received_utc") + ", " + kEntryColumns +
          ", e.review_rank, e.workstation_id "
          "FROM hall.entries e JOIN hall.workstations w ON w.id = e.workstation_id "
          "WHERE e.branch_id = $1 AND e.business_day = $2 AND ($3 = '' OR w.code = $3) AND ($4 = '' OR e.staff = $4) "
          "AND ($5 = '' OR e.flow = $5) AND ($6::int = 0 OR ($6::int = 1 AND e.outcome = '0000') OR "
          "($6::int = 2 AND e.outcome <> '0000')) "
          "AND (e.review_rank, e.utc_time, e.workstation_id, e.seq) > ($7::smallint, $8, $9::int, $10::bigint) "
          "ORDER BY e.review_rank, e.utc_time, e.workstation_id, e.seq LIMIT $11::int",
      p);
  for (int i = 0; i < r.rows(); ++i) {
    HallEntry h;
    h.workstation = r.text(i, 0);
    h.received_utc = r.text(i, 1);
    h.entry = entry_at(r, i, 2);
    out.entries.push_back(std::move(h));
  }
  if (r.rows() == limit && limit > 0) {
    const int last = r.rows() - 1;
    out.next_after = r.text(last, 19) + "|" + r.text(last, 3) + "|" + r.text(last, 20) + "|" + r.text(last, 2);
  }
  pg::Result t = m.session.exec(
      "SELECT w.code, t.entry_count, t.exception_count, t.amount_fen, t.first_utc, t.last_utc "
      "FROM hall.day_totals t JOIN hall.workstations w ON w.id = t.workstation_id "
      "WHERE t.branch_id = $1 AND t.business_day = $2 ORDER BY w.code",
      pg::Params().integer(*b).text(business_day));
  for (int i = 0; i < t.rows(); ++i) {
    CounterDay c{t.text(i, 0), t.integer(i, 1), t.integer(i, 2), t.integer(i, 3), t.text(i, 4), t.text(i, 5)};
    out.total_entries += c.entries;
    out.total_exceptions += c.exceptions;
    out.total_amount_fen += c.amount_fen;
    out.counters.push_back(std::move(c));
  }
  return out;
}

std::vector<LateCounter> Connection::late_counters(int minutes) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  pg::Result r = m.session.exec(
      "SELECT b.code, w.code, " + utc_text("c.server_utc") +
          ", floor(extract(epoch FROM now() - c.server_utc) / 60)::bigint "
          "FROM hall.workstations w JOIN hall.branches b ON b.id = w.branch_id "
          "LEFT JOIN LATERAL (SELECT server_utc FROM hall.contacts x WHERE x.workstation_id = w.id "
          "                   ORDER BY server_utc DESC LIMIT 1) c ON true "
          "WHERE c.server_utc IS NULL OR c.server_utc < now() - make_interval(mins => $1::int) "
          "ORDER BY b.code, w.code",
      pg::Params().integer(minutes));
  std::vector<LateCounter> out;
  for (int i = 0; i < r.rows(); ++i) {
    LateCounter l;
    l.counter = {r.text(i, 0), r.text(i, 1)};
    if (!r.null(i, 2)) {
      l.last_contact_utc = r.text(i, 2);
      l.minutes_since = r.integer(i, 3);
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<BranchDay> Connection::branch_totals(const std::string& from_day, const std::string& to_day) {
  Impl& m = *impl_;
  m.session.ensure_connected();
  pg::Result r = m.session.exec(
      "SELECT b.code, t.business_day, count(*), sum(t.entry_count), sum(t.exception_count), sum(t.amount_fen) "
      "FROM hall.day_totals t JOIN hall.branches b ON b.id = t.branch_id "
      "WHERE t.business_day BETWEEN $1 AND $2 GROUP BY b.code, t.business_day ORDER BY b.code, t.business_day",
      pg::Params().text(from_day).text(to_day));
  std::vector<BranchDay> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4), r.integer(i, 5)});
  return out;
}

std::vector<CounterIssue> Connection::counter_issues(int late_minutes, int max_behind_seconds) {
  std::vector<CounterIssue> out;
  for (const LateCounter& l : late_counters(late_minutes))
    out.push_back({l.counter, "late",
                   l.last_contact_utc.empty()
                       ? std::string(tr("has never shipped its record"))
                       : msg(tr("last shipped {} minutes ago ({})"), l.minutes_since, l.last_contact_utc)});
  pg::Result r = impl_->session.exec(
      "SELECT b.code, w.code, floor(extract(epoch FROM c.server_utc - c.client_utc))::bigint "
      "FROM hall.workstations w JOIN hall.branches b ON b.id = w.branch_id "
      "JOIN LATERAL (SELECT server_utc, client_utc FROM hall.contacts x WHERE x.workstation_id = w.id "
      "              ORDER BY server_utc DESC LIMIT 1) c ON true "
      "WHERE c.server_utc - c.client_utc > make_interval(secs => $1::int) ORDER BY b.code, w.code",
      pg::Params().integer(max_behind_seconds));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({{r.text(i, 0), r.text(i, 1)}, "clock-behind",
                   msg(tr("its clock was {} seconds behind the server's at its last contact"), r.integer(i, 2))});
  for (const ChainVerdict& v : verify_all())
    if (!v.ok) out.push_back({v.counter, "verify-failed", v.message});
  return out;
}

}  // namespace certdesk::hall
