#pragma once
// Walks a window tree and collects what a person reads on it (issue 14.6 and
// 14.7): static texts, button / check box / radio labels, static box titles,
// notebook tabs, choice and radio-box items, list control column headers,
// menu bar menus and items, and the window's own title. Then two checks:
//   english_leaks(labels, allow)  — a label that shows an English word
//   truncated(top)                — a label or column header cut short
// Header-only, wx only: any GUI suite includes it. A dialog another engineer
// adds is walked with one line:
//   test::expect_chinese(dlg, "staff dialog");             // BOOST_ERRORs per leak
// or, to also walk the pages of books that are not selected and to allow
// names of the test's data ("teller1"):
//   test::expect_chinese(dlg, "staff dialog", {.include_hidden = true, .allow = {"teller1"}});

#include <boost/test/unit_test.hpp>

#include <wx/bookctrl.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/frame.h>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/radiobox.h>
#include <wx/radiobut.h>
#include <wx/statbox.h>
#include <wx/statusbr.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/tglbtn.h>
#include <wx/toplevel.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace certdesk::test {

// One text a person reads, and where: "LoginDialog > wxButton" (class names
// from the top window down; the window's name when it has one).
struct Label {
  std::string text;    // UTF-8, mnemonics (&) and accelerators (\tCtrl+Q) removed
  std::string where;
  wxWindow* window = nullptr;   // nullptr for a menu item
};

struct WalkOptions {
  // Also walk hidden children (the pages of a wxSimplebook / wxNotebook that are
  // not selected, a panel shown later). Off: only what is on screen now.
  bool include_hidden = false;
  // Words allowed on top of the built-in list (test data: staff names, …).
  std::set<std::string> allow = {};
};

namespace detail {

inline std::string utf8_of(const wxString& s) { return std::string(s.utf8_str()); }

inline std::string clean(const wxString& label) {
  wxString s = wxStripMenuCodes(label, wxStrip_Mnemonics | wxStrip_Accel);
  return utf8_of(s);
}

inline std::string name_of(wxWindow* w) {
  std::string cls = utf8_of(w->GetClassInfo() ? wxString(w->GetClassInfo()->GetClassName()) : wxString("?"));
  std::string name = utf8_of(w->GetName());
  // wx's default names ("panel", "button", "staticText") say nothing more than the class.
  static const std::set<std::string> defaults = {"panel", "button", "staticText", "text", "listCtrl", "choice", "frame",
                                                 "dialog", "checkbox", "radioButton", "groupBox", "staticBox", "comboBox",
                                                 "listBox", "radioBox", "notebook", "book", "simplebook", "gauge", "html",
                                                 "staticLine", "scrolledWindow", "splitter", "wxSimplebook", "bitmap"};
  return defaults.count(name) || name.empty() ? cls : cls + "(" + name + ")";
}

inline void add(std::vector<Label>& out, const wxString& text, const std::string& where, wxWindow* w) {
  std::string t = clean(text);
  if (!t.empty()) out.push_back({t, where, w});
}

inline void add_menu(std::vector<Label>& out, wxMenu* menu, const std::string& where) {
  if (!menu) return;
  for (wxMenuItem* item : menu->GetMenuItems()) {
    if (item->IsSeparator()) continue;
    add(out, item->GetItemLabel(), where + " > menu item", nullptr);
    if (item->GetSubMenu()) add_menu(out, item->GetSubMenu(), where + " > " + clean(item->GetItemLabel()));
  }
}

inline void walk(wxWindow* w, const std::string& path, const WalkOptions& o, std::vector<Label>& out) {
  if (!w || (!o.include_hidden && !w->IsShown())) return;
  const std::string where = path.empty() ? name_of(w) : path + " > " + name_of(w);
  if (auto* top = dynamic_cast<wxTopLevelWindow*>(w)) {
    add(out, top->GetTitle(), where + " [title]", w);
    if (auto* frame = dynamic_cast<wxFrame*>(w); frame && frame->GetMenuBar()) {
      wxMenuBar* bar = frame->GetMenuBar();
      for (size_t i = 0; i < bar->GetMenuCount(); ++i) {
        add(out, bar->GetMenuLabel(i), where + " > menu", nullptr);
        add_menu(out, bar->GetMenu(i), where + " > " + clean(bar->GetMenuLabel(i)));
      }
    }
  }
  if (dynamic_cast<wxTextCtrl*>(w) || dynamic_cast<wxComboBox*>(w)) return;   // what was typed: data, not a label
  if (auto* t = dynamic_cast<wxStaticText*>(w)) add(out, t->GetLabel(), where, w);
  else if (auto* b = dynamic_cast<wxStaticBox*>(w)) add(out, b->GetLabel(), where, w);
  else if (auto* b = dynamic_cast<wxAnyButton*>(w)) add(out, b->GetLabel(), where, w);
  else if (auto* c = dynamic_cast<wxCheckBox*>(w)) add(out, c->GetLabel(), where, w);
  else if (auto* r = dynamic_cast<wxRadioButton*>(w)) add(out, r->GetLabel(), where, w);
  if (auto* rb = dynamic_cast<wxRadioBox*>(w)) {
    add(out, rb->GetLabel(), where, w);
    for (unsigned i = 0; i < rb->GetCount(); ++i) add(out, rb->GetString(i), where + " [item]", w);
  } else if (auto* ch = dynamic_cast<wxChoice*>(w)) {
    for (unsigned i = 0; i < ch->GetCount(); ++i) add(out, ch->GetString(i), where + " [item]", w);
  }
  if (auto* l = dynamic_cast<wxListCtrl*>(w); l && l->InReportView()) {
    for (int i = 0; i < l->GetColumnCount(); ++i) {
      wxListItem col;
      col.SetMask(wxLIST_MASK_TEXT);
      if (l->GetColumn(i, col)) add(out, col.GetText(), where + " [column]", w);
    }
  }
  if (auto* bar = dynamic_cast<wxStatusBar*>(w)) {
    for (int i = 0; i < bar->GetFieldsCount(); ++i) add(out, bar->GetStatusText(i), where + " [field]", w);
  }
  if (auto* book = dynamic_cast<wxBookCtrlBase*>(w)) {
    for (size_t i = 0; i < book->GetPageCount(); ++i) add(out, book->GetPageText(i), where + " [tab]", w);
  }
  for (wxWindow* child : w->GetChildren()) {
    if (child->IsTopLevel()) continue;   // a dialog owned by w is walked on its own
    walk(child, where, o, out);
  }
}

// Words a Chinese window may show as they are: codes, units, key names, the
// names of standards and products.
inline const std::set<std::string>& allowed_words() {
  static const std::set<std::string> words = {
      "PIN", "SO", "USB", "USBKEY", "CA", "ID", "PDF", "CSV", "QR", "UTC", "SHA", "OK", "CN", "PKCS", "SoftHSM", "SoftHSM2",
      "USCC", "A4", "A5", "Ctrl", "Alt", "Shift", "Esc", "Enter", "Tab", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8",
      "F9", "F10", "F11", "F12", "kB", "KB", "MB", "GB", "ms", "s", "min", "h", "x", "X", "No", "RSA", "EC", "P", "CNY",
      "certdesk", "CUPS", "BJ"};
  return words;
}

}  // namespace detail

// Everything a person reads on top and below it (see the file comment).
inline std::vector<Label> visible_labels(wxWindow* top, const WalkOptions& o = {}) {
  std::vector<Label> out;
  detail::walk(top, "", o, out);
  return out;
}

// The English words of text: runs of two or more ASCII letters that are not in
// the allow-lists. A run touching a digit is a code or a serial
// ("BJ01-2026-000123", "91110108MA01C8D24U", "P-256") and is skipped, as is a
// run inside an e-mail-like or dotted name ("teller1", "li.na", "a.pem").
inline std::vector<std::string> english_words(const std::string& text, const std::set<std::string>& allow = {}) {
  std::vector<std::string> out;
  const auto is_alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_alpha(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_alpha(text[j])) ++j;
    const std::string word = text.substr(i, j - i);
    const bool digit_next = (i > 0 && is_digit(text[i - 1])) || (j < text.size() && is_digit(text[j]));
    const bool dotted = (i > 0 && (text[i - 1] == '.' || text[i - 1] == '@' || text[i - 1] == '_')) ||
                        (j + 1 < text.size() && (text[j] == '.' || text[j] == '@' || text[j] == '_') && is_alpha(text[j + 1]));
    if (word.size() >= 2 && !digit_next && !dotted && !detail::allowed_words().count(word) && !allow.count(word))
      out.push_back(word);
    i = j;
  }
  return out;
}

// "where: label (English: word, word)" for every label of labels that shows an English word.
inline std::vector<std::string> english_leaks(const std::vector<Label>& labels, const std::set<std::string>& allow = {}) {
  std::vector<std::string> out;
  for (const auto& l : labels) {
    auto words = english_words(l.text, allow);
    if (words.empty()) continue;
    std::string w;
    for (const auto& x : words) w += (w.empty() ? "" : ", ") + x;
    out.push_back(l.where + ": \"" + l.text + "\" (English: " + w + ")");
  }
  return out;
}

// Labels drawn narrower than their text needs, and list columns narrower than
// their header or one of their first 50 cells (but the last column's): "where: label (needs 180 px,
// has 120)". Only what is on screen.
inline std::vector<std::string> truncated(wxWindow* top) {
  std::vector<std::string> out;
  for (const auto& l : visible_labels(top)) {
    wxWindow* w = l.window;
    if (!w || !w->IsShownOnScreen()) continue;
    if (auto* list = dynamic_cast<wxListCtrl*>(w); list && l.where.size() > 9 &&
                                                    l.where.compare(l.where.size() - 8, 8, "[column]") == 0) {
      for (int i = 0; i < list->GetColumnCount(); ++i) {
        wxListItem col;
        col.SetMask(wxLIST_MASK_TEXT);
        if (!list->GetColumn(i, col) || detail::clean(col.GetText()) != l.text) continue;
        const int need = list->GetTextExtent(col.GetText()).x + 16;   // the header's padding and sort arrow room
        const int has = list->GetColumnWidth(i);
        if (has < need)
          out.push_back(l.where + ": \"" + l.text + "\" (needs " + std::to_string(need) + " px, has " + std::to_string(has) + ")");
        // The column's cells too (a local time, a receipt number): the first rows, as on
        // screen. Not the last column's: it runs on past the edge (the review's details,
        // whose whole record opens on a double-click).
        for (long row = 0; i + 1 < list->GetColumnCount() && row < std::min(list->GetItemCount(), 50); ++row) {
          const wxString cell = list->GetItemText(row, i);
          const int cell_need = list->GetTextExtent(cell).x + 8;   // the cell's own margins
          if (!cell.empty() && has < cell_need)
            out.push_back(l.where + " row " + std::to_string(row) + ": \"" + detail::clean(cell) + "\" (needs " +
                          std::to_string(cell_need) + " px, has " + std::to_string(has) + ")");
        }
      }
      continue;
    }
    if (!dynamic_cast<wxStaticText*>(w) && !dynamic_cast<wxAnyButton*>(w) && !dynamic_cast<wxCheckBox*>(w) &&
        !dynamic_cast<wxRadioButton*>(w))
      continue;
    if (auto* st = dynamic_cast<wxStaticText*>(w); st && st->HasFlag(wxST_ELLIPSIZE_END)) continue;   // cut on purpose
    const wxSize best = w->GetBestSize();
    const wxSize has = w->GetSize();
    if (has.x + 1 < best.x || has.y + 1 < best.y)
      out.push_back(l.where + ": \"" + l.text + "\" (needs " + std::to_string(best.x) + "x" + std::to_string(best.y) +
                    " px, has " + std::to_string(has.x) + "x" + std::to_string(has.y) + ")");
  }
  return out;
}

// Walks top and reports each English leak as a Boost.Test error named after
// `what`. Returns the number of labels read (a walk that read nothing is an
// error too: the window was not built or not shown).
inline std::size_t expect_chinese(wxWindow* top, const std::string& what, const WalkOptions& o = {}) {
  const auto labels = visible_labels(top, o);
  BOOST_TEST(!labels.empty(), what << ": no label read (window not shown?)");
  for (const auto& leak : english_leaks(labels, o.allow)) BOOST_ERROR(what << ": " << leak);
  return labels.size();
}

}  // namespace certdesk::test
