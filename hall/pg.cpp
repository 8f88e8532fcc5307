#include "hall/pg.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "common/i18n.h"

namespace certdesk::hall::pg {
namespace {

// libpq's message on one line: its line breaks and tabs ("…failed: …\n\tIs the server
// running…") become single spaces, so a window or a log shows it as text, not as escapes.
std::string trimmed(const char* s) {
  std::string out;
  for (const char* p = s ? s : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
    if (!space) out += *p;
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}


HallError unreachable(const std::string& why) {
  return HallError(ErrorKind::other, codes::hall_unreachable,
                   msg(tr("the hall server cannot be reached ({}): the counter keeps working and ships "
                          "its record when the server is back"),
                       why));
}

// The server's refusal, by SQLSTATE (class CD: hall/schema/001_hall.sql).
HallError refusal(const std::string& sqlstate, const std::string& primary) {
  if (sqlstate == "CDC01" || sqlstate == "23505")
    return HallError(ErrorKind::journal_integrity, codes::hall_conflict,
                     msg(tr("the hall holds another version of this record ({}): the local record was changed "
                            "after it was shipped — call the supervisor"),
                         primary),
                     sqlstate);
  if (sqlstate == "CDG01")
    return HallError(ErrorKind::rule, codes::hall_gap, msg(tr("the hall refused a gap in the record ({})"), primary),
                     sqlstate);
  if (sqlstate == "CDW01")
    return HallError(ErrorKind::rule, codes::workstation_taken,
                     msg(tr("the hall refused this workstation ({}): choose another workstation code or rejoin "
                            "with this counter's own key"),
                         primary),
                     sqlstate);
  if (sqlstate == "42501" || sqlstate == "CDW02")
    return HallError(ErrorKind::auth, codes::hall_refused,
                     msg(tr("the hall server refused: this counter's database role may not do that ({})"), primary),
                     sqlstate);
  if (sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return unreachable(primary);
  // statement_timeout (57014) or lock_timeout (55P03) fired: a stuck or busy server is an
  // unreachable one for the counter (it keeps working; the backlog ships later).
  if (sqlstate == "57014" || sqlstate == "55P03")
    return HallError(ErrorKind::other, codes::hall_unreachable,
                     msg(tr("the hall server did not answer in time ({}): the counter keeps working and ships its "
                            "record later"),
                         primary),
                     sqlstate);
  if (sqlstate == "42P01" || sqlstate == "3F000" || sqlstate == "42883" || sqlstate == "42703")
    return HallError(ErrorKind::other, codes::hall_schema_mismatch,
                     msg(tr("the hall database does not hold the schema this program expects ({}): run the "
                            "hall's migrations or update the program"),
                         primary),
                     sqlstate);
  return HallError(ErrorKind::rule, codes::hall_refused, msg(tr("the hall server refused the record ({})"), primary),
                   sqlstate);
}

}  // namespace

Params& Params::text(std::string v) {
  values_.push_back(std::move(v));
  null_.push_back(0);
  formats_.push_back(0);
  return *this;
}
Params& Params::integer(std::int64_t v) { return text(std::to_string(v)); }
Params& Params::optional_integer(const std::optional<std::int64_t>& v) {
  if (v) return integer(*v);
  values_.emplace_back();
  null_.push_back(1);
  formats_.push_back(0);
  return *this;
}
Params& Params::binary(std::string v) {
  values_.push_back(std::move(v));
  null_.push_back(0);
  formats_.push_back(1);
  return *this;
}
void Params::reserve(std::size_t n) {
  values_.reserve(n);
  null_.reserve(n);
  formats_.reserve(n);
}

std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}
std::int64_t Result::integer(int row, int col) const { return std::stoll(PQgetvalue(r_.get(), row, col)); }
std::optional<std::int64_t> Result::optional_integer(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return integer(row, col);
}
std::string Result::bytes(int row, int col) const {
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (!raw) throw HallError(ErrorKind::other, codes::hall_refused, tr("the hall server sent an unreadable value"));
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

void Session::ensure_connected() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return;
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) throw unreachable(trimmed(PQerrorMessage(conn_.get())));
}

void Session::fail(ResultPtr r) {
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    throw unreachable(trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get())));
  const std::string state = r ? trimmed(PQresultErrorField(r.get(), PG_DIAG_SQLSTATE)) : "";
  const std::string primary =
      trimmed(r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn_.get()));
  throw refusal(state, primary);
}

Result Session::exec(const std::string& sql, const Params& params, bool binary) {
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  ResultPtr r(PQexecParams(conn_.get(), sql.c_str(), params.size(), nullptr, values.data(), lengths.data(),
                           params.formats_.data(), binary ? 1 : 0));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(std::move(r));
  return Result(r.release());
}

void Session::exec_script(const std::string& sql) {
  ResultPtr r(PQexec(conn_.get(), sql.c_str()));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(std::move(r));
}

std::int64_t Session::copy_in(const std::string& copy_sql, const std::string& data) {
  ResultPtr start(PQexec(conn_.get(), copy_sql.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) fail(std::move(start));
  bool sent = true;
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t at = 0; sent && at < data.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - at);
    sent = PQputCopyData(conn_.get(), data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_.get(), sent ? nullptr : "certdesk: sending failed") != 1 && PQstatus(conn_.get()) != CONNECTION_OK)
    throw unreachable(trimmed(PQerrorMessage(conn_.get())));
  ResultPtr r(PQgetResult(conn_.get()));
  // Drain whatever else the server sends for this command (libpq requires it before the next one).
  for (ResultPtr more(PQgetResult(conn_.get())); more; more.reset(PQgetResult(conn_.get()))) {
  }
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(std::move(r));
  const char* n = PQcmdTuples(r.get());
  return n && *n ? std::stoll(n) : 0;
}

void CopyText::sep() {
  if (!first_) out_ += '\t';
  first_ = false;
}
CopyText& CopyText::text(std::string_view v) {
  sep();
  for (char c : v) {
    switch (c) {
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: out_ += c;
    }
  }
  return *this;
}
CopyText& CopyText::integer(std::int64_t v) {
  sep();
  out_ += std::to_string(v);
  return *this;
}
CopyText& CopyText::optional_integer(const std::optional<std::int64_t>& v) {
  if (v) return integer(*v);
  sep();
  out_ += "\\N";
  return *this;
}
CopyText& CopyText::bytes(std::string_view v) {
  static const char* digits = "0123456789abcdef";
  sep();
  out_ += "\\\\x";   // the bytea input "\x…", its backslash escaped for COPY
  for (unsigned char c : v) {
    out_ += digits[c >> 4];
    out_ += digits[c & 15];
  }
  return *this;
}
void CopyText::end_row() {
  out_ += '\n';
  first_ = true;
}

Transaction::Transaction(Session& s) : s_(s) { s_.exec("BEGIN"); }
Transaction::~Transaction() {
  if (done_ || PQstatus(s_.raw()) != CONNECTION_OK) return;
  ResultPtr(PQexec(s_.raw(), "ROLLBACK"));   // never throws: a lost connection rolls back by itself
}
void Transaction::commit() {
  s_.exec("COMMIT");
  done_ = true;
}

ConnPtr connect(const std::string& conninfo, const std::string& password_file) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, CFree<PQconninfoFree>> opts(PQconninfoParse(conninfo.c_str(), &err));
  if (!opts) {
    const std::string why = trimmed(err ? err : "out of memory");
    PQfreemem(err);
    throw HallError(ErrorKind::input, codes::hall_bad_conninfo,
                    msg(tr("the hall connection string is not valid: {}"), why));
  }
  std::vector<std::string> keys, vals;
  bool has_timeout = false;
  // Every statement bounded on the server (docs/hall.md): a statement or a lock wait longer than
  // this fails, so a stuck server cannot hold a command past its budget. Settings of the
  // connection string's own options come after these and win.
  std::string options = fmt::format("-c statement_timeout={} -c lock_timeout={}", kStatementTimeoutMs, kLockTimeoutMs);
  for (PQconninfoOption* o = opts.get(); o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    const std::string_view key = o->keyword;
    if (key == "password")
      throw HallError(ErrorKind::input, codes::hall_bad_conninfo,
                      tr("the hall connection string holds a password: put it in a password file and pass that "
                         "file instead"));
    if (key == "connect_timeout") has_timeout = true;
    if (key == "passfile" && !password_file.empty()) continue;
    if (key == "options") {
      options += ' ';
      options += o->val;
      continue;
    }
    keys.emplace_back(o->keyword);
    vals.emplace_back(o->val);
  }
  if (!password_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(password_file, ec))
      throw HallError(ErrorKind::input, codes::hall_bad_conninfo,
                      msg(tr("the hall password file {} cannot be read"), password_file));
    keys.emplace_back("passfile");
    vals.push_back(password_file);
  }
  if (!has_timeout) {   // a counter never waits long for the hall
    keys.emplace_back("connect_timeout");
    vals.emplace_back("2");
  }
  keys.emplace_back("options");
  vals.push_back(options);
  keys.emplace_back("application_name");
  vals.emplace_back("certdesk");
  std::vector<const char*> k, v;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    k.push_back(keys[i].c_str());
    v.push_back(vals[i].c_str());
  }
  k.push_back(nullptr);
  v.push_back(nullptr);
  ConnPtr conn(PQconnectdbParams(k.data(), v.data(), 0));   // owned before it is checked
  if (!conn) throw unreachable("out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) throw unreachable(trimmed(PQerrorMessage(conn.get())));
  ResultPtr(PQexec(conn.get(), "SET client_min_messages = warning"));
  return conn;
}

}  // namespace certdesk::hall::pg
