#include "forms/hall_review_window.h"

#include <wx/font.h>
#include <wx/panel.h>
#include <wx/sizer.h>

#include "forms/ui.h"
#include "workflows/fees.h"

namespace certdesk::forms {

// ---- RecordDialog ------------------------------------------------------------------

RecordDialog::RecordDialog(wxWindow* parent, const wxString& title,
                           const std::vector<std::pair<std::string, std::string>>& fields)
    : wxDialog(parent, wxID_ANY, title, wxDefaultPosition, wxSize(820, 700), wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Item"), wxLIST_FORMAT_LEFT, 170);
  list_->AppendColumn(_("Value"), wxLIST_FORMAT_LEFT, 600);
  for (const auto& [label, value] : fields) {
    long i = list_->InsertItem(list_->GetItemCount(), wx(label));
    list_->SetItem(i, 1, wx(value));
  }
  s->Add(list_, 1, wxEXPAND | wxALL, 8);
  s->Add(CreateStdDialogButtonSizer(wxOK), 0, wxEXPAND | wxALL, 8);
  SetSizer(s);
}

// ---- HallReviewWindow --------------------------------------------------------------

HallReviewWindow::HallReviewWindow(std::shared_ptr<HallReviewModel> model, Worker& worker, const wxString& who)
    : wxFrame(nullptr, wxID_ANY, wxString::Format(_("certdesk - the hall's day, every counter - supervisor %s"), who),
              wxDefaultPosition, wxSize(1260, 780)),
      model_(std::move(model)), worker_(worker) {
  use_cjk_font(this);   // before the children, so their sizes fit the face
  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);

  auto* bar = new wxBoxSizer(wxHORIZONTAL);
  bar->Add(new wxStaticText(panel, wxID_ANY, _("Business day")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
  day_ = new wxChoice(panel, wxID_ANY);
  bar->Add(day_, 0, wxRIGHT, 12);
  refresh_ = new wxButton(panel, wxID_ANY, _("&Refresh"));
  bar->Add(refresh_, 0, wxRIGHT, 16);
  counter_ = add_filter(panel, bar, _("Counter"));
  teller_ = add_filter(panel, bar, _("Teller"));
  flow_ = add_filter(panel, bar, _("Flow"));
  outcome_ = add_outcome_filter(panel, bar);
  top->Add(bar, 0, wxEXPAND | wxALL, 8);
  fill_filters();

  summary_ = new wxStaticText(panel, wxID_ANY, wxString());
  top->Add(summary_, 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

  auto* middle = new wxBoxSizer(wxHORIZONTAL);
  list_ = new ReviewList(panel, *this, true);
  middle->Add(list_, 1, wxEXPAND | wxRIGHT, 8);
  // Narrower than the local review's totals: the list's counter column takes the room.
  totals_ = new wxListCtrl(panel, wxID_ANY, wxDefaultPosition, wxSize(266, -1), wxLC_REPORT | wxLC_SINGLE_SEL);
  totals_->AppendColumn(_("Counter"), wxLIST_FORMAT_LEFT, 98);
  totals_->AppendColumn(_("Count"), wxLIST_FORMAT_RIGHT, 46);
  totals_->AppendColumn(_("Exception"), wxLIST_FORMAT_RIGHT, 46);
  totals_->AppendColumn(_("Amount"), wxLIST_FORMAT_RIGHT, 70);
  middle->Add(totals_, 0, wxEXPAND);
  top->Add(middle, 1, wxEXPAND | wxALL, 8);

  status_ = new wxStaticText(panel, wxID_ANY, _("Double-click an entry to see its full record."));
  top->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 8);
  panel->SetSizer(top);

  try {
    for (const auto& d : model_->days()) day_->Append(wx(d));
    if (day_->GetCount()) day_->SetSelection(0);
  } catch (...) {
    status_->SetLabel(describe(describe_current_exception()));
  }

  auto reread = [this](wxCommandEvent&) { reload(); };
  day_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    for (wxChoice* c : {counter_, teller_, flow_, outcome_}) c->SetSelection(0);
    reload();
  });
  for (wxChoice* c : {counter_, teller_, flow_, outcome_}) c->Bind(wxEVT_CHOICE, reread);
  refresh_->Bind(wxEVT_BUTTON, reread);
  list_->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this](wxListEvent& e) { open_record(e.GetIndex()); });
  reload();
}

std::string HallReviewWindow::selected_day() const {
  int i = day_->GetSelection();
  return i == wxNOT_FOUND ? std::string() : utf8(day_->GetString(static_cast<unsigned>(i)));
}

ReviewFilter HallReviewWindow::filter() const {
  ReviewFilter f;
  f.counter = chosen(counter_);
  f.teller = chosen(teller_);
  f.flow = chosen(flow_);
  f.outcome = static_cast<ReviewFilter::Outcome>(std::max(0, outcome_->GetSelection()));
  return f;
}

bool HallReviewWindow::select_day(const std::string& day) {
  int at = day_->FindString(wx(day));
  if (at == wxNOT_FOUND) return false;
  day_->SetSelection(at);
  reload();
  return true;
}

bool HallReviewWindow::select_counter(const std::string& code) {
  if (code.empty()) {
    counter_->SetSelection(0);
  } else {
    int at = counter_->FindString(wx(code));
    if (at == wxNOT_FOUND) return false;
    counter_->SetSelection(at);
  }
  reload();
  return true;
}

void HallReviewWindow::reload() {
  const std::string day = selected_day();
  if (day.empty()) return;
  if (loading_) {   // a filter changed meanwhile: read again once this read is back
    again_ = true;
    return;
  }
  loading_ = true;
  status_->SetForegroundColour(GetForegroundColour());
  status_->SetLabel(_("Reading the hall's record..."));
  worker_.run<HallDayView>(
      this, [model = model_, day, f = filter()] { return model->load(day, f); },
      [this](HallDayView v) {
        loading_ = false;
        failed_ = false;
        ++loads_;
        show(std::move(v));
        if (std::exchange(again_, false)) reload();
      },
      [this](const Failure& f) {
        loading_ = false;
        failed_ = true;
        ++loads_;
        // No rows of an earlier read stay under another filter; the filters' choices do.
        HallDayView empty;
        empty.branch = view_.branch;
        empty.business_day = view_.business_day;
        empty.counter_choices = std::move(view_.counter_choices);
        empty.tellers = std::move(view_.tellers);
        empty.flows = std::move(view_.flows);
        view_ = std::move(empty);
        list_->reload();
        show_totals();
        summary_->SetLabel(_("The hall's record is not shown: it could not be read."));
        status_->SetForegroundColour(wxColour(180, 0, 0));
        status_->SetLabel(wxString::Format(_("The hall's record cannot be read: %s\nPress Refresh to try again."),
                                           describe(f)));
        status_->Wrap(std::max(200, GetClientSize().x - 24));   // wrapped here, so the sizer gives it its lines
        status_->GetParent()->Layout();
        if (std::exchange(again_, false)) reload();
      });
}

void HallReviewWindow::show(HallDayView v) {
  view_ = std::move(v);
  fill_filters();
  list_->reload();
  show_totals();
  long long with_entries = 0;
  for (const HallCounterLine& c : view_.counters) with_entries += c.entries > 0;
  wxString text = wxString::Format(_("Hall %s, %s: %lld entries from %lld counters, %lld exceptions, fees %s yuan; "
                                     "%lld rows shown (late counters and exceptions first)."),
                                   wx(view_.branch), wx(view_.business_day), static_cast<long long>(view_.entries),
                                   with_entries, static_cast<long long>(view_.exceptions),
                                   wx(workflows::yuan(view_.amount_fen)), static_cast<long long>(view_.rows.size()));
  if (!view_.late.empty())
    text += "\n" + wxString::Format(_("%lld counters have not shipped their record for more than %d minutes."),
                                    static_cast<long long>(view_.late.size()), view_.late_minutes);
  else
    text += "\n" + wxString::Format(_("Every counter shipped its record within the last %d minutes."), view_.late_minutes);
  if (view_.truncated) text += "\n" + wxString(_("More entries match than are shown: narrow the filters."));
  summary_->SetLabel(text);
  status_->SetForegroundColour(GetForegroundColour());
  status_->SetLabel(_("Double-click an entry to see its full record."));
  summary_->GetParent()->Layout();
}

void HallReviewWindow::fill_filters() {
  auto same = [](const wxString& name) { return name; };
  refill_choice(counter_, view_.counter_choices, _("every counter"), same);
  refill_choice(teller_, view_.tellers, _("everyone"), same);
  refill_choice(flow_, view_.flows, _("every flow"), flow_name);
}

void HallReviewWindow::show_totals() {
  totals_->DeleteAllItems();
  for (const HallCounterLine& c : view_.counters) {
    long i = totals_->InsertItem(totals_->GetItemCount(),
                                 c.late ? wxString::Format(_("%s (late)"), wx(c.counter)) : wx(c.counter));
    totals_->SetItem(i, 1, wxString::Format("%lld", static_cast<long long>(c.entries)));
    totals_->SetItem(i, 2, wxString::Format("%lld", static_cast<long long>(c.exceptions)));
    totals_->SetItem(i, 3, wx(workflows::yuan(c.amount_fen)));
    if (c.late) totals_->SetItemTextColour(i, wxColour(160, 0, 0));
  }
  long i = totals_->InsertItem(totals_->GetItemCount(), _("Whole hall"));
  totals_->SetItem(i, 1, wxString::Format("%lld", static_cast<long long>(view_.entries)));
  totals_->SetItem(i, 2, wxString::Format("%lld", static_cast<long long>(view_.exceptions)));
  totals_->SetItem(i, 3, wx(workflows::yuan(view_.amount_fen)));
  totals_->SetItemFont(i, totals_->GetFont().Bold());
}

void HallReviewWindow::open_record(long row) {
  if (row < 0 || static_cast<std::size_t>(row) >= view_.records.size()) return;
  const ReviewRowView& r = view_.rows[static_cast<std::size_t>(row)];
  if (record_) record_->Destroy();
  wxString title = r.seq > 0 ? wxString::Format(_("Counter %s, entry %lld: the full record"), wx(r.counter),
                                                static_cast<long long>(r.seq))
                             : wxString::Format(_("Counter %s: its shipping"), wx(r.counter));
  record_ = new RecordDialog(this, title, view_.records[static_cast<std::size_t>(row)]);
  record_->Show();
}

}  // namespace certdesk::forms
