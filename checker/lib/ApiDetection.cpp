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
  const RecordDecl *Desc = findRecord(Ctx, "vm_area_desc");
  if (!Desc) {
    Out.Evidence = "no struct vm_area_desc: the tree predates mmap_prepare";
    return Out;
  }
  bool VmFile = hasField(Desc, "vm_file"), Action = hasField(Desc, "action");
  bool BitmapOnly = hasField(Desc, "vma_flags") && !hasField(Desc, "vm_flags");
  const RecordDecl *MmapAction = findRecord(Ctx, "mmap_action");
  bool Override = MmapAction && hasField(MmapAction, "error_override");
  if (Override) {
    Out.Level = ApiLevel::V7_1;
    Out.Evidence = "struct mmap_action has error_override";
  } else if (BitmapOnly) {
    Out.Level = ApiLevel::V7_0;
    Out.Evidence = "struct vm_area_desc has only the bitmap vma_flags";
  } else if (Action) {
    Out.Level = ApiLevel::V6_19;
    Out.Evidence = "struct vm_area_desc has an action";
  } else if (VmFile) {
    Out.Level = ApiLevel::V6_18;
    Out.Evidence = "struct vm_area_desc has vm_file";
  } else {
    Out.Level = ApiLevel::V6_16;
    Out.Evidence = "struct vm_area_desc has no vm_file";
  }
  return Out;
}

} // namespace vmaprep
