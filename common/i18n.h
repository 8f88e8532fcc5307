#pragma once
// Translation hook for code below forms/ (which uses wx's _()). Messages are
// written in English and looked up in the "certdesk" gettext catalog; Simplified
// Chinese is the default language (po/zh_CN.po), English the fallback.
// xgettext keywords: tr, tr_noop, tr_ctx:1c,2, tr_noop_ctx:1c,2.

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/text.h"

namespace certdesk {

// The translation of msgid in the current language, or msgid itself.
const char* tr(const char* msgid);

// Marks a literal for extraction without translating it here (it is passed to
// tr() later, where only a variable is seen). xgettext keyword: tr_noop.
constexpr const char* tr_noop(const char* msgid) { return msgid; }

// The same for a short word whose meaning depends on where it is shown (a
// state, a flow, a document): looked up as msgid in msgctxt context, so
// "cancel" the flow and "Cancel" the button, or "active" the token and
// anything else, get their own translations. The window's
// wxGetTranslation(msgid, "", context) finds the same entries.
const char* tr_ctx(const char* context, const char* msgid);
constexpr const char* tr_noop_ctx(const char* /*context*/, const char* msgid) { return msgid; }

// A value of a message as shown: text is made printable and cut (text::printable,
// 160 code points), anything else is passed through to fmt.
inline constexpr std::size_t kMaxShownValue = 160;
template <typename T>
decltype(auto) shown_value(T&& v) {
  if constexpr (std::is_convertible_v<std::decay_t<T>, std::string_view>)
    return text::printable(std::string_view(v), kMaxShownValue);
  else
    return std::forward<T>(v);
}

// A translated message with its values filled in: translated is the tr() of a
// msgid with fmt {} placeholders (tr at the call keeps it visible to xgettext),
// e.g. msg(tr("entry {} was changed"), seq). Text values are shown safely
// (shown_value): a typed value never breaks the line or floods the message.
template <typename... Args>
std::string msg(const char* translated, Args&&... args) {
  return fmt::format(fmt::runtime(translated), shown_value(std::forward<Args>(args))...);
}

// Chooses the language once at start: CERTDESK_LANG (zh_CN | en), else the
// environment's LANGUAGE/LC_ALL/LC_MESSAGES/LANG when it asks for English,
// else Simplified Chinese. Returns "zh_CN" or "en".
// The catalogs are looked up in locale_dir(localedir).
const char* init_language(const char* localedir = nullptr);

// Where the "certdesk" catalog is read from: $CERTDESK_LOCALEDIR when set; else
// <prefix>/share/locale when the program runs from <prefix>/bin and the catalog is
// installed there (the Debian package); else build_tree_dir, by default the build
// tree's locale folder (compiled in). Never throws.
std::string locale_dir(const char* build_tree_dir = nullptr);

// The folder init_language() bound the catalog to (empty before, or in English).
const std::string& current_locale_dir();

}  // namespace certdesk
