#include "forms/counter_tasks.h"

namespace certdesk::forms {

std::string PrinterChoice::preselected() const {
  for (const auto& p : list.printers)
    if (p.name == remembered) return remembered;
  return list.preselected();
}

}  // namespace certdesk::forms
