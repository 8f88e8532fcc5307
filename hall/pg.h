#pragma once
// The libpq layer of certdesk_hall (private: included by hall/*.cpp only). RAII for
// PGconn and PGresult, parameters, transactions as scopes, server errors mapped
// to HallError by SQLSTATE.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/handle.h"
#include "hall/hall.h"

namespace certdesk::hall::pg {

using ConnPtr = std::unique_ptr<PGconn, CFree<PQfinish>>;
using ResultPtr = std::unique_ptr<PGresult, CFree<PQclear>>;

// Positional parameters: text by default, bytea in binary, SQL NULL.
class Params {
 public:
  Params& text(std::string v);
  Params& integer(std::int64_t v);
  Params& optional_integer(const std::optional<std::int64_t>& v);
  Params& binary(std::string v);
  int size() const { return static_cast<int>(values_.size()); }
  void reserve(std::size_t n);

 private:
  friend class Session;
  std::vector<std::string> values_;
  std::vector<char> null_;
  std::vector<int> formats_;
};

// A query's rows. Text results unless run with binary=true.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const;
  std::int64_t integer(int row, int col) const;
  std::optional<std::int64_t> optional_integer(int row, int col) const;
  // A bytea column of a text result ("\x…" hex) as its bytes.
  std::string bytes(int row, int col) const;

 private:
  ResultPtr r_;
};

// One connection. Every call throws HallError (hall_unreachable when the server
// is gone; the server's refusals mapped by SQLSTATE, see hall/schema/001_hall.sql).
class Session {
 public:
  explicit Session(ConnPtr conn) : conn_(std::move(conn)) {}
  // Reconnects once when the connection was lost (a restarted server).
  void ensure_connected();
  Result exec(const std::string& sql, const Params& params = {}, bool binary = false);
  // Several statements, no parameters (migrations).
  void exec_script(const std::string& sql);
  // COPY … FROM STDIN with `data` in COPY's text format (CopyText builds it); returns the
  // rows stored (a row a BEFORE trigger skipped is not counted).
  std::int64_t copy_in(const std::string& copy_sql, const std::string& data);
  PGconn* raw() { return conn_.get(); }

 private:
  [[noreturn]] void fail(ResultPtr r);
  ConnPtr conn_;
};

// Rows in COPY's text format: fields tab-separated, rows newline-terminated, \N for NULL,
// backslash escapes; bytea as its hex form.
class CopyText {
 public:
  CopyText& text(std::string_view v);
  CopyText& integer(std::int64_t v);
  CopyText& optional_integer(const std::optional<std::int64_t>& v);
  CopyText& bytes(std::string_view v);
  void end_row();
  const std::string& data() const { return out_; }
  void reserve(std::size_t n) { out_.reserve(n); }

 private:
  void sep();
  std::string out_;
  bool first_ = true;
};

// BEGIN … COMMIT; rolls back in its destructor unless committed.
class Transaction {
 public:
  explicit Transaction(Session& s);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Session& s_;
  bool done_ = false;
};

// The server-side bounds every connection starts with (statement_timeout, lock_timeout);
// the connection string's options (e.g. options='-c statement_timeout=60s' for a head
// office's long reports) override them.
inline constexpr int kStatementTimeoutMs = 3000;
inline constexpr int kLockTimeoutMs = 2000;

// Opens a connection from conninfo; a password in conninfo is refused, a password
// file is passed to libpq as passfile. Throws HallError(hall_bad_conninfo | hall_unreachable).
ConnPtr connect(const std::string& conninfo, const std::string& password_file);

}  // namespace certdesk::hall::pg
