#pragma once
// The keys that sign a daily close (SPEC §5), over PKCS#11:
//  - a supervisor's own token, enrolled by an admin (enroll_staff_token): a
//    factory-blank token personalised with the supervisor's PIN, a P-256 key
//    generated on it and a certificate from the local CA (CN = the
//    supervisor's name), recorded in staff_tokens;
//  - else the workstation's key: a SoftHSM2 token labelled
//    "certdesk-workstation" in the data folder's store, created on first use
//    (PINs derived from the master secret, "workstation-so-pin" /
//    "workstation-user-pin", never stored), with a key and a certificate from
//    the local CA.
// And the checker that verifies a close's signature with OpenSSL.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "desk/context.h"
#include "db/day_close.h"
#include "workflows/day.h"

namespace certdesk::desk {

inline constexpr const char* kWorkstationTokenLabel = "certdesk-workstation";
inline constexpr const char* kStaffTokenLabel = "certdesk-staff";

// An admin gives `name` (a supervisor) a signing token: the blank token
// `serial` is personalised (transport SO PIN → per-token SO PIN, user PIN
// new_pin), a P-256 key generated on it, a certificate issued by the local CA
// and stored on it. Journaled "staff.token_enrolled"; earlier tokens of the
// person are marked inactive. Throws AuthError (not an admin), RuleRefused
// (no such supervisor, token not blank, serial already in use), TokenError.
db::StaffToken enroll_staff_token(AppContext& ctx, const workflows::Actor& admin, const std::string& name,
                                  const std::string& serial, const Secret& new_pin);

// The signer for a close by `who`: their token when they have one enrolled
// (ask_pin is asked for its PIN; nullopt = cancelled → AuthError), else the
// workstation's key (created on first use). The token stays logged in for the
// signer's life. Throws TokenError (token absent, wrong PIN), Error.
std::unique_ptr<workflows::StatementSigner> signer_for(AppContext& ctx, const workflows::Actor& who,
                                                       const std::function<std::optional<Secret>()>& ask_pin);
// The workstation's signer alone (created on first use).
std::unique_ptr<workflows::StatementSigner> workstation_signer(AppContext& ctx);

// Checks a close's signature: the certificate was issued by this data folder's
// CA and the signature verifies with its public key.
class PkiSignatureChecker final : public workflows::SignatureChecker {
 public:
  explicit PkiSignatureChecker(AppContext& ctx) : ctx_(ctx) {}
  std::string check(const workflows::Bytes& cert_der, const std::string& data, const workflows::Bytes& signature) override;

 private:
  AppContext& ctx_;
};

}  // namespace certdesk::desk
