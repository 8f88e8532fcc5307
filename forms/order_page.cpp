#include "forms/order_page.h"

#include <wx/button.h>
#include <wx/intl.h>
#include <wx/msgdlg.h>
#include <wx/print.h>
#include <wx/sizer.h>
#include <wx/statline.h>
#include <wx/textdlg.h>
#include <wx/weakref.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/text.h"
#include "forms/printer_dialog.h"
#include "forms/printout.h"
#include "forms/prompts_ui.h"
#include "forms/ui.h"
#include "printing/amount_words.h"
#include "desk/choices.h"
#include "workflows/documents.h"
#include "workflows/validators.h"

namespace certdesk::forms {

namespace {

const workflows::Flow kFlows[] = {workflows::Flow::issue,  workflows::Flow::reissue, workflows::Flow::unlock,
                                  workflows::Flow::update, workflows::Flow::replace, workflows::Flow::cancel};

wxStaticText* heading(wxWindow* parent, const wxString& text) {
  auto* h = new wxStaticText(parent, wxID_ANY, text);
  h->SetFont(h->GetFont().Bold().Scaled(1.2f));
  return h;
}

wxStaticText* check_label(wxWindow* parent) {
  auto* t = new wxStaticText(parent, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(300, -1), wxST_NO_AUTORESIZE | wxST_ELLIPSIZE_END);
  // Room for one line even while empty, so the page does not jump when a check speaks.
  t->SetMinSize(wxSize(300, t->GetCharHeight() + 4));
  return t;
}

const wxColour kBad(0xb0, 0x00, 0x20);
const wxColour kGood(0x1b, 0x6e, 0x20);

int index_of(workflows::Flow f) {
  for (int i = 0; i < 6; ++i)
    if (kFlows[i] == f) return i;
  return 0;
}

wxString title_of(workflows::Flow f) { return wxString::Format(_("Service order: %s"), wx(workflows::business_type_label(f))); }

}  // namespace

OrderPage::OrderPage(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller, Hooks hooks)
    : wxPanel(parent), model_(model), worker_(worker), teller_(std::move(teller)), hooks_(std::move(hooks)),
      today_(model.today()), search_timer_(this) {
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* head = new wxBoxSizer(wxHORIZONTAL);
  title_ = heading(this, title_of(flow_));
  head->Add(title_, 1, wxALIGN_CENTER_VERTICAL);
  head->Add(new wxStaticText(this, wxID_ANY, _("Service (F2–F7)")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  flow_choice_ = new wxChoice(this, wxID_ANY);
  for (int i = 0; i < 6; ++i) flow_choice_->Append(wxString::Format("F%d  %s", i + 2, wx(workflows::business_type_label(kFlows[i]))));
  flow_choice_->SetSelection(0);
  {
    // GTK sizes a choice for its first item in the default face: room for the longest one (F3 数字证书补办).
    int widest = 0;
    for (unsigned i = 0; i < flow_choice_->GetCount(); ++i)
      widest = std::max(widest, flow_choice_->GetTextExtent(flow_choice_->GetString(i)).x);
    flow_choice_->SetMinSize(wxSize(widest + FromDIP(56), -1));
  }
  head->Add(flow_choice_, 0, wxALIGN_CENTER_VERTICAL);
  top->Add(head, 0, wxEXPAND | wxALL, 8);

  auto* steps = new wxBoxSizer(wxHORIZONTAL);
  const wxString names[step_count] = {_("1 Customer"), _("2 Documents"), _("3 Fee and payment"),
                                      _("4 Token"),    _("5 Handover"),  _("6 Done")};
  for (int i = 0; i < step_count; ++i) {
    steps_[i] = new wxStaticText(this, wxID_ANY, names[i]);
    steps->Add(steps_[i], 0, wxRIGHT, 18);
  }
  top->Add(steps, 0, wxLEFT | wxRIGHT | wxBOTTOM, 8);
  top->Add(new wxStaticLine(this), 0, wxEXPAND | wxLEFT | wxRIGHT, 8);

  book_ = new wxSimplebook(this);
  book_->AddPage(build_customer_page(book_), wxEmptyString);
  book_->AddPage(build_documents_page(book_), wxEmptyString);
  book_->AddPage(build_payment_page(book_), wxEmptyString);
  book_->AddPage(build_token_page(book_), wxEmptyString);
  book_->AddPage(build_handover_page(book_), wxEmptyString);
  book_->AddPage(build_done_page(book_), wxEmptyString);
  top->Add(book_, 1, wxEXPAND | wxALL, 8);

  auto* nav = new wxBoxSizer(wxHORIZONTAL);
  nav->Add(new wxStaticText(this, wxID_ANY, _("Enter: next   Esc: back")), 0, wxALIGN_CENTER_VERTICAL);
  nav->AddStretchSpacer();
  back_ = new wxButton(this, wxID_ANY, _("< Back"));
  next_ = new wxButton(this, wxID_ANY, _("Next >"));
  nav->Add(back_, 0, wxRIGHT, 8);
  nav->Add(next_, 0);
  top->Add(nav, 0, wxEXPAND | wxALL, 8);
  SetSizer(top);

  back_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { go_back(); });
  next_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { advance(); });
  Bind(wxEVT_TIMER, [this](wxTimerEvent&) { search_now(); }, search_timer_.GetId());
  flow_choice_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    int sel = flow_choice_->GetSelection();
    if (sel >= 0 && sel < 6) set_flow(kFlows[sel]);
  });
  show(customer);
}

OrderPage::~OrderPage() { alive_->store(false); }

// ---- pages -------------------------------------------------------------------------
wxWindow* OrderPage::build_customer_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(p, wxID_ANY, _("Find the organisation by name or USCC (a barcode scanner may type it), or enter a new one below.")),
         0, wxBOTTOM, 6);
  search_ = new wxTextCtrl(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(360, -1));
  search_->SetHint(_("Name or USCC"));
  s->Add(search_, 0, wxEXPAND | wxBOTTOM, 6);
  results_ = new wxListCtrl(p, wxID_ANY, wxDefaultPosition, wxSize(-1, 84), wxLC_REPORT | wxLC_SINGLE_SEL);
  results_->AppendColumn(_("Organisation"), wxLIST_FORMAT_LEFT, 300);
  results_->AppendColumn(_("USCC"), wxLIST_FORMAT_LEFT, 200);
  results_->AppendColumn(_("Handler"), wxLIST_FORMAT_LEFT, 120);
  s->Add(results_, 0, wxEXPAND | wxBOTTOM, 10);

  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->AddGrowableCol(1);
  org_name_ = new wxTextCtrl(p, wxID_ANY);
  uscc_ = new wxTextCtrl(p, wxID_ANY);
  uscc_check_ = check_label(p);
  handler_name_ = new wxTextCtrl(p, wxID_ANY);
  handler_id_ = new wxTextCtrl(p, wxID_ANY);
  id_check_ = check_label(p);
  // Each number's check shows right under its field, as it is typed.
  auto field = [&](const wxString& label, wxTextCtrl* t, wxStaticText* check) {
    // A field with a check line below: the label lines up with the field, not the pair.
    grid->Add(new wxStaticText(p, wxID_ANY, label), 0, check ? wxALIGN_TOP | wxTOP : wxALIGN_CENTER_VERTICAL, check ? 7 : 0);
    if (!check) {
      grid->Add(t, 1, wxEXPAND);
      return;
    }
    auto* col = new wxBoxSizer(wxVERTICAL);
    col->Add(t, 0, wxEXPAND);
    col->Add(check, 0, wxEXPAND | wxTOP, 2);
    grid->Add(col, 1, wxEXPAND);
  };
  field(_("Organisation name"), org_name_, nullptr);
  field(_("USCC / organisation code"), uscc_, uscc_check_);
  field(_("Handler name"), handler_name_, nullptr);
  field(_("Handler ID number"), handler_id_, id_check_);
  s->Add(grid, 0, wxEXPAND);
  p->SetSizer(s);

  search_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { search_timer_.StartOnce(250); });
  results_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) { pick_customer(e.GetIndex()); });
  uscc_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { validate_field(uscc_, uscc_check_, false); });
  handler_id_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { validate_field(handler_id_, id_check_, true); });
  return p;
}

wxWindow* OrderPage::build_documents_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(p, wxID_ANY, _("Tick each document on the counter. All copies must carry the company seal.")), 0, wxBOTTOM, 8);
  auto* rs = new wxBoxSizer(wxHORIZONTAL);
  reason_label_ = new wxStaticText(p, wxID_ANY, _("Reason for the reissue"));
  rs->Add(reason_label_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  reason_ = new wxChoice(p, wxID_ANY);
  reason_->Append(_("Lost"));
  reason_->Append(_("Damaged by the customer"));
  reason_->Append(_("Damaged: quality fault"));
  reason_->SetSelection(0);
  rs->Add(reason_);
  s->Add(rs, 0, wxBOTTOM, 8);
  checklist_panel_ = new wxPanel(p);
  s->Add(checklist_panel_, 0, wxEXPAND | wxBOTTOM, 10);   // the page's width: the columns never clip
  rebuild_checklist();
  auto* bt = new wxBoxSizer(wxHORIZONTAL);
  bt->Add(new wxStaticText(p, wxID_ANY, _("Business type ticked on the application form")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  business_type_ = new wxChoice(p, wxID_ANY);
  for (auto f : kFlows) business_type_->Append(wx(workflows::business_type_label(f)));
  business_type_->SetSelection(0);
  bt->Add(business_type_);
  s->Add(bt, 0, wxBOTTOM, 10);
  problems_ = new wxStaticText(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(600, 90));
  s->Add(problems_, 0, wxEXPAND | wxBOTTOM, 6);
  override_ = new wxButton(p, wxID_ANY, _("Supervisor override…"));
  s->Add(override_, 0);
  p->SetSizer(s);
  business_type_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { review(); });
  reason_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    // Another reason: another checklist and fee.
    rebuild_checklist();
    quote_.reset();
    amount_->ChangeValue(wxEmptyString);
    review();
    GetSizer()->Layout();
    Layout();
  });
  override_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { ask_override(); });
  return p;
}

wxWindow* OrderPage::build_payment_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  fee_lines_ = new wxStaticText(p, wxID_ANY, _("Looking up the fee…"), wxDefaultPosition, wxSize(560, 70));
  s->Add(fee_lines_, 0, wxEXPAND | wxBOTTOM, 10);
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  method_ = new wxChoice(p, wxID_ANY);
  method_->Append(_("Cash"));
  method_->Append(_("Card"));
  method_->Append(_("Bank transfer"));
  method_->SetSelection(0);
  amount_ = new wxTextCtrl(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(160, -1));
  invoice_ = new wxTextCtrl(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(220, -1));
  waiver_ = new wxTextCtrl(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(360, -1));
  grid->Add(new wxStaticText(p, wxID_ANY, _("Payment method")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(method_);
  grid->Add(new wxStaticText(p, wxID_ANY, _("Amount received (yuan)")), 0, wxALIGN_CENTER_VERTICAL);
  // The amount in capitals beside the figures (人民币伍拾元整), as the receipt prints it (issue 14.7).
  auto* amount_row = new wxBoxSizer(wxHORIZONTAL);
  amount_row->Add(amount_, 0, wxALIGN_CENTER_VERTICAL);
  auto* amount_words = new wxStaticText(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(300, -1));
  amount_row->Add(amount_words, 1, wxALIGN_CENTER_VERTICAL | wxLEFT, 10);
  grid->Add(amount_row, 1, wxEXPAND);
  amount_words->Bind(wxEVT_UPDATE_UI, [this, amount_words](wxUpdateUIEvent&) {
    const money::ParsedAmount a = money::try_parse_yuan(utf8(amount_->GetValue()));
    wxString words;
    if (a.fen && *a.fen >= 0 && *a.fen <= printing::kMaxFen) words = wx(printing::amount_in_words(*a.fen));
    if (amount_words->GetLabel() != words) amount_words->SetLabel(words);
  });
  grid->Add(new wxStaticText(p, wxID_ANY, _("Tax invoice number (optional)")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(invoice_);
  grid->Add(new wxStaticText(p, wxID_ANY, _("Waiver reason (needs a supervisor)")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(waiver_);
  s->Add(grid);
  p->SetSizer(s);
  return p;
}

wxWindow* OrderPage::build_token_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  token_intro_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  s->Add(token_intro_, 0, wxBOTTOM, 8);
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  token_label_ = new wxStaticText(p, wxID_ANY, _("Blank token serial"));
  row->Add(token_label_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  token_serial_ = new wxComboBox(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(220, -1));
  row->Add(token_serial_);
  wipe_ = new wxCheckBox(p, wxID_ANY, _("Wipe the token (remove its keys and certificates)"));
  row->Add(wipe_, 0, wxALIGN_CENTER_VERTICAL | wxLEFT, 16);
  s->Add(row, 0, wxBOTTOM, 10);
  gauge_ = new wxGauge(p, wxID_ANY, 6, wxDefaultPosition, wxSize(480, -1));
  s->Add(gauge_, 0, wxEXPAND | wxBOTTOM, 6);
  step_text_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  s->Add(step_text_, 0, wxBOTTOM, 6);
  log_ = new wxListBox(p, wxID_ANY, wxDefaultPosition, wxSize(-1, 130));
  s->Add(log_, 1, wxEXPAND | wxBOTTOM, 6);
  auto* nrow = new wxBoxSizer(wxHORIZONTAL);
  nrow->Add(new wxStaticText(p, wxID_ANY, _("Notes")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  note_ = new wxTextCtrl(p, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(360, -1));
  nrow->Add(note_, 1);
  s->Add(nrow, 0, wxEXPAND);
  p->SetSizer(s);
  return p;
}

wxWindow* OrderPage::build_handover_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  handover_text_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  s->Add(handover_text_, 0, wxBOTTOM, 10);
  // The papers come out here, while the customer is still at the counter (issue 14.4).
  s->Add(new wxStaticText(p, wxID_ANY, _("Print the receipt and the handover slip, give the customer the token and the papers, "
                                         "and have the slip signed. Enter when done.")),
         0, wxBOTTOM, 8);
  auto* docs = new wxBoxSizer(wxHORIZONTAL);
  print_papers_ = new wxButton(p, wxID_ANY, _("&Print receipt and slip…"));
  handover_preview_receipt_ = new wxButton(p, wxID_ANY, _("Preview receipt"));
  handover_preview_slip_ = new wxButton(p, wxID_ANY, _("Preview slip"));
  for (wxButton* b : {print_papers_, handover_preview_receipt_, handover_preview_slip_}) docs->Add(b, 0, wxRIGHT, 6);
  s->Add(docs, 0, wxBOTTOM, 8);
  handover_print_text_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  s->Add(handover_print_text_, 0, wxEXPAND);
  print_papers_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_handover_papers(); });
  handover_preview_receipt_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(true, true); });
  handover_preview_slip_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(false, true); });
  p->SetSizer(s);
  return p;
}

wxWindow* OrderPage::build_done_page(wxWindow* book) {
  auto* p = new wxPanel(book);
  auto* s = new wxBoxSizer(wxVERTICAL);
  done_text_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  done_text_->SetFont(done_text_->GetFont().Scaled(1.15f));
  s->Add(done_text_, 0, wxBOTTOM, 10);
  auto* docs = new wxBoxSizer(wxHORIZONTAL);
  print_receipt_ = new wxButton(p, wxID_ANY, _("Print receipt…"));   // after the handover: a reprint (重印)
  preview_receipt_ = new wxButton(p, wxID_ANY, _("Preview receipt"));
  print_slip_ = new wxButton(p, wxID_ANY, _("Print slip…"));
  preview_slip_ = new wxButton(p, wxID_ANY, _("Preview slip"));
  for (wxButton* b : {print_receipt_, preview_receipt_, print_slip_, preview_slip_}) docs->Add(b, 0, wxRIGHT, 6);
  s->Add(docs, 0, wxBOTTOM, 10);
  done_print_text_ = new wxStaticText(p, wxID_ANY, wxEmptyString);
  s->Add(done_print_text_, 0, wxEXPAND | wxBOTTOM, 10);
  print_receipt_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(true, false); });
  preview_receipt_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(true, true); });
  print_slip_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(false, false); });
  preview_slip_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { print_document(false, true); });
  s->Add(new wxStaticText(p, wxID_ANY, _("Enter starts the next order.")));
  p->SetSizer(s);
  return p;
}

// ---- navigation -----------------------------------------------------------------
void OrderPage::show(Step s) {
  step_ = s;
  book_->ChangeSelection(s);
  const bool reissue = flow_ == workflows::Flow::reissue;
  reason_label_->Show(reissue);
  reason_->Show(reissue);
  wipe_->Show(flow_ == workflows::Flow::cancel);
  token_label_->SetLabel(personalises() ? _("Blank token serial") : _("Customer's token serial"));
  token_intro_->SetLabel(personalises()
                             ? _("Insert a blank token and choose its serial (printed on the key). Enter takes the payment and personalises the token; the customer then types the PIN.")
                             : _("Choose the customer's token (it must be inserted). Enter takes the payment and runs the order; the customer may be asked for the PIN."));
  token_intro_->Wrap(620);
  update_buttons();   // before focusing: a disabled button cannot take the focus
  for (int i = 0; i < step_count; ++i) {
    wxFont f = steps_[i]->GetFont();
    f.SetWeight(i == s ? wxFONTWEIGHT_BOLD : wxFONTWEIGHT_NORMAL);
    steps_[i]->SetFont(f);
    steps_[i]->SetForegroundColour(i == s ? wxColour(0x0d, 0x47, 0xa1) : wxColour(0x60, 0x60, 0x60));
  }
  switch (s) {
    case customer: search_->SetFocus(); break;
    case documents:
      review();
      present_.front()->SetFocus();
      break;
    case payment:
      load_quote();
      amount_->SetFocus();
      break;
    case token:
      if (token_serial_->GetValue().empty() && token_serial_->GetCount() > 0) token_serial_->SetSelection(0);
      token_serial_->SetFocus();
      break;
    case handover: next_->SetFocus(); break;
    case done: next_->SetFocus(); break;
    default: break;
  }
  update_buttons();
  if (auto* pg = book_->GetPage(s)) pg->Layout();
  Layout();
}

void OrderPage::update_buttons() {
  back_->Enable(!running_ && (step_ == documents || step_ == payment || step_ == token));
  next_->Enable(!running_);
  if (print_receipt_) {
    const bool receipt = step_ == done && !running_ && result_.order_id != 0 && !result_.receipt_no.empty();
    const bool slip = step_ == done && !running_ && result_.order_id != 0;
    print_receipt_->Enable(receipt && papers_ready_);   // once archive_papers settled
    preview_receipt_->Enable(receipt);
    print_slip_->Enable(slip && papers_ready_);
    preview_slip_->Enable(slip);
  }
  if (print_papers_) {
    const bool here = step_ == handover && !running_ && result_.order_id != 0;
    print_papers_->Enable(here && model_.tasks() != nullptr);
    handover_preview_receipt_->Enable(here && !result_.receipt_no.empty());
    handover_preview_slip_->Enable(here);
  }
  switch (step_) {
    case token: next_->SetLabel(personalises() ? _("Take payment and personalise") : _("Take payment and run")); break;
    case handover: next_->SetLabel(_("Handed over")); break;
    case done: next_->SetLabel(_("New order")); break;
    default: next_->SetLabel(_("Next >")); break;
  }
  Layout();
}

void OrderPage::advance() {
  if (running_) return;
  switch (step_) {
    case customer: {
      // Number checks first: they belong to this page.
      auto uscc = workflows::check_organisation_number(utf8(uscc_->GetValue()));
      auto id = workflows::check_id_number(utf8(handler_id_->GetValue()), today_);
      if (org_name_->GetValue().Strip(wxString::both).empty()) { org_name_->SetFocus(); return; }
      if (!uscc.ok && uscc_override_.empty() && uscc.normalised.size() != 18) { uscc_->SetFocus(); validate_field(uscc_, uscc_check_, false); return; }
      if (handler_name_->GetValue().Strip(wxString::both).empty()) { handler_name_->SetFocus(); return; }
      if (!id.ok) { handler_id_->SetFocus(); validate_field(handler_id_, id_check_, true); return; }
      show(documents);
      return;
    }
    case documents:
      if (!review()) return;
      show(payment);
      return;
    case payment: {
      bool ok = false;
      amount_fen(&ok);
      if (!ok || !quote_) {
        amount_->SetFocus();
        return;
      }
      show(token);
      return;
    }
    case token: start_flow(); return;
    case handover: hand_over(); return;
    case done: reset(); return;
    default: return;
  }
}

void OrderPage::go_back() {
  if (running_) return;
  if (step_ == documents) show(customer);
  else if (step_ == payment) show(documents);
  else if (step_ == token) show(payment);
}

void OrderPage::reset() {
  for (auto* t : {search_, org_name_, uscc_, handler_name_, handler_id_}) t->ChangeValue(wxEmptyString);
  uscc_check_->SetLabel(wxEmptyString);
  id_check_->SetLabel(wxEmptyString);
  results_->DeleteAllItems();
  found_.clear();
  chosen_.reset();
  if (hooks_.customer_selected) hooks_.customer_selected(0);   // a new customer: the last one's history goes
  customer_tokens_.clear();
  clear_order();
  show(customer);
}

// Everything after the customer page, for a new order or another flow.
void OrderPage::clear_order() {
  for (auto* t : {amount_, invoice_, waiver_, note_}) t->ChangeValue(wxEmptyString);
  reason_->SetSelection(0);
  rebuild_checklist();
  business_type_->SetSelection(index_of(flow_));
  overrides_.clear();
  uscc_override_.clear();
  quote_.reset();
  fee_lines_->SetLabel(_("Looking up the fee…"));
  result_ = {};
  papers_ready_ = false;
  log_->Clear();
  gauge_->SetValue(0);
  step_text_->SetLabel(wxEmptyString);
  handover_print_text_->SetLabel(wxEmptyString);
  done_print_text_->SetLabel(wxEmptyString);
  wipe_->SetValue(false);
  token_serial_->SetValue(wxEmptyString);
  fill_token_choice();
}

bool OrderPage::set_flow(workflows::Flow flow) {
  if (running_ || step_ == handover) {
    flow_choice_->SetSelection(index_of(flow_));
    return false;
  }
  const bool was_done = step_ == done;
  flow_ = flow;
  flow_choice_->SetSelection(index_of(flow_));
  title_->SetLabel(title_of(flow_));
  if (was_done) {
    reset();   // the finished order's customer stays in the history, not in the fields
  } else {
    clear_order();
    show(customer);
  }
  Layout();
  return true;
}

bool OrderPage::personalises() const {
  return flow_ == workflows::Flow::issue || flow_ == workflows::Flow::reissue || flow_ == workflows::Flow::replace;
}

std::string OrderPage::reason_code() const {
  if (flow_ != workflows::Flow::reissue) return {};
  int sel = reason_->GetSelection();
  const auto& reasons = desk::reissue_reasons();   // in the order of the choice
  return reasons[sel < 0 || sel >= int(reasons.size()) ? 0 : sel];
}

void OrderPage::rebuild_checklist() {
  items_ = workflows::checklist(flow_, reason_code());
  present_.clear();
  stamped_.clear();
  checklist_panel_->DestroyChildren();
  auto* p = checklist_panel_;
  auto* grid = new wxFlexGridSizer(3, 6, 16);
  grid->Add(new wxStaticText(p, wxID_ANY, _("Document")));
  // Each check box names itself (□已提交 □已盖章): no column header repeats it (issue 14.7),
  // and a labelled box keeps GTK's focus ring visible.
  grid->AddSpacer(0);
  grid->AddSpacer(0);
  for (const auto& item : items_) {
    grid->Add(new wxStaticText(p, wxID_ANY, wxGetTranslation(wx(item.label), wxString(), "document")), 0, wxALIGN_CENTER_VERTICAL);
    auto* present = new wxCheckBox(p, wxID_ANY, _("present"));
    auto* stamped = new wxCheckBox(p, wxID_ANY, _("stamped"));
    stamped->Enable(item.needs_stamp);
    present_.push_back(present);
    stamped_.push_back(stamped);
    grid->Add(present);
    grid->Add(stamped);
    present->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { review(); });
    stamped->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { review(); });
  }
  p->SetSizer(grid, true);
  grid->SetSizeHints(p);
  if (auto* page = p->GetParent(); page && page->GetSizer()) page->Layout();
}

// ---- customer -----------------------------------------------------------------------
void OrderPage::search_now() {
  std::string text = utf8(search_->GetValue().Strip(wxString::both));
  if (text.empty()) {
    results_->DeleteAllItems();
    found_.clear();
    return;
  }
  // A scanner types a whole USCC: normalise full-width input the same way the checks do.
  std::string code = workflows::normalise_code(text);
  bool looks_like_code = !code.empty() && std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isalnum(c); });
  worker_.run<std::vector<CustomerRow>>(
      this, [this, q = looks_like_code ? code : text] { return model_.find_customers(q); },
      [this, looks_like_code, code](std::vector<CustomerRow> rows) {
        found_ = std::move(rows);
        results_->DeleteAllItems();
        for (std::size_t i = 0; i < found_.size(); ++i) {
          long r = results_->InsertItem(long(i), wx(found_[i].name));
          results_->SetItem(r, 1, wx(found_[i].uscc));
          results_->SetItem(r, 2, wx(found_[i].handler_name));
        }
        // New customer: a scanned or typed USCC goes straight into the USCC field.
        if (found_.empty() && looks_like_code && uscc_->GetValue().empty()) uscc_->SetValue(wx(code));
        if (found_.size() == 1) results_->SetItemState(0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
      },
      [this](const Failure& f) { uscc_check_->SetLabel(describe(f)); });
}

void OrderPage::pick_customer(long row) {
  if (row < 0 || std::size_t(row) >= found_.size()) return;
  chosen_ = found_[std::size_t(row)];
  org_name_->ChangeValue(wx(chosen_->name));
  uscc_->SetValue(wx(chosen_->uscc));
  if (!chosen_->handler_name.empty()) handler_name_->ChangeValue(wx(chosen_->handler_name));
  if (!chosen_->handler_id_number.empty()) handler_id_->SetValue(wx(chosen_->handler_id_number));
  if (hooks_.customer_selected) hooks_.customer_selected(chosen_->id);
  // Their tokens on record come first on the token page (unlock, update, cancel).
  customer_tokens_.clear();
  worker_.run<std::vector<HistoryRow>>(
      this, [this, id = chosen_->id] { return model_.history(id); },
      [this, id = chosen_->id](std::vector<HistoryRow> rows) {
        if (!chosen_ || chosen_->id != id) return;
        customer_tokens_.clear();
        for (const auto& r : rows)
          if (r.kind == "token") customer_tokens_.push_back(r.what);
        fill_token_choice();
      },
      [](const Failure&) {});
}

void OrderPage::validate_field(wxTextCtrl* field, wxStaticText* label, bool id_number) {
  std::string v = utf8(field->GetValue());
  if (text::trim(v).empty()) {
    label->SetLabel(wxEmptyString);
    return;
  }
  workflows::CheckResult r =
      id_number ? workflows::check_id_number(v, today_) : workflows::check_organisation_number(v);
  if (r.ok) {
    label->SetForegroundColour(kGood);
    label->SetLabel(wxString::FromUTF8("✓ ") + wx(r.note.empty() ? r.normalised : r.normalised + " — " + r.note));
  } else {
    label->SetForegroundColour(kBad);
    label->SetLabel(wxString::FromUTF8("✗ ") + wx(r.problem));
  }
  label->SetToolTip(label->GetLabel());
}

// ---- documents ---------------------------------------------------------------------
workflows::ServiceRequest OrderPage::request() const {
  workflows::ServiceRequest r;
  r.flow = flow_;
  r.reason = reason_code();
  r.wipe_token = flow_ == workflows::Flow::cancel && wipe_->GetValue();
  r.organisation_name = utf8(org_name_->GetValue());
  r.uscc = utf8(uscc_->GetValue());
  r.handler_name = utf8(handler_name_->GetValue());
  r.handler_id_number = utf8(handler_id_->GetValue());
  for (std::size_t i = 0; i < items_.size(); ++i) {
    workflows::DocumentTick t;
    t.present = present_[i]->GetValue();
    t.stamped = items_[i].needs_stamp && stamped_[i]->GetValue();
    if (items_[i].item == "application_form" && t.present) {
      int sel = business_type_->GetSelection();
      t.business_type = workflows::to_string(kFlows[sel < 0 ? 0 : sel]);
    }
    r.documents[items_[i].item] = t;
  }
  r.document_overrides = overrides_;
  r.uscc_override_reason = uscc_override_;
  r.token_serial = utf8(token_serial_->GetValue().Strip(wxString::both));
  const auto& methods = desk::payment_methods();   // in the order of the choice
  int m = method_->GetSelection();
  r.payment_method = methods[m < 0 || m >= int(methods.size()) ? 0 : m];
  bool ok = false;
  r.amount_fen = amount_fen(&ok);
  r.invoice_no = utf8(invoice_->GetValue().Strip(wxString::both));
  r.waiver_reason = utf8(waiver_->GetValue().Strip(wxString::both));
  return r;
}

bool OrderPage::review() {
  wxString text;
  bool blocked = false;
  bool overridable = false;
  try {
    workflows::ServiceRequest r = request();
    workflows::DocumentReview rev = workflows::review_documents(r, today_);
    for (const auto& p : rev.problems) {
      std::string reason = p.item == "uscc" ? r.uscc_override_reason : [&] {
        auto it = r.document_overrides.find(p.item);
        return it == r.document_overrides.end() ? std::string() : it->second;
      }();
      if (!reason.empty() && p.overridable) {
        text += wxString::FromUTF8("• ") + wx(p.message) + " " + wxString::Format(_("(override asked: %s)"), wx(reason)) + "\n";
        continue;
      }
      blocked = true;
      overridable = overridable || p.overridable;
      text += wxString::FromUTF8("✗ ") + wx(p.message) + "\n";
    }
    if (!rev.notes.empty()) text += wx(rev.notes) + "\n";
  } catch (...) {
    blocked = true;
    text = wxString::FromUTF8("✗ ") + describe(describe_current_exception());
  }
  if (!blocked && text.empty()) text = wxString::FromUTF8("✓ ") + _("All documents are in order.");
  problems_->SetForegroundColour(blocked ? kBad : kGood);
  problems_->SetLabel(text);
  problems_->Wrap(620);
  override_->Enable(blocked && overridable);
  if (step_ == documents) next_->Enable(!running_ && !blocked);
  return !blocked;
}

void OrderPage::ask_override() {
  wxTextEntryDialog dlg(this, _("Why should the missing or unstamped items be accepted? A supervisor approves this reason when the order starts."),
                        _("Supervisor override"));
  if (dlg.ShowModal() != wxID_OK) return;
  std::string reason = utf8(dlg.GetValue().Strip(wxString::both));
  if (reason.empty()) return;
  try {
    workflows::ServiceRequest r = request();
    for (const auto& p : workflows::review_documents(r, today_).problems) {
      if (!p.overridable) continue;
      if (p.item == "uscc")
        uscc_override_ = reason;
      else
        overrides_[p.item] = reason;
    }
  } catch (...) {
  }
  // The override button is disabled now: keep the focus where Enter works.
  if (review()) next_->SetFocus();
}

// ---- payment ------------------------------------------------------------------------
std::int64_t OrderPage::amount_fen(bool* ok) const {
  std::optional<std::int64_t> fen = desk::typed_amount_fen(utf8(amount_->GetValue()));
  *ok = fen.has_value();
  return fen.value_or(0);
}

void OrderPage::load_quote() {
  worker_.run<workflows::FeeQuote>(
      this, [this, flow = flow_, reason = reason_code()] { return model_.quote(flow, reason); },
      [this, flow = flow_, reason = reason_code()](workflows::FeeQuote q) {
        if (flow != flow_ || reason != reason_code()) return;   // the teller chose another flow meanwhile
        wxString t;
        for (const auto& l : q.lines)
          t += wxString::Format(_("%s: %lld × %s yuan = %s yuan"), wxGetTranslation(wx(l.text), wxString(), "fee"), static_cast<long long>(l.quantity),
                                wx(workflows::yuan(l.unit_fen)), wx(workflows::yuan(l.amount_fen()))) + "\n";
        t += wxString::Format(_("Total due: %s yuan"), wx(workflows::yuan(q.total_fen)));
        if (q.total_fen == 0) t += "\n" + _("No payment needed.");
        if (q.free_by_rule_needs_approval) t += "\n" + _("Free by rule: a supervisor approves it when the order starts.");
        fee_lines_->SetLabel(t);
        if (amount_->GetValue().empty()) amount_->ChangeValue(wx(workflows::yuan(q.total_fen)));
        quote_ = std::move(q);
        Layout();
      },
      [this](const Failure& f) { fee_lines_->SetLabel(describe(f)); });
}

// ---- token ------------------------------------------------------------------------------
void OrderPage::set_tokens(const std::vector<TokenRow>& rows) {
  if (running_) return;
  token_rows_ = rows;
  fill_token_choice();
}

void OrderPage::fill_token_choice() {
  if (running_) return;
  wxString current = token_serial_->GetValue();
  wxArrayString offer;
  if (personalises()) {
    for (const auto& r : token_rows_)
      if (r.token.initialized && !r.token.user_pin_initialized && (r.record_state.empty() || r.record_state == "blank"))
        offer.Add(wx(r.token.serial));
  } else {
    // Tokens in use: the chosen customer's first.
    wxArrayString others;
    for (const auto& r : token_rows_) {
      if (!r.token.user_pin_initialized || r.record_state.empty() || r.record_state == "blank" || r.record_state == "retired")
        continue;
      bool mine = std::find(customer_tokens_.begin(), customer_tokens_.end(), r.token.serial) != customer_tokens_.end();
      (mine ? offer : others).Add(wx(r.token.serial));
    }
    for (const auto& o : others) offer.Add(o);
  }
  wxArrayString old = token_serial_->GetStrings();
  if (old == offer) return;
  token_serial_->Set(offer);
  if (!current.empty()) token_serial_->ChangeValue(current);
  else if (step_ == token && !offer.empty()) token_serial_->SetSelection(0);
}

void OrderPage::start_flow() {
  workflows::ServiceRequest r = request();
  if (r.token_serial.empty()) {
    step_text_->SetLabel(personalises() ? _("Choose the serial of the inserted blank token.")
                                        : _("Choose the serial of the customer's token."));
    token_serial_->SetFocus();
    return;
  }
  running_ = true;
  update_buttons();
  if (hooks_.busy) hooks_.busy(true);
  log_->Clear();
  gauge_->SetValue(0);
  step_text_->SetLabel(_("Checking the request…"));
  note_->SetFocus();

  // The prompts live as long as the job; they only touch windows on the UI thread.
  auto pins = std::make_shared<UiPinPrompt>(wxGetTopLevelParent(this));
  auto approvals = std::make_shared<UiApprovalPrompt>(wxGetTopLevelParent(this), teller_.name);
  std::weak_ptr<std::atomic<bool>> alive = alive_;
  auto progress = std::make_shared<UiProgress>([this, alive](const std::string& what, int done, int total) {
    auto a = alive.lock();
    if (!a || !*a) return;
    gauge_->SetRange(total);
    gauge_->SetValue(done);
    step_text_->SetLabel(wx(what));
    log_->Append(wxString::Format("%d/%d  %s", done, total, wx(what)));
    log_->EnsureVisible(int(log_->GetCount()) - 1);
  });
  worker_.run<workflows::OrderResult>(
      this,
      [this, r, pins, approvals, progress] {
        return model_.run_flow(teller_, r, workflows::Prompts{*pins, *approvals, *progress}, false);
      },
      [this](workflows::OrderResult res) {
        running_ = false;
        if (hooks_.busy) hooks_.busy(false);
        result_ = res;
        if (res.waiting) {
          step_text_->SetLabel(wxString::Format(_("The customer cancelled the PIN entry. Order %lld waits; Enter tries again."),
                                                static_cast<long long>(res.order_id)));
          update_buttons();
          return;
        }
        gauge_->SetValue(gauge_->GetRange());
        if (personalises())
          handover_text_->SetLabel(wxString::Format(
              _("Order %lld: token %s personalised.\nReceipt: %s\nCertificate serial: %s\nValid until: %s"),
              static_cast<long long>(res.order_id), wx(res.token_serial), wx(res.receipt_no.empty() ? "-" : res.receipt_no),
              wx(res.cert_serial), wx(model_.local_time(res.not_after))));
        else
          handover_text_->SetLabel(wxString::Format(_("Order %lld (%s): token %s done.\nReceipt: %s\nCertificate serial: %s"),
                                                    static_cast<long long>(res.order_id),
                                                    wx(workflows::business_type_label(flow_)), wx(res.token_serial),
                                                    wx(res.receipt_no.empty() ? "-" : res.receipt_no),
                                                    wx(res.cert_serial.empty() ? "-" : res.cert_serial)));
        show(handover);
        if (hooks_.finished) hooks_.finished();
      },
      [this](const Failure& f) {
        running_ = false;
        if (hooks_.busy) hooks_.busy(false);
        step_text_->SetLabel(describe(f));
        update_buttons();
        show_failure(this, f, _("The order stopped"));
        if (hooks_.finished) hooks_.finished();
      });
}

void OrderPage::hand_over() {
  running_ = true;
  update_buttons();
  worker_.run<workflows::OrderResult>(
      this, [this, id = result_.order_id] { return model_.hand_over(teller_, id); },
      [this](workflows::OrderResult res) {
        running_ = false;
        result_ = res;
        done_text_->SetLabel(wxString::Format(_("Service: %s"), wx(workflows::business_type_label(flow_))) + "\n" +
                             wxString::Format(_("Completed. Order %lld\nReceipt number: %s\nCertificate serial: %s\nToken: %s"),
                                              static_cast<long long>(res.order_id),
                                              wx(res.receipt_no.empty() ? "-" : res.receipt_no),
                                              wx(res.cert_serial.empty() ? "-" : res.cert_serial), wx(res.token_serial)));
        papers_ready_ = false;
        show(done);
        if (hooks_.finished) hooks_.finished();
        archive_papers();
      },
      [this](const Failure& f) {
        running_ = false;
        update_buttons();
        show_failure(this, f);
      });
}

// After the 完成 page shows (issue 14.8): the customer does not wait for the
// PDFs. A crash before this ends leaves a completed order with its papers
// missing; the next login archives them (Desk::archive_missing_papers).
void OrderPage::archive_papers() {
  const std::int64_t order_id = result_.order_id;
  done_print_text_->SetLabel(_("Generating the receipt and the handover slip…"));
  worker_.run<bool>(
      this,
      [this, order_id] {
        model_.archive_papers(teller_, order_id);
        return true;
      },
      [this, order_id](bool) {
        if (result_.order_id != order_id) return;   // the next order began meanwhile
        papers_ready_ = true;
        done_print_text_->SetLabel(_("The receipt and the handover slip are archived."));
        update_buttons();
      },
      [this, order_id](const Failure& f) {
        if (result_.order_id != order_id) return;
        papers_ready_ = true;   // printing writes its own PDF: the teller may try it
        done_print_text_->SetLabel(
            wxString::Format(_("The order is completed, but its receipt and slip were not archived: %s\n"
                               "Printing them writes them again; otherwise the next login archives them."),
                             describe(f)));
        done_print_text_->Wrap(640);
        update_buttons();
        Layout();
      });
}

void OrderPage::print_handover_papers() {
  if (running_ || result_.order_id == 0) return;
  std::vector<PaperToPrint> papers;
  if (!result_.receipt_no.empty()) papers.push_back({true, result_.receipt_no, result_.order_id});
  papers.push_back({false, "", result_.order_id});
  print_to_printer(std::move(papers), handover_print_text_);
}

void OrderPage::print_to_printer(std::vector<PaperToPrint> papers, wxStaticText* status) {
  running_ = true;
  update_buttons();
  status->SetLabel(_("Printing…"));
  print_papers(this, model_, worker_, teller_, std::move(papers), [this, status](const std::vector<PaperPrint>& prints) {
    running_ = false;
    status->SetLabel(prints.empty() ? _("Nothing was printed.") : summarise(prints));
    status->Wrap(640);
    update_buttons();
    Layout();
  });
}

void OrderPage::print_document(bool receipt, bool preview) {
  if (running_ || result_.order_id == 0 || (receipt && result_.receipt_no.empty())) return;
  if (!preview) {
    // The printer: the same archived, followed and journaled path as the handover page.
    print_to_printer({{receipt, result_.receipt_no, result_.order_id}}, done_print_text_);
    return;
  }
  running_ = true;
  update_buttons();
  const std::string receipt_no = result_.receipt_no;
  const std::int64_t order_id = result_.order_id;
  worker_.run<std::shared_ptr<printing::DocumentLayout>>(
      this,
      [this, receipt, receipt_no, order_id] {
        const printing::Paper paper = model_.paper();
        return std::make_shared<printing::DocumentLayout>(receipt ? printing::layout_receipt(model_.receipt(receipt_no), paper)
                                                                  : printing::layout_slip(model_.slip(order_id), paper));
      },
      [this, receipt](std::shared_ptr<printing::DocumentLayout> layout) {
        running_ = false;
        update_buttons();
        // No printout for printing: the preview shows no printer icon, so every print goes
        // through the journaled path above (issue 14.4).
        auto* pv = new wxPrintPreview(new DocumentPrintout(*layout), nullptr);
        if (!pv->IsOk()) {
          delete pv;
          wxMessageBox(_("The print preview could not be opened."), _("Print"), wxOK | wxICON_ERROR, this);
          return;
        }
        auto* frame = new wxPreviewFrame(pv, wxGetTopLevelParent(this), wx(layout->title()), wxDefaultPosition,
                                         FromDIP(wxSize(800, 900)));
        frame->Initialize();
        // Back to the button that opened it once the preview closes: the focus stays visible (issue 14.7).
        wxWeakRef<wxWindow> back(receipt ? preview_receipt_ : preview_slip_);
        frame->Bind(wxEVT_CLOSE_WINDOW, [back](wxCloseEvent& e) {
          e.Skip();
          if (back)
            back->CallAfter([back] {
              if (!back) return;
              if (wxWindow* top = wxGetTopLevelParent(back)) top->Raise();
              back->SetFocus();
            });
        });
        frame->Show();
      },
      [this](const Failure& f) {
        running_ = false;
        update_buttons();
        show_failure(this, f);
      });
}

}  // namespace certdesk::forms
