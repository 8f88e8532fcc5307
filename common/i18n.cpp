#include "common/i18n.h"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <string>

namespace certdesk {

namespace {
bool g_english = false;

bool asks_for_english(const char* v) { return v && *v && (std::strncmp(v, "en", 2) == 0); }
bool is_set(const char* v) { return v && *v && std::strcmp(v, "C") != 0 && std::strcmp(v, "POSIX") != 0; }
}  // namespace

const char* tr(const char* msgid) { return g_english ? msgid : dgettext("certdesk", msgid); }

const char* tr_ctx(const char* context, const char* msgid) {
  if (g_english) return msgid;
  // gettext keeps a message with a context under "context\004msgid" (what pgettext looks up).
  const std::string key = std::string(context) + '\004' + msgid;
  const char* found = dgettext("certdesk", key.c_str());
  return found == key.c_str() ? msgid : found;
}

const char* init_language(const char* localedir) {
  const char* choice = std::getenv("CERTDESK_LANG");
  if (!is_set(choice)) {
    for (const char* var : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
      const char* v = std::getenv(var);
      if (is_set(v)) {
        choice = asks_for_english(v) ? "en" : "zh_CN";
        break;
      }
    }
  }
  g_english = asks_for_english(choice);
  std::setlocale(LC_ALL, "C.UTF-8");
  if (!g_english) {
    // gettext honours LANGUAGE even under the C.UTF-8 locale.
    setenv("LANGUAGE", "zh_CN", 1);
    const char* dir = localedir ? localedir : std::getenv("CERTDESK_LOCALEDIR");
    bindtextdomain("certdesk", dir ? dir : CERTDESK_LOCALEDIR);
    bind_textdomain_codeset("certdesk", "UTF-8");
  }
  return g_english ? "en" : "zh_CN";
}

}  // namespace certdesk
