//===- TranslationUnitRunner.cpp ------------------------------------------===//
#include "driver/TranslationUnitRunner.h"
#include "driver/CompilationInputs.h"
#include "driver/CrashIsolation.h"
#include "vmaprep/HandlerFinder.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace clang;
using namespace clang::tooling;

namespace vmaprep {

namespace {

/// Keeps the first compiler error for the one-line report; prints nothing.
class FirstErrorCollector : public DiagnosticConsumer {
public:
  explicit FirstErrorCollector(TranslationUnitStatus &Out) : Out(Out) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level == DiagnosticsEngine::Warning && Info.hasSourceManager() && Info.getLocation().isValid()) {
      const SourceManager &SM = Info.getSourceManager();
      SourceLocation At = SM.getExpansionLoc(Info.getLocation());
      if (SM.isWrittenInMainFile(At)) {
        llvm::SmallString<256> Msg;
        Info.FormatDiagnostic(Msg);
        llvm::StringRef Option = DiagnosticIDs::getWarningOptionForDiag(Info.getID());
        Out.Warnings.push_back(
            {SM.getFileOffset(At), std::string(Msg) + (Option.empty() ? "" : " [-W" + Option.str() + "]")});
      }
    }
    if (Level < DiagnosticsEngine::Error || !Out.Error.empty())
      return;
    llvm::SmallString<256> Msg;
    Info.FormatDiagnostic(Msg);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P = Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid())
        Where = std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) + ": ";
    }
    Out.Error = Where + std::string(Msg);
  }

private:
  TranslationUnitStatus &Out;
};

class CallbackConsumer : public ASTConsumer {
public:
  CallbackConsumer(size_t Index, TranslationUnitStatus &Status, const TranslationUnitCallback &OnAst,
                   const SourceManager *SkipBodiesOutside)
      : Index(Index), Status(Status), OnAst(OnAst), SkipBodiesOutside(SkipBodiesOutside) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    Status.Analysed = true;
    OnAst(Index, Ctx);
  }
  // Asked only when the frontend skips bodies (FunctionBodies::MainFileAndHooks).
  bool shouldSkipFunctionBody(Decl *D) override {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    return SkipBodiesOutside && FD && !takesVmaOrDesc(FD) &&
           !SkipBodiesOutside->isInMainFile(SkipBodiesOutside->getExpansionLoc(FD->getLocation()));
  }

private:
  size_t Index;
  TranslationUnitStatus &Status;
  const TranslationUnitCallback &OnAst;
  const SourceManager *SkipBodiesOutside;
};

class CallbackActionFactory : public FrontendActionFactory {
public:
  CallbackActionFactory(size_t Index, TranslationUnitStatus &Status, const TranslationUnitCallback &OnAst,
                        FunctionBodies Bodies)
      : Index(Index), Status(Status), OnAst(OnAst), Bodies(Bodies) {}
  std::unique_ptr<FrontendAction> create() override {
    struct Action : ASTFrontendAction {
      CallbackActionFactory &F;
      explicit Action(CallbackActionFactory &F) : F(F) {}
      std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, StringRef) override {
        bool Skip = F.Bodies == FunctionBodies::MainFileAndHooks;
        // The parser asks the consumer about each body only with this set.
        CI.getFrontendOpts().SkipFunctionBodies = Skip;
        return std::make_unique<CallbackConsumer>(F.Index, F.Status, F.OnAst, Skip ? &CI.getSourceManager() : nullptr);
      }
    };
    return std::make_unique<Action>(*this);
  }

private:
  size_t Index;
  TranslationUnitStatus &Status;
  const TranslationUnitCallback &OnAst;
  FunctionBodies Bodies;
};

/// One TU's compile command, resolved in its own directory.
class ResolvedCommands : public CompilationDatabase {
public:
  std::vector<CompileCommand> Commands;
  std::vector<CompileCommand> getCompileCommands(StringRef) const override { return Commands; }
};

/// \p File's first command from \p Database, resolved; false with \p Error
/// set when a file the command names cannot be read. Only the first: ClangTool
/// runs every command it gets, and a file the database lists twice would be
/// analysed, and its handlers planned, twice.
bool resolveCommands(const CompilationDatabase &Database, const std::string &File, ResolvedCommands &Out,
                     std::string &Error) {
  std::vector<CompileCommand> All = Database.getCompileCommands(File);
  if (All.size() > 1)
    All.resize(1);
  for (CompileCommand &C : All) {
    llvm::Expected<CompileCommand> Resolved = resolveInCommandDirectory(std::move(C));
    if (!Resolved) {
      Error = llvm::toString(Resolved.takeError());
      return false;
    }
    Out.Commands.push_back(std::move(*Resolved));
  }
  return true;
}

} // namespace

std::vector<TranslationUnitStatus>
runOnTranslationUnits(const CompilationDatabase &Database, const std::vector<std::string> &Files, unsigned Jobs,
                      const TranslationUnitCallback &OnAst, const std::map<std::string, std::string> &Overlay,
                      FunctionBodies Bodies, bool KeepWarnings, const std::vector<std::string> &ExtraArgs) {
  std::vector<TranslationUnitStatus> Status(Files.size());
  if (Jobs == 0)
    Jobs = llvm::hardware_concurrency().compute_thread_count();
  llvm::StdThreadPool Pool(llvm::hardware_concurrency(Jobs));
  for (size_t I = 0; I < Files.size(); ++I) {
    Pool.async([&, I] {
      TranslationUnitStatus &S = Status[I];
      ResolvedCommands Commands;
      if (!resolveCommands(Database, Files[I], Commands, S.Error))
        return;
      // A crash in clang or in the analysis of this TU is an error for this
      // TU; the others go on.
      S.Crash = runIsolated([&] {
        ClangTool Tool(Commands, {Files[I]}, std::make_shared<PCHContainerOperations>(),
                       llvm::vfs::createPhysicalFileSystem());
        for (const auto &[Path, Content] : Overlay)
          Tool.mapVirtualFile(Path, Content);
        std::set<std::string> &Dropped = S.DroppedFlags;
        Tool.appendArgumentsAdjuster(
            [&Dropped](const CommandLineArguments &Args, StringRef) { return stripGccOnlyFlags(Args, Dropped); });
        // The analysis needs the AST, not the compiler's warnings; -w also keeps
        // CONFIG_WERROR's -Werror from stopping it. fix keeps the warnings (a
        // rewrite must not add one), with -Wno-error for the same reason.
        Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
            {KeepWarnings ? "-Wno-error" : "-w", "-fno-caret-diagnostics"}, ArgumentInsertPosition::END));
        // -Wno-error leaves -Werror=X an error (the kernel passes several):
        // each stays a warning, to be compared, not a reason the parse fails.
        if (KeepWarnings)
          Tool.appendArgumentsAdjuster([](const CommandLineArguments &Args, StringRef) {
            CommandLineArguments Out;
            for (const std::string &A : Args)
              Out.push_back(StringRef(A).starts_with("-Werror=") ? "-W" + A.substr(8) : A);
            return Out;
          });
        if (!ExtraArgs.empty())
          Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(ExtraArgs, ArgumentInsertPosition::END));
        Tool.setPrintErrorMessage(false);
        FirstErrorCollector Diags(S);
        Tool.setDiagnosticConsumer(&Diags);
        CallbackActionFactory Factory(I, S, OnAst, Bodies);
        int Rc = Tool.run(&Factory);
        if (Rc != 0)
          S.Analysed = false;
      });
      if (!S.Crash.empty())
        S.Analysed = false;
      else if (!S.Analysed && S.Error.empty())
        S.Error = "the compiler could not run the compile command";
    });
  }
  Pool.wait();
  return Status;
}

std::string notAnalysedReason(const TranslationUnitStatus &S) {
  if (!S.Crash.empty())
    return "vmaprep crashed on it with " + S.Crash + ", not analysed (please report it with the file)";
  return "does not compile, not analysed: " + S.Error;
}

} // namespace vmaprep
