#include "db/database.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cstring>
#include <functional>
#include <fstream>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/i18n.h"
#include "db/commit_hook.h"
#include "db/detail.h"

namespace certdesk::db {
namespace fs = std::filesystem;

using detail::throw_db_error;

// Member order encodes teardown: the cached statements are finalized before
// the connection closes.
struct Database::Impl {
  std::function<void()> after_commit;   // before db: SQLite's WAL hook points here until the connection closes
  Impl(std::unique_ptr<SQLite::Database> connection, fs::path file) : db(std::move(connection)), path(std::move(file)) {}
  std::unique_ptr<SQLite::Database> db;
  fs::path path;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
};

namespace {

// "CDSK": written by migration 1, so a foreign SQLite file is told apart.
constexpr int kApplicationId = 0x4344534b;
constexpr int kBusyTimeoutMs = 5000;

// The schema, one script per version (PRAGMA user_version = index + 1). Never
// edit a script that has shipped: add a new one.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> scripts = {
      // 1: the tables.
      R"sql(
PRAGMA application_id = 1128551243;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

CREATE TABLE organisations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  uscc        TEXT UNIQUE,              -- NULL when the organisation has none
  created_utc TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organisations_name ON organisations(name);

CREATE TABLE handlers (
  id              INTEGER PRIMARY KEY,
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  name            TEXT NOT NULL,
  id_number       TEXT NOT NULL,
  UNIQUE (organisation_id, id_number)
);

CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('teller', 'supervisor', 'admin')),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_utc   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tokens (
  id              INTEGER PRIMARY KEY,
  serial          TEXT NOT NULL UNIQUE,
  organisation_id INTEGER REFERENCES organisations(id),
  state           TEXT NOT NULL,
  label           TEXT NOT NULL DEFAULT '',
  vendor          TEXT NOT NULL DEFAULT '',
  updated_utc     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tokens_organisation ON tokens(organisation_id);

CREATE TABLE orders (
  id              INTEGER PRIMARY KEY,
  flow            TEXT NOT NULL,
  state           TEXT NOT NULL,
  step            TEXT NOT NULL DEFAULT '',
  organisation_id INTEGER REFERENCES organisations(id),
  handler_id      INTEGER REFERENCES handlers(id),
  token_serial    TEXT NOT NULL DEFAULT '',
  staff_id        INTEGER NOT NULL REFERENCES staff(id),
  request_key     TEXT NOT NULL UNIQUE,
  request_json    TEXT NOT NULL DEFAULT '',
  data_json       TEXT NOT NULL DEFAULT '',
  error_code      TEXT NOT NULL DEFAULT '',
  created_utc     TEXT NOT NULL DEFAULT '',
  updated_utc     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX orders_organisation ON orders(organisation_id);
CREATE INDEX orders_state ON orders(state);

CREATE TABLE certificates (
  id                INTEGER PRIMARY KEY,
  serial            TEXT NOT NULL UNIQUE,
  organisation_id   INTEGER NOT NULL REFERENCES organisations(id),
  token_serial      TEXT NOT NULL DEFAULT '',
  subject           TEXT NOT NULL DEFAULT '',
  not_before        INTEGER NOT NULL,
  not_after         INTEGER NOT NULL,
  key_id            TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at        INTEGER,
  revocation_reason TEXT NOT NULL DEFAULT '',
  order_id          INTEGER REFERENCES orders(id),
  der               BLOB NOT NULL DEFAULT x''
);
CREATE INDEX certificates_organisation ON certificates(organisation_id);
CREATE INDEX certificates_token ON certificates(token_serial);

CREATE TABLE document_checks (
  id              INTEGER PRIMARY KEY,
  order_id        INTEGER NOT NULL REFERENCES orders(id),
  item            TEXT NOT NULL,
  present         INTEGER NOT NULL CHECK (present IN (0, 1)),
  stamped         INTEGER NOT NULL CHECK (stamped IN (0, 1)),
  values_json     TEXT NOT NULL DEFAULT '',
  override_reason TEXT NOT NULL DEFAULT '',
  override_by     INTEGER REFERENCES staff(id),
  scan_sha256     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX document_checks_order ON document_checks(order_id);

CREATE TABLE fees (
  item        TEXT PRIMARY KEY NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
  description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE receipt_counters (
  branch TEXT NOT NULL,
  year   INTEGER NOT NULL,
  last   INTEGER NOT NULL CHECK (last >= 0),
  PRIMARY KEY (branch, year)
);

CREATE TABLE payments (
  id           INTEGER PRIMARY KEY,
  order_id     INTEGER NOT NULL REFERENCES orders(id),
  receipt_no   TEXT NOT NULL UNIQUE,
  method       TEXT NOT NULL,
  payer        TEXT NOT NULL DEFAULT '',
  item         TEXT NOT NULL DEFAULT '',
  quantity     INTEGER NOT NULL CHECK (quantity > 0),
  unit_fen     INTEGER NOT NULL CHECK (unit_fen >= 0),
  amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
  teller_id    INTEGER NOT NULL REFERENCES staff(id),
  created_utc  TEXT NOT NULL DEFAULT '',
  invoice_no   TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'voided')),
  void_reason  TEXT NOT NULL DEFAULT '',
  voided_by    INTEGER REFERENCES staff(id),
  journal_hash TEXT NOT NULL DEFAULT '',
  print_count  INTEGER NOT NULL DEFAULT 0 CHECK (print_count >= 0)
);
CREATE INDEX payments_order ON payments(order_id);

CREATE TABLE journal (
  seq          INTEGER PRIMARY KEY,
  utc_time     TEXT NOT NULL,
  business_day TEXT NOT NULL,
  workstation  TEXT NOT NULL,
  staff        TEXT NOT NULL,
  action       TEXT NOT NULL,
  order_id     INTEGER,
  organisation TEXT NOT NULL,
  token_serial TEXT NOT NULL,
  cert_serial  TEXT NOT NULL,
  amount_fen   INTEGER,
  receipt_no   TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  details      TEXT NOT NULL,
  flow         TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
-- For the day's review window. Both others are partial so an ordinary append
-- (no order, outcome 0000) writes few index pages: the review filters a day by
-- teller, lists its exceptions (outcome <> '0000') first, and reads an order.
CREATE INDEX journal_day_staff ON journal(business_day, staff);
CREATE INDEX journal_day_exceptions ON journal(business_day, outcome) WHERE outcome <> '0000';
CREATE INDEX journal_order ON journal(order_id) WHERE order_id IS NOT NULL;

CREATE TABLE journal_anchor (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  count     INTEGER NOT NULL,
  head_hash TEXT NOT NULL
);
INSERT INTO journal_anchor (id, count, head_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: an entry cannot be changed'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: an entry cannot be deleted'); END;
CREATE TRIGGER journal_append_at_head BEFORE INSERT ON journal
WHEN NEW.seq IS NOT (SELECT count + 1 FROM journal_anchor WHERE id = 1)
  OR NEW.prev_hash IS NOT (SELECT head_hash FROM journal_anchor WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'a journal entry can only be appended at the head of the chain'); END;
CREATE TRIGGER journal_move_anchor AFTER INSERT ON journal
BEGIN UPDATE journal_anchor SET count = NEW.seq, head_hash = NEW.hash WHERE id = 1; END;

CREATE TRIGGER journal_anchor_no_delete BEFORE DELETE ON journal_anchor
BEGIN SELECT RAISE(ABORT, 'the journal anchor cannot be deleted'); END;
CREATE TRIGGER journal_anchor_no_insert BEFORE INSERT ON journal_anchor
BEGIN SELECT RAISE(ABORT, 'the journal anchor cannot be replaced'); END;
CREATE TRIGGER journal_anchor_forward_only BEFORE UPDATE ON journal_anchor
WHEN NEW.id IS NOT OLD.id OR NEW.count IS NOT OLD.count + 1
  OR NEW.head_hash IS NOT (SELECT hash FROM journal WHERE seq = NEW.count)
BEGIN SELECT RAISE(ABORT, 'the journal anchor only follows the head of the journal'); END;
)sql",
      // 2: the fee schedule's defaults (SPEC §2), in fen.
      R"sql(
INSERT INTO fees (item, amount_fen, description) VALUES
  ('token',           5000, 'USBKEY 介质'),
  ('service.issue',      0, '证书初次办理服务费'),
  ('service.reissue',    0, '证书补办服务费'),
  ('service.unlock',     0, '证书解锁服务费'),
  ('service.update', 10000, '证书更新服务费'),
  ('service.replace',    0, '更换介质服务费'),
  ('service.cancel',     0, '证书注销服务费');
)sql",
      // 3: the supervisor's day (db/day_close.h): signed daily closes, supervisors'
      // signing tokens, and the rule that nothing of a closed day changes.
      R"sql(
CREATE TABLE day_closes (
  business_day     TEXT PRIMARY KEY NOT NULL,
  closed_utc       TEXT NOT NULL,
  closed_by        TEXT NOT NULL,
  entry_count      INTEGER NOT NULL CHECK (entry_count >= 0),
  first_seq        INTEGER,
  last_seq         INTEGER,
  head_seq         INTEGER NOT NULL,
  head_hash        TEXT NOT NULL,
  fee_total_fen    INTEGER NOT NULL,
  statement        TEXT NOT NULL,
  statement_sha256 TEXT NOT NULL,
  signature        BLOB NOT NULL,
  signer_kind      TEXT NOT NULL CHECK (signer_kind IN ('supervisor', 'workstation')),
  signer_cert      BLOB NOT NULL
);
CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes
BEGIN SELECT RAISE(ABORT, 'a day close cannot be changed'); END;
CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes
BEGIN SELECT RAISE(ABORT, 'a day close cannot be deleted'); END;

-- Nothing of a closed day changes: no entry may be appended to it (Journal::append
-- gives later entries the next open business day, so this only stops a bypass).
CREATE TRIGGER journal_closed_day BEFORE INSERT ON journal
WHEN EXISTS (SELECT 1 FROM day_closes WHERE business_day = NEW.business_day)
BEGIN SELECT RAISE(ABORT, 'the business day of this journal entry is closed: nothing of a closed day can change'); END;

-- A receipt of a closed day keeps its amount, method, number and time (a void is
-- a new journal entry on a later day and may still mark it).
CREATE TRIGGER payments_closed_day BEFORE UPDATE OF receipt_no, method, amount_fen, unit_fen, quantity, teller_id,
  created_utc, order_id ON payments
WHEN EXISTS (SELECT 1 FROM journal WHERE receipt_no = OLD.receipt_no AND action = 'payment'
             AND business_day IN (SELECT business_day FROM day_closes))
BEGIN SELECT RAISE(ABORT, 'the receipt belongs to a closed business day: it cannot be changed'); END;

CREATE TABLE staff_tokens (
  id           INTEGER PRIMARY KEY,
  staff_id     INTEGER NOT NULL REFERENCES staff(id),
  token_serial TEXT NOT NULL UNIQUE,
  key_id       TEXT NOT NULL,
  cert_serial  TEXT NOT NULL,
  cert_der     BLOB NOT NULL,
  enrolled_utc TEXT NOT NULL,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX staff_tokens_staff ON staff_tokens(staff_id);
)sql",
      // 4: remote-unlock authorisation codes (db/unlock_codes.h): bound to one
      // token serial, single use, expiring; only a salted hash of the code.
      R"sql(
CREATE TABLE unlock_codes (
  id           INTEGER PRIMARY KEY,
  token_serial TEXT NOT NULL,
  code_hash    TEXT NOT NULL,
  issued_by    INTEGER NOT NULL REFERENCES staff(id),
  issued_utc   TEXT NOT NULL,
  expires_utc  TEXT NOT NULL,
  used_utc     TEXT,
  used_by      INTEGER REFERENCES staff(id)
);
CREATE INDEX unlock_codes_serial ON unlock_codes(token_serial);
)sql",
      // 5: staff accounts like a bank's (issue 13.5, db/staff_logins.h): the name
      // printed as payee (empty = the login name), wrong passwords in a row, and
      // the UTC second a lockout ends (0 = not locked).
      R"sql(
ALTER TABLE staff ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0);
ALTER TABLE staff ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
)sql",
      // 6: the hall (issue 12, docs/hall.md): the workstation code of this data folder
      // (a folder from before it gets W01; receipts are numbered per workstation from
      // now on), and what the shipper knows about the hall server (desk/hall_link.h):
      // its connection string without any password, what was acknowledged, the last
      // contact and the last error. Not journaled: it is the shipper's bookkeeping.
      R"sql(
INSERT OR IGNORE INTO settings (key, value) VALUES ('workstation', 'W01');
CREATE TABLE hall_state (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
)sql",
      // 7: the day close pinned and chained (issue 13.1, db/day_close.h): the
      // fingerprint of a supervisor's signing key (SHA-256 of its
      // SubjectPublicKeyInfo, hex groups; '' for tokens enrolled before), an
      // index over the few entries `day verify` walks (enrolments and closes),
      // and one over the payment entries by receipt (receipt hashes, `receipt check`).
      R"sql(
ALTER TABLE staff_tokens ADD COLUMN key_fingerprint TEXT NOT NULL DEFAULT '';
CREATE INDEX journal_close_facts ON journal(action, seq) WHERE action IN ('day.closed', 'staff.token_enrolled');
CREATE INDEX journal_payments ON journal(receipt_no) WHERE action = 'payment';
)sql",
  };
  return scripts;
}

int pragma_int(SQLite::Database& db, const char* sql) { return db.execAndGet(sql).getInt(); }

bool is_corruption(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

DbError corrupt_error(const fs::path& file, const std::string& detail) {
  return DbError(codes::database_corrupt,
                 with_detail(msg(tr("The database file {} is damaged or is not a database; nothing was changed in it: restore it from the latest backup."),
                                 file.string()),
                             detail),
                 SQLITE_CORRUPT);
}

// The folder must exist and be readable and writable (SQLite creates -wal and
// -shm next to the file); the file, when there, must be a readable regular file.
void check_place(const fs::path& file, bool create, bool write) {
  fs::path folder = file.parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw DbError(codes::data_dir_unusable,
                  msg(tr("the data folder {} does not exist or is not a folder; check the data folder setting"), folder.string()));
  if (::access(folder.c_str(), R_OK | X_OK | (write ? W_OK : 0)) != 0)
    throw DbError(codes::data_dir_unusable, write ? msg(tr("the data folder {} cannot be read or written; check its permissions (the database needs it)"),
                                                        folder.string())
                                              : msg(tr("the data folder {} cannot be read; check its permissions (the database needs it)"),
                                                    folder.string()));
  bool exists = fs::exists(file, ec);
  if (!exists) {
    if (!create)
      throw DbError(codes::database_error, msg(tr("the database file {} does not exist; check the data folder, or run `certdesk-cli init` to create a new one"),
                                               file.string()));
    return;
  }
  if (!fs::is_regular_file(file, ec))
    throw DbError(codes::data_dir_unusable, msg(tr("{} is not a regular file; check the data folder."), file.string()));
  if (::access(file.c_str(), R_OK | (write ? W_OK : 0)) != 0)
    throw DbError(codes::data_dir_unusable,
                  write ? msg(tr("The database file {} cannot be read or written; check its permissions."), file.string())
                        : msg(tr("The database file {} cannot be read; check its permissions."), file.string()));
}

// Above this size the full quick_check (which reads every page) is left to
// `certdesk-cli journal verify`: opening stays as fast with a million journal
// entries as with none (issue "teller's window" 10). The header checks below
// still catch a file that is not a database or was cut short.
constexpr std::uintmax_t kFullCheckBytes = 32u << 20;

// Checks the SQLite header before SQLite touches the file: the magic string,
// and — when no WAL is pending, so the main file holds every page — that the
// file is as long as the header says (a truncated copy is caught without
// reading it all).
void check_header(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec || size == 0) return;   // a new, empty database
  std::ifstream in(file, std::ios::binary);
  unsigned char h[100] = {0};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  if (in.gcount() < 100 || std::memcmp(h, "SQLite format 3", 16) != 0)
    throw corrupt_error(file, "no SQLite header");
  auto be32 = [&](int at) { return std::uint32_t(h[at]) << 24 | std::uint32_t(h[at + 1]) << 16 | std::uint32_t(h[at + 2]) << 8 | h[at + 3]; };
  std::uint32_t page_size = std::uint32_t(h[16]) << 8 | h[17];
  if (page_size == 1) page_size = 65536;
  const std::uint32_t pages = be32(28);
  const bool size_valid = pages != 0 && be32(24) == be32(92);
  fs::path wal = file;
  wal += "-wal";
  const bool wal_pending = fs::exists(wal, ec) && fs::file_size(wal, ec) > 0;
  if (size_valid && !wal_pending && std::uintmax_t(pages) * page_size > size)
    throw corrupt_error(file, fmt::format("size {} < {}", size, std::uintmax_t(pages) * page_size));
}

// PRAGMA quick_check before anything may write, so a damaged file stays as it is
// (the whole file when it is small, the small tables when it is large).
void check_intact(SQLite::Database& db, const fs::path& file) {
  try {
    std::error_code ec;
    const bool large = file != fs::path(":memory:") && fs::file_size(file, ec) > kFullCheckBytes && !ec;
    std::string sql = "PRAGMA quick_check";
    if (large) {
      sql.clear();
      for (const char* t : {"settings", "staff", "journal_anchor"})
        if (db.execAndGet(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") + t + "'").getInt())
          sql += std::string(sql.empty() ? "" : ";") + "PRAGMA quick_check(" + t + ")";
      if (sql.empty()) sql = "PRAGMA quick_check";
    }
    std::string first;
    int problems = 0;
    std::size_t start = 0;
    while (start < sql.size()) {
      std::size_t end = sql.find(';', start);
      SQLite::Statement check(db, sql.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? sql.size() : end + 1;
      while (check.executeStep()) {
        std::string line = check.getColumn(0).getString();
        if (line == "ok") continue;
        if (problems++ == 0) first = line;
      }
    }
    if (problems > 0) throw corrupt_error(file, "quick_check: " + first);
    int app_id = pragma_int(db, "PRAGMA application_id");
    int version = pragma_int(db, "PRAGMA user_version");
    int objects = db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt();
    bool ours = app_id == kApplicationId || (app_id == 0 && version == 0 && objects == 0);
    if (!ours)
      throw DbError(codes::database_error,
                    msg(tr("The file {} is an SQLite database of another program, not certdesk's; nothing was changed. Check the data folder setting."),
                        file.string()));
  } catch (const SQLite::Exception& e) {
    if (is_corruption(e.getExtendedErrorCode())) throw corrupt_error(file, e.what());
    throw_db_error(e, msg(tr("checking the database file {}"), file.string()));
  }
}

void apply_pragmas(SQLite::Database& db, bool write) {
  if (write) {
    std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal" && mode != "memory")
      throw DbError(codes::database_error,
                    with_detail(tr("The database cannot be switched to WAL mode: check that the data folder is on a local disk."),
                                "journal_mode=" + mode));
  }
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  if (pragma_int(db, "PRAGMA foreign_keys") != 1)
    throw DbError(codes::database_error, tr("This SQLite library cannot enforce foreign keys; install Debian's libsqlite3-0."));
}

void migrate(SQLite::Database& db, const fs::path& file) {
  const auto& scripts = migrations();
  const int latest = static_cast<int>(scripts.size());
  int version = pragma_int(db, "PRAGMA user_version");
  if (version > latest)
    throw DbError(codes::database_error,
                  msg(tr("The database {} has schema version {}, newer than this certdesk knows ({}); install the newer certdesk."),
                      file.string(), version, latest));
  for (int v = version; v < latest; ++v) {
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (const SQLite::Exception& e) {
      throw journal_unavailable_error(e.getExtendedErrorCode(), tr("upgrading the schema"));
    }
    try {
      db.exec(scripts[static_cast<std::size_t>(v)]);
      db.exec("PRAGMA user_version = " + std::to_string(v + 1));
      db.exec("COMMIT");
    } catch (const SQLite::Exception& e) {
      db.tryExec("ROLLBACK");
      throw DbError(codes::database_error,
                    with_detail(msg(tr("Upgrading the database schema to version {} failed; nothing was changed. Restore the latest backup or call support."), v + 1),
                                e.what()),
                    e.getExtendedErrorCode());
    }
  }
}

enum class Mode { read_write, create, read_only, memory };

// True when `file`'s write-ahead log holds pages (a copy taken while certdesk ran).
bool wal_pending(const fs::path& file) {
  fs::path wal = file;
  wal += "-wal";
  std::error_code ec;
  return fs::exists(wal, ec) && fs::file_size(wal, ec) > 0 && !ec;
}

// True when nobody can be writing `file` now or while it is read: it sits on
// read-only media, or it has no write permission bit, or its folder has none
// (a WAL-mode writer needs a -wal beside the file, and there is none), and no
// WAL holds pages it would miss. Only then may it be opened immutable. A folder
// that only another user may write does not count: that user's certdesk may
// be writing the file (a plain read-only open, or a clear refusal, then).
bool cannot_change(const fs::path& file) {
  if (wal_pending(file)) return false;
  fs::path folder = file.parent_path();
  if (folder.empty()) folder = ".";
  struct statvfs media {};
  if (::statvfs(folder.c_str(), &media) == 0 && (media.f_flag & ST_RDONLY) != 0) return true;
  constexpr mode_t kAnyWrite = S_IWUSR | S_IWGRP | S_IWOTH;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & kAnyWrite) == 0) return true;
  return ::stat(folder.c_str(), &st) == 0 && (st.st_mode & kAnyWrite) == 0;
}

std::unique_ptr<SQLite::Database> connect(const fs::path& file, Mode mode) {
  if (mode != Mode::memory) check_place(file, mode == Mode::create, mode != Mode::read_only);
  int flags = mode == Mode::read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
  if (mode == Mode::create || mode == Mode::memory) flags |= SQLite::OPEN_CREATE;
  if (mode != Mode::memory) check_header(file);
  // A read-only copy in WAL mode (the mode every certdesk database is in): a
  // plain read-only open needs a -shm beside it, which SQLite creates, so it
  // fails in a read-only folder or on read-only media and writes two files
  // next to a 0444 copy. A copy that cannot change is opened immutable: no
  // lock, no -shm, no -wal, nothing written. (SQLite: wal.html "Read-Only
  // Databases", uri.html "immutable".)
  const bool immutable = mode == Mode::read_only && cannot_change(file);
  std::string name = mode == Mode::memory ? std::string(":memory:") : file.string();
  if (immutable) {
    name = detail::immutable_uri(file);
    flags |= SQLite::OPEN_URI;
  }
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(name, flags, kBusyTimeoutMs);
  } catch (const SQLite::Exception& e) {
    if (is_corruption(e.getExtendedErrorCode())) throw corrupt_error(file, e.what());
    throw DbError(codes::data_dir_unusable,
                  with_detail(msg(tr("The database file {} cannot be opened; check the data folder."), file.string()), e.what()),
                  e.getExtendedErrorCode());
  }
  if (mode == Mode::read_only && !immutable) {
    // SQLite opens lazily: the first read is where a missing -shm shows.
    const int rc = db->tryExec("SELECT count(*) FROM sqlite_schema");
    const int primary = rc & 0xff;
    if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM)
      throw DbError(codes::data_dir_unusable,
                    wal_pending(file)
                        ? msg(tr("The database file {} cannot be read here: its write-ahead log ({}-wal) holds entries, and reading them needs a -shm file that cannot be written beside it; copy the data folder again while certdesk is closed, or copy it into a folder you can write."),
                              file.string(), file.filename().string())
                        : with_detail(msg(tr("The database file {} cannot be read here: SQLite cannot create its -shm file beside it; copy it into a folder you can write."),
                                          file.string()),
                                      db->getErrorMsg()),
                    db->getExtendedErrorCode());
  }
  check_intact(*db, mode == Mode::memory ? fs::path(":memory:") : file);
  try {
    apply_pragmas(*db, mode != Mode::read_only);
    if (mode == Mode::read_only) {
      int version = pragma_int(*db, "PRAGMA user_version");
      if (version != static_cast<int>(migrations().size()))
        throw DbError(codes::database_error,
                      msg(tr("The database {} has schema version {}, not {}; open it once read-write with this certdesk to upgrade it."),
                          file.string(), version, migrations().size()));
    } else {
      migrate(*db, file);
    }
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, msg(tr("opening the database {}"), file.string()));
  }
  return db;
}

std::string cause_of(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_FULL: return tr("the disk is full");
    case SQLITE_READONLY: return tr("the database is read-only");
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return tr("the database is locked by another program");
    case SQLITE_IOERR: return tr("an input/output error");
    case SQLITE_CANTOPEN: return tr("the file cannot be opened");
    case SQLITE_PERM: return tr("permission denied");
    default: return sqlite3_errstr(sqlite_code);
  }
}

}  // namespace

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) impl_ = std::move(other.impl_);   // Impl's member order: statements finalized first
  return *this;
}
Database::~Database() = default;

namespace {

// SQLite's own default WAL hook checkpoints at 1000 pages; installing ours replaces it, so ours does the same.
constexpr int kAutoCheckpointPages = 1000;

int after_commit_hook(void* impl, sqlite3* db, const char* schema, int pages) noexcept {
  if (pages >= kAutoCheckpointPages) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  try {
    auto& hook = static_cast<Database::Impl*>(impl)->after_commit;
    if (hook) hook();
  } catch (...) {   // a hook never fails the counter's commit
  }
  return SQLITE_OK;
}

}  // namespace

Database::Impl& detail::Access::impl(Database& db) { return *db.impl_; }

void on_commit(Database& db, std::function<void()> hook) {
  Database::Impl& impl = detail::Access::impl(db);
  impl.after_commit = std::move(hook);
  sqlite3* h = impl.db->getHandle();
  if (impl.after_commit)
    sqlite3_wal_hook(h, after_commit_hook, &impl);
  else
    sqlite3_wal_autocheckpoint(h, kAutoCheckpointPages);   // SQLite's default hook again
}

Database Database::open(const fs::path& file, bool create) {
  return Database(std::make_unique<Impl>(connect(file, create ? Mode::create : Mode::read_write), file));
}

Database Database::open_readonly(const fs::path& file) {
  return Database(std::make_unique<Impl>(connect(file, Mode::read_only), file));
}

Database Database::in_memory() { return Database(std::make_unique<Impl>(connect({}, Mode::memory), ":memory:")); }

int Database::schema_version() const {
  try {
    return pragma_int(*impl_->db, "PRAGMA user_version");
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, tr("reading the schema version"));
  }
}

int Database::latest_schema_version() { return static_cast<int>(migrations().size()); }

const fs::path& Database::path() const { return impl_->path; }

bool Database::read_only() const { return sqlite3_db_readonly(impl_->db->getHandle(), "main") == 1; }

namespace detail {

std::string immutable_uri(const fs::path& file) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (unsigned char c : fs::absolute(file).string()) {
    if (c == '%' || c == '?' || c == '#' || c < 0x21 || c == 0x7f) {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 0x0f];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

SQLite::Database& Access::sql(Database& db) { return *db.impl_->db; }

SQLite::Statement& Access::cached(Database& db, const std::string& sql) {
  auto& statements = db.impl_->statements;
  auto it = statements.find(sql);
  if (it != statements.end()) return *it->second;
  try {
    auto stmt = std::make_unique<SQLite::Statement>(*db.impl_->db, sql);
    return *statements.emplace(sql, std::move(stmt)).first->second;
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, tr("preparing a statement"));
  }
}

CachedStatement::CachedStatement(Database& db, const std::string& sql) : stmt_(Access::cached(db, sql)) {
  stmt_.tryReset();
  try {
    stmt_.clearBindings();
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, tr("preparing a statement"));
  }
}

CachedStatement::~CachedStatement() { stmt_.tryReset(); }

}  // namespace detail

DbError journal_unavailable_error(int sqlite_code, const std::string& detail) {
  std::string cause = cause_of(sqlite_code);
  if (!detail.empty()) cause = msg(tr("{}, while {}"), cause, detail);
  return DbError(codes::journal_unavailable,
                 msg(tr("the journal cannot be written ({}): free disk space / check the data folder; no work can be done until it can"),
                     cause),
                 sqlite_code);
}

namespace detail {

void throw_db_error(const SQLite::Exception& e, const std::string& doing) {
  const int code = e.getExtendedErrorCode();
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw DbError(codes::duplicate, with_detail(msg(tr("{}: this is already recorded."), doing), e.what()), code);
    default: break;
  }
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw DbError(codes::database_corrupt,
                    with_detail(msg(tr("{}: the database is damaged; restore it from the latest backup."), doing), e.what()), code);
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR: throw journal_unavailable_error(code, doing);
    default: throw DbError(codes::database_error, with_detail(msg(tr("{}: the database reports an error; try again, and call support if it repeats."), doing), e.what()), code);
  }
}

}  // namespace detail

// ---- Transaction ---------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db) {
  SQLite::Database& sql = detail::sql(db_);
  sqlite3* handle = sql.getHandle();
  if (sqlite3_get_autocommit(handle) == 0)
    throw DbError(codes::database_error,
                  tr("A transaction is already open on this database; finish it before starting another."));
  int rc = sql.tryExec("BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) throw journal_unavailable_error(sql.getExtendedErrorCode(), tr("starting a transaction"));
  // A read-only connection may begin; refuse here so no step starts unlogged.
  if (db_.read_only()) {
    sql.tryExec("ROLLBACK");
    throw journal_unavailable_error(SQLITE_READONLY, tr("starting a transaction"));
  }
}

Transaction::~Transaction() {
  SQLite::Database& sql = detail::sql(db_);
  if (!done_ && sqlite3_get_autocommit(sql.getHandle()) == 0) sql.tryExec("ROLLBACK");
}

void Transaction::commit() {
  if (done_) throw DbError(codes::database_error, tr("This transaction was already committed."));
  SQLite::Database& sql = detail::sql(db_);
  if (sqlite3_get_autocommit(sql.getHandle()) != 0)
    throw DbError(codes::journal_unavailable,
                  tr("The database rolled the work back after an error; nothing of it was saved. Free disk space or check the data folder, and start again."));
  int rc = sql.tryExec("COMMIT");
  if (rc != SQLITE_OK) throw journal_unavailable_error(sql.getExtendedErrorCode(), tr("saving the work"));
  done_ = true;
}

}  // namespace certdesk::db
