#pragma once
// Remote unlock (在线解锁, SPEC §2): the customer sends the form and stamped
// copies without the token; once they are checked, a supervisor issues an
// authorisation code bound to one token serial, usable once, expiring; only a
// salted hash of it is stored. Redeeming it (with the token inserted where the
// code is redeemed) performs the unlock: the customer types a new PIN twice.

#include <string>

#include "workflows/ports.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::workflows {

struct IssuedCode {
  std::string code;          // shown once, to give to the customer; never stored
  std::string token_serial;
  std::string expires_utc;
};

class UnlockCodeService {
 public:
  UnlockCodeService(Services& s, PinPrompt& pins) : s_(s), pins_(pins) {}

  // A supervisor issues a code for a token on record (active or locked).
  // Throws AuthError without the approve permission, RuleRefused for a token
  // not on record or in another state. Journaled without the code.
  IssuedCode issue(const Actor& supervisor, const std::string& token_serial, int valid_hours);

  // Checks the code (bound to this serial, unused, unexpired), then unlocks:
  // SO login with the derived SO PIN, C_InitPIN with the customer's new PIN.
  // Refused (AuthError bad_credentials) for a wrong code, a code already used,
  // expired, or issued for another token — each with its own message.
  void redeem(const Actor& teller, const std::string& token_serial, const Secret& code);

 private:
  Services& s_;
  PinPrompt& pins_;
};

}  // namespace certdesk::workflows
