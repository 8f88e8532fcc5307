#pragma once
// The schema migrations compiled into certdesk_hall (generated from hall/schema/*.sql).
#include <vector>

namespace certdesk::hall::detail {

struct Migration {
  int version;
  const char* sql;
};
// In version order.
const std::vector<Migration>& migrations();

}  // namespace certdesk::hall::detail
