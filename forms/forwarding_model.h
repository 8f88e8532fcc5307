#pragma once
// A CounterModel that passes every call to another one: a wrapper overrides only
// what it changes (a benchmark answering the PIN at once, a test slowing the key
// generation) and stays the application's model otherwise. Threads: as the inner model's.

#include "forms/model.h"

namespace certdesk::forms {

class ForwardingCounterModel : public CounterModel {
 public:
  // inner must outlive this model.
  explicit ForwardingCounterModel(CounterModel& inner) : inner_(inner) {}

  workflows::Actor login(const std::string& n, const Secret& p) override { return inner_.login(n, p); }
  void logout(const workflows::Actor& w) override { inner_.logout(w); }
  std::vector<TokenRow> tokens() override { return inner_.tokens(); }
  std::vector<CustomerRow> find_customers(const std::string& t) override { return inner_.find_customers(t); }
  std::vector<HistoryRow> history(std::int64_t id) override { return inner_.history(id); }
  std::vector<UnfinishedRow> unfinished() override { return inner_.unfinished(); }
  workflows::FeeQuote quote(workflows::Flow f, const std::string& r) override { return inner_.quote(f, r); }
  workflows::OrderResult run_flow(const workflows::Actor& t, const workflows::ServiceRequest& r, workflows::Prompts p,
                                  bool h) override {
    return inner_.run_flow(t, r, p, h);
  }
  workflows::OrderResult hand_over(const workflows::Actor& t, std::int64_t id) override { return inner_.hand_over(t, id); }
  void archive_papers(const workflows::Actor& t, std::int64_t id) override { inner_.archive_papers(t, id); }
  workflows::OrderResult resume(const workflows::Actor& t, std::int64_t id, workflows::Prompts p) override {
    return inner_.resume(t, id, p);
  }
  workflows::OrderResult roll_back(const workflows::Actor& t, std::int64_t id, workflows::Prompts p) override {
    return inner_.roll_back(t, id, p);
  }
  printing::ReceiptData receipt(const std::string& no) override { return inner_.receipt(no); }
  printing::HandoverSlipData slip(std::int64_t id) override { return inner_.slip(id); }
  printing::Paper paper() override { return inner_.paper(); }
  void record_print(const workflows::Actor& w, const std::string& no) override { inner_.record_print(w, no); }
  std::string insert_blank_token() override { return inner_.insert_blank_token(); }
  std::string today() const override { return inner_.today(); }
  std::string branch() const override { return inner_.branch(); }
  std::string local_time(std::int64_t t) const override { return inner_.local_time(t); }
  CounterTasks* tasks() override { return inner_.tasks(); }   // the counter-task menu and the handover print button

 protected:
  CounterModel& inner() { return inner_; }

 private:
  CounterModel& inner_;
};

}  // namespace certdesk::forms
