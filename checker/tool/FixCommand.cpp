//===- FixCommand.cpp - plan, verify, then write --------------------------===//
//
// Analysis and application are separate steps (as in include-what-you-use):
//  1. every TU is analysed and each legacy handler defined in it gets a
//     MigrationPlan (all of its edits, or a refusal); a handler with external
//     linkage is joined with the registrations and uses of it in the other
//     TUs of the run, and converts across files or not at all (FixPlan.cpp);
//  2. every TU a rewrite touches is parsed again with the TU's own flags and
//     every edited file overlaid (FixVerify.cpp): it must compile, and each converted handler must analyse
//     as an mmap_prepare handler that acquires nothing (the stateless-hook
//     contract); a handler that fails is dropped and the rest re-verified;
//     then the original handler and its rewrite, each lowered to a
//     HandlerProgram from its own parse, are run side by side on the runtime
//     model (ProgramExecution.h); a rewrite that behaves differently, or that
//     the model cannot run, is dropped too (--no-validate skips this);
//  3. only then is anything written: in place (atomically per file, the
//     files of one change together, and only if they did not change
//     meanwhile), as a unified diff, as YAML for clang-apply-replacements, or
//     as one patch per change.
//
//===----------------------------------------------------------------------===//
#include "FixCommand.h"
#include "FixWork.h"
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
#include <functional>
#include <map>
#include <optional>
#include <set>

using namespace clang;

namespace vmaprep {

namespace {

enum ExitCode { ExitDone = 0, ExitLeft = 1, ExitError = 2 };

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
                        numbered patch per change: a file, or the files one
                        handler defined in one and named in others spans) for
                        git am, change nothing;
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
/// many. A registration under NOLINT of a handler defined elsewhere stays
/// for the join, refused: the definition may not change under it.
unsigned dropNolint(std::vector<FileWork> &Work) {
  NolintIndex Nolint;
  unsigned Dropped = 0;
  for (FileWork &W : Work) {
    size_t Before = W.Handlers.size();
    llvm::erase_if(W.Handlers, [&](HandlerOutcome &H) {
      if (!Nolint.suppresses(H.Where, "vmaprep-legacy-mmap"))
        return false;
      if (!H.Registration)
        return true;
      H.Suppressed = true;
      H.Registration->Applicable = false;
      H.Registration->Refusal = "its registration in " + H.Where.str() + " is marked NOLINT(vmaprep-legacy-mmap)";
      H.Registration->RefusalSite = H.Where;
      return false;
    });
    Dropped += Before - W.Handlers.size();
    for (const HandlerOutcome &H : W.Handlers)
      Dropped += H.Suppressed;
  }
  return Dropped;
}

/// Diagnostics go to stderr, as a compiler's do: stdout carries only the
/// diff of --dry-run.
void diag(const SourceSite &At, llvm::StringRef Level, const std::string &Msg) {
  writeDiagnostic(llvm::errs(), At.str(), Level, Msg, "vmaprep-legacy-mmap");
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
  std::string WriteRoot;
  // fix writes only inside the tree: --root, else that root widened to the
  // git work tree around it (a database in a build directory). A database
  // entry that names a file elsewhere ("../outside/victim.c", or a link to
  // it) is refused, whatever mode writes.
  {
    WriteRoot = resolvedPath(Opt.Root.empty() ? gitTopLevel(Root).value_or(Root) : Root);
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
  planVariants(In, Opt, Work);
  std::vector<std::string> Unanalysed;
  if (!In.DatabasePath.empty()) {
    std::set<std::string> Run(In.Files.begin(), In.Files.end());
    for (const std::string &F : In.Database->getAllFiles())
      if (!Run.count(absoluteFilePath(F)))
        Unanalysed.push_back(absoluteFilePath(F));
  }
  joinAcrossFiles(Work, Unanalysed);
  // A header the plan edits is written too: it must lie inside the tree.
  for (FileWork &W : Work)
    for (HandlerOutcome &H : W.Handlers)
      for (const FileEdits &F : H.Plan.OtherFiles)
        if (H.Plan.Applicable && relativeToRoot(resolvedPath(F.File), WriteRoot).empty()) {
          H.Plan.Applicable = false;
          H.Plan.Refusal = "its prototype in " + F.File + " is outside the tree root " + WriteRoot +
                           " (--root sets it); not rewritten";
          H.Plan.Kind = RefusalKind::Edit;
        }
  bool Errors = !In.Errors.empty();
  for (size_t I = 0; I < Status.size(); ++I)
    if (!Status[I].Analysed) {
      llvm::errs() << "vmaprep: error: " << In.Files[I] << ": " << notAnalysedReason(Status[I]) << "\n";
      Errors = true;
    }
  verifyAll(In, Opt, Work);
  // Only what was verified is written.
  for (FileWork &W : Work)
    for (HandlerOutcome &H : W.Handlers)
      if (!H.Verified && H.Plan.Applicable && H.VerifyError.empty())
        H.VerifyError = "not verified";
  EditedFiles Edited = combine(Work, Opt.Format);

  if (Opt.Inputs.AutoApi) {
    std::set<std::string> Seen;
    // Only TUs with a handler decide: a host program (scripts/, tools/)
    // sees no kernel headers and says nothing about the tree.
    for (const FileWork &W : Work)
      if (!W.Path.empty() && !W.Handlers.empty() && Seen.insert(W.Detection).second)
        llvm::errs() << "vmaprep: note: --api auto: " << W.Detection << " (API level " << apiLevelName(W.Target)
                     << ")\n";
  }
  unsigned Converted = 0, Left = 0, Dropped = 0;
  std::vector<LeftHandler> LeftOver;
  for (FileWork &W : Work)
    for (const HandlerOutcome &H : W.Handlers) {
      if (H.Verified) {
        ++Converted;
        diag(H.Where, "remark",
             "converted '" + H.Plan.Function + "' to '" + H.Plan.NewFunction + "'" +
                 (H.Validation.empty() ? "" : " (" + H.Validation + ")"));
        for (const std::string &D : H.Plan.Differences)
          diag(H.Where, "note", "the rewrite differs on purpose: " + D);
        if (H.Variant)
          diag(H.Where, "note",
               "also converted and re-parsed " + describeVariant(*H.Variant) + ", the configuration that compiles " +
                   H.Variant->Condition + " (not validated on the model there)");
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
  for (const std::string &Path : Edited.Order)
    if (const EditedFile &E = Edited.Files[Path]; !E.FormatNote.empty() && !E.Edits.empty())
      llvm::errs() << "vmaprep: note: " << Path << ": " << E.FormatNote << "\n";
  std::vector<ConvertedFile> Series = convertedFiles(Work, Edited, Root);
  std::string Diffs;
  unsigned FilesChanged = 0, NotWritten = 0;
  for (const ConvertedFile &F : Series) {
    FilesChanged += 1 + F.Also.size();
    if (!Opt.DryRun)
      continue;
    Diffs += unifiedDiff(F.Rel, F.Original, F.Edits);
    for (const FileChange &C : F.Also)
      Diffs += unifiedDiff(C.Rel, C.Original, C.Edits);
  }
  if (!Opt.DryRun && Opt.PatchesDir.empty() && Opt.ExportFixes.empty())
    writeInPlace(Work, Edited, NotWritten, Errors);
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
