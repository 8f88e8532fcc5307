#include "desk/context.h"

#include "workflows/clock_guard.h"
#include "workflows/settings.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/repositories.h"
#include "pki/softhsm.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

fs::path default_data_dir() {
  if (const char* d = std::getenv("CERTDESK_DATA_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "certdesk";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".local" / "share" / "certdesk";
}

std::string workstation_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "workstation";
  return buf;
}

namespace {
[[noreturn]] void unusable(const std::string& message) {
  throw Error(ErrorKind::other, codes::data_dir_unusable, message);
}

void make_private_dir(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) unusable(fmt::format(fmt::runtime(tr("Cannot create the folder {}: {}.")), p.string(), ec.message()));
  fs::permissions(p, fs::perms::owner_all, ec);
}

void write_private_file(const fs::path& p, const std::string& data) {
  {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    if (!f) unusable(fmt::format(fmt::runtime(tr("Cannot write {}.")), p.string()));
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
    f << data;
    f.flush();
    if (!f) unusable(fmt::format(fmt::runtime(tr("Cannot write {}.")), p.string()));
  }
}

void check_branch(const std::string& b) {
  bool ok = b.size() >= 2 && b.size() <= 8;
  for (char c : b) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!ok)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("Branch code '{}' must be 2 to 8 capital letters or digits, e.g. BJ01.")), b));
}

// The steps of init_data_dir once its input is checked.
void create_data_dir(const fs::path& root, const DataPaths& p, const InitOptions& o, const std::string& branch_name,
                     const Clock& clock) {
  std::error_code ec;
  make_private_dir(root);
  for (const auto& d : {p.secrets(), p.softhsm(), p.ca(), p.archive(), p.logs()}) make_private_dir(d);

  if (!fs::exists(p.secrets() / "master.key", ec))
    write_private_file(p.secrets() / "master.key", crypto::to_hex(crypto::random_bytes(32)));
  MasterSecretPins pins(p.secrets());

  pki::softhsm::prepare_store(p.softhsm());
  pki::softhsm::use_store(p.softhsm());
  auto module = pki::Module::load(pki::softhsm::default_module);
  if (!fs::exists(p.ca() / "ca.pem", ec)) {
    pki::CertificateAuthority::create(module, p.ca(), kCaTokenLabel, pins.derived("ca-so-pin"), pins.derived("ca-user-pin"),
                                      pki::Subject{branch_name + " certdesk CA", "", branch_name + " certdesk CA"},
                                      clock.now());
  }

  db::Database database = db::Database::open(p.database(), /*create=*/true);
  // The branch's UTC offset until an admin changes it: the setting's one default (workflows/settings.cpp).
  const std::string utc_offset = workflows::find_setting("utc_offset_minutes")->fallback;
  db::Journal journal(database, o.workstation, std::stoi(utc_offset));
  {
    db::Settings settings(database);
    db::Transaction tx(database);
    settings.set("branch", o.branch);
    settings.set("branch_name", branch_name);
    settings.set("workstation", o.workstation);
    settings.set("pkcs11_module", o.module.empty() ? pki::softhsm::default_module : o.module);
    settings.set("key_algorithm", "ec_p256");
    settings.set("utc_offset_minutes", utc_offset);
    settings.set("timezone", "Asia/Shanghai");
    settings.set("renewal_opens_days_before", "30");
    settings.set("renewal_closes_days_after", "90");
    settings.set("cert_days", "365");
    settings.set("paper", "a5");
    journal.append({.action = "data_dir.created", .details = fmt::format("branch {} workstation {}", o.branch, o.workstation)}, clock.now());
    tx.commit();
  }
  workflows::StaffService staff(database, journal, clock, o.scrypt_log2_n);
  staff.bootstrap_admin(o.admin, o.admin_password);
}

}  // namespace

void init_data_dir(const fs::path& root, const InitOptions& o, const Clock& clock) {
  check_branch(o.branch);
  if (!workflows::valid_workstation_code(o.workstation))
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("The workstation code must be 1 to 8 capital letters or digits, e.g. "
                                                 "W01; '{}' is not.")),
                                 o.workstation));
  DataPaths p{root};
  std::error_code ec;
  if (fs::exists(p.database(), ec))
    throw RuleRefused(codes::duplicate, "init",
                      fmt::format(fmt::runtime(tr("{} already holds a certdesk database; nothing was changed.")), root.string()));
  std::string branch_name = text::checked(tr("branch name"), o.branch_name.empty() ? o.branch : o.branch_name, 60);
  if (!o.module.empty())
    if (auto problem = workflows::setting_problem(*workflows::find_setting("pkcs11_module"), o.module))
      throw InputError(codes::bad_request, *problem);
  // A refusal further on (the admin's name or password) leaves no half-made data folder behind.
  const bool existed = fs::exists(root, ec);
  const bool was_empty = !existed || fs::is_empty(root, ec);
  try {
    create_data_dir(root, p, o, branch_name, clock);
  } catch (...) {
    if (was_empty) {
      std::error_code ignored;
      for (const auto& e : fs::directory_iterator(root, ignored)) fs::remove_all(e.path(), ignored);
      if (!existed) fs::remove(root, ignored);
    }
    throw;
  }
}

AppContext::AppContext(const fs::path& root, const Clock& clock, int scrypt_log2_n)
    : AppContext(root, clock, scrypt_log2_n, false) {}

AppContext::AppContext(const fs::path& root, const Clock& clock, ReadOnly) : AppContext(root, clock, 15, true) {}

AppContext::AppContext(const fs::path& root, const Clock& clock, int scrypt_log2_n, bool read_only)
    : paths_{root}, clock_(clock), db_([&] {
        std::error_code ec;
        if (!fs::exists(root, ec))
          unusable(fmt::format(fmt::runtime(tr("There is no data folder at {}. Run certdesk-cli init first, or pass --data-dir.")),
                               root.string()));
        fs::path file = DataPaths{root}.database();
        if (access(root.c_str(), R_OK | X_OK) != 0 || (fs::exists(file, ec) && access(file.c_str(), R_OK) != 0))
          unusable(fmt::format(fmt::runtime(tr("The data folder {} cannot be read; check its permissions.")), root.string()));
        if (!fs::exists(file, ec))
          unusable(fmt::format(fmt::runtime(tr("The data folder {} has no database. Run certdesk-cli init first.")),
                               root.string()));
        return read_only ? db::Database::open_readonly(file) : db::Database::open(file, false);
      }()) {
  // A bad value left by an older version never stops the start: its default is
  // used and setting_problems() names the setting to fix.
  workflows::LoadedConfig loaded = workflows::load_counter_config(db_);
  config_ = loaded.config;
  setting_problems_ = std::move(loaded.problems);
  journal_ = std::make_unique<db::Journal>(db_, config_.workstation, config_.utc_offset_minutes);
  staff_ = std::make_unique<workflows::StaffService>(db_, *journal_, clock_, scrypt_log2_n);
  // A clock that went back would book work before what the journal holds
  // (issue 13.9): no start that may write. A read-only check still runs.
  if (!read_only) workflows::require_clock_not_behind(db_, clock_);
}

AppContext::~AppContext() = default;

std::string AppContext::module_path() { return db::Settings(db_).get_or("pkcs11_module", pki::softhsm::default_module); }

MasterSecretPins& AppContext::pins() {
  if (!pins_) pins_ = std::make_unique<MasterSecretPins>(paths_.secrets());
  return *pins_;
}

PkiTokenPort& AppContext::tokens() {
  if (!token_port_) {
    pki::softhsm::use_store(paths_.softhsm());
    token_module_ = pki::Module::load(module_path());
    token_port_ = std::make_unique<PkiTokenPort>(token_module_);
  }
  return *token_port_;
}

pki::CertificateAuthority& AppContext::ca() {
  if (!ca_) {
    pki::softhsm::use_store(paths_.softhsm());
    // The CA's token lives in the SoftHSM2 store. When customer tokens go through
    // the same library (the embedded default, or a wrapper of it in tests), both
    // share one Module: two libp11 contexts on one library close each other's
    // sessions whenever either re-enumerates.
    std::string ca_path = db::Settings(db_).get_or("ca_pkcs11_module", pki::softhsm::default_module);
    if (ca_path == module_path()) tokens();
    ca_module_ = ca_path == module_path() ? token_module_ : pki::Module::load(ca_path);
    ca_ = std::make_unique<pki::CertificateAuthority>(
        pki::CertificateAuthority::open(ca_module_, paths_.ca(), kCaTokenLabel, pins().derived("ca-user-pin")));
  }
  return *ca_;
}

workflows::Services& AppContext::services() {
  if (!services_) {
    PkiTokenPort& t = tokens();
    pki::CertificateAuthority& authority = ca();
    ca_port_ = std::make_unique<PkiCaPort>(authority);
    services_ = std::make_unique<workflows::Services>(
        workflows::Services{db_, *journal_, clock_, t, *ca_port_, pins(), config_});
  }
  return *services_;
}

std::string AppContext::insert_blank_token(const std::string& serial) {
  pki::softhsm::prepare_store(paths_.softhsm());
  std::string made = pki::softhsm::insert_blank(paths_.softhsm(), serial, pins().transport());
  // SoftHSM2 reads its store only when initialised: a module other than the
  // plain SoftHSM2 one (a wrapper of it) must be reloaded to see the new token.
  if (token_module_ && token_module_->path() != pki::softhsm::default_module) token_module_->reload();
  return made;
}

void AppContext::demo_certificates_valid_for(int days) {
  if (days < 1 || days > 3650)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("A demo key's certificate expires in 1 to 3650 days; {} is not one of them.")), days));
  if (module_path() != pki::softhsm::default_module)
    throw RuleRefused(codes::rule_refused, "demo-store",
                      tr("Demo keys exist only in the embedded token store; the customer-token module is another one."));
  config_.cert_days = days;
  if (services_) services_->config.cert_days = days;
}

}  // namespace certdesk::desk
