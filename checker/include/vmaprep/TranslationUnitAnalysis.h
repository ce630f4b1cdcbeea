//===- TranslationUnitAnalysis.h - the pipeline over one TU ---------------===//
//
// HandlerFinder -> EffectAnalysis -> Classifier for one translation unit: the
// AST-level analysis, for front doors that edit code while the AST lives (the
// clang-tidy check, the rewriter). Its AST-free form, for front doors that
// outlive the TU, is TranslationUnitFindings.h; both come from the same call,
// so every front door reports the same facts.
//
//===----------------------------------------------------------------------===//
#ifndef VMAPREP_TRANSLATIONUNITANALYSIS_H
#define VMAPREP_TRANSLATIONUNITANALYSIS_H

#include "vmaprep/ApiLevel.h"
#include "vmaprep/Classifier.h"
#include "vmaprep/EffectAnalysis.h"
#include "vmaprep/HandlerFinder.h"
#include <vector>

namespace clang {
class ASTContext;
}

namespace vmaprep {

struct AnalyzedHandler {
  RegisteredHandler Handler;
  HandlerSummary Summary;
  Verdict Result;
};

struct TranslationUnitAnalysis {
  HandlerInventory Inventory;
  std::vector<AnalyzedHandler> Handlers;
  /// Inventory.ExternalDefinitions, analysed: no front door that works on
  /// one TU reports them; the whole-database join does when another TU
  /// registers them.
  std::vector<AnalyzedHandler> ExternalDefinitions;
  /// Inventory.SubsystemHooks whose body this TU has, classified as if their
  /// subsystem had a prepare hook (what converting the subsystem would cost),
  /// in the inventory's order; null Summary.Function where the body is elsewhere.
  std::vector<AnalyzedHandler> SubsystemHooks;
};

TranslationUnitAnalysis analyzeTranslationUnit(clang::ASTContext &Ctx, ApiLevel Target);

} // namespace vmaprep

#endif
