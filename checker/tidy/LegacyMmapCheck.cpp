//===- LegacyMmapCheck.cpp ------------------------------------------------===//
#include "LegacyMmapCheck.h"

#include "vmaprep/ApiDetection.h"
#include "vmaprep/Classifier.h"
#include "vmaprep/FindingNotes.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "vmaprep/TranslationUnitFindings.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang::ast_matchers;

namespace clang::tidy::vmaprep {

using ::vmaprep::AnalyzedHandler;
using ::vmaprep::HookKind;
using ::vmaprep::MigrationPlan;
using ::vmaprep::TextEdit;
using ::vmaprep::TranslationUnitAnalysis;

LegacyMmapCheck::LegacyMmapCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ApiLevelOption(Options.get("ApiLevel", ::vmaprep::apiLevelName(::vmaprep::NewestApiLevel))),
      AutoApi(ApiLevelOption == "auto"),
      Target(::vmaprep::parseApiLevel(ApiLevelOption).value_or(::vmaprep::NewestApiLevel)),
      FixGenericMmap(Options.get("FixGenericMmap", true)) {
  if (!AutoApi && !::vmaprep::parseApiLevel(ApiLevelOption))
    configurationDiag("invalid ApiLevel '%0' (%1, auto); using %2")
        << ApiLevelOption << ::vmaprep::apiLevelList() << ::vmaprep::apiLevelName(::vmaprep::NewestApiLevel);
}

void LegacyMmapCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ApiLevel", ApiLevelOption);
  Options.store(Opts, "FixGenericMmap", FixGenericMmap);
}

void LegacyMmapCheck::registerMatchers(MatchFinder *Finder) {
  // The analysis walks the whole TU once, as the CLI does.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void LegacyMmapCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  const SourceManager &SM = Ctx.getSourceManager();
  // ApiLevel: auto reads the level off the TU's headers, as `vmaprep check
  // --api auto` does; a tree from before mmap_prepare gets no fix.
  ::vmaprep::ApiLevel Target = this->Target;
  std::string NoRewrite;
  if (AutoApi) {
    ::vmaprep::DetectedApi Found = ::vmaprep::detectApiLevel(Ctx);
    Target = Found.Level.value_or(::vmaprep::NewestApiLevel);
    if (!Found.Level)
      NoRewrite = ::vmaprep::predatesRefusal(Found.Evidence);
  }
  TranslationUnitAnalysis Analysis = ::vmaprep::analyzeTranslationUnit(Ctx, Target);
  // The findings and notes `vmaprep check` prints, from the same calls.
  ::vmaprep::TranslationUnitFindings Findings = ::vmaprep::makeFindings(Analysis, Ctx, Target, NoRewrite);
  FileID Main = SM.getMainFileID();
  SourceLocation MainStart = SM.getLocForStartOfFile(Main);

  for (size_t I = 0; I < Analysis.Handlers.size(); ++I) {
    const AnalyzedHandler &A = Analysis.Handlers[I];
    const ::vmaprep::HandlerReport &H = Findings.Handlers[I];
    if (A.Handler.Kind != HookKind::LegacyMmap)
      continue;
    if (!A.Summary.BodyVisible && !FixGenericMmap)
      continue;
    const FunctionDecl *Fn = A.Summary.Function ? A.Summary.Function : A.Handler.Function;
    // Where the CLI reports it: the definition, or the registering table for
    // a handler defined elsewhere.
    SourceLocation At = location(SM, H.Where);
    if (At.isInvalid())
      At = Fn->getLocation();
    MigrationPlan Plan;
    if (NoRewrite.empty())
      Plan = ::vmaprep::planMigration(A, Analysis, Ctx, Target);
    {
      // The message check prints, with its "(in expansion of macro ...)" for
      // a table a macro wrote (vgem's DEFINE_DRM_GEM_FOPS).
      auto Diag = diag(At, "%0") << ::vmaprep::withMacroSuffix(
                      H.Where, ::vmaprep::legacyHandlerMessage(Fn->getName(), A.Result, Target));
      if (Plan.Applicable)
        for (const TextEdit &E : Plan.Edits) {
          SourceLocation B = MainStart.getLocWithOffset(E.Offset);
          Diag << FixItHint::CreateReplacement(CharSourceRange::getCharRange(B, B.getLocWithOffset(E.Length)), E.Text);
        }
    } // notes only once the warning's builder is gone
    for (const ::vmaprep::FindingNote &N : ::vmaprep::legacyHandlerNotes(H, /*ShowReads=*/false)) {
      SourceLocation NoteAt = location(SM, N.Where);
      diag(NoteAt.isValid() ? NoteAt : At, "%0", DiagnosticIDs::Note) << ::vmaprep::withMacroSuffix(N.Where, N.Text);
    }
  }
}

/// \p Site (file, line, column as check prints them) in \p SM, or an
/// invalid location for a file this TU did not read.
SourceLocation LegacyMmapCheck::location(const SourceManager &SM, const ::vmaprep::SourceSite &Site) {
  if (!Site.valid())
    return {};
  auto File = SM.getFileManager().getOptionalFileRef(Site.File);
  if (!File)
    return {};
  return SM.translateFileLineCol(*File, Site.Line, Site.Column);
}

} // namespace clang::tidy::vmaprep
