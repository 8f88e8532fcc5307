#pragma once
// A wxPrintout over one printing::DocumentLayout: the printer, the print preview
// and tests draw the same cairo code path the PDF archive uses. Pages 1..n;
// each page is drawn with the layout's point space scaled to fit the DC's page.

#include <wx/print.h>

#include "printing/layout.h"

namespace certdesk::forms {

class DocumentPrintout : public wxPrintout {
 public:
  explicit DocumentPrintout(printing::DocumentLayout layout);

  bool HasPage(int page) override;
  void GetPageInfo(int* min_page, int* max_page, int* page_from, int* page_to) override;
  bool OnPrintPage(int page) override;

  const printing::DocumentLayout& layout() const { return layout_; }

 private:
  printing::DocumentLayout layout_;
};

}  // namespace certdesk::forms
