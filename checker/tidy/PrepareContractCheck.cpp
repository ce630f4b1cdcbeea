//===- PrepareContractCheck.cpp -------------------------------------------===//
#include "PrepareContractCheck.h"

#include "vmaprep/Classifier.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang::ast_matchers;

namespace clang::tidy::vmaprep {

PrepareContractCheck::PrepareContractCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ApiLevelOption(Options.get("ApiLevel", ::vmaprep::apiLevelName(::vmaprep::NewestApiLevel))),
      Target(::vmaprep::parseApiLevel(ApiLevelOption).value_or(::vmaprep::NewestApiLevel)) {}

void PrepareContractCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ApiLevel", ApiLevelOption);
}

void PrepareContractCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void PrepareContractCheck::check(const MatchFinder::MatchResult &Result) {
  ::vmaprep::TranslationUnitAnalysis Analysis = ::vmaprep::analyzeTranslationUnit(*Result.Context, Target);
  for (const ::vmaprep::AnalyzedHandler &A : Analysis.Handlers) {
    const FunctionDecl *Fn = A.Summary.Function ? A.Summary.Function : A.Handler.Function;
    for (const ::vmaprep::Reason &R : A.Result.Contract) {
      SourceLocation At =
          R.Effects.empty() ? Fn->getLocation() : A.Summary.Effects[R.Effects.front()].Node->getBeginLoc();
      diag(At, "%0") << ::vmaprep::contractBreachMessage(Fn->getName(), R);
      for (size_t I = 1; I < R.Effects.size(); ++I)
        diag(A.Summary.Effects[R.Effects[I]].Node->getBeginLoc(), "also here", DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::vmaprep
