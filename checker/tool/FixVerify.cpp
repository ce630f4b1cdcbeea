//===- FixVerify.cpp - fix's step 2: parse again, check, validate ---------===//
#include "FixWork.h"
#ifdef VMAPREP_HAVE_MODEL
#include "driver/CrashIsolation.h"
#include "validation/ProgramExecution.h"
#endif

#include "vmaprep/TranslationUnitAnalysis.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace vmaprep {

namespace {

/// The warnings of \p Rewritten that \p Original does not have, compared by
/// message (a rewrite moves lines), as many times as they are new.
std::vector<CompilerWarning> newWarnings(const std::vector<CompilerWarning> &Original,
                                         const std::vector<CompilerWarning> &Rewritten) {
  std::map<std::string, unsigned> Before;
  for (const CompilerWarning &W : Original)
    ++Before[W.Text];
  std::vector<CompilerWarning> New;
  for (const CompilerWarning &W : Rewritten) {
    unsigned &Left = Before[W.Text];
    if (Left)
      --Left;
    else
      New.push_back(W);
  }
  return New;
}

unsigned lineAt(llvm::StringRef Text, unsigned Offset) { return 1 + unsigned(Text.take_front(Offset).count('\n')); }

/// Runs the original handler and its rewrite on the model; false (with
/// VerifyError set) when they differ or cannot be run.
bool validateOnModel(HandlerOutcome &H, const HandlerProgram &Rewrite, bool AcceptWeak) {
#ifdef VMAPREP_HAVE_MODEL
  if (!H.Validation.empty())
    return true; // validated in an earlier round
  ValidateRun Run;
  // A crash of the interpreter is a refusal of this handler, not of the run.
  std::string Crash = runIsolated([&] { Run = runProgramValidation(H.Original, Rewrite); });
  if (!Crash.empty()) {
    H.VerifyError = "the interpreter crashed with " + Crash + " while validating it (please report it)";
    return false;
  }
  if (!Run.Error.empty()) {
    H.VerifyError =
        "it could not be validated on the runtime model: " + Run.Error + " (--no-validate writes it without)";
    return false;
  }
  if (!Run.Divergences.empty()) {
    const ValidateDivergence &D = Run.Divergences.front();
    H.VerifyError = "validation on the runtime model: in scenario '" + D.Scenario + "', " + D.Field + " is " +
                    D.Original + " for the original and " + D.Rewrite + " for the rewrite";
    return false;
  }
  if (!Run.Problems.empty()) {
    H.VerifyError = "validation on the runtime model: " + Run.Problems.front();
    return false;
  }
  // Fewer than this many successful calls of an original that can succeed
  // proved its error paths, not what it maps.
  constexpr int StrongSuccesses = 10;
  // The interpreter knows more than the AST scan: a success return behind a constant condition
  // (mtdchar_mmap's `if (0 /* !CONFIG_MMU */)`) is never reached.
  H.MaySucceed &= Run.OriginalMaySucceed;
  H.WeaklyValidated = H.MaySucceed && Run.SucceededRuns < StrongSuccesses;
  std::string Counts =
      std::to_string(Run.Scenarios) + " scenario runs, " + std::to_string(Run.SucceededRuns) + " hook calls succeeded";
  if (H.WeaklyValidated && !AcceptWeak) {
    H.VerifyError = "proved on error paths only: validation on the runtime model saw " + Counts + " (fewer than " +
                    std::to_string(StrongSuccesses) +
                    "), so what the handler maps was not compared (--accept-weak-validation writes it)";
    return false;
  }
  H.Validation =
      (H.WeaklyValidated ? "proved on error paths only on the runtime model: " : "validated on the runtime model: ") +
      Counts;
  if (!H.MaySucceed)
    H.Validation += ", every return of the original is an error";
  if (Run.AcceptedMerges)
    H.Validation += ", " + std::to_string(Run.AcceptedMerges) + " differing only by the intended merge";
  if (Run.AcceptedIgnoredFailures)
    H.Validation +=
        ", " + std::to_string(Run.AcceptedIgnoredFailures) + " failing where the original dropped a mapping error";
  return true;
#else
  (void)H;
  (void)Rewrite;
  (void)AcceptWeak;
  return true;
#endif
}

/// A handler, by where its outcome lives: Work[W].Handlers[H].
using HandlerIndex = std::pair<size_t, size_t>;

/// What one TU's re-parse must show: the handlers defined in it converted,
/// the registrations it holds of handlers defined elsewhere renamed, and, for
/// handlers whose edited headers it only includes, that it still compiles
/// without a new warning.
struct ReparseScope {
  size_t Work = 0;
  std::vector<size_t> Defined;
  std::vector<HandlerIndex> Registered, Including;
  template <typename F> void forEachInvolved(std::vector<FileWork> &All, F Fn) {
    for (size_t J : Defined)
      Fn(All[Work].Handlers[J]);
    for (const HandlerIndex &R : Registered)
      Fn(All[R.first].Handlers[R.second]);
    for (const HandlerIndex &R : Including)
      Fn(All[R.first].Handlers[R.second]);
  }
};

const AnalyzedHandler *findHandler(const std::vector<AnalyzedHandler> &List, llvm::StringRef Name, HookKind Kind) {
  for (const AnalyzedHandler &A : List)
    if (A.Handler.Function && A.Handler.Function->getName() == Name && A.Handler.Kind == Kind)
      return &A;
  return nullptr;
}

/// The re-parse of each configuration variant a converted handler's plan
/// covers (planVariants()); true when a handler was dropped.
template <typename FailFn>
bool verifyVariants(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work,
                    const std::vector<ReparseScope> &Scopes, const std::vector<std::string> &Files,
                    const std::map<std::string, std::string> &Overlay, FailFn &Fail) {
  bool Dropped = false;
  std::map<std::pair<std::string, bool>, std::vector<size_t>> ByVariant; // indexes into Scopes
  for (size_t K = 0; K < Scopes.size(); ++K)
    for (size_t J : Scopes[K].Defined) {
      const HandlerOutcome &H = Work[Scopes[K].Work].Handlers[J];
      if (H.Variant && H.VerifyError.empty()) {
        std::vector<size_t> &L = ByVariant[{H.Variant->Macro, H.Variant->Defined}];
        if (L.empty() || L.back() != K)
          L.push_back(K);
      }
    }
  for (const auto &Entry : ByVariant) {
    ConfigurationVariant V{Entry.first.first, Entry.first.second, ""};
    const std::vector<size_t> &Ks = Entry.second;
    VariantHeader Header = variantHeader(V);
    std::map<std::string, std::string> WithHeader = Overlay;
    WithHeader[Header.Path] = Header.Text;
    std::vector<std::string> Paths;
    for (size_t K : Ks)
      Paths.push_back(Files[K]);
    std::vector<std::map<size_t, std::string>> Problems(Ks.size());
    auto Mine = [&](const HandlerOutcome &H) {
      return H.Variant && H.Variant->Macro == V.Macro && H.Variant->Defined == V.Defined && H.VerifyError.empty();
    };
    std::vector<TranslationUnitStatus> Status = runOnTranslationUnits(
        *In.Database, Paths, Opt.Inputs.Jobs,
        [&](size_t I, ASTContext &Ctx) {
          FileWork &W = Work[Scopes[Ks[I]].Work];
          TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
          for (size_t J : Scopes[Ks[I]].Defined) {
            const HandlerOutcome &H = W.Handlers[J];
            if (!Mine(H))
              continue;
            const AnalyzedHandler *New = findHandler(Analysis.Handlers, H.Plan.NewFunction, HookKind::MmapPrepare);
            if (!New && H.External)
              New = findHandler(Analysis.ExternalDefinitions, H.Plan.NewFunction, HookKind::MmapPrepare);
            if (findHandler(Analysis.Handlers, H.Plan.Function, HookKind::LegacyMmap))
              Problems[I][J] = "'" + H.Plan.Function + "' is still registered as .mmap";
            else if (!New)
              Problems[I][J] = "the rewrite does not register '" + H.Plan.NewFunction + "' as .mmap_prepare";
          }
        },
        WithHeader, FunctionBodies::All, /*KeepWarnings=*/true, Header.Args);
    for (size_t I = 0; I < Ks.size(); ++I) {
      FileWork &W = Work[Scopes[Ks[I]].Work];
      std::string Parsed = " (parsed " + describeVariant(V) + ")";
      for (size_t J : Scopes[Ks[I]].Defined) {
        HandlerOutcome &H = W.Handlers[J];
        if (!Mine(H))
          continue;
        std::string Why;
        if (!Status[I].Analysed)
          Why = "the rewritten file does not compile" + Parsed + ": " +
                (Status[I].Crash.empty() ? Status[I].Error : "vmaprep crashed with " + Status[I].Crash);
        else if (auto P = Problems[I].find(J); P != Problems[I].end())
          Why = P->second + Parsed;
        else
          for (const CompilerWarning &New : newWarnings(H.VariantWarnings, Status[I].Warnings)) {
            Why = "the rewrite adds a compiler warning the original does not have" + Parsed + ": " + New.Text;
            break;
          }
        if (!Why.empty()) {
          Fail(H, Why);
          Dropped = true;
        }
      }
    }
  }
  return Dropped;
}

} // namespace

/// Step 2: parse again every TU a rewrite touches (its main file, a table
/// that registers a handler defined elsewhere, an edited header it includes)
/// with all edited files overlaid, and check every converted handler.
void verifyAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work) {
  for (int Round = 0; Round < 3; ++Round) {
    EditedFiles Edited = combine(Work, Opt.Format);
    std::map<std::string, std::string> Overlay;
    for (const auto &[Path, E] : Edited.Files)
      Overlay[Path] = E.Rewritten;
    if (Overlay.empty())
      return;
    std::vector<ReparseScope> Scopes;
    std::vector<std::string> Files;
    for (size_t I = 0; I < Work.size(); ++I) {
      if (Work[I].Path.empty())
        continue;
      ReparseScope Scope;
      Scope.Work = I;
      for (size_t I2 = 0; I2 < Work.size(); ++I2)
        for (size_t J = 0; J < Work[I2].Handlers.size(); ++J) {
          const HandlerOutcome &H = Work[I2].Handlers[J];
          if (!H.Plan.Applicable || !H.VerifyError.empty())
            continue;
          if (I2 == I) {
            Scope.Defined.push_back(J);
          } else if (H.Registrars.count(I)) {
            Scope.Registered.push_back({I2, J});
          } else if (llvm::any_of(H.Plan.OtherFiles,
                                  [&](const FileEdits &F) { return Work[I].Included.count(F.File); })) {
            Scope.Including.push_back({I2, J});
          }
        }
      if (Scope.Defined.empty() && Scope.Registered.empty() && Scope.Including.empty())
        continue;
      Files.push_back(Work[I].Path);
      Scopes.push_back(std::move(Scope));
    }
    std::vector<std::map<size_t, std::string>> DefinedProblems(Files.size());
    std::vector<std::map<HandlerIndex, std::string>> RegisteredProblems(Files.size());
    std::vector<std::map<size_t, HandlerProgram>> Rewrites(Files.size());
    // Where each converted handler lies in the rewritten file, to charge a
    // new warning to the handler it is in.
    std::vector<std::map<size_t, std::pair<unsigned, unsigned>>> Extents(Files.size());
    std::vector<TranslationUnitStatus> Status = runOnTranslationUnits(
        *In.Database, Files, Opt.Inputs.Jobs,
        [&](size_t K, ASTContext &Ctx) {
          const ReparseScope &Scope = Scopes[K];
          FileWork &W = Work[Scope.Work];
          TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
          for (size_t J : Scope.Defined) {
            const HandlerOutcome &H = W.Handlers[J];
            std::string Problem;
            const AnalyzedHandler *New = findHandler(Analysis.Handlers, H.Plan.NewFunction, HookKind::MmapPrepare);
            if (!New && H.External)
              New = findHandler(Analysis.ExternalDefinitions, H.Plan.NewFunction, HookKind::MmapPrepare);
            if (findHandler(Analysis.Handlers, H.Plan.Function, HookKind::LegacyMmap)) {
              Problem = "'" + H.Plan.Function + "' is still registered as .mmap";
            } else if (!New) {
              Problem = "the rewrite does not register '" + H.Plan.NewFunction + "' as .mmap_prepare";
            } else {
              for (const VmaEffect &E : New->Summary.Effects)
                // Bookkeeping that is not per-mapping state stays in the hook
                // (docs/checks/legacy-mmap.md, `bookkeeping`).
                if ((E.Kind == EffectKind::StateChange && E.Tag != EffectTag::Bookkeeping) ||
                    E.Kind == EffectKind::Escape)
                  Problem = "the rewritten hook is not stateless: " + E.Text;
              if (Opt.Validate)
                Rewrites[K][J] = lowerHandler(New->Handler.Function, Ctx);
              const SourceManager &SM = Ctx.getSourceManager();
              SourceRange R = New->Handler.Function->getSourceRange();
              SourceLocation B = SM.getExpansionLoc(R.getBegin()), E = SM.getExpansionLoc(R.getEnd());
              if (SM.isWrittenInMainFile(B) && SM.isWrittenInMainFile(E))
                Extents[K][J] = {SM.getFileOffset(B), SM.getFileOffset(E)};
            }
            if (!Problem.empty())
              DefinedProblems[K][J] = Problem;
          }
          for (const HandlerIndex &R : Scope.Registered) {
            const HandlerOutcome &H = Work[R.first].Handlers[R.second];
            if (findHandler(Analysis.Handlers, H.Plan.Function, HookKind::LegacyMmap))
              RegisteredProblems[K][R] = "'" + H.Plan.Function + "' is still registered as .mmap in " + W.Path;
            else if (!findHandler(Analysis.Handlers, H.Plan.NewFunction, HookKind::MmapPrepare))
              RegisteredProblems[K][R] =
                  "the rewrite does not register '" + H.Plan.NewFunction + "' as .mmap_prepare in " + W.Path;
          }
        },
        Overlay, FunctionBodies::All, /*KeepWarnings=*/true);
    bool Dropped = false;
    auto Fail = [&](HandlerOutcome &H, const std::string &Why) {
      if (!H.VerifyError.empty())
        return;
      H.VerifyError = Why;
      Dropped = true;
    };
    for (size_t K = 0; K < Files.size(); ++K) {
      ReparseScope &Scope = Scopes[K];
      FileWork &W = Work[Scope.Work];
      if (!Status[K].Analysed) {
        std::string Why = Status[K].Crash.empty() ? "the rewritten file does not compile: " + Status[K].Error
                                                  : "vmaprep crashed on the rewritten file with " + Status[K].Crash;
        for (size_t J : Scope.Defined)
          Fail(W.Handlers[J], Why);
        // Another TU's handler: say which file stopped compiling.
        Scope.forEachInvolved(Work, [&](HandlerOutcome &H) { Fail(H, W.Path + ": " + Why); });
        continue;
      }
      // A new warning (an error under CONFIG_WERROR) drops the handler it is
      // in, or, outside every converted handler, every handler whose edits
      // this TU sees.
      for (const CompilerWarning &New : newWarnings(W.OriginalWarnings, Status[K].Warnings)) {
        std::string Why = "the rewrite adds a compiler warning the original does not have (line " +
                          std::to_string(lineAt(Overlay.count(W.Path) ? Overlay[W.Path] : W.Original, New.Offset)) +
                          " of " +
                          (!Overlay.count(W.Path)  ? W.Path
                           : Scope.Defined.empty() ? "the rewritten " + W.Path
                                                   : std::string("the rewritten file")) +
                          "): " + New.Text;
        bool InOne = false;
        for (const auto &[J, Extent] : Extents[K])
          if (Extent.first <= New.Offset && New.Offset <= Extent.second) {
            InOne = true;
            Fail(W.Handlers[J], Why);
          }
        if (!InOne)
          Scope.forEachInvolved(Work, [&](HandlerOutcome &H) { Fail(H, Why); });
      }
      for (auto &[J, Problem] : DefinedProblems[K])
        Fail(W.Handlers[J], Problem);
      for (auto &[R, Problem] : RegisteredProblems[K])
        Fail(Work[R.first].Handlers[R.second], Problem);
    }
    // The configuration variants the plans cover: each TU parsed again with
    // its macro flipped must compile, add no warning that configuration's
    // parse of the original did not have, and register the new hook.
    if (verifyVariants(In, Opt, Work, Scopes, Files, Overlay, Fail))
      Dropped = true;
    // Validation last: only for what every TU accepted.
    for (size_t K = 0; K < Files.size(); ++K)
      for (size_t J : Scopes[K].Defined) {
        HandlerOutcome &H = Work[Scopes[K].Work].Handlers[J];
        if (!H.VerifyError.empty())
          continue;
        if (Opt.Validate && !validateOnModel(H, Rewrites[K][J], Opt.AcceptWeakValidation))
          Dropped = true;
        else
          H.Verified = true;
      }
    if (!Dropped)
      return;
    // Re-verify what is left of the files that lost a handler.
    for (FileWork &W : Work)
      for (HandlerOutcome &H : W.Handlers)
        H.Verified = false;
  }
}

} // namespace vmaprep
