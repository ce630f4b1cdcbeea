//===- TranslationUnitAnalysis.cpp ----------------------------------------===//
#include "vmaprep/TranslationUnitAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

using namespace clang;

namespace vmaprep {

TranslationUnitAnalysis analyzeTranslationUnit(ASTContext &Ctx, ApiLevel Target) {
  TranslationUnitAnalysis Analysis;
  Analysis.Inventory = findHandlers(Ctx);
  auto Analyse = [&](const RegisteredHandler &H) {
    AnalyzedHandler A;
    A.Handler = H;
    A.Summary = summarizeHandler(H.Function, Ctx);
    A.Result = classify(H, A.Summary, Target);
    return A;
  };
  for (const RegisteredHandler &H : Analysis.Inventory.Handlers)
    Analysis.Handlers.push_back(Analyse(H));
  for (const RegisteredHandler &H : Analysis.Inventory.ExternalDefinitions)
    Analysis.ExternalDefinitions.push_back(Analyse(H));
  // A subsystem hook takes the VMA where its subsystem puts it (fb_mmap(info,
  // vma)); summarizeHandler() finds VMA parameters by type, so the one
  // analysis classifies it as it would a file_operations handler.
  for (const SubsystemHook &H : Analysis.Inventory.SubsystemHooks) {
    const FunctionDecl *Def = H.Function ? H.Function->getDefinition() : nullptr;
    if (Def && Def->hasBody())
      Analysis.SubsystemHooks.push_back(Analyse(RegisteredHandler{Def, HookKind::LegacyMmap, {H.Site}}));
    else
      Analysis.SubsystemHooks.push_back(AnalyzedHandler{});
  }
  // A table with both hooks makes mmap(2) fail whatever the handler does.
  for (const BothHooksTable &Both : Analysis.Inventory.BothHooks)
    for (AnalyzedHandler &A : Analysis.Handlers)
      if (A.Handler.Kind == HookKind::LegacyMmap && A.Handler.Function &&
          A.Handler.Function->getName() == Both.MmapFunction) {
        A.Result.Kind = VerdictKind::InvalidBothHooks;
        A.Result.Reasons.insert(A.Result.Reasons.begin(),
                                {"both-hooks",
                                 "'" + Both.Table + "' also sets .mmap_prepare = " + Both.MmapPrepareFunction +
                                     "; the kernel refuses such a file (mmap(2) fails with -ENODEV)",
                                 {}});
      }
  return Analysis;
}

} // namespace vmaprep
