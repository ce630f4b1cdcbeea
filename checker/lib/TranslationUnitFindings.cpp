//===- TranslationUnitFindings.cpp ----------------------------------------===//
#include "vmaprep/TranslationUnitFindings.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/SourceResolution.h"
#include "vmaprep/TranslationUnitAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include <algorithm>

using namespace clang;

namespace vmaprep {

static OpsSiteReport reportSite(const OpsSite &S) {
  return {S.Record, S.Member, S.Table, opsSiteFormName(S.Form).str(), S.Where};
}

TranslationUnitFindings makeFindings(const TranslationUnitAnalysis &Analysis, ASTContext &Ctx, ApiLevel Target,
                                     llvm::StringRef NoRewrite, bool AcrossFiles) {
  const SourceManager &SM = Ctx.getSourceManager();
  TranslationUnitFindings F;
  auto Report = [&](const AnalyzedHandler &A) {
    HandlerReport R;
    const FunctionDecl *Fn = A.Summary.Function ? A.Summary.Function : A.Handler.Function;
    R.Function = Fn->getName().str();
    // A handler whose body is elsewhere (drm_gem_mmap, generic_file_mmap) is
    // reported where this TU registers it, not at its header declaration:
    // each driver that uses it is its own finding.
    R.Where = A.Summary.BodyVisible || A.Handler.Sites.empty() ? resolveSite(Fn->getLocation(), SM, Ctx.getLangOpts())
                                                               : A.Handler.Sites.front().Where;
    R.Kind = A.Handler.Kind;
    R.BodyVisible = A.Summary.BodyVisible;
    R.IsStatic = Fn->getStorageClass() == SC_Static;
    for (const FunctionDecl *D : Fn->redecls())
      if (!D->isThisDeclarationADefinition())
        R.Declarations.push_back(resolveSite(D->getLocation(), SM, Ctx.getLangOpts()));
    std::sort(R.Declarations.begin(), R.Declarations.end());
    for (const OpsSite &S : A.Handler.Sites)
      R.Sites.push_back(reportSite(S));
    R.Result = A.Result;
    for (const VmaEffect &E : A.Summary.Effects) {
      EffectReport ER;
      ER.Kind = E.Kind;
      ER.Name = E.Name;
      ER.Detail = E.Detail;
      ER.Text = E.Text;
      ER.ErrorValue = E.ErrorValue;
      ER.Operands = E.Operands;
      ER.Where = E.Where;
      ER.Via = E.Via;
      ER.FedBy = E.FedBy;
      ER.Bounds = E.Bounds;
      ER.SizeValue = E.SizeValue;
      ER.InLoop = E.InLoop;
      ER.Range = E.Range;
      ER.Use = E.Use;
      R.Effects.push_back(std::move(ER));
    }
    if (A.Handler.Kind == HookKind::LegacyMmap) {
      // The plan fix would make (one truth): planning is cheap next to the parse.
      RewriteOutlook O;
      O.NewFunction = preparedName(R.Function);
      if (!NoRewrite.empty()) {
        O.Refusal = NoRewrite.str();
      } else {
        // As fix plans: over a database, a handler with external linkage is
        // planned here and joined with the other TUs at the merge.
        MigrationPlan Plan = planMigration(A, Analysis, Ctx, Target,
                                           AcrossFiles ? MigrationScope::Database : MigrationScope::TranslationUnit);
        O.Available = Plan.Applicable;
        O.Refusal = Plan.Refusal;
        // fix parses the configuration that compiles the skipped code too
        // (planVariants()); check parses one, and cannot promise the rewrite.
        if (Plan.SkippedVariant &&
            planMigration(A, Analysis, Ctx, Target,
                          AcrossFiles ? MigrationScope::Database : MigrationScope::TranslationUnit,
                          {Plan.SkippedVariant->Macro})
                .Applicable)
          O.Refusal += "; vmaprep fix parses the file again " + describeVariant(*Plan.SkippedVariant) +
                       " and rewrites it if it converts there too";
        O.RefusalSite = Plan.RefusalSite;
        O.Kind = Plan.Kind;
        O.Differences = Plan.Differences;
        if (AcrossFiles && awaitsDefinitionElsewhere(A)) {
          MigrationPlan Part = planRegistration(A, Ctx, Target);
          O.Registration = RegistrationOutlook{Part.Applicable, Part.Refusal, Part.RefusalSite};
        }
      }
      R.Rewrite = std::move(O);
    }
    return R;
  };
  for (const AnalyzedHandler &A : Analysis.Handlers)
    F.Handlers.push_back(Report(A));
  for (const AnalyzedHandler &A : Analysis.ExternalDefinitions)
    F.ExternalDefinitions.push_back(Report(A));
  F.ExternalUses = externalHandlerUses(Analysis, Ctx);
  for (size_t I = 0; I < Analysis.Inventory.SubsystemHooks.size(); ++I) {
    const SubsystemHook &H = Analysis.Inventory.SubsystemHooks[I];
    SubsystemHookReport R{H.Function->getName().str(), reportSite(H.Site), false, {}};
    if (I < Analysis.SubsystemHooks.size() && Analysis.SubsystemHooks[I].Summary.BodyVisible) {
      R.BodyVisible = true;
      R.Result = Analysis.SubsystemHooks[I].Result;
    }
    F.SubsystemHooks.push_back(std::move(R));
  }
  F.BothHooks = Analysis.Inventory.BothHooks;
  for (const UnresolvedSite &U : Analysis.Inventory.Unresolved)
    F.Unresolved.push_back({reportSite(U.Site), U.Expression});
  return F;
}

} // namespace vmaprep
