#pragma once
// The application's wiring (SPEC §7, §8): the data folder, its database and
// journal, the token module, the local CA and the workflow services. Shared by
// certdesk (the window) and certdesk-cli. Parts that need a token module are
// opened on first use, so `journal verify` works with no module at all.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "desk/adapters.h"
#include "common/clock.h"
#include "db/database.h"
#include "db/journal.h"
#include "pki/ca.h"
#include "pki/module.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::desk {

// The data folder's layout.
struct DataPaths {
  std::filesystem::path root;
  std::filesystem::path database() const { return root / "certdesk.db"; }
  std::filesystem::path secrets() const { return root / "secrets"; }
  std::filesystem::path softhsm() const { return root / "softhsm"; }
  std::filesystem::path ca() const { return root / "ca"; }
  std::filesystem::path archive() const { return root / "archive"; }
  std::filesystem::path logs() const { return root / "logs"; }
};

// --data-dir, else $CERTDESK_DATA_DIR, else $XDG_DATA_HOME/certdesk, else ~/.local/share/certdesk.
std::filesystem::path default_data_dir();

inline constexpr const char* kCaTokenLabel = "certdesk-ca";

struct InitOptions {
  std::string branch;             // e.g. BJ01: letters and digits, 2–8
  std::string branch_name;        // printed on receipts
  std::string admin;
  Secret admin_password;
  std::string module;             // PKCS#11 module for customer tokens; empty = SoftHSM2
  int scrypt_log2_n = 15;
  std::string workstation = "W01";   // this counter's code in the hall: 1–8 of A-Z 0-9 (last: positional inits)
};

// Creates a new data folder: folders (0700), master secret (0600), SoftHSM2
// store, the CA on its own SoftHSM2 token, the database with settings, the
// first admin, and the first journal entries. Refuses a folder that already
// holds a database. Throws Error.
void init_data_dir(const std::filesystem::path& root, const InitOptions& options, const Clock& clock);

class AppContext {
 public:
  // Opens an existing data folder. Throws Error(data_dir_unusable) when it is
  // missing or unreadable ("run certdesk-cli init" / "check its permissions"),
  // DbError for a corrupt database, RuleRefused(clock_behind) when the clock is
  // behind the journal's newest entry (workflows/clock_guard.h).
  AppContext(const std::filesystem::path& root, const Clock& clock, int scrypt_log2_n = 15);
  // The same with the database opened read-only (db::Database::open_readonly),
  // for commands that only read — `journal verify`, `day verify` — so they run
  // on a copy nobody may write (mode 0444, a read-only folder or medium).
  struct ReadOnly {};
  AppContext(const std::filesystem::path& root, const Clock& clock, ReadOnly);
  ~AppContext();

  const DataPaths& paths() const { return paths_; }
  const Clock& clock() const { return clock_; }
  db::Database& db() { return db_; }
  db::Journal& journal() { return *journal_; }
  workflows::StaffService& staff() { return *staff_; }
  const workflows::CounterConfig& config() const { return config_; }
  // Settings holding a bad value (an older version wrote it): each line names
  // the key, what it must be and the default used meanwhile. Empty when all are good.
  const std::vector<std::string>& setting_problems() const { return setting_problems_; }
  std::string module_path();

  // Loaded on first use; throw TokenError(module_unavailable) when the module
  // cannot be loaded.
  PkiTokenPort& tokens();
  pki::CertificateAuthority& ca();
  workflows::Services& services();
  MasterSecretPins& pins();

  // The embedded default's demo action: a new factory-blank SoftHSM2 token.
  // Returns its serial. Reloads the token module so this process sees it.
  std::string insert_blank_token(const std::string& serial);

  // The demo store only (token insert-demo, a trainer's way to reach the update
  // flow without faking the clock): certificates this process issues from now on
  // are valid for `days` days instead of the cert_days setting. Throws
  // InputError for days outside 1..3650, RuleRefused when the customer-token
  // module is not the embedded default (real keys get real certificates).
  void demo_certificates_valid_for(int days);

 private:
  AppContext(const std::filesystem::path& root, const Clock& clock, int scrypt_log2_n, bool read_only);
  DataPaths paths_;
  const Clock& clock_;
  db::Database db_;
  std::unique_ptr<db::Journal> journal_;
  std::unique_ptr<workflows::StaffService> staff_;
  workflows::CounterConfig config_;
  std::vector<std::string> setting_problems_;
  std::unique_ptr<MasterSecretPins> pins_;
  std::shared_ptr<pki::Module> token_module_;
  std::shared_ptr<pki::Module> ca_module_;
  std::unique_ptr<pki::CertificateAuthority> ca_;
  std::unique_ptr<PkiTokenPort> token_port_;
  std::unique_ptr<PkiCaPort> ca_port_;
  std::unique_ptr<workflows::Services> services_;
};

// The machine's host name (a signing certificate's subject names it). The journal
// names the counter by its workstation code (CounterConfig::workstation) instead.
std::string workstation_name();

}  // namespace certdesk::desk
