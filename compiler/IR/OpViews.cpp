#include "compiler/IR/OpViews.h"

namespace xnorc {

Attr OpView::attr(const char *Name) const {
  if (const Attr *A = Attrs->find(Name))
    return *A;
  const AttrSpec *Spec = opSchema(Kind).attr(Name);
  assert(Spec && "the view's attribute is not in the op's table row");
  int64_t Rank = Operands->empty() ? 0 : static_cast<int64_t>((*Operands)[0]->type().rank());
  return defaultAttr(*Spec, Rank - 2);
}

Attributes OpView::writtenAttrs(const std::vector<AttrSpec> &Specs) const {
  Attributes Out;
  for (const AttrSpec &S : Specs)
    if (const Attr *A = Attrs->find(S.Name))
      Out.set(S.Name, *A);
  return Out;
}

} // namespace xnorc
