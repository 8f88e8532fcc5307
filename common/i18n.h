#pragma once
// Translation hook for code below forms/ (which uses wx's _()). Messages are
// written in English and looked up in the "certdesk" gettext catalog; Simplified
// Chinese is the default language (po/zh_CN.po), English the fallback.
// xgettext keywords: tr, tr_noop.

namespace certdesk {

// The translation of msgid in the current language, or msgid itself.
const char* tr(const char* msgid);

// Marks a literal for extraction without translating it here (it is passed to
// tr() later, where only a variable is seen). xgettext keyword: tr_noop.
constexpr const char* tr_noop(const char* msgid) { return msgid; }

// Chooses the language once at start: CERTDESK_LANG (zh_CN | en), else the
// environment's LANGUAGE/LC_ALL/LC_MESSAGES/LANG when it asks for English,
// else Simplified Chinese. Returns "zh_CN" or "en".
const char* init_language(const char* localedir = nullptr);

}  // namespace certdesk
