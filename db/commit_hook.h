#pragma once
// A hook after each commit of one connection (issue 12.3): the window wakes its hall
// shipper with it (desk::wake_shipper_after_commit in desk/hall_link.h), so an entry
// reaches the hall within about a second instead of the shipper's period.

#include <functional>

#include "db/database.h"

namespace certdesk::db {

// Calls hook on the committing thread after each transaction `db` commits — a
// Transaction or a single statement alike (SQLite's WAL hook; the automatic checkpoint
// every 1000 WAL pages is kept). The hook must return at once and must not use `db`;
// anything it throws is swallowed: it never fails the commit. An empty function
// removes it. Set and remove it while no other thread uses the connection.
void on_commit(Database& db, std::function<void()> hook);

}  // namespace certdesk::db
