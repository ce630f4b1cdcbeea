//===- vmaprep.cpp - the command-line front door --------------------------===//
//
//   vmaprep check [-p BUILD_DIR] [FILES...] [options]
//   vmaprep check FILE... -- COMPILER_FLAGS
//
// Exit codes (docs/ci.md): 0 no findings at or above the --fail-on threshold,
// 1 findings, 2 usage or input error (a missing or malformed database, config
// or baseline, a file not in it, a TU that does not compile, --since outside
// git). Findings from the files that could be analysed are still printed when
// the exit code is 2.
//
//===----------------------------------------------------------------------===//
#include "CandidatesCommand.h"
#include "FixCommand.h"
#include "MergeCommand.h"
#include "ReportCommand.h"
#include "ValidateCommand.h"
#include "driver/CheckRun.h"
#include "driver/CommandLine.h"
#include "driver/CompilationInputs.h"
#include "driver/Config.h"
#include "driver/CrashIsolation.h"
#include "driver/KbuildDependencies.h"
#include "driver/Progress.h"
#include "findings/FindingFilters.h"
#include "findings/Outputs.h"
#include "findings/SarifOutput.h"
#include "findings/Version.h"
#include "vmaprep/ApiLevel.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <csignal>
#include <cstdlib>
#include <optional>

using namespace vmaprep;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitError = 2 };

const char *const Usage = R"(usage: vmaprep check [-p BUILD_DIR] [FILES...] [options]
       vmaprep check FILE... -- COMPILER_FLAGS
       vmaprep fix ...                                         (vmaprep fix --help)
       vmaprep validate ORIGINAL.c REWRITTEN.c [-- FLAGS]      (vmaprep validate --help)
       vmaprep merge SHARD.json... [--format json|sarif|text]   (vmaprep merge --help)
       vmaprep report (-p BUILD_DIR | --from-json FILE...)     (vmaprep report --help)
       vmaprep candidates PATH...   the .c files check would parse (vmaprep candidates --help)

Finds every file_operations mmap handler and says whether and how it converts
to mmap_prepare.

options:
  -p DIR            directory holding compile_commands.json (or the file itself);
                    without FILES, every translation unit in it is checked; a
                    directory or a glob ('drivers/xen', 'drivers/*/p*.c') names
                    every translation unit of the database below or matching it
  --api LEVEL       target kernel API level: @LEVELS@, or auto
                    (read off the tree's headers; default: @NEWEST@)
  --format FORMAT   text (default), json, sarif (SARIF 2.1.0 for code scanning)
                    or codequality (GitLab Code Quality for merge requests)
  --root DIR        directory paths in SARIF, baselines and progress are relative
                    to (default: the compile database's directory, or the
                    sources its `source` link names (make O=), else the
                    current directory)
  -j N              parallel jobs (default: all cores)
  --show-hooks      list subsystem mmap hooks (fb_mmap, proc_mmap, ...) in text output
  --show-reads      also show VMA reads as notes in text output

CI options (docs/ci.md):
  --fail-on LEVEL   exit 1 only for findings at or above LEVEL: error,
                    convertible, needs-api, blocked, any (default: any)
  --baseline FILE   findings recorded in FILE are not reported and do not fail
  --update-baseline write every current finding to the baseline file, exit 0
  --since REV       only findings on lines changed since git revision REV
  --shard K/N       check only the K-th of N slices of the translation units
                    (combine the JSON of all N with vmaprep merge)
  --no-prefilter    parse every translation unit, even those whose text cannot
                    hold an mmap handler
  --progress        progress lines on stderr when it is not a terminal
  --no-progress     no progress bar on a terminal
  --config FILE     read defaults from FILE instead of the nearest .vmaprep.yaml
  --no-config       ignore .vmaprep.yaml files
  -h, --help        this help
  --version         version

Findings on a line with // NOLINT(vmaprep-legacy-mmap) (or NOLINTNEXTLINE on the
line before, or inside NOLINTBEGIN/NOLINTEND) are not reported.

exit codes: 0 no findings at or above the threshold, 1 findings, 2 usage or
input error
)";

/// Usage with the API levels filled in from the one table (ApiLevels.def).
std::string usageText() {
  std::string Text = Usage;
  auto Fill = [&](llvm::StringRef Placeholder, llvm::StringRef Value) {
    size_t At = Text.find(Placeholder.str());
    Text.replace(At, Placeholder.size(), Value.str());
  };
  Fill("@LEVELS@", vmaprep::apiLevelList());
  Fill("@NEWEST@", vmaprep::apiLevelName(vmaprep::NewestApiLevel));
  return Text;
}

int usageError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n"
               << "run 'vmaprep --help' for usage\n";
  return ExitError;
}

int toolError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n";
  return ExitError;
}

struct CheckArgs {
  InputOptions Inputs;
  std::string Format = "text";
  std::string Root; // --root
  TextOptions Text;
  std::optional<FailLevel> FailOn;
  std::string BaselinePath, Since, ConfigPath;
  bool UpdateBaseline = false, NoPrefilter = false, Progress = false, NoProgress = false, NoConfig = false;
  unsigned ShardIndex = 0, ShardCount = 0;
};

const llvm::StringRef CheckOptionNames[] = {"--format",  "--root",         "--show-hooks",      "--show-reads",
                                            "--fail-on", "--baseline",     "--update-baseline", "--since",
                                            "--shard",   "--no-prefilter", "--progress",        "--no-progress",
                                            "--config",  "--no-config",    "--version"};

/// check's own options, handed to the shared parser (CommandLine.h).
bool parseOwnOption(int Argc, const char **Argv, int &I, std::string &Err, CheckArgs &Out) {
  llvm::StringRef A(Argv[I]);
  std::string V;
  auto Value = [&](llvm::StringRef Flag) {
    Err = optionValue(Argc, Argv, I, Flag, V);
    return Err.empty();
  };
  if (isOption(A, "--format")) {
    if (Value("--format")) {
      Out.Format = V;
      if (V != "text" && V != "json" && V != "sarif" && V != "codequality")
        Err = "unknown format '" + V + "' (text, json, sarif or codequality)";
    }
  } else if (isOption(A, "--root")) {
    if (Value("--root"))
      Out.Root = V;
  } else if (A == "--show-hooks") {
    Out.Text.ShowSubsystemHooks = true;
  } else if (A == "--show-reads") {
    Out.Text.ShowReads = true;
  } else if (isOption(A, "--fail-on")) {
    if (Value("--fail-on")) {
      Out.FailOn = parseFailLevel(V);
      if (!Out.FailOn)
        Err = "unknown --fail-on level '" + V + "' (" + FailLevelNames + ")";
    }
  } else if (isOption(A, "--baseline")) {
    if (Value("--baseline") && V.empty())
      Err = "--baseline needs a file";
    Out.BaselinePath = V;
  } else if (A == "--update-baseline") {
    Out.UpdateBaseline = true;
  } else if (isOption(A, "--since")) {
    if (Value("--since") && V.empty())
      Err = "--since needs a git revision";
    Out.Since = V;
  } else if (isOption(A, "--shard")) {
    if (Value("--shard")) {
      auto [K, N] = llvm::StringRef(V).split('/');
      if (K.getAsInteger(10, Out.ShardIndex) || N.getAsInteger(10, Out.ShardCount) || Out.ShardCount == 0 ||
          Out.ShardIndex == 0 || Out.ShardIndex > Out.ShardCount)
        Err = "--shard needs K/N with 1 <= K <= N, not '" + V + "'";
    }
  } else if (A == "--no-prefilter") {
    Out.NoPrefilter = true;
  } else if (A == "--progress") {
    Out.Progress = true;
  } else if (A == "--no-progress") {
    Out.NoProgress = true;
  } else if (isOption(A, "--config")) {
    if (Value("--config"))
      Out.ConfigPath = V;
  } else if (A == "--no-config") {
    Out.NoConfig = true;
  } else {
    return false;
  }
  return true;
}

int runCheckCommand(int Argc, const char **Argv) {
  CheckArgs Args;
  std::string Err = parseInputOptions(
      Argc, Argv, Args.Inputs,
      [&](int C, const char **V, int &I, std::string &E) { return parseOwnOption(C, V, I, E, Args); },
      CheckOptionNames);
  if (!Err.empty())
    return usageError(Err);
  if (Args.NoConfig && !Args.ConfigPath.empty())
    return usageError("use either --config or --no-config, not both");

  // Defaults from the tree's config file; the command line wins.
  Config Cfg;
  if (std::string E = loadTreeConfig(Args.Inputs, Args.ConfigPath, Args.NoConfig, Cfg); !E.empty())
    return toolError(E);
  if (!Args.FailOn)
    Args.FailOn = Cfg.FailOn ? parseFailLevel(*Cfg.FailOn) : std::optional<FailLevel>(FailLevel::Any);
  if (Args.BaselinePath.empty() && Cfg.Baseline)
    Args.BaselinePath = *Cfg.Baseline;

  if (Args.UpdateBaseline && Args.BaselinePath.empty())
    return usageError("--update-baseline needs --baseline FILE (or baseline: in .vmaprep.yaml)");
  if (Args.UpdateBaseline && (!Args.Since.empty() || Args.ShardCount))
    return usageError("--update-baseline records the whole tree; not with --since or --shard");

  std::string Root = resolveSourceRoot(Args.Root, Args.Inputs.BuildPath);

  // What can fail cheaply fails before the analysis: the baseline and git.
  Baseline Known;
  if (!Args.BaselinePath.empty() && !Args.UpdateBaseline)
    if (std::string E = readBaseline(Args.BaselinePath, Known); !E.empty())
      return toolError(E);
  ChangedLines Changed;
  if (!Args.Since.empty())
    if (std::string E = changedLinesSince(Root, Args.Since, Changed); !E.empty())
      return toolError(E);

  CompilationInputs Inputs = loadInputs(Args.Inputs);
  if (!Inputs.Database) {
    for (const InputError &E : Inputs.Errors)
      llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
    return ExitError;
  }
  CheckOptions Options;
  Options.Target = Args.Inputs.Target;
  Options.AutoApi = Args.Inputs.AutoApi;
  Options.Jobs = Args.Inputs.Jobs;
  Options.Prefilter = !Args.NoPrefilter;
  Options.Exclude = Cfg.Exclude;
  Options.ExcludeBase = Cfg.Dir;
  Options.ShardIndex = Args.ShardIndex;
  Options.ShardCount = Args.ShardCount;
  if (!Args.Since.empty())
    Options.MayHaveFindings = [&](const std::string &File) {
      for (const clang::tooling::CompileCommand &C : Inputs.Database->getCompileCommands(File))
        if (sinceMayAffect(Changed, C))
          return true;
      return false;
    };
  ProgressReporter Progress(ProgressReporter::choose(Args.Progress, Args.NoProgress), Root);
  if (Progress.enabled())
    Options.OnProgress = [&](size_t Done, size_t Total, const std::string &File) {
      Progress.update(Done, Total, File);
    };
  CheckResult Result = runCheck(Inputs, Options);
  Progress.finish();

  Result.Suppressed = applyNolint(Result);
  if (Args.UpdateBaseline) {
    unsigned Written = 0;
    if (std::string E = writeBaseline(Args.BaselinePath, Result, Root, Written); !E.empty())
      return toolError(E);
    llvm::errs() << "vmaprep: note: wrote " << Written << " finding" << (Written == 1 ? "" : "s") << " to baseline "
                 << Args.BaselinePath << "\n";
  } else if (!Args.BaselinePath.empty()) {
    Result.Baselined = applyBaseline(Result, Known, Root);
  }
  if (!Args.Since.empty())
    Result.OutsideChangedLines = applySince(Result, Changed);

  for (const InputError &E : Result.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
  for (const std::string &D : Result.ApiDetections) {
    llvm::errs() << "vmaprep: note: --api auto: API level " << D;
    auto It = Result.ApiDeciders.find(D);
    if (It != Result.ApiDeciders.end()) {
      auto [Count, First] = It->second;
      std::string Rel = relativeToRoot(First, Root);
      if (Count)
        llvm::errs() << " (from " << Count << " translation unit" << (Count == 1 ? "" : "s")
                     << " with an mmap handler, first " << Rel << ")";
      else
        llvm::errs() << " (no translation unit has an mmap handler; from " << Rel << ")";
    }
    llvm::errs() << "\n";
  }
  if (!Result.DroppedFlags.empty()) {
    llvm::errs() << "vmaprep: note: dropped flags clang-19 does not accept (a GCC-built tree?):";
    for (const std::string &F : Result.DroppedFlags)
      llvm::errs() << " " << F;
    llvm::errs() << "\n";
  }
  if (Args.Format == "json")
    writeJson(Result, llvm::outs());
  else if (Args.Format == "sarif")
    writeSarif(Result, {Root, Args.Text.ShowSubsystemHooks}, llvm::outs());
  else if (Args.Format == "codequality")
    writeCodeQuality(Result, {Root, false}, llvm::outs());
  else
    writeText(Result, Args.Text, llvm::outs());
  llvm::outs().flush();

  // Set when the options were read: --fail-on, else the config's, else any.
  const FailLevel FailOn = Args.FailOn.value_or(FailLevel::Any);
  unsigned Failing = countFindings(Result, FailOn);
  if (FailOn != FailLevel::Any) {
    unsigned All = countFindings(Result, FailLevel::Any);
    llvm::errs() << "vmaprep: note: --fail-on " << failLevelName(FailOn) << ": " << Failing << " of " << All
                 << " finding" << (All == 1 ? "" : "s") << " at or above the threshold\n";
  }
  if (!Result.Errors.empty())
    return ExitError;
  if (Args.UpdateBaseline)
    return ExitClean;
  return Failing ? ExitFindings : ExitClean;
}

} // namespace

static int runCommand(int argc, const char **argv) {
  if (argc < 2)
    return usageError("no command given");
  llvm::StringRef Command(argv[1]);
  if (Command == "-h" || Command == "--help" || Command == "help") {
    llvm::outs() << usageText();
    return ExitClean;
  }
  if (Command == "--version") {
    llvm::outs() << "vmaprep " << VmaprepVersion << " (LLVM " LLVM_VERSION_STRING ")\n";
    return ExitClean;
  }
  if (Command == "check") {
    for (int I = 2; I < argc; ++I)
      if (llvm::StringRef(argv[I]) == "-h" || llvm::StringRef(argv[I]) == "--help") {
        llvm::outs() << usageText();
        return ExitClean;
      }
    return runCheckCommand(argc - 2, argv + 2);
  }
  if (Command == "validate")
    return runValidateCommand(argc - 2, argv + 2);
  if (Command == "fix")
    return runFixCommand(argc - 2, argv + 2);
  if (Command == "merge")
    return runMergeCommand(argc - 2, argv + 2);
  if (Command == "report")
    return runReportCommand(argc - 2, argv + 2);
  if (Command == "candidates")
    return runCandidatesCommand(argc - 2, argv + 2);
  const llvm::StringRef Commands[] = {"check", "fix", "validate", "merge", "report", "candidates"};
  std::string Err = "unknown command '" + Command.str() + "' (try: check, fix, validate, merge, report, candidates)";
  if (std::string Near = closestName(Command, Commands); !Near.empty())
    Err += "; did you mean '" + Near + "'?";
  else if (Command.starts_with("-"))
    Err = unknownOption(Command, {"--help", "--version"}) + "; the command comes first (vmaprep check ...)";
  return usageError(Err);
}

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  // InitLLVM turns SIGXFSZ into a crash with a stack dump. A file size limit
  // is one more way for a write to fail: ignored, the write returns EFBIG and
  // the safe writer reports that file and leaves it unchanged.
  std::signal(SIGXFSZ, SIG_IGN);
  int Rc = runCommand(argc, argv);
  // Standard output on a full disk: the document is incomplete, an input
  // error (exit 2) said in words, not LLVM's fatal error when the stream is
  // destroyed (exit 1, which reads as "findings").
  llvm::outs().flush();
  if (std::error_code EC = llvm::outs().error()) {
    llvm::outs().clear_error();
    llvm::errs() << "vmaprep: error: cannot write to standard output: " << EC.message() << "\n";
    Rc = 2;
  }
  if (vmaprep::crashesRecovered()) {
    // A crashed unit of work left objects registered in LLVM's globals that
    // point into its dead thread's stack: the process's static destructors
    // must not run.
    llvm::outs().flush();
    llvm::errs().flush();
    std::_Exit(Rc);
  }
  return Rc;
}
