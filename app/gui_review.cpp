#include "app/gui_review.h"

#include <fmt/format.h>

#include <algorithm>
#include <list>
#include <map>
#include <set>

#include "desk/day_export.h"
#include "desk/day_signing.h"
#include "desk/papers.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/day_close.h"
#include "pki/signature.h"
#include "printing/amount_words.h"
#include "printing/pdf.h"
#include "workflows/day.h"
#include "workflows/request.h"

namespace certdesk::app {

namespace {

constexpr std::size_t kPageRows = 64;
constexpr std::size_t kPagesKept = 8;

std::string flow_label(const std::string& flow) {
  try {
    return workflows::business_type_label(workflows::flow_from(flow));
  } catch (const Error&) {
    return flow;
  }
}

class AppReviewModel final : public forms::ReviewModel {
 public:
  AppReviewModel(desk::AppContext& ctx, const workflows::Actor& who)
      : ctx_(ctx), desk_(ctx), who_(who), reader_(db::Database::open_readonly(ctx.paths().database())) {
    workflows::DayReview check(reader_, who_);   // review_day, here and not only in the window
  }

  std::vector<std::string> days() override {
    std::vector<std::string> d = workflows::DayReview(reader_, who_).days();
    std::string today = desk::business_day(ctx_.clock().now(), ctx_.config());
    if (d.empty() || d.front() < today) d.insert(d.begin(), today);
    return d;
  }

  void open_day(const std::string& day, const forms::ReviewFilter& f) override {
    workflows::DayReview review(reader_, who_);
    workflows::JournalFilter jf;
    jf.staff = f.teller;
    jf.flow = f.flow;
    jf.organisation = f.organisation;
    jf.outcome = static_cast<workflows::JournalFilter::Outcome>(static_cast<int>(f.outcome));
    rows_ = review.rows(day, jf);
    pages_.clear();
    // The counter (workstation) filter and its choices, from one pass over the day.
    std::set<std::string> counters;
    std::set<std::int64_t> at_counter;
    std::set<std::string> day_orgs;
    review.for_each(day, {}, [&](const db::JournalEntry& e) {
      if (!e.workstation.empty()) counters.insert(e.workstation);
      if (!e.record.organisation.empty() && day_orgs.size() < 500) day_orgs.insert(e.record.organisation);
      if (!f.counter.empty() && e.workstation == f.counter) at_counter.insert(e.seq);
    });
    if (!f.counter.empty())
      rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const workflows::ReviewRow& r) { return !at_counter.count(r.seq); }),
                  rows_.end());
    workflows::DaySummary s = review.summary(day);
    forms::ReviewSummaryView v;
    v.business_day = day;
    v.entries = s.entries;
    v.fee_total_fen = s.fee_total_fen;
    v.receipts_issued = s.receipts_issued;
    v.receipts_voided = s.receipts_voided;
    v.failures = s.failures;
    v.overrides = s.overrides;
    v.waivers = s.waivers;
    v.voids = s.voids;
    v.unlocks = s.unlocks;
    v.unfinished = s.unfinished_orders;
    for (const auto& r : s.by_flow) {
      v.totals.push_back({"flow", flow_label(r.key), r.orders, r.amount_fen});
      v.flows.push_back(r.key);
    }
    for (const auto& r : s.by_teller) {
      v.totals.push_back({"teller", r.key.empty() ? "系统" : r.key, r.receipts, r.amount_fen});
      if (!r.key.empty()) v.tellers.push_back(r.key);
    }
    for (const auto& r : s.by_method) v.totals.push_back({"method", desk::payment_method_label(r.key), r.receipts, r.amount_fen});
    std::set<std::string> orgs;
    for (const auto& x : s.exceptions)
      if (!x.entry.record.organisation.empty()) orgs.insert(x.entry.record.organisation);
    orgs.insert(day_orgs.begin(), day_orgs.end());
    v.organisations.assign(orgs.begin(), orgs.end());
    v.counters.assign(counters.begin(), counters.end());
    if (auto c = db::DayCloses(reader_).by_day(day)) {
      v.closed = true;
      v.closed_by = c->closed_by;
      v.closed_at = local(c->closed_utc);
      v.signer = c->signer_kind;
    }
    summary_ = std::move(v);
  }

  std::size_t row_count() const override { return rows_.size(); }

  forms::ReviewRowView row(std::size_t i) override {
    if (i >= rows_.size()) return {};
    std::size_t page = i / kPageRows;
    auto it = pages_.begin();
    for (; it != pages_.end(); ++it)
      if (it->first == page) break;
    if (it == pages_.end()) {
      std::vector<std::int64_t> seqs;
      for (std::size_t k = page * kPageRows; k < std::min(rows_.size(), (page + 1) * kPageRows); ++k)
        seqs.push_back(rows_[k].seq);
      std::vector<forms::ReviewRowView> views;
      std::size_t k = page * kPageRows;
      for (const auto& e : db::DayJournal(reader_).at(seqs)) views.push_back(view(e, rows_[k++].flags));
      pages_.emplace_front(page, std::move(views));
      if (pages_.size() > kPagesKept) pages_.pop_back();
      it = pages_.begin();
    } else if (it != pages_.begin()) {
      pages_.splice(pages_.begin(), pages_, it);
      it = pages_.begin();
    }
    std::size_t k = i - page * kPageRows;
    return k < it->second.size() ? it->second[k] : forms::ReviewRowView{};
  }

  const forms::ReviewSummaryView& summary() const override { return summary_; }

  std::vector<forms::ReviewRowView> order_history(std::int64_t order_id) override {
    std::vector<forms::ReviewRowView> out;
    for (const auto& e : workflows::DayReview(reader_, who_).order_history(order_id))
      out.push_back(view(e, workflows::exception_flags(e)));
    return out;
  }

  forms::JournalCheckView verify_journal(const std::function<void(std::int64_t, std::int64_t)>& progress) override {
    // Worker thread: the desk opens its own read-only connection for it.
    workflows::DayReview allowed(reader_, who_);
    desk::JournalCheck check = desk_.verify_journal(progress);
    const db::VerifyReport& r = check.report;
    std::optional<std::int64_t> bad = r.ok && !check.receipts.ok() ? check.receipts.problems.front().seq : r.first_bad_seq;
    return {check.ok(), r.checked, bad, check.message()};
  }

  bool close_needs_pin() override { return db::StaffTokens(reader_).active_of(who_.id).has_value(); }

  std::string close_day(const std::string& day, const std::function<std::optional<Secret>()>& ask_pin) override {
    // Worker thread: the context's own connection and the token are used only here while it runs.
    db::DayCloseRecord rec = desk_.close_day(who_, day, ask_pin).record;
    return fmt::format(fmt::runtime(tr("{} is closed: {} entries, fee total ¥{}, signed with the {} key ({}).")), day,
                       rec.entry_count, printing::format_fen(rec.fee_total_fen), tr(rec.signer_kind.c_str()),
                       pki::subject_of(rec.signer_cert));
  }

  std::int64_t export_csv(const std::string& day, const std::string& path) override {
    return desk_.export_day_csv(who_, day, path);
  }

  void export_pdf(const std::string& day, const std::string& path) override { desk_.export_day_pdf(who_, day, path); }

  std::int64_t correct_entry(std::int64_t seq, const std::string& reason) override {
    return desk_.correct_entry(who_, seq, reason).seq;
  }

 private:
  std::string local(const std::string& utc) const { return local_time(ctx_.config(), utc); }
  forms::ReviewRowView view(const db::JournalEntry& e, unsigned flags) const { return review_row(ctx_.config(), e, flags); }

  desk::AppContext& ctx_;
  desk::Desk desk_;   // worker thread only
  workflows::Actor who_;
  db::Database reader_;   // UI thread only
  std::vector<workflows::ReviewRow> rows_;
  std::list<std::pair<std::size_t, std::vector<forms::ReviewRowView>>> pages_;   // most recent first
  forms::ReviewSummaryView summary_;
};

}  // namespace

std::string local_time(const workflows::CounterConfig& config, const std::string& utc) {
  try {
    std::string s = text::iso_utc(text::parse_iso_utc(utc) + std::chrono::minutes(desk::utc_offset_minutes(config)));
    return s.substr(0, 10) + " " + s.substr(11, 8);
  } catch (const Error&) {
    return utc;
  }
}

forms::ReviewRowView review_row(const workflows::CounterConfig& config, const db::JournalEntry& e, unsigned flags) {
  const db::JournalRecord& r = e.record;
  forms::ReviewRowView v;
  v.seq = e.seq;
  v.counter = e.workstation;
  v.time = local_time(config, e.utc_time);
  v.exceptions = desk::exception_labels(flags);
  v.staff = r.staff;
  v.action = workflows::action_label(r.action);
  v.flow = r.flow;
  v.order_id = r.order_id;
  v.organisation = r.organisation;
  v.amount = r.amount_fen ? printing::format_fen(*r.amount_fen) : "";
  v.receipt_no = r.receipt_no;
  v.outcome = r.outcome;
  v.details = r.details;
  return v;
}

std::unique_ptr<forms::ReviewModel> make_review_model(desk::AppContext& ctx, const workflows::Actor& who) {
  return std::make_unique<AppReviewModel>(ctx, who);
}

}  // namespace certdesk::app
