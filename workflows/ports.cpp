#include "workflows/ports.h"

namespace certdesk::workflows {

const char* reason_name(RevocationReason r) {
  switch (r) {
    case RevocationReason::unspecified: return "unspecified";
    case RevocationReason::key_compromise: return "keyCompromise";
    case RevocationReason::superseded: return "superseded";
    case RevocationReason::cessation_of_operation: return "cessationOfOperation";
  }
  return "unspecified";
}

}  // namespace certdesk::workflows
