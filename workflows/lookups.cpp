#include "workflows/lookups.h"

#include <algorithm>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

db::Organisation customer_on_record(Services& s, const std::string& uscc) {
  auto org = db::Organisations(s.db).by_uscc(uscc);
  if (!org)
    throw RuleRefused(codes::not_found, "customer",
                      msg(tr("There is no record of organisation {}. A customer without a certificate needs a first issuance."),
                          uscc));
  return *org;
}

db::TokenRecord token_of(Services& s, const db::Organisation& org, const std::string& serial) {
  if (serial.empty()) throw InputError(codes::bad_request, tr("Enter the serial printed on the customer's token."));
  auto rec = db::Tokens(s.db).by_serial(serial);
  if (!rec || rec->organisation_id != org.id)
    throw RuleRefused(codes::wrong_token, "token-on-record",
                      msg(tr("Token {} is not on record for {}. Check that the customer brought the right key."), serial,
                          org.name));
  return *rec;
}

bool is_live_token_state(const std::string& state) {
  return state == "active" || state == "locked" || state == "suspended";
}

std::vector<std::string> old_tokens(Services& s, const db::Organisation& org, const ServiceRequest& r, bool need_one) {
  if (!r.old_token_serial.empty()) {
    token_of(s, org, r.old_token_serial);
    return {r.old_token_serial};
  }
  std::vector<std::string> out;
  for (const auto& t : db::Tokens(s.db).of_organisation(org.id))
    if (t.serial != r.token_serial && is_live_token_state(t.state)) out.push_back(t.serial);
  if (need_one && out.size() > 1)
    throw InputError(codes::bad_request,
                     msg(tr("{} has {} tokens in use; name the old one in old_token_serial."), org.name, out.size()));
  return out;
}

std::unique_ptr<TokenSession> open_logged_in(Services& s, PinPrompt& p, const std::string& serial) {
  auto token = s.tokens.open(serial);
  TokenView info = token->info();
  auto pin = p.current_pin({info.min_pin, info.max_pin}, serial);
  if (!pin || pin->empty())
    throw InputError(codes::bad_request, tr("The customer did not enter the token's PIN; nothing was done."));
  token->login_user(*pin);
  return token;
}

bool has_object(const std::vector<TokenObjectView>& objs, const std::string& id) {
  return std::any_of(objs.begin(), objs.end(), [&](const auto& o) { return o.id == id; });
}

}  // namespace certdesk::workflows
