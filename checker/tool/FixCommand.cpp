//===- FixCommand.cpp - plan, verify, then write --------------------------===//
//
// Analysis and application are separate steps (as in include-what-you-use):
//  1. every TU is analysed and each legacy handler defined in it gets a
//     MigrationPlan (all of its edits, or a refusal);
//  2. the rewritten files are parsed again with the TU's own flags, from
//     memory: the file must compile, and each converted handler must analyse
//     as an mmap_prepare handler that acquires nothing (the stateless-hook
//     contract); a handler that fails is dropped and the rest re-verified;
//     then the original handler and its rewrite, each lowered to a
//     HandlerProgram from its own parse, are run side by side on the runtime
//     model (ProgramExecution.h); a rewrite that behaves differently, or that
//     the model cannot run, is dropped too (--no-validate skips this);
//  3. only then is anything written: in place (atomically, and only if the
//     file did not change meanwhile), as a unified diff, as YAML for
//     clang-apply-replacements, or as one patch per file.
//
//===----------------------------------------------------------------------===//
#include "FixCommand.h"
#include "FormatEdits.h"
#include "PatchSeries.h"
#include "driver/CommandLine.h"
#include "driver/Config.h"
#include "driver/CrashIsolation.h"
#include "driver/TranslationUnitRunner.h"
#include "findings/FindingFilters.h"
#include "findings/Outputs.h"
#include "findings/Paths.h"
#include "findings/SafeFileWriter.h"
#include "findings/UnifiedDiff.h"
#ifdef VMAPREP_HAVE_MODEL
#include "validation/ProgramExecution.h"
#endif

#include "vmaprep/ApiDetection.h"
#include "vmaprep/ApiLevel.h"
#include "vmaprep/HandlerProgram.h"
#include "vmaprep/Rewriter.h"
#include "vmaprep/SourceResolution.h"
#include "vmaprep/TranslationUnitAnalysis.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <optional>
#include <set>

using namespace clang;

namespace vmaprep {

namespace {

enum ExitCode { ExitDone = 0, ExitLeft = 1, ExitError = 2 };

struct HandlerOutcome {
  MigrationPlan Plan;
  SourceSite Where;
  bool Verified = false;
  std::string VerifyError;
  HandlerProgram Original; // lowered from the first parse, for validation
  std::string Validation;  // what validation on the model showed, for the remark
  /// The original returns something other than a negative constant somewhere:
  /// validation that never saw it succeed proved its error paths only.
  bool MaySucceed = true;
  bool WeaklyValidated = false;
};

struct FileWork {
  ApiLevel Target = NewestApiLevel; // --api, or what --api auto found
  std::string Detection;            // --api auto's evidence
  std::string Path;                 // absolute
  std::string Original;             // contents the plans were made against
  std::vector<HandlerOutcome> Handlers;
  std::string Rewritten;
  std::vector<TextEdit> Edits;
  std::string FormatNote; // why the tree's .clang-format was not applied
  /// The compiler's warnings on the original, under the TU's own flags: a
  /// rewrite may not add one.
  std::vector<CompilerWarning> OriginalWarnings;
};

struct FixOptions {
  InputOptions Inputs;
  bool DryRun = false;
  bool Format = true;                // the tree's .clang-format on the changed lines
  bool Validate = true;              // run the original and the rewrite on the model
  bool AcceptWeakValidation = false; // write rewrites proved on error paths only
  std::string ExportFixes, PatchesDir, Root;
  std::string Author, Base, ConfigPath; // --author, --base, --config
  bool Signoff = false, NoConfig = false;
};

const char *const Usage = R"(usage: vmaprep fix [-p BUILD_DIR] [FILES...] [options]
       vmaprep fix FILE... -- COMPILER_FLAGS

Rewrites legacy .mmap handlers that convert mechanically into .mmap_prepare
handlers, in place. Every rewrite is parsed again before it is written.

options:
  -p DIR                directory holding compile_commands.json
  --api LEVEL           target kernel API level, or auto to read it off the
                        tree's headers (default @NEWEST@)
  -j N                  parallel jobs (default: all cores)
  --dry-run             print a unified diff, change nothing
  --export-fixes FILE   write YAML for clang-apply-replacements-19, change nothing
  --patches DIR         write a git format-patch series (cover letter and one
                        numbered patch per file) for git am, change nothing;
                        earlier NNNN-*.patch files in DIR are removed
  --author WHO          the patches' author, 'Name <email>' (default: git's
                        configured user.name and user.email)
  --signoff             add Signed-off-by: the author certifies the DCO
  --base REV            record base-commit: REV in the cover letter
  --no-format           do not apply the tree's .clang-format to the changed lines
  --no-validate         do not run the original and the rewrite side by side on
                        the runtime model before writing (faster; the rewrite is
                        still re-parsed and re-analysed)
  --accept-weak-validation
                        also write rewrites whose validation saw fewer than 10
                        successful calls of the original (proved on error paths
                        only), saying so
  --root DIR            the tree: fix rewrites files inside DIR only, and paths
                        in diffs and patches are relative to it (default: the
                        directory the compile commands run in, or the sources of
                        an out-of-tree kernel build, else the compile database's
                        directory, or .; files may also lie in the git work tree
                        around it)
  --config FILE         read api: and exclude: from FILE instead of the nearest
                        .vmaprep.yaml
  --no-config           ignore .vmaprep.yaml files

Handlers marked // NOLINT(vmaprep-legacy-mmap) (or NOLINTNEXTLINE, or inside
NOLINTBEGIN/NOLINTEND) are left alone, as check does not report them.
Diagnostics and the summary go to stderr; stdout carries only the diff.

exit codes: 0 done: every handler converted, or left with the reason the
analysis gives (vmaprep check reports those); 1 a rewrite fix planned failed
verification or validation and was not written; 2 usage or input error
)";

int usageError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\nrun 'vmaprep fix --help' for usage\n";
  return ExitError;
}

std::string relativeTo(llvm::StringRef Path, llvm::StringRef Root) {
  llvm::SmallString<256> R(Root);
  llvm::sys::path::remove_dots(R, true);
  if (!R.empty() && Path.starts_with(R) && Path.size() > R.size() && Path[R.size()] == '/')
    return Path.substr(R.size() + 1).str();
  return Path.str();
}

/// Writes one output through the safe writer; an error names the file and
/// counts against the run, which goes on with the other files.
bool writeOutput(llvm::StringRef Path, llvm::StringRef Content) {
  std::string Note;
  std::string Err = writeFileSafely(Path, Content, &Note);
  if (!Note.empty())
    llvm::errs() << "vmaprep: note: " << Note << "\n";
  if (Err.empty())
    return true;
  llvm::errs() << "vmaprep: error: " << Err << "\n";
  return false;
}

const llvm::StringRef FixOptionNames[] = {"--dry-run",      "--no-format", "--no-validate", "--accept-weak-validation",
                                          "--export-fixes", "--patches",   "--root",        "--author",
                                          "--signoff",      "--base",      "--config",      "--no-config"};

/// The top of the git work tree holding \p Dir, if any.
std::optional<std::string> gitTopLevel(llvm::StringRef Dir) {
  for (llvm::SmallString<256> D(Dir); !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Git(D);
    llvm::sys::path::append(Git, ".git");
    if (llvm::sys::fs::exists(Git))
      return std::string(D);
    if (llvm::sys::path::parent_path(D) == D)
      break;
  }
  return std::nullopt;
}

/// \p Path with symbolic links resolved (a link inside the tree to a file
/// outside it is outside), or made absolute without them if it cannot be.
std::string resolvedPath(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Path, Real))
    return std::string(Real);
  return absoluteFilePath(Path.str());
}

std::string parseFixArgs(int Argc, const char **Argv, FixOptions &Out) {
  return parseInputOptions(
      Argc, Argv, Out.Inputs,
      [&](int Argc, const char **Argv, int &I, std::string &Err) {
        llvm::StringRef A(Argv[I]);
        if (A == "--dry-run") {
          Out.DryRun = true;
          return true;
        }
        if (A == "--no-format") {
          Out.Format = false;
          return true;
        }
        if (A == "--no-validate") {
          Out.Validate = false;
          return true;
        }
        if (A == "--accept-weak-validation") {
          Out.AcceptWeakValidation = true;
          return true;
        }
        if (A == "--signoff") {
          Out.Signoff = true;
          return true;
        }
        if (A == "--no-config") {
          Out.NoConfig = true;
          return true;
        }
        for (auto [Flag, Value] : {std::pair{"--export-fixes", &Out.ExportFixes},
                                   {"--patches", &Out.PatchesDir},
                                   {"--root", &Out.Root},
                                   {"--author", &Out.Author},
                                   {"--base", &Out.Base},
                                   {"--config", &Out.ConfigPath}})
          if (isOption(A, Flag)) {
            Err = optionValue(Argc, Argv, I, Flag, *Value);
            if (Err.empty() && Value->empty())
              Err = std::string(Flag) + " needs a value";
            return true;
          }
        return false;
      },
      FixOptionNames);
}

/// The files of .vmaprep.yaml's exclude: are not touched; returns how many.
unsigned excludeConfigured(std::vector<std::string> &Files, const Config &Cfg) {
  if (Cfg.Exclude.empty())
    return 0;
  size_t Before = Files.size();
  llvm::erase_if(Files, [&](const std::string &F) { return isExcluded(F, Cfg.Exclude, Cfg.Dir); });
  return unsigned(Before - Files.size());
}

/// Handlers under NOLINT(vmaprep-legacy-mmap) are left alone, read exactly
/// as check reads them (the same index, at the same location); returns how
/// many.
unsigned dropNolint(std::vector<FileWork> &Work) {
  NolintIndex Nolint;
  unsigned Dropped = 0;
  for (FileWork &W : Work) {
    size_t Before = W.Handlers.size();
    llvm::erase_if(W.Handlers,
                   [&](const HandlerOutcome &H) { return Nolint.suppresses(H.Where, "vmaprep-legacy-mmap"); });
    Dropped += Before - W.Handlers.size();
  }
  return Dropped;
}

/// What the patch writers need to know of a file's verified rewrites.
ConvertedFile convertedFile(const FileWork &W, const std::string &Rel) {
  ConvertedFile F{W.Path, Rel, W.Original, W.Edits, W.Target, {}};
  for (const HandlerOutcome &H : W.Handlers)
    if (H.Verified)
      F.Handlers.push_back({H.Plan.Function, H.Plan.NewFunction, H.Plan.Changes, H.Validation});
  return F;
}

/// Diagnostics go to stderr, as a compiler's do: stdout carries only the
/// diff of --dry-run.
void diag(const SourceSite &At, llvm::StringRef Level, const std::string &Msg) {
  writeDiagnostic(llvm::errs(), At.str(), Level, Msg, "vmaprep-legacy-mmap");
}

/// Whether \p Fn has a return that is not a negative constant (an errno):
/// snd_compr_mmap() and snd_disconnect_mmap() have none, and their error
/// paths are the whole of what validation can prove.
bool maySucceed(const FunctionDecl *Fn, ASTContext &Ctx) {
  struct Returns : RecursiveASTVisitor<Returns> {
    ASTContext &Ctx;
    bool Success = false;
    explicit Returns(ASTContext &Ctx) : Ctx(Ctx) {}
    bool VisitReturnStmt(ReturnStmt *RS) {
      Expr::EvalResult R;
      const Expr *V = RS->getRetValue();
      if (!V || V->isValueDependent() || !V->EvaluateAsInt(R, Ctx) || !R.Val.getInt().isNegative())
        Success = true;
      return !Success;
    }
  } R(Ctx);
  if (!Fn->hasBody())
    return true; // generic_file_mmap: the model runs the kernel's own
  R.TraverseStmt(Fn->getBody());
  return R.Success;
}

/// Step 1: one plan per legacy handler defined (or, for generic_file_mmap,
/// registered) in each TU's main file.
void planAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work,
             std::vector<TranslationUnitStatus> &Status) {
  Work.resize(In.Files.size());
  Status = runOnTranslationUnits(
      *In.Database, In.Files, Opt.Inputs.Jobs,
      [&](size_t I, ASTContext &Ctx) {
        const SourceManager &SM = Ctx.getSourceManager();
        FileWork &W = Work[I];
        W.Path = In.Files[I];
        W.Original = SM.getBufferData(SM.getMainFileID()).str();
        W.Target = Opt.Inputs.Target;
        bool Predates = false;
        if (Opt.Inputs.AutoApi) {
          DetectedApi Found = detectApiLevel(Ctx);
          W.Target = Found.Level.value_or(NewestApiLevel);
          W.Detection = Found.Evidence;
          Predates = !Found.Level;
        }
        TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
        for (const AnalyzedHandler &A : Analysis.Handlers) {
          if (A.Handler.Kind != HookKind::LegacyMmap)
            continue;
          const FunctionDecl *Fn = A.Summary.Function ? A.Summary.Function : A.Handler.Function;
          bool Here = A.Summary.BodyVisible
                          ? SM.isInMainFile(SM.getExpansionLoc(Fn->getLocation()))
                          : !A.Handler.Sites.empty() &&
                                SM.isInMainFile(SM.getExpansionLoc(A.Handler.Sites.front().Init->getBeginLoc()));
          if (!Here)
            continue;
          HandlerOutcome O;
          O.Plan = planMigration(A, Analysis, Ctx, W.Target);
          if (Predates) {
            O.Plan = MigrationPlan();
            O.Plan.Function = Fn->getName().str();
            O.Plan.Refusal = predatesRefusal(W.Detection);
            O.Plan.Kind = RefusalKind::Semantic;
          }
          if (O.Plan.Applicable && Opt.Validate) {
            O.Original = lowerHandler(Fn, Ctx);
            O.MaySucceed = maySucceed(Fn, Ctx);
          }
          O.Where = A.Summary.BodyVisible ? resolveSite(Fn->getLocation(), SM, Ctx.getLangOpts())
                                          : A.Handler.Sites.front().Where;
          W.Handlers.push_back(std::move(O));
        }
      },
      {}, FunctionBodies::All, /*KeepWarnings=*/true);
  // A TU that crashed half way left half its plans: none of them is trusted.
  for (size_t I = 0; I < Status.size(); ++I)
    if (!Status[I].Analysed)
      Work[I] = FileWork();
  for (size_t I = 0; I < Work.size(); ++I)
    Work[I].OriginalWarnings = Status[I].Warnings;
}

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

/// Combines the applicable plans of one file; a plan whose edits overlap an
/// earlier one is dropped.
void combine(FileWork &W, bool Format) {
  W.Edits.clear();
  for (HandlerOutcome &H : W.Handlers) {
    if (!H.Plan.Applicable || !H.VerifyError.empty())
      continue;
    std::vector<TextEdit> Merged = W.Edits;
    Merged.insert(Merged.end(), H.Plan.Edits.begin(), H.Plan.Edits.end());
    std::sort(Merged.begin(), Merged.end(), [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
    bool Overlap = false;
    for (size_t K = 1; K < Merged.size(); ++K)
      Overlap |= Merged[K].Offset < Merged[K - 1].Offset + Merged[K - 1].Length;
    if (Overlap) {
      H.VerifyError = "its edits overlap another handler's in the same file";
      continue;
    }
    W.Edits = std::move(Merged);
  }
  if (Format)
    W.Edits = formatChangedLines(W.Path, W.Original, W.Edits, W.FormatNote);
  W.Rewritten = applyEdits(W.Original, W.Edits);
}

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

/// Step 2: parse the rewritten files again and check every converted handler.
void verifyAll(CompilationInputs &In, const FixOptions &Opt, std::vector<FileWork> &Work) {
  for (int Round = 0; Round < 3; ++Round) {
    std::vector<std::string> Files;
    std::vector<size_t> Index;
    std::map<std::string, std::string> Overlay;
    for (size_t I = 0; I < Work.size(); ++I) {
      combine(Work[I], Opt.Format);
      if (Work[I].Edits.empty())
        continue;
      Files.push_back(Work[I].Path);
      Index.push_back(I);
      Overlay[Work[I].Path] = Work[I].Rewritten;
    }
    if (Files.empty())
      return;
    std::vector<std::vector<AnalyzedHandler>> Seen(Files.size());
    std::vector<std::map<std::string, std::string>> Problems(Files.size());
    std::vector<std::map<std::string, HandlerProgram>> Rewrites(Files.size());
    // Where each converted handler lies in the rewritten file, to charge a
    // new warning to the handler it is in.
    std::vector<std::map<std::string, std::pair<unsigned, unsigned>>> Extents(Files.size());
    std::vector<TranslationUnitStatus> Status = runOnTranslationUnits(
        *In.Database, Files, Opt.Inputs.Jobs,
        [&](size_t K, ASTContext &Ctx) {
          FileWork &W = Work[Index[K]];
          TranslationUnitAnalysis Analysis = analyzeTranslationUnit(Ctx, W.Target);
          for (HandlerOutcome &H : W.Handlers) {
            if (!H.Plan.Applicable || !H.VerifyError.empty())
              continue;
            std::string Problem = "the rewrite does not register '" + H.Plan.NewFunction + "' as .mmap_prepare";
            for (const AnalyzedHandler &A : Analysis.Handlers) {
              llvm::StringRef Name = A.Handler.Function->getName();
              if (Name == H.Plan.Function && A.Handler.Kind == HookKind::LegacyMmap) {
                Problem = "'" + H.Plan.Function + "' is still registered as .mmap";
                break;
              }
              if (Name == H.Plan.NewFunction && A.Handler.Kind == HookKind::MmapPrepare) {
                Problem.clear();
                for (const VmaEffect &E : A.Summary.Effects)
                  if (E.Kind == EffectKind::StateChange || E.Kind == EffectKind::Escape)
                    Problem = "the rewritten hook is not stateless: " + E.Text;
                if (Opt.Validate)
                  Rewrites[K][H.Plan.Function] = lowerHandler(A.Handler.Function, Ctx);
                const SourceManager &SM = Ctx.getSourceManager();
                SourceRange R = A.Handler.Function->getSourceRange();
                SourceLocation B = SM.getExpansionLoc(R.getBegin()), E = SM.getExpansionLoc(R.getEnd());
                if (SM.isWrittenInMainFile(B) && SM.isWrittenInMainFile(E))
                  Extents[K][H.Plan.Function] = {SM.getFileOffset(B), SM.getFileOffset(E)};
              }
            }
            if (!Problem.empty())
              Problems[K][H.Plan.Function] = Problem;
          }
        },
        Overlay, FunctionBodies::All, /*KeepWarnings=*/true);
    bool Dropped = false;
    for (size_t K = 0; K < Files.size(); ++K) {
      FileWork &W = Work[Index[K]];
      // A new warning (an error under CONFIG_WERROR) drops the handler it is
      // in, or, outside every converted handler, all of the file's.
      for (const CompilerWarning &New : newWarnings(W.OriginalWarnings, Status[K].Warnings)) {
        bool InOne = false;
        for (const auto &[Name, Extent] : Extents[K])
          InOne |= Extent.first <= New.Offset && New.Offset <= Extent.second;
        for (HandlerOutcome &H : W.Handlers) {
          if (!H.Plan.Applicable || !H.VerifyError.empty())
            continue;
          auto It = Extents[K].find(H.Plan.Function);
          bool Here = It != Extents[K].end() && It->second.first <= New.Offset && New.Offset <= It->second.second;
          if (!Here && InOne)
            continue;
          Dropped = true;
          H.VerifyError = "the rewrite adds a compiler warning the original does not have (line " +
                          std::to_string(lineAt(W.Rewritten, New.Offset)) + " of the rewritten file): " + New.Text;
        }
      }
      for (HandlerOutcome &H : W.Handlers) {
        if (!H.Plan.Applicable || !H.VerifyError.empty())
          continue;
        if (!Status[K].Analysed) {
          H.VerifyError = Status[K].Crash.empty() ? "the rewritten file does not compile: " + Status[K].Error
                                                  : "vmaprep crashed on the rewritten file with " + Status[K].Crash;
          Dropped = true;
        } else if (Problems[K].count(H.Plan.Function)) {
          H.VerifyError = Problems[K][H.Plan.Function];
          Dropped = true;
        } else if (Opt.Validate && !validateOnModel(H, Rewrites[K][H.Plan.Function], Opt.AcceptWeakValidation)) {
          Dropped = true;
        } else {
          H.Verified = true;
        }
      }
    }
    if (!Dropped)
      return;
    // Re-verify what is left of the files that lost a handler.
    for (FileWork &W : Work)
      for (HandlerOutcome &H : W.Handlers)
        H.Verified = false;
  }
}

} // namespace

int runFixCommand(int Argc, const char **Argv) {
  for (int I = 0; I < Argc; ++I)
    if (llvm::StringRef(Argv[I]) == "-h" || llvm::StringRef(Argv[I]) == "--help") {
      // The default level from the one table (ApiLevels.def).
      std::string Text = Usage;
      Text.replace(Text.find("@NEWEST@"), 8, apiLevelName(NewestApiLevel).str());
      llvm::outs() << Text;
      return ExitDone;
    }
  FixOptions Opt;
  if (std::string Err = parseFixArgs(Argc, Argv, Opt); !Err.empty())
    return usageError(Err);
  // The tree's .vmaprep.yaml as check reads it: api:, exclude:.
  Config Cfg;
  if (std::string Err = loadTreeConfig(Opt.Inputs, Opt.ConfigPath, Opt.NoConfig, Cfg); !Err.empty()) {
    llvm::errs() << "vmaprep: error: " << Err << "\n";
    return ExitError;
  }
  CompilationInputs In = loadInputs(Opt.Inputs);
  unsigned Excluded = excludeConfigured(In.Files, Cfg);
  for (const InputError &E : In.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
  if (!In.Database)
    return ExitError;
  // Paths in diffs and patches are relative to the tree: the directory the
  // compile commands run in (a kernel database kept elsewhere still names
  // the tree there), or the sources of an out-of-tree kernel build (make O=
  // leaves a `source` link in the build directory), else the database's own
  // directory.
  std::string Root = Opt.Root;
  if (Root.empty() && !In.DatabasePath.empty()) {
    std::vector<tooling::CompileCommand> Commands = In.Database->getAllCompileCommands();
    std::string Dir = Commands.empty() ? "" : absoluteFilePath(Commands.front().Directory);
    llvm::SmallString<256> Sources;
    if (!Dir.empty() && !llvm::sys::fs::real_path(Dir + "/source", Sources))
      Sources = absoluteFilePath(std::string(Sources));
    auto HoldsAll = [&](llvm::StringRef D) {
      bool All = !D.empty();
      for (const std::string &F : In.Files)
        All &= llvm::StringRef(F).starts_with((D + "/").str());
      return All;
    };
    Root = HoldsAll(Dir)       ? Dir
           : HoldsAll(Sources) ? std::string(Sources)
                               : llvm::sys::path::parent_path(In.DatabasePath).str();
  }
  if (Root.empty())
    Root = ".";
  Root = absoluteFilePath(Root);
  // fix writes only inside the tree: --root, else that root widened to the
  // git work tree around it (a database in a build directory). A database
  // entry that names a file elsewhere ("../outside/victim.c", or a link to
  // it) is refused, whatever mode writes.
  {
    const std::string WriteRoot = resolvedPath(Opt.Root.empty() ? gitTopLevel(Root).value_or(Root) : Root);
    std::vector<std::string> Inside;
    for (std::string &F : In.Files) {
      if (!relativeToRoot(resolvedPath(F), WriteRoot).empty()) {
        Inside.push_back(std::move(F));
        continue;
      }
      std::string Message = "outside the tree root " + WriteRoot + " (--root sets it); not rewritten";
      llvm::errs() << "vmaprep: error: " << F << ": " << Message << "\n";
      In.Errors.push_back({F, Message});
    }
    In.Files = std::move(Inside);
  }

  std::vector<FileWork> Work;
  std::vector<TranslationUnitStatus> Status;
  planAll(In, Opt, Work, Status);
  unsigned Suppressed = dropNolint(Work);
  bool Errors = !In.Errors.empty();
  for (size_t I = 0; I < Status.size(); ++I)
    if (!Status[I].Analysed) {
      llvm::errs() << "vmaprep: error: " << In.Files[I] << ": " << notAnalysedReason(Status[I]) << "\n";
      Errors = true;
    }
  verifyAll(In, Opt, Work);
  for (FileWork &W : Work) {
    // Only what was verified is written.
    for (HandlerOutcome &H : W.Handlers)
      if (!H.Verified && H.Plan.Applicable && H.VerifyError.empty())
        H.VerifyError = "not verified";
    combine(W, Opt.Format);
  }

  if (Opt.Inputs.AutoApi) {
    std::set<std::string> Seen;
    // Only TUs with a handler decide: a host program (scripts/, tools/)
    // sees no kernel headers and says nothing about the tree.
    for (const FileWork &W : Work)
      if (!W.Path.empty() && !W.Handlers.empty() && Seen.insert(W.Detection).second)
        llvm::errs() << "vmaprep: note: --api auto: " << W.Detection << " (API level " << apiLevelName(W.Target)
                     << ")\n";
  }
  unsigned Converted = 0, Left = 0, Dropped = 0, FilesChanged = 0, NotWritten = 0;
  std::string Diffs;
  std::vector<ConvertedFile> Series;
  std::vector<LeftHandler> LeftOver;
  for (FileWork &W : Work) {
    for (const HandlerOutcome &H : W.Handlers) {
      if (H.Verified) {
        ++Converted;
        diag(H.Where, "remark",
             "converted '" + H.Plan.Function + "' to '" + H.Plan.NewFunction + "'" +
                 (H.Validation.empty() ? "" : " (" + H.Validation + ")"));
        for (const std::string &D : H.Plan.Differences)
          diag(H.Where, "note", "the rewrite differs on purpose: " + D);
        continue;
      }
      ++Left;
      Dropped += H.Plan.Applicable;
      std::string Why = !H.Plan.Applicable ? H.Plan.Refusal : "rewrite not applied: " + H.VerifyError;
      LeftOver.push_back({relativeTo(W.Path, Root), H.Plan.Function, Why});
      diag(H.Where, "warning", "'" + H.Plan.Function + "' not converted: " + Why);
      if (!H.Plan.Applicable && H.Plan.RefusalSite.valid() && !(H.Plan.RefusalSite == H.Where))
        diag(H.Plan.RefusalSite, "note", "here");
    }
    if (W.Edits.empty())
      continue;
    if (!W.FormatNote.empty())
      llvm::errs() << "vmaprep: note: " << W.Path << ": " << W.FormatNote << "\n";
    ++FilesChanged;
    std::string Rel = relativeTo(W.Path, Root);
    if (Opt.DryRun)
      Diffs += unifiedDiff(Rel, W.Original, W.Edits);
    Series.push_back(convertedFile(W, Rel));
    if (Opt.DryRun || !Opt.PatchesDir.empty() || !Opt.ExportFixes.empty())
      continue;
    // In place, only if nobody changed the file since it was analysed.
    auto Now = llvm::MemoryBuffer::getFile(W.Path);
    if (!Now || (*Now)->getBuffer() != W.Original) {
      llvm::errs() << "vmaprep: error: " << W.Path << ": changed while vmaprep ran; not written\n";
      Errors = true;
      ++NotWritten;
      continue;
    }
    if (!writeOutput(W.Path, W.Rewritten)) {
      Errors = true;
      ++NotWritten;
    }
  }
  if (!Opt.ExportFixes.empty()) {
    Errors |= !writeOutput(Opt.ExportFixes, exportFixesYaml(Series));
  }
  if (!Opt.PatchesDir.empty() && !Series.empty()) {
    SeriesOptions SO;
    SO.Dir = Opt.PatchesDir;
    SO.Root = Root;
    SO.Author = Opt.Author;
    SO.Signoff = Opt.Signoff;
    SO.Base = Opt.Base;
    SO.Validated = Opt.Validate;
    SO.Command = commandLine("vmaprep fix", Argc, Argv, Root);
    for (const std::string &E : writePatchSeries(Series, LeftOver, SO)) {
      llvm::errs() << "vmaprep: error: " << E << "\n";
      Errors = true;
    }
  }
  llvm::outs() << Diffs;
  llvm::outs().flush();
  const char *Mode = Opt.DryRun                                              ? "would change"
                     : (!Opt.PatchesDir.empty() || !Opt.ExportFixes.empty()) ? "exported"
                                                                             : "changed";
  llvm::errs() << "vmaprep: converted " << Converted << " of " << (Converted + Left) << " legacy handlers (API level "
               << apiLevelName(Opt.Inputs.Target) << "); " << Mode << " " << (FilesChanged - NotWritten) << " file"
               << (FilesChanged - NotWritten == 1 ? "" : "s")
               << (NotWritten ? "; " + std::to_string(NotWritten) + " not written (errors above)" : std::string())
               << "; " << Left << " left";
  if (Dropped)
    llvm::errs() << " (" << Dropped << " whose rewrite failed verification)";
  if (Suppressed)
    llvm::errs() << "; " << Suppressed << " skipped by NOLINT";
  if (Excluded)
    llvm::errs() << "; " << Excluded << " file" << (Excluded == 1 ? "" : "s") << " excluded by " << Cfg.Path;
  llvm::errs() << "\n";
  if (Errors)
    return ExitError;
  // Handlers the analysis refuses are findings for check; fix fails only when
  // a rewrite it planned could not be verified, which wants a human.
  return Dropped ? ExitLeft : ExitDone;
}

} // namespace vmaprep
