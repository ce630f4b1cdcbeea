//===- ApiDetection.cpp ---------------------------------------------------===//
#include "vmaprep/ApiDetection.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

using namespace clang;

namespace vmaprep {

static const RecordDecl *findRecord(ASTContext &Ctx, llvm::StringRef Name) {
  for (const NamedDecl *D : Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Name)))
    if (const auto *RD = dyn_cast<RecordDecl>(D))
      if (const RecordDecl *Def = RD->getDefinition())
        return Def;
  return nullptr;
}

/// A field, also inside anonymous structs and unions.
static bool hasField(const RecordDecl *RD, llvm::StringRef Name) {
  for (const FieldDecl *F : RD->fields()) {
    if (F->getName() == Name)
      return true;
    if (F->isAnonymousStructOrUnion())
      if (const auto *RT = F->getType()->getAs<RecordType>())
        if (hasField(RT->getDecl(), Name))
          return true;
  }
  return false;
}

DetectedApi detectApiLevel(ASTContext &Ctx) {
  DetectedApi Out;
  if (!findRecord(Ctx, "vm_area_desc")) {
    Out.Evidence = "no struct vm_area_desc: the tree predates mmap_prepare";
    return Out;
  }
  for (const ApiLevelMarker &M : apiLevelMarkers()) {
    const RecordDecl *RD = findRecord(Ctx, M.Record);
    if (!RD || (!M.HasField.empty() && !hasField(RD, M.HasField)) ||
        (!M.LacksField.empty() && hasField(RD, M.LacksField)))
      continue;
    Out.Level = M.Level;
    Out.Evidence = M.Evidence.str();
    return Out;
  }
  return Out;
}

} // namespace vmaprep
