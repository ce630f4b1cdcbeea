//===- CheckCommand.cpp ---------------------------------------------------===//
//
// One ClangTool per translation unit, run on a thread pool: each TU gets its
// own FileManager and diagnostics, so a TU that does not compile is reported
// and the others go on. Findings are merged afterwards; a handler defined in a
// header is seen by every TU that includes it and reported once.
//
//===----------------------------------------------------------------------===//
#include "CheckCommand.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/Threading.h"
#include <map>
#include <mutex>
#include <tuple>

using namespace clang;
using namespace clang::tooling;

namespace vmaprep {

namespace {

struct TuOutcome {
  bool Parsed = false;
  bool HadErrors = false;
  std::string FirstError;
  TranslationUnitFindings Findings;
};

/// Keeps the first compiler error for the one-line report; prints nothing.
class FirstErrorCollector : public DiagnosticConsumer {
public:
  explicit FirstErrorCollector(TuOutcome &Out) : Out(Out) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error || !Out.FirstError.empty())
      return;
    llvm::SmallString<256> Msg;
    Info.FormatDiagnostic(Msg);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P = Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid())
        Where = std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) + ": ";
    }
    Out.FirstError = Where + std::string(Msg);
  }

private:
  TuOutcome &Out;
};

class AnalysisConsumer : public ASTConsumer {
public:
  AnalysisConsumer(TuOutcome &Out, ApiLevel Target) : Out(Out), Target(Target) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    Out.Parsed = true;
    if (Ctx.getDiagnostics().hasErrorOccurred()) {
      Out.HadErrors = true;
      return; // an AST with errors would give findings nobody can trust
    }
    TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, Target);
    Out.Findings = makeFindings(Analysis, Ctx);
  }

private:
  TuOutcome &Out;
  ApiLevel Target;
};

class AnalysisAction : public ASTFrontendAction {
public:
  AnalysisAction(TuOutcome &Out, ApiLevel Target) : Out(Out), Target(Target) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, StringRef) override {
    return std::make_unique<AnalysisConsumer>(Out, Target);
  }

private:
  TuOutcome &Out;
  ApiLevel Target;
};

class AnalysisActionFactory : public FrontendActionFactory {
public:
  AnalysisActionFactory(TuOutcome &Out, ApiLevel Target) : Out(Out), Target(Target) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<AnalysisAction>(Out, Target);
  }

private:
  TuOutcome &Out;
  ApiLevel Target;
};

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

  std::vector<TuOutcome> Outcomes(Inputs.Files.size());
  std::vector<std::set<std::string>> Dropped(Inputs.Files.size());
  unsigned Jobs = Options.Jobs ? Options.Jobs : llvm::hardware_concurrency().compute_thread_count();
  llvm::StdThreadPool Pool(llvm::hardware_concurrency(Jobs));
  for (size_t I = 0; I < Inputs.Files.size(); ++I) {
    Pool.async([&, I] {
      const std::string &File = Inputs.Files[I];
      // A private physical file system per tool: the real one's working
      // directory is the process's, and ClangTool changes it per command.
      ClangTool Tool(*Inputs.Database, {File}, std::make_shared<PCHContainerOperations>(),
                     llvm::vfs::createPhysicalFileSystem());
      std::set<std::string> &DroppedHere = Dropped[I];
      Tool.appendArgumentsAdjuster(
          [&DroppedHere](const CommandLineArguments &Args, StringRef) {
            return stripGccOnlyFlags(Args, DroppedHere);
          });
      // The analysis needs the AST, not the compiler's warnings; -w also keeps
      // CONFIG_WERROR's -Werror from stopping it.
      Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster({"-w", "-fno-caret-diagnostics"}, ArgumentInsertPosition::END));
      Tool.setPrintErrorMessage(false);
      FirstErrorCollector Diags(Outcomes[I]);
      Tool.setDiagnosticConsumer(&Diags);
      AnalysisActionFactory Factory(Outcomes[I], Options.Target);
      int Rc = Tool.run(&Factory);
      if (Rc != 0 && !Outcomes[I].HadErrors && Outcomes[I].FirstError.empty())
        Outcomes[I].FirstError = "the compiler could not run the compile command";
      if (Rc != 0)
        Outcomes[I].HadErrors = true;
    });
  }
  Pool.wait();

  FindingsMerger Merger(Result);
  for (size_t I = 0; I < Outcomes.size(); ++I) {
    Result.DroppedFlags.insert(Dropped[I].begin(), Dropped[I].end());
    TuOutcome &O = Outcomes[I];
    if (O.HadErrors || !O.Parsed) {
      Result.Errors.push_back({Inputs.Files[I], "does not compile, not analysed: " +
                                                    (O.FirstError.empty() ? std::string("unknown error")
                                                                          : O.FirstError)});
      continue;
    }
    ++Result.FilesAnalysed;
    Merger.add(std::move(O.Findings));
  }
  return Result;
}

} // namespace vmaprep
