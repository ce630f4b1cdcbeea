//===- CheckCommand.cpp ---------------------------------------------------===//
//
// Runs the analysis over every TU (TranslationUnitRunner) and merges the
// findings: a handler defined in a header is seen by every TU that includes it
// and reported once, with all its sites.
//
//===----------------------------------------------------------------------===//
#include "CheckCommand.h"

#include "TranslationUnitRunner.h"
#include "vmaprep/ApiDetection.h"

#include "clang/AST/ASTContext.h"
#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

using namespace clang;
using namespace clang::tooling;

namespace vmaprep {

namespace {

/// Merges \p Findings into \p Result, once per handler definition.
class FindingsMerger {
public:
  explicit FindingsMerger(CheckResult &Result) : Result(Result) {}

  void add(TranslationUnitFindings &&F) {
    for (HandlerReport &H : F.Handlers) {
      auto Key = std::make_tuple(H.Where.File, H.Where.Line, H.Where.Column, H.Function);
      auto [It, Inserted] = HandlerIndex.try_emplace(Key, Result.Handlers.size());
      if (Inserted) {
        Result.Handlers.push_back(std::move(H));
        continue;
      }
      HandlerReport &Known = Result.Handlers[It->second];
      for (OpsSiteReport &S : H.Sites)
        if (!containsSite(Known.Sites, S))
          Known.Sites.push_back(std::move(S));
    }
    for (SubsystemHookReport &H : F.SubsystemHooks)
      if (SeenHooks.insert(H.Site.Where.str() + "|" + H.Function).second)
        Result.SubsystemHooks.push_back(std::move(H));
    for (BothHooksTable &B : F.BothHooks)
      if (SeenBoth.insert(B.Where.str()).second)
        Result.BothHooks.push_back(std::move(B));
    for (UnresolvedReport &U : F.Unresolved)
      if (SeenUnresolved.insert(U.Site.Where.str()).second)
        Result.Unresolved.push_back(std::move(U));
  }

private:
  CheckResult &Result;
  std::map<std::tuple<std::string, unsigned, unsigned, std::string>, size_t> HandlerIndex;
  std::set<std::string> SeenHooks, SeenBoth, SeenUnresolved;

  static bool containsSite(const std::vector<OpsSiteReport> &Sites, const OpsSiteReport &S) {
    for (const OpsSiteReport &K : Sites)
      if (K.Where == S.Where && K.Member == S.Member && K.Table == S.Table)
        return true;
    return false;
  }
};

} // namespace

bool hasFindings(const CheckResult &R) {
  for (const HandlerReport &H : R.Handlers)
    if (H.Kind == HookKind::LegacyMmap)
      return true;
  return !R.BothHooks.empty() || !R.Unresolved.empty();
}

CheckResult runCheck(CompilationInputs &Inputs, const CheckOptions &Options) {
  CheckResult Result;
  Result.Target = Options.Target;
  Result.Errors = Inputs.Errors;
  Result.DuplicateEntries = Inputs.DuplicateEntries;
  if (!Inputs.Database)
    return Result;

  std::vector<TranslationUnitFindings> Findings(Inputs.Files.size());
  std::vector<std::string> Detections(Inputs.Files.size());
  std::vector<std::optional<ApiLevel>> Levels(Inputs.Files.size());
  std::vector<TranslationUnitStatus> Status = runOnTranslationUnits(
      *Inputs.Database, Inputs.Files, Options.Jobs, [&](size_t I, clang::ASTContext &Ctx) {
        ApiLevel Target = Options.Target;
        if (Options.AutoApi) {
          DetectedApi Found = detectApiLevel(Ctx);
          Target = Found.Level.value_or(NewestApiLevel);
          Detections[I] = (Found.Level ? apiLevelName(*Found.Level).str() : std::string("none")) + ": " +
                          Found.Evidence;
          Levels[I] = Target;
        }
        TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, Target);
        Findings[I] = makeFindings(Analysis, Ctx);
      });

  FindingsMerger Merger(Result);
  for (size_t I = 0; I < Status.size(); ++I) {
    Result.DroppedFlags.insert(Status[I].DroppedFlags.begin(), Status[I].DroppedFlags.end());
    if (!Status[I].Analysed) {
      Result.Errors.push_back({Inputs.Files[I], "does not compile, not analysed: " + Status[I].Error});
      continue;
    }
    ++Result.FilesAnalysed;
    Merger.add(std::move(Findings[I]));
    if (!Detections[I].empty() &&
        std::find(Result.ApiDetections.begin(), Result.ApiDetections.end(), Detections[I]) ==
            Result.ApiDetections.end()) {
      Result.ApiDetections.push_back(Detections[I]);
      Result.Target = *Levels[I];
    }
  }
  return Result;
}

} // namespace vmaprep
