#include "desk/hall_link.h"

#include <algorithm>
#include <utility>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/commit_hook.h"
#include "db/day_close.h"
#include "db/hall_state.h"
#include "workflows/services.h"
#include "db/repositories.h"
#include "desk/context.h"

namespace certdesk::desk {
namespace {

// Entries per shipment: one round trip and one transaction on the server each.
constexpr std::int64_t kBatch = 2000;

namespace key {
constexpr const char* conninfo = "conninfo";
constexpr const char* password_file = "password_file";
constexpr const char* shipped = "shipped_seq";
constexpr const char* closes = "day_closes_shipped";   // the newest business day whose close the hall holds
constexpr const char* contact = "last_contact_utc";
constexpr const char* attempt = "last_attempt_utc";
constexpr const char* error = "last_error";
constexpr const char* error_code = "last_error_code";
}  // namespace key

std::int64_t local_head(db::Database& db) { return db::Journal(db, "", workflows::kDefaultUtcOffsetMinutes).head().count; }

// Closed days not yet shipped, oldest first.
std::vector<std::string> unshipped_closes(db::Database& db, const std::string& after_day) {
  std::vector<std::string> days = db::DayCloses(db).closed_days();
  std::vector<std::string> out;
  for (const std::string& d : days)
    if (d > after_day) out.push_back(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

HallLink::HallLink(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

bool HallLink::joined() { return db::HallState(db_).get(key::conninfo).has_value(); }

hall::Counter HallLink::counter() {
  db::Settings s(db_);
  return {s.get_or("branch", "BJ01"), s.get_or("workstation", "W01")};
}

HallStatus HallLink::status() {
  db::HallState st(db_);
  HallStatus out;
  out.joined = joined();
  out.conninfo = st.get_or(key::conninfo, "");
  out.password_file = st.get_or(key::password_file, "");
  out.counter = counter();
  out.local_entries = local_head(db_);
  out.shipped = out.joined ? std::min(st.get_int(key::shipped, 0), out.local_entries) : 0;
  out.pending = out.local_entries - out.shipped;
  out.last_contact_utc = st.get_or(key::contact, "");
  out.last_attempt_utc = st.get_or(key::attempt, "");
  out.last_error = st.get_or(key::error, "");
  out.last_error_code = st.get_or(key::error_code, "");
  return out;
}

hall::Connection HallLink::open() {
  db::HallState st(db_);
  std::optional<std::string> conninfo = st.get(key::conninfo);
  if (!conninfo)
    throw hall::HallError(ErrorKind::rule, codes::hall_refused,
                          tr("this counter has not joined a hall: run certdesk-cli hall connect first"));
  return hall::Connection::open(*conninfo, st.get_or(key::password_file, ""));
}

std::vector<db::JournalEntry> HallLink::local_chain() {
  const std::int64_t head = local_head(db_);
  std::vector<std::int64_t> seqs;
  seqs.reserve(static_cast<std::size_t>(head));
  for (std::int64_t s = 1; s <= head; ++s) seqs.push_back(s);
  return db::DayJournal(db_).at(seqs);
}

std::vector<db::DayCloseRecord> HallLink::local_day_closes() {
  std::vector<db::DayCloseRecord> out;
  db::DayCloses closes(db_);
  for (const std::string& d : closes.closed_days(100000))
    if (auto c = closes.by_day(d)) out.push_back(std::move(*c));
  return out;
}

void HallLink::connect(db::Journal& journal, const std::string& by, const std::string& conninfo,
                       const std::string& password_file, const std::string& fingerprint) {
  const hall::Counter who = counter();
  // Everything that can be refused is asked before anything changes locally.
  hall::Connection c = hall::Connection::open(conninfo, password_file);
  c.join(who, fingerprint);
  {
    db::HallState st(db_);
    db::Transaction tx(db_);
    st.set(key::conninfo, conninfo);
    st.set(key::password_file, password_file);
    st.set(key::shipped, "0");   // the first shipment finds the hall's head; what it holds must match
    st.erase(key::closes);
    st.erase(key::error);
    st.erase(key::error_code);
    journal.append({.staff = by,
                    .action = "hall.joined",
                    .details = msg("hall {} as {}/{}", conninfo, who.branch, who.workstation)},
                   clock_.now());
    tx.commit();
  }
  ship_now(c, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  db::HallState(db_).set(key::contact, text::iso_utc(clock_.now()));
}

ShipOutcome HallLink::ship_now(hall::Connection& c, std::chrono::steady_clock::time_point deadline) {
  ShipOutcome out;
  out.attempted = true;
  db::HallState st(db_);
  const hall::Counter who = counter();
  const std::int64_t head = local_head(db_);
  std::int64_t shipped = std::min(st.get_int(key::shipped, 0), head);
  bool asked_head = false;
  db::DayJournal reader(db_);
  db::Payments payments(db_);
  while (shipped < head && std::chrono::steady_clock::now() < deadline) {
    const std::int64_t n = std::min(kBatch, head - shipped);
    std::vector<std::int64_t> seqs;
    for (std::int64_t s = shipped + 1; s <= shipped + n; ++s) seqs.push_back(s);
    std::vector<db::JournalEntry> batch = reader.at(seqs);
    hall::ShipResult r;
    try {
      r = c.ship(who, batch, clock_.now());
    } catch (const hall::HallError& e) {
      // Our mark is past the hall's head (a hall restored from a backup): start from its head, once.
      if (e.code() != codes::hall_gap || asked_head) throw;
      asked_head = true;
      shipped = std::min(c.remote_head(who).count, head);
      continue;
    }
    std::vector<hall::Receipt> receipts;
    for (const db::JournalEntry& e : batch) {
      if (e.record.action != "payment" || e.record.receipt_no.empty()) continue;
      std::optional<db::Payment> p = payments.by_receipt_no(e.record.receipt_no);
      receipts.push_back({e.record.receipt_no, e.seq, p ? p->method : e.record.details,
                          e.record.amount_fen.value_or(p ? p->amount_fen : 0)});
    }
    c.ship_receipts(who, receipts);   // one transaction per batch, after the entries they name
    out.receipts += static_cast<std::int64_t>(receipts.size());
    out.entries += r.accepted;
    shipped = batch.empty() ? head : batch.back().seq;
    st.set(key::shipped, std::to_string(shipped));
  }
  db::DayCloses closes(db_);
  for (const std::string& day : unshipped_closes(db_, st.get_or(key::closes, ""))) {
    std::optional<db::DayCloseRecord> rec = closes.by_day(day);
    if (!rec || rec->head_seq > shipped) break;   // its head entry goes first
    c.ship_day_close(who, *rec);
    st.set(key::closes, day);
    ++out.day_closes;
  }
  out.pending = head - shipped;
  return out;
}

ShipOutcome HallLink::ship(std::chrono::milliseconds budget, bool force) {
  ShipOutcome out;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  try {
    if (!joined()) return out;
    db::HallState st(db_);
    const std::int64_t pending = local_head(db_) - st.get_int(key::shipped, 0);
    if (!force && pending <= 0 && unshipped_closes(db_, st.get_or(key::closes, "")).empty()) return out;
    st.set(key::attempt, text::iso_utc(clock_.now()));
    try {
      hall::Connection c = open();
      out = ship_now(c, deadline);
      st.set(key::contact, text::iso_utc(clock_.now()));
      st.erase(key::error);
      st.erase(key::error_code);
    } catch (const Error& e) {
      out.attempted = true;
      out.ok = false;
      out.error = e.what();
      out.error_code = e.code();
      st.set(key::error, out.error);
      st.set(key::error_code, out.error_code);
      out.pending = local_head(db_) - std::min(st.get_int(key::shipped, 0), local_head(db_));
    }
  } catch (const std::exception& e) {   // the local bookkeeping itself failed (a busy or read-only folder)
    out.attempted = true;
    out.ok = false;
    out.error = e.what();
    out.error_code = codes::hall_unreachable;
  }
  return out;
}

std::string hall_fingerprint(AppContext& ctx) {
  return crypto::sha256_hex(std::string("certdesk-hall-workstation-v1:") +
                            std::string(ctx.pins().derived("hall-workstation").reveal()));
}

std::optional<std::int64_t> joined_head(const std::filesystem::path& data_dir) {
  try {
    std::error_code ec;
    const std::filesystem::path file = DataPaths{data_dir}.database();
    if (!std::filesystem::exists(file, ec)) return std::nullopt;
    db::Database look = db::Database::open_readonly(file);
    if (!db::HallState(look).get(key::conninfo)) return std::nullopt;
    return local_head(look);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string ship_after_command(const std::filesystem::path& data_dir, std::chrono::milliseconds budget) {
  try {
    std::error_code ec;
    const std::filesystem::path file = DataPaths{data_dir}.database();
    if (!std::filesystem::exists(file, ec)) return "";
    db::Database db = db::Database::open(file, false);
    static const SystemClock clock;
    ShipOutcome out = HallLink(db, clock).ship(budget);
    if (out.ok) return "";
    return msg(tr("warning: the record was not shipped to the hall ({}); {} entries wait and go with the next "
                  "command"),
               out.error, out.pending);
  } catch (const std::exception& e) {
    return msg(tr("warning: the record was not shipped to the hall ({}); it goes with the next command"), e.what());
  }
}

BackgroundShipper::BackgroundShipper(std::filesystem::path data_dir, std::chrono::seconds period)
    : data_dir_(std::move(data_dir)), period_(period), thread_([this](std::stop_token stop) { run(stop); }) {}

BackgroundShipper::~BackgroundShipper() {
  thread_.request_stop();
  cv_.notify_all();
}

void BackgroundShipper::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

ShipOutcome BackgroundShipper::last() {
  std::lock_guard lock(mutex_);
  return last_;
}

void BackgroundShipper::run(std::stop_token stop) {
  static const SystemClock clock;
  std::optional<db::Database> db;
  while (!stop.stop_requested()) {
    ShipOutcome out;
    try {
      if (!db) db.emplace(db::Database::open(DataPaths{data_dir_}.database(), false));
      out = HallLink(*db, clock).ship(std::chrono::seconds(3));
    } catch (const std::exception& e) {
      db.reset();
      out.attempted = true;
      out.ok = false;
      out.error = e.what();
    }
    std::unique_lock lock(mutex_);
    last_ = out;
    // After a failure wait the whole period (the hall is away); else until woken.
    cv_.wait_for(lock, stop, period_, [this] { return woken_; });
    woken_ = false;
  }
}

hall::HallDayPage hall_day(AppContext& ctx, const std::string& business_day, const hall::HallFilter& filter, int limit,
                           const std::string& after) {
  HallLink link(ctx.db(), ctx.clock());
  hall::Connection c = link.open();
  return c.hall_day_report(ctx.config().branch, business_day, filter, limit, after);
}

void wake_shipper_after_commit(AppContext& ctx, BackgroundShipper* shipper) {
  if (shipper)
    db::on_commit(ctx.db(), [shipper] { shipper->wake(); });
  else
    db::on_commit(ctx.db(), {});
}

int hall_late_minutes(AppContext& ctx) {
  const std::int64_t m = db::Settings(ctx.db()).get_int("hall_late_minutes", 15);
  return m > 0 && m <= 100000 ? static_cast<int>(m) : 15;
}

HallReview hall_review(AppContext& ctx, const workflows::Actor& who, const std::string& business_day,
                       const hall::HallFilter& filter, std::size_t max_entries) {
  workflows::require(who, workflows::Permission::review_day);
  text::business_day_start(business_day, 0);   // InputError when malformed
  HallLink link(ctx.db(), ctx.clock());
  HallReview out;
  out.branch = link.counter().branch;
  out.business_day = business_day;
  out.late_minutes = hall_late_minutes(ctx);
  hall::Connection c = link.open();
  for (hall::LateCounter& l : c.late_counters(out.late_minutes))
    if (l.counter.branch == out.branch) out.late.push_back(std::move(l));
  constexpr int kPage = 1000;
  std::string after;
  for (;;) {
    hall::HallDayPage page = c.hall_day_report(out.branch, business_day, filter, kPage, after);
    for (hall::HallEntry& e : page.entries) {
      if (out.entries.size() >= max_entries) {
        out.truncated = true;
        break;
      }
      out.entries.push_back(std::move(e));
    }
    out.counters = std::move(page.counters);
    out.total_entries = page.total_entries;
    out.total_exceptions = page.total_exceptions;
    out.total_amount_fen = page.total_amount_fen;
    if (out.truncated || page.next_after.empty()) break;
    after = page.next_after;
  }
  return out;
}

}  // namespace certdesk::desk
