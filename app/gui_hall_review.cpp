#include "app/gui_hall_review.h"

#include <map>
#include <set>

#include "app/gui_review.h"
#include "common/i18n.h"
#include "common/text.h"
#include "desk/desk.h"
#include "desk/hall_link.h"
#include "workflows/day.h"

namespace certdesk::app {

namespace {

class AppHallReviewModel final : public forms::HallReviewModel {
 public:
  AppHallReviewModel(desk::AppContext& ctx, const workflows::Actor& who) : ctx_(ctx), who_(who) {
    workflows::require(who_, workflows::Permission::review_day);
  }

  std::vector<std::string> days() override {
    // The hall keeps no list of its days: today (branch-local) and the month before it.
    const std::string today = desk::business_day(ctx_.clock().now(), ctx_.config());
    const Seconds start = text::business_day_start(today, 0);
    std::vector<std::string> out;
    for (int back = 0; back <= 31; ++back) out.push_back(text::business_day(start - std::chrono::hours(24 * back), 0));
    return out;
  }

  forms::HallDayView load(const std::string& day, const forms::ReviewFilter& f) override {
    hall::HallFilter hf;
    hf.workstation = f.counter;
    hf.staff = f.teller;
    hf.flow = f.flow;
    hf.outcome = static_cast<hall::HallFilter::Outcome>(static_cast<int>(f.outcome));
    const desk::HallReview review = desk::hall_review(ctx_, who_, day, hf);
    const workflows::CounterConfig& config = ctx_.config();

    forms::HallDayView v;
    v.branch = review.branch;
    v.business_day = day;
    v.late_minutes = review.late_minutes;
    v.truncated = review.truncated;
    v.entries = review.total_entries;
    v.exceptions = review.total_exceptions;
    v.amount_fen = review.total_amount_fen;
    Choices& choices = choices_[day];

    // A counter that stopped shipping is the first exception: its entries may be missing here.
    std::set<std::string> late;
    const bool late_rows = f.teller.empty() && f.flow.empty() && f.outcome != forms::ReviewFilter::Outcome::ok;
    for (const hall::LateCounter& l : review.late) {
      const std::string& code = l.counter.workstation;
      late.insert(code);
      choices.counters.insert(code);
      v.late.push_back(code);
      if (!late_rows || (!f.counter.empty() && f.counter != code)) continue;
      forms::ReviewRowView r;
      r.counter = code;
      r.exceptions = tr("not shipping");
      r.action = tr("counter not shipping");
      r.time = l.last_contact_utc.empty() ? "" : local_time(config, l.last_contact_utc);
      r.details = l.last_contact_utc.empty()
                      ? std::string(tr("has never shipped its record to the hall"))
                      : msg(tr("last shipped {} minutes ago (late after {} minutes)"), l.minutes_since,
                            review.late_minutes);
      v.rows.push_back(r);
      v.records.push_back({{tr("Counter"), code},
                           {tr("Last shipment (local time)"),
                            l.last_contact_utc.empty() ? std::string(tr("never")) : r.time},
                           {tr("Minutes since"), l.minutes_since < 0 ? "" : std::to_string(l.minutes_since)},
                           {tr("Late after (minutes)"), std::to_string(review.late_minutes)},
                           {tr("Details"), r.details}});
    }

    for (const hall::HallEntry& h : review.entries) {
      const db::JournalEntry& e = h.entry;
      forms::ReviewRowView r = review_row(config, e, workflows::exception_flags(e));
      r.counter = h.workstation;
      choices.counters.insert(h.workstation);
      if (!e.record.staff.empty()) choices.tellers.insert(e.record.staff);
      if (!e.record.flow.empty()) choices.flows.insert(e.record.flow);
      v.records.push_back({{tr("Counter"), h.workstation},
                           {tr("Seq"), std::to_string(e.seq)},
                           {tr("Time (local)"), r.time},
                           {tr("Time (UTC)"), e.utc_time},
                           {tr("Received by the hall (local)"), local_time(config, h.received_utc)},
                           {tr("Business day"), e.business_day},
                           {tr("Staff"), r.staff},
                           {tr("Action"), r.action + " (" + e.record.action + ")"},
                           {tr("Flow"), e.record.flow},
                           {tr("Order"), e.record.order_id ? std::to_string(*e.record.order_id) : ""},
                           {tr("Organisation"), e.record.organisation},
                           {tr("Token serial"), e.record.token_serial},
                           {tr("Certificate serial"), e.record.cert_serial},
                           {tr("Amount"), r.amount},
                           {tr("Receipt"), e.record.receipt_no},
                           {tr("Outcome"), e.record.outcome},
                           {tr("Exception"), r.exceptions},
                           {tr("Details"), e.record.details},
                           {tr("Entry hash"), e.hash},
                           {tr("Previous entry's hash"), e.prev_hash}});
      v.rows.push_back(std::move(r));
    }

    for (const hall::CounterDay& c : review.counters) {
      choices.counters.insert(c.workstation);
      v.counters.push_back({c.workstation, c.entries, c.exceptions, c.amount_fen, late.count(c.workstation) > 0});
    }
    for (const std::string& code : late) {   // late and nothing shipped for the day
      bool listed = false;
      for (const auto& c : v.counters) listed = listed || c.counter == code;
      if (!listed) v.counters.push_back({code, 0, 0, 0, true});
    }
    v.counter_choices.assign(choices.counters.begin(), choices.counters.end());
    v.tellers.assign(choices.tellers.begin(), choices.tellers.end());
    v.flows.assign(choices.flows.begin(), choices.flows.end());
    return v;
  }

 private:
  // The filters' choices seen for a day (an unfiltered read lists them all; a filtered one keeps them).
  struct Choices {
    std::set<std::string> counters, tellers, flows;
  };
  desk::AppContext& ctx_;
  workflows::Actor who_;
  std::map<std::string, Choices> choices_;   // worker thread only (load)
};

}  // namespace

std::shared_ptr<forms::HallReviewModel> make_hall_review_model(desk::AppContext& ctx, const workflows::Actor& who) {
  return std::make_shared<AppHallReviewModel>(ctx, who);
}

}  // namespace certdesk::app
