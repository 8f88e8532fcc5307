#pragma once
// The key that signs a daily close (SPEC §5, issue 13.1), over PKCS#11: a
// supervisor's own token, enrolled by an admin (enroll_staff_token): a
// factory-blank token personalised with the supervisor's PIN, a P-256 key
// generated on it and a certificate from the local CA (CN = the supervisor's
// name), recorded in staff_tokens with the key's fingerprint, which the
// journal's enrolment entry records too (day verify pins it, workflows/day.h).
// There is no other signer for a close. Data folders from before issue 13.1
// may still hold the workstation's key (a SoftHSM2 token labelled
// "certdesk-workstation", PINs derived from the master secret in the same
// folder): it proves nothing about who closed, nothing here signs with it any
// more, and day verify refuses a close it signed (signer kind "workstation").
// And the checker that verifies a close's signature with OpenSSL.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "desk/context.h"
#include "db/day_close.h"
#include "workflows/day.h"

namespace certdesk::desk {

inline constexpr const char* kWorkstationTokenLabel = "certdesk-workstation";   // kept out of token lists
inline constexpr const char* kStaffTokenLabel = "certdesk-staff";

// An admin gives `name` (a supervisor) a signing token: the blank token
// `serial` is personalised (transport SO PIN → per-token SO PIN, user PIN
// new_pin), a P-256 key generated on it, a certificate issued by the local CA
// and stored on it. Journaled "staff.token_enrolled"; earlier tokens of the
// person are marked inactive. Throws AuthError (not an admin), RuleRefused
// (no such supervisor, token not blank, serial already in use), TokenError.
db::StaffToken enroll_staff_token(AppContext& ctx, const workflows::Actor& admin, const std::string& name,
                                  const std::string& serial, const Secret& new_pin);

// The embedded demo store only: a trainer's way back after a supervisor's demo
// signing token locked itself (10 wrong PINs, pki/p11lock). An admin re-initialises
// the user PIN of `name`'s active signing token to new_pin through its SO PIN
// (derived from the master secret at enrolment, never shown), which also resets
// the lock module's retry counter; the key, certificate and enrolment stay, so
// day verify still pins the same key. Journaled "staff.token_unlocked". A real
// USB key is not unlocked here: the hall's own procedure (or a new enrolment)
// applies. Throws AuthError (not an admin), RuleRefused (no such supervisor, no
// signing token, not the embedded store), InputError (PIN too short), TokenError.
db::StaffToken unlock_staff_token(AppContext& ctx, const workflows::Actor& admin, const std::string& name,
                                  const Secret& new_pin);

// The signer for a close by `who`: their enrolled token (ask_pin is asked for
// its PIN; nullopt = cancelled → AuthError). The token stays logged in for the
// signer's life. Throws RuleRefused(rule_refused, "day-close-token") when `who`
// has no signing token enrolled (an admin enrols one: staff enroll-token),
// TokenError (token absent, wrong PIN), Error.
std::unique_ptr<workflows::StatementSigner> signer_for(AppContext& ctx, const workflows::Actor& who,
                                                       const std::function<std::optional<Secret>()>& ask_pin);
// The fingerprint of a certificate's key: SHA-256 of its SubjectPublicKeyInfo
// (DER), upper-case hex in 16 groups of 4 ("3F2A 9B10 …"), as printed on the
// day report. Throws CryptoError when the certificate cannot be read.
std::string key_fingerprint(const workflows::Bytes& cert_der);

// Checks a close's signature: the certificate was issued by this data folder's
// CA and the signature verifies with its public key.
class PkiSignatureChecker final : public workflows::SignatureChecker {
 public:
  explicit PkiSignatureChecker(AppContext& ctx) : ctx_(ctx) {}
  std::string check(const workflows::Bytes& cert_der, const std::string& data, const workflows::Bytes& signature) override;
  std::string key_fingerprint(const workflows::Bytes& cert_der) override { return desk::key_fingerprint(cert_der); }

 private:
  AppContext& ctx_;
};

}  // namespace certdesk::desk
