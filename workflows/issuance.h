#pragma once
// First issuance (证书初次办理, SPEC §2): documents, fee, a factory-blank token
// personalised with the customer's PIN, a key pair generated on the token, the
// certificate issued by the CA and written beside the key, handover.

#include "workflows/counter.h"

namespace certdesk::workflows {

class IssueFlow {
 public:
  explicit IssueFlow(Counter& counter) : counter_(counter) {}

  // Runs the whole order up to token_done, and with hand_over=true to completed.
  // Throws: InputError (documents, numbers, request), RuleRefused (fee, token
  // not blank, same request twice), AuthError (permission, approvals),
  // TokenError (no token 9002, key generation 0124 …), DbError. A refusal
  // before the order exists changes nothing but one journal line
  // ("order.refused" with the code); a failure after it leaves the order at its
  // last durable step, listed as unfinished.
  OrderResult run(const Actor& teller, const ServiceRequest& request, bool hand_over = true);

 private:
  Counter& counter_;
};

}  // namespace certdesk::workflows
