#include "tests/hall/hall_server.h"

#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "db/repositories.h"
#include "hall/hall.h"

namespace certdesk::test {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

std::string script_path() {
  const char* src = std::getenv("CERTDESK_SOURCE_DIR");
  if (!src) throw std::runtime_error("CERTDESK_SOURCE_DIR is not set (run the suite through ctest)");
  return std::string(src) + "/scripts/hall-server";
}

}  // namespace

HallServer::HallServer() : dir_("certdesk-hall") {
  script("create");
  start();
  if (!sql("CREATE DATABASE certdesk").empty()) throw std::runtime_error("cannot create the hall database");
  hall::Connection::migrate(conninfo());
}

HallServer::~HallServer() {
  if (running_) {
    try {
      stop();
    } catch (...) {
    }
  }
}

void HallServer::script(const std::string& command) const {
  RunResult r = run({script_path(), command, dir_.path().string()}, {}, "", 120);
  if (r.exit_code != 0) throw std::runtime_error("hall-server " + command + " failed: " + r.err);
}

void HallServer::start() {
  script("start");
  running_ = true;
}

void HallServer::stop() {
  script("stop");
  running_ = false;
}

std::string HallServer::conninfo(const std::string& user, const std::string& db) const {
  return "postgresql:///" + db + "?host=" + (dir_.path() / "socket").string() + "&user=" + user;
}

std::string HallServer::sql(const std::string& statement, const std::string& user) const {
  const std::string db = statement.rfind("CREATE DATABASE", 0) == 0 ? "postgres" : "certdesk";
  std::unique_ptr<PGconn, ConnCloser> c(PQconnectdb(conninfo(user, db).c_str()));
  if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c.get()));
  PGresult* r = PQexec(c.get(), statement.c_str());
  const auto st = PQresultStatus(r);
  std::string state;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    state = s ? s : "?????";
    BOOST_TEST_MESSAGE("as " << user << ": " << statement.substr(0, 80) << " -> " << state << " "
                             << PQresultErrorMessage(r));
  }
  PQclear(r);
  return state;
}

std::string HallServer::value(const std::string& query) const {
  std::unique_ptr<PGconn, ConnCloser> c(PQconnectdb(conninfo().c_str()));
  PGresult* r = PQexec(c.get(), query.c_str());
  std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "<error>";
  PQclear(r);
  return out;
}

void HallServer::add_counter_role(const std::string& role) {
  if (!sql("CREATE ROLE " + role + " LOGIN IN ROLE certdesk_counter").empty())
    throw std::runtime_error("cannot create role " + role);
}

LocalCounter::LocalCounter(const std::filesystem::path& file, const std::string& workstation)
    : workstation(workstation), db(db::Database::open(file, true)), journal(db, workstation, 480) {}

db::JournalEntry LocalCounter::append(int i, Seconds at) {
  db::Transaction tx(db);
  db::JournalEntry e = journal.append(hall_record(workstation, i), at);
  tx.commit();
  return e;
}

std::vector<db::JournalEntry> LocalCounter::all() { return after(0); }

std::vector<db::JournalEntry> LocalCounter::after(std::int64_t seq) {
  std::vector<std::int64_t> seqs;
  for (std::int64_t s = seq + 1; s <= journal.head().count; ++s) seqs.push_back(s);
  return db::DayJournal(db).at(seqs);
}

std::vector<int> in_processes(int count, const std::function<int(int)>& body) {
  std::vector<pid_t> pids;
  for (int n = 1; n <= count; ++n) {
    const pid_t pid = fork();
    if (pid == 0) {
      int rc = 1;
      try {
        rc = body(n);
      } catch (const std::exception& e) {
        fprintf(stderr, "counter %d: %s\n", n, e.what());
        rc = 2;
      }
      _exit(rc);
    }
    pids.push_back(pid);
  }
  std::vector<int> exit_codes;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    exit_codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 100);
  }
  return exit_codes;
}

Seconds hall_time(int minutes) {
  using namespace std::chrono;
  return sys_days{year{2026} / December / 1} + hours{1} + std::chrono::minutes{minutes};
}

db::JournalRecord hall_record(const std::string& workstation, int i) {
  db::JournalRecord r;
  r.staff = i % 2 ? "li.na" : "wang.wei";
  r.action = i % 3 ? "order.transition" : "payment";
  r.order_id = 100 + i / 3;
  r.organisation = "91110108MA01C8D24U";
  if (i % 3 == 0) {
    r.amount_fen = 5000;
    r.receipt_no = "BJ01-" + workstation + "-2026-" + std::to_string(100000 + i);
  }
  r.outcome = i % 7 ? "0000" : "0116";
  r.details = "{\"step\":" + std::to_string(i) + ",\"note\":\"北京示例科技有限公司\"}";
  r.flow = i % 4 ? "issue" : "renew";
  return r;
}

}  // namespace certdesk::test
