#pragma once
// Small helpers every window of forms/ uses: the CJK face, UTF-8 conversion,
// and showing a failure as what happened + what to do + its code (STYLE habit 8).

#include <wx/font.h>
#include <wx/string.h>
#include <wx/listctrl.h>
#include <wx/window.h>

#include <string>
#include <vector>

#include "forms/worker.h"

namespace certdesk::forms {

// The face that gives Chinese characters their Simplified Chinese shapes
// (fontconfig picks the Japanese variant under a C locale; PLATFORM-NOTES).
inline constexpr const char* kCjkFace = "Noto Sans CJK SC";

// Sets kCjkFace on a top-level window (children inherit it).
void use_cjk_font(wxWindow* top, int point_size = 11);

inline wxString wx(const std::string& utf8) { return wxString::FromUTF8(utf8.data(), utf8.size()); }
inline std::string utf8(const wxString& s) { return std::string(s.utf8_str()); }

// A translated UI message for a failure: its message and, in brackets, its code.
wxString describe(const Failure& f);
// Shows the failure in a message box owned by parent. Never throws.
void show_failure(wxWindow* parent, const Failure& f, const wxString& title = wxString());

// Sizes a report list's columns from the text extent of their header, their
// cells and `samples` (texts a column must hold before rows come, e.g. a local
// time "2026-12-31 23:59:59"; index = column, empty = none); the column
// `stretch` then takes what is left of the list's width. Call after the rows are in.
void fit_columns(wxListCtrl* list, int stretch, const std::vector<wxString>& samples = {});

}  // namespace certdesk::forms
