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
#include "CommandLine.h"
#include "TranslationUnitRunner.h"
#include "FormatEdits.h"
#include "UnifiedDiff.h"
#ifdef VMAPREP_HAVE_MODEL
#include "ProgramExecution.h"
#endif

#include "vmaprep/ApiDetection.h"
#include "vmaprep/HandlerProgram.h"
#include "vmaprep/Rewriter.h"
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
  HandlerProgram Original;   // lowered from the first parse, for validation
  std::string Validation;    // what validation on the model showed, for the remark
  /// The original returns something other than a negative constant somewhere:
  /// validation that never saw it succeed proved its error paths only.
  bool MaySucceed = true;
  bool WeaklyValidated = false;
};

struct FileWork {
  ApiLevel Target = NewestApiLevel; // --api, or what --api auto found
  std::string Detection;            // --api auto's evidence
  std::string Path;     // absolute
  std::string Original; // contents the plans were made against
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
  bool Format = true; // the tree's .clang-format on the changed lines
  bool Validate = true; // run the original and the rewrite on the model
  bool AcceptWeakValidation = false; // write rewrites proved on error paths only
  std::string ExportFixes, PatchesDir, Root;
};

const char *const Usage = R"(usage: vmaprep fix [-p BUILD_DIR] [FILES...] [options]
       vmaprep fix FILE... -- COMPILER_FLAGS

Rewrites legacy .mmap handlers that convert mechanically into .mmap_prepare
handlers, in place. Every rewrite is parsed again before it is written.

options:
  -p DIR                directory holding compile_commands.json
  --api LEVEL           target kernel API level, or auto to read it off the
                        tree's headers (default 7.1)
  -j N                  parallel jobs (default: all cores)
  --dry-run             print a unified diff, change nothing
  --export-fixes FILE   write YAML for clang-apply-replacements-19, change nothing
  --patches DIR         write one git-format-patch-style patch per file, change nothing
  --no-format           do not apply the tree's .clang-format to the changed lines
  --no-validate         do not run the original and the rewrite side by side on
                        the runtime model before writing (faster; the rewrite is
                        still re-parsed and re-analysed)
  --accept-weak-validation
                        also write rewrites whose validation saw fewer than 10
                        successful calls of the original (proved on error paths
                        only), saying so
  --root DIR            paths in diffs and patches are relative to DIR
                        (default: the directory the compile commands run in,
                        else the compile database's directory, or .)

exit codes: 0 every legacy handler converted (or none), 1 some left, 2 usage or input error
)";

int usageError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\nrun 'vmaprep fix --help' for usage\n";
  return ExitError;
}

/// Subject prefix in kernel style, from the path: drivers/char/hpet.c ->
/// "char: hpet", fs/ext4/file.c -> "ext4". A maintainer edits it if needed.
std::string subsystemOf(llvm::StringRef Rel) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Rel.split(Parts, '/');
  if (Parts.size() > 1 && (Parts.front() == "drivers" || Parts.front() == "fs" || Parts.front() == "sound"))
    Parts.erase(Parts.begin());
  llvm::StringRef Stem = llvm::sys::path::stem(Parts.back());
  Parts.pop_back();
  if (Stem != "core" && Stem != "main" && Stem != "file" && (Parts.empty() || Parts.back() != Stem))
    Parts.push_back(Stem);
  std::string Out;
  for (llvm::StringRef P : Parts)
    Out += (Out.empty() ? "" : ": ") + P.str();
  return Out.empty() ? Stem.str() : Out;
}

std::string relativeTo(llvm::StringRef Path, llvm::StringRef Root) {
  llvm::SmallString<256> R(Root);
  llvm::sys::path::remove_dots(R, true);
  if (!R.empty() && Path.starts_with(R) && Path.size() > R.size() && Path[R.size()] == '/')
    return Path.substr(R.size() + 1).str();
  return Path.str();
}

/// Writes \p Content to \p Path through a temporary file in the same
/// directory and a rename: a reader sees the old file or the new one.
llvm::Error writeAtomically(llvm::StringRef Path, llvm::StringRef Content) {
  return llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
    OS << Content;
    return llvm::Error::success();
  });
}

std::string parseFixArgs(int Argc, const char **Argv, FixOptions &Out) {
  return parseInputOptions(Argc, Argv, Out.Inputs,
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
                             if (A.starts_with("--export-fixes")) {
                               Err = optionValue(Argc, Argv, I, "--export-fixes", Out.ExportFixes);
                               return true;
                             }
                             if (A.starts_with("--patches")) {
                               Err = optionValue(Argc, Argv, I, "--patches", Out.PatchesDir);
                               return true;
                             }
                             if (A.starts_with("--root")) {
                               Err = optionValue(Argc, Argv, I, "--root", Out.Root);
                               return true;
                             }
                             return false;
                           });
}

void diag(const SourceSite &At, llvm::StringRef Level, const std::string &Msg) {
  llvm::outs() << At.str() << ": " << Level << ": " << Msg << " [vmaprep-legacy-mmap]\n";
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
  Status = runOnTranslationUnits(*In.Database, In.Files, Opt.Inputs.Jobs, [&](size_t I, ASTContext &Ctx) {
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
                      : !A.Handler.Sites.empty() && SM.isInMainFile(SM.getExpansionLoc(A.Handler.Sites.front().Init->getBeginLoc()));
      if (!Here)
        continue;
      HandlerOutcome O;
      O.Plan = planMigration(A, Analysis, Ctx, W.Target);
      if (Predates) {
        O.Plan = MigrationPlan();
        O.Plan.Function = Fn->getName().str();
        O.Plan.Refusal = predatesRefusal(W.Detection);
      }
      if (O.Plan.Applicable && Opt.Validate) {
        O.Original = lowerHandler(Fn, Ctx);
        O.MaySucceed = maySucceed(Fn, Ctx);
      }
      O.Where = A.Summary.BodyVisible ? resolveSite(Fn->getLocation(), SM, Ctx.getLangOpts())
                                      : A.Handler.Sites.front().Where;
      W.Handlers.push_back(std::move(O));
    }
  }, {}, /*KeepWarnings=*/true);
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

unsigned lineAt(llvm::StringRef Text, unsigned Offset) {
  return 1 + unsigned(Text.take_front(Offset).count('\n'));
}

/// Combines the applicable plans of one file; a plan whose edits overlap an
/// earlier one is dropped.
void combine(FileWork &W, bool Format) {
  W.Edits.clear();
  for (HandlerOutcome &H : W.Handlers) {
    if (!H.Plan.Applicable || !H.VerifyError.empty())
      continue;
    std::vector<TextEdit> Merged = W.Edits;
    Merged.insert(Merged.end(), H.Plan.Edits.begin(), H.Plan.Edits.end());
    std::sort(Merged.begin(), Merged.end(),
              [](const TextEdit &A, const TextEdit &B) { return A.Offset < B.Offset; });
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
  ValidateRun Run = runProgramValidation(H.Original, Rewrite);
  if (!Run.Error.empty()) {
    H.VerifyError = "it could not be validated on the runtime model: " + Run.Error +
                    " (--no-validate writes it without)";
    return false;
  }
  if (!Run.Divergences.empty()) {
    const ValidateDivergence &D = Run.Divergences.front();
    H.VerifyError = "validation on the runtime model: in scenario '" + D.Scenario + "', " + D.Field +
                    " is " + D.Original + " for the original and " + D.Rewrite + " for the rewrite";
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
  std::string Counts = std::to_string(Run.Scenarios) + " scenario runs, " + std::to_string(Run.SucceededRuns) +
                       " hook calls succeeded";
  if (H.WeaklyValidated && !AcceptWeak) {
    H.VerifyError = "proved on error paths only: validation on the runtime model saw " + Counts +
                    " (fewer than " + std::to_string(StrongSuccesses) +
                    "), so what the handler maps was not compared (--accept-weak-validation writes it)";
    return false;
  }
  H.Validation = (H.WeaklyValidated ? "proved on error paths only on the runtime model: "
                                    : "validated on the runtime model: ") + Counts;
  if (!H.MaySucceed)
    H.Validation += ", every return of the original is an error";
  if (Run.AcceptedMerges)
    H.Validation += ", " + std::to_string(Run.AcceptedMerges) + " differing only by the intended merge";
  if (Run.AcceptedIgnoredFailures)
    H.Validation += ", " + std::to_string(Run.AcceptedIgnoredFailures) +
                    " failing where the original dropped a mapping error";
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
        Overlay, /*KeepWarnings=*/true);
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
          H.VerifyError = "the rewritten file does not compile: " + Status[K].Error;
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

void writeYaml(const std::vector<FileWork> &Work, llvm::raw_ostream &OS) {
  for (const FileWork &W : Work) {
    if (W.Edits.empty())
      continue;
    // One diagnostic per file: formatting may join the edits of two handlers.
    tooling::TranslationUnitDiagnostics TU;
    TU.MainSourceFile = W.Path;
    tooling::Diagnostic D;
    D.DiagnosticName = "vmaprep-legacy-mmap";
    D.Message.Message = "convert to mmap_prepare:";
    for (const HandlerOutcome &H : W.Handlers)
      if (H.Verified)
        D.Message.Message += " " + H.Plan.Function;
    D.Message.FilePath = W.Path;
    D.Message.FileOffset = 0;
    D.DiagLevel = tooling::Diagnostic::Warning;
    for (const TextEdit &E : W.Edits)
      llvm::consumeError(
          D.Message.Fix[W.Path].add(tooling::Replacement(W.Path, E.Offset, E.Length, E.Text)));
    TU.Diagnostics.push_back(std::move(D));
    llvm::yaml::Output YAML(OS);
    YAML << TU;
  }
}

std::string patchFor(const FileWork &W, llvm::StringRef Rel, ApiLevel Level) {
  DiffStat Stat;
  std::string Diff = unifiedDiff(Rel, W.Original, W.Edits, &Stat);
  std::string Subject = subsystemOf(Rel) + ": replace deprecated mmap hook with mmap_prepare";
  std::string Body;
  for (const HandlerOutcome &H : W.Handlers) {
    if (!H.Verified)
      continue;
    Body += "Convert " + H.Plan.Function + "() to the mmap_prepare hook:\n";
    for (const std::string &C : H.Plan.Changes)
      Body += "- " + C + "\n";
    Body += "\n";
  }
  std::string Out;
  Out += "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n";
  Out += "From: vmaprep <vmaprep@localhost>\n";
  Out += "Subject: [PATCH] " + Subject + "\n\n";
  Out += "The file_operations->mmap hook is deprecated in favour of ->mmap_prepare,\n"
         "which is called before the VMA exists and must not acquire state.\n\n";
  Out += Body;
  Out += "Generated by vmaprep for kernel API level " + apiLevelName(Level).str() +
         "; each rewrite was re-parsed and re-analysed before it was written.\n";
  Out += "---\n";
  Out += " " + Rel.str() + " | " + std::to_string(Stat.Insertions + Stat.Deletions) + " " +
         std::string(std::min<unsigned>(Stat.Insertions, 40), '+') +
         std::string(std::min<unsigned>(Stat.Deletions, 40), '-') + "\n";
  Out += " 1 file changed, " + std::to_string(Stat.Insertions) + " insertions(+), " +
         std::to_string(Stat.Deletions) + " deletions(-)\n\n";
  Out += "diff --git a/" + Rel.str() + " b/" + Rel.str() + "\n" + Diff;
  Out += "-- \nvmaprep\n";
  return Out;
}

} // namespace

int runFixCommand(int Argc, const char **Argv) {
  for (int I = 0; I < Argc; ++I)
    if (llvm::StringRef(Argv[I]) == "-h" || llvm::StringRef(Argv[I]) == "--help") {
      llvm::outs() << Usage;
      return ExitDone;
    }
  FixOptions Opt;
  if (std::string Err = parseFixArgs(Argc, Argv, Opt); !Err.empty())
    return usageError(Err);
  CompilationInputs In = loadInputs(Opt.Inputs);
  for (const InputError &E : In.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
  if (!In.Database)
    return ExitError;
  // Paths in diffs and patches are relative to the tree: the directory the
  // compile commands run in (a kernel database kept elsewhere still names
  // the tree there), else the database's own directory.
  std::string Root = Opt.Root;
  if (Root.empty() && !In.DatabasePath.empty()) {
    std::vector<tooling::CompileCommand> Commands = In.Database->getAllCompileCommands();
    std::string Dir = Commands.empty() ? "" : absoluteFilePath(Commands.front().Directory);
    bool Common = !Dir.empty();
    for (const std::string &F : In.Files)
      Common &= llvm::StringRef(F).starts_with(Dir + "/");
    Root = Common ? Dir : llvm::sys::path::parent_path(In.DatabasePath).str();
  }
  if (Root.empty())
    Root = ".";
  Root = absoluteFilePath(Root);

  std::vector<FileWork> Work;
  std::vector<TranslationUnitStatus> Status;
  planAll(In, Opt, Work, Status);
  bool Errors = !In.Errors.empty();
  for (size_t I = 0; I < Status.size(); ++I)
    if (!Status[I].Analysed) {
      llvm::errs() << "vmaprep: error: " << In.Files[I] << ": does not compile, not analysed: "
                   << Status[I].Error << "\n";
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
    for (const FileWork &W : Work)
      if (!W.Path.empty() && Seen.insert(W.Detection).second)
        llvm::errs() << "vmaprep: note: --api auto: " << W.Detection << " (API level "
                     << apiLevelName(W.Target) << ")\n";
  }
  unsigned Converted = 0, Left = 0, FilesChanged = 0;
  std::string Diffs;
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
      std::string Why = !H.Plan.Applicable ? H.Plan.Refusal : "rewrite not applied: " + H.VerifyError;
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
    if (!Opt.PatchesDir.empty()) {
      llvm::sys::fs::create_directories(Opt.PatchesDir);
      std::string Name = Rel;
      std::replace(Name.begin(), Name.end(), '/', '-');
      llvm::SmallString<256> PatchPath(Opt.PatchesDir);
      llvm::sys::path::append(PatchPath, Name + ".patch");
      if (llvm::Error E = writeAtomically(PatchPath, patchFor(W, Rel, W.Target))) {
        llvm::errs() << "vmaprep: error: " << PatchPath << ": " << llvm::toString(std::move(E)) << "\n";
        Errors = true;
      }
    }
    if (Opt.DryRun || !Opt.PatchesDir.empty() || !Opt.ExportFixes.empty())
      continue;
    // In place, only if nobody changed the file since it was analysed.
    auto Now = llvm::MemoryBuffer::getFile(W.Path);
    if (!Now || (*Now)->getBuffer() != W.Original) {
      llvm::errs() << "vmaprep: error: " << W.Path << ": changed while vmaprep ran; not written\n";
      Errors = true;
      continue;
    }
    if (llvm::Error E = writeAtomically(W.Path, W.Rewritten)) {
      llvm::errs() << "vmaprep: error: " << W.Path << ": " << llvm::toString(std::move(E)) << "\n";
      Errors = true;
    }
  }
  if (!Opt.ExportFixes.empty()) {
    std::string Yaml;
    llvm::raw_string_ostream OS(Yaml);
    writeYaml(Work, OS);
    OS.flush();
    if (llvm::Error E = writeAtomically(Opt.ExportFixes, Yaml)) {
      llvm::errs() << "vmaprep: error: " << Opt.ExportFixes << ": " << llvm::toString(std::move(E)) << "\n";
      Errors = true;
    }
  }
  llvm::outs() << Diffs;
  const char *Mode = Opt.DryRun ? "would change" : (!Opt.PatchesDir.empty() || !Opt.ExportFixes.empty()) ? "exported" : "changed";
  llvm::outs() << "vmaprep: converted " << Converted << " of " << (Converted + Left)
               << " legacy handlers (API level " << apiLevelName(Opt.Inputs.Target) << "); " << Mode
               << " " << FilesChanged << " file" << (FilesChanged == 1 ? "" : "s") << "; " << Left
               << " left\n";
  if (Errors)
    return ExitError;
  return Left ? ExitLeft : ExitDone;
}

} // namespace vmaprep
