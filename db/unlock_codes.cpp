#include "db/unlock_codes.h"

#include <SQLiteCpp/Statement.h>

#include "common/error.h"
#include "db/detail.h"

namespace certdesk::db {

Id UnlockCodes::insert(const UnlockCode& c) {
  try {
    SQLite::Statement st(detail::sql(db_),
                         "INSERT INTO unlock_codes (token_serial, code_hash, issued_by, issued_utc, expires_utc) "
                         "VALUES (?, ?, ?, ?, ?)");
    st.bind(1, c.token_serial);
    st.bind(2, c.code_hash);
    st.bind(3, static_cast<int64_t>(c.issued_by));
    st.bind(4, c.issued_utc);
    st.bind(5, c.expires_utc);
    st.exec();
    return detail::sql(db_).getLastInsertRowid();
  } catch (const SQLite::Exception& e) {
    detail::throw_db_error(e, tr("storing the authorisation code"));
  }
}

std::vector<UnlockCode> UnlockCodes::issued_since(const std::string& since_utc) {
  try {
    SQLite::Statement st(detail::sql(db_),
                         "SELECT id, token_serial, code_hash, issued_by, issued_utc, expires_utc, used_utc, used_by "
                         "FROM unlock_codes WHERE issued_utc >= ? ORDER BY id DESC");
    st.bind(1, since_utc);
    std::vector<UnlockCode> out;
    while (st.executeStep()) {
      UnlockCode c;
      c.id = st.getColumn(0).getInt64();
      c.token_serial = st.getColumn(1).getString();
      c.code_hash = st.getColumn(2).getString();
      c.issued_by = st.getColumn(3).getInt64();
      c.issued_utc = st.getColumn(4).getString();
      c.expires_utc = st.getColumn(5).getString();
      if (!st.getColumn(6).isNull()) c.used_utc = st.getColumn(6).getString();
      if (!st.getColumn(7).isNull()) c.used_by = st.getColumn(7).getInt64();
      out.push_back(std::move(c));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    detail::throw_db_error(e, tr("reading the authorisation codes"));
  }
}

void UnlockCodes::mark_used(Id id, const std::string& used_utc, Id by) {
  try {
    SQLite::Statement st(detail::sql(db_), "UPDATE unlock_codes SET used_utc = ?, used_by = ? WHERE id = ? AND used_utc IS NULL");
    st.bind(1, used_utc);
    st.bind(2, static_cast<int64_t>(by));
    st.bind(3, static_cast<int64_t>(id));
    if (st.exec() != 1) throw DbError(codes::duplicate, tr("The authorisation code was already used; ask the supervisor for a new one."));
  } catch (const SQLite::Exception& e) {
    detail::throw_db_error(e, tr("using the authorisation code"));
  }
}

}  // namespace certdesk::db
