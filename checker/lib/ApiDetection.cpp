//===- ApiDetection.cpp ---------------------------------------------------===//
#include "vmaprep/ApiDetection.h"
#include "vmaprep/KernelApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Path.h"

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

namespace {

bool pointsToRecord(clang::QualType T, llvm::StringRef Record) {
  if (const auto *PT = T.getCanonicalType()->getAs<PointerType>())
    if (const auto *RT = PT->getPointeeType()->getAs<RecordType>())
      return RT->getDecl()->getName() == Record;
  return false;
}

/// The arguments of `name(a, b(c, d), e)`, split at the top level.
llvm::SmallVector<llvm::StringRef, 4> twinArguments(llvm::StringRef Twin) {
  llvm::StringRef Inner = Twin.drop_front(Twin.find('(') + 1).drop_back();
  llvm::SmallVector<llvm::StringRef, 4> Args;
  unsigned Depth = 0;
  size_t Start = 0;
  for (size_t I = 0; I < Inner.size(); ++I) {
    if (Inner[I] == '(')
      ++Depth;
    else if (Inner[I] == ')')
      --Depth;
    else if (Inner[I] == ',' && Depth == 0) {
      Args.push_back(Inner.slice(Start, I).trim());
      Start = I + 1;
    }
  }
  if (!Inner.trim().empty())
    Args.push_back(Inner.drop_front(Start).trim());
  return Args;
}

} // namespace

std::string missingTwin(ASTContext &Ctx, llvm::StringRef Twin) {
  llvm::StringRef Callee;
  if (!isCallTwin(Twin, &Callee) || !findRecord(Ctx, "vm_area_desc"))
    return "";
  const FunctionDecl *Declared = nullptr;
  for (const NamedDecl *D : Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Callee)))
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      Declared = FD;
  if (!Declared)
    return Callee.str() + "() is not declared";
  llvm::SmallVector<llvm::StringRef, 4> Args = twinArguments(Twin);
  bool Fits = Declared->getNumParams() == Args.size() && !Declared->isVariadic();
  for (unsigned I = 0; Fits && I < Args.size(); ++I) {
    clang::QualType T = Declared->getParamDecl(I)->getType();
    Fits = Args[I] == "desc" ? pointsToRecord(T, "vm_area_desc") : !pointsToRecord(T, "vm_area_struct");
  }
  if (Fits)
    return "";
  const SourceManager &SM = Ctx.getSourceManager();
  PresumedLoc At = SM.getPresumedLoc(SM.getExpansionLoc(Declared->getLocation()));
  // The header as the tree names it (include/linux/dax.h), not where the
  // tree happens to be: reasons feed fingerprints and baselines.
  std::string Where;
  if (At.isValid()) {
    llvm::StringRef File = At.getFilename();
    size_t Include = File.rfind("/include/");
    File = Include == llvm::StringRef::npos ? llvm::sys::path::filename(File) : File.drop_front(Include + 1);
    Where = " at " + File.str() + ":" + std::to_string(At.getLine());
  }
  return Callee.str() + "() is declared as " + Declared->getType().getAsString() + Where;
}

} // namespace vmaprep
