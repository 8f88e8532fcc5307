#pragma once
// The customer's records as the flows check them before anything is written
// (SPEC §3): the organisation on record, a token on record as theirs, the old
// tokens a reissue or replacement retires. Read-only.

#include <memory>
#include <string>
#include <vector>

#include "db/repositories.h"
#include "workflows/ports.h"
#include "workflows/request.h"
#include "workflows/services.h"

namespace certdesk::workflows {

// The organisation with this USCC. Throws RuleRefused(not_found) when there is
// none (a customer without a certificate needs a first issuance).
db::Organisation customer_on_record(Services& s, const std::string& uscc);

// The token must be on record as this organisation's. Throws InputError for an
// empty serial, RuleRefused(wrong_token) for someone else's or an unknown token.
db::TokenRecord token_of(Services& s, const db::Organisation& org, const std::string& serial);

// Active, locked and suspended tokens are in the customer's hands.
bool is_live_token_state(const std::string& state);

// The customer's old token(s) for a reissue or a replacement: the one named in
// the request (checked with token_of), else every live one but the new. With
// need_one, more than one live token is refused (InputError: name it).
std::vector<std::string> old_tokens(Services& s, const db::Organisation& org, const ServiceRequest& r, bool need_one);

// Opens the customer's token and logs in with the PIN the customer types.
// Throws InputError when the prompt is cancelled, TokenError for a wrong PIN.
std::unique_ptr<TokenSession> open_logged_in(Services& s, PinPrompt& p, const std::string& serial);

// True when objs holds an object with CKA_ID id (hex).
bool has_object(const std::vector<TokenObjectView>& objs, const std::string& id);

}  // namespace certdesk::workflows
