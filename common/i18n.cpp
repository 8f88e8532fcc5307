#include "common/i18n.h"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

namespace certdesk {

namespace {
bool g_english = false;

bool asks_for_english(const char* v) { return v && *v && (std::strncmp(v, "en", 2) == 0); }
bool is_set(const char* v) { return v && *v && std::strcmp(v, "C") != 0 && std::strcmp(v, "POSIX") != 0; }

std::string g_locale_dir;

// <prefix>/share/locale when this program runs from <prefix>/bin and the catalog is
// installed there (the Debian package: /usr/bin → /usr/share/locale); else empty.
std::string installed_locale_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.parent_path().filename() != "bin") return {};
  const fs::path dir = exe.parent_path().parent_path() / "share" / "locale";
  return fs::is_regular_file(dir / "zh_CN" / "LC_MESSAGES" / "certdesk.mo", ec) ? dir.string() : std::string();
}
}  // namespace

std::string locale_dir(const char* build_tree_dir) {
  const char* env = std::getenv("CERTDESK_LOCALEDIR");
  if (env && *env) return env;
  std::string installed = installed_locale_dir();
  if (!installed.empty()) return installed;
  return build_tree_dir ? build_tree_dir : CERTDESK_LOCALEDIR;
}

const std::string& current_locale_dir() { return g_locale_dir; }

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
    g_locale_dir = locale_dir(localedir);
    bindtextdomain("certdesk", g_locale_dir.c_str());
    bind_textdomain_codeset("certdesk", "UTF-8");
  }
  return g_english ? "en" : "zh_CN";
}

}  // namespace certdesk
