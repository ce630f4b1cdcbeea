//===- vmaprep.cpp - the command-line front door --------------------------===//
//
//   vmaprep check [-p BUILD_DIR] [FILES...] [options]
//   vmaprep check FILE... -- COMPILER_FLAGS
//
// Exit codes (docs/ci.md): 0 no findings, 1 findings, 2 usage or input error
// (a missing or malformed database, a file not in it, a TU that does not
// compile). Findings from the files that could be analysed are still printed
// when the exit code is 2.
//
//===----------------------------------------------------------------------===//
#include "CheckCommand.h"
#include "CompilationInputs.h"
#include "FixCommand.h"
#include "MergeCommand.h"
#include "Outputs.h"
#include "ReportCommand.h"
#include "SarifOutput.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
#include <optional>

using namespace vmaprep;

namespace {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitError = 2 };

const char *const Usage = R"(usage: vmaprep check [-p BUILD_DIR] [FILES...] [options]
       vmaprep check FILE... -- COMPILER_FLAGS
       vmaprep merge SHARD.json... [--format json|sarif|text]   (vmaprep merge --help)
       vmaprep report (-p BUILD_DIR | --from-json FILE...)     (vmaprep report --help)

Finds every file_operations mmap handler and says whether and how it converts
to mmap_prepare.

options:
  -p DIR            directory holding compile_commands.json (or the file itself);
                    without FILES, every translation unit in it is checked
  --api LEVEL       target kernel API level: 6.16, 6.18, 6.19, 7.0, 7.1, or auto
                    (read off the tree's headers; default: 7.1)
  --format FORMAT   text (default), json or sarif (SARIF 2.1.0 for code scanning)
  --root DIR        directory SARIF paths are relative to (default: the compile
                    database's directory, else the current directory)
  -j N              parallel jobs (default: all cores)
  --show-hooks      list subsystem mmap hooks (fb_mmap, proc_mmap, ...) in text output
  --show-reads      also show VMA reads as notes in text output
  -h, --help        this help
  --version         version

exit codes: 0 no findings, 1 findings, 2 usage or input error
)";

int usageError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n"
               << "run 'vmaprep --help' for usage\n";
  return ExitError;
}

struct ParsedArgs {
  std::string BuildPath;
  std::vector<std::string> Files;
  std::optional<std::vector<std::string>> FixedFlags; // after `--`
  std::string Format = "text";
  std::string Root; // --root: SARIF paths are relative to it
  CheckOptions Check;
  TextOptions Text;
};

/// Returns an error message, or empty on success.
std::string parseCheckArgs(int Argc, const char **Argv, ParsedArgs &Out) {
  auto Value = [&](int &I, llvm::StringRef Flag, std::string &Dest) -> std::string {
    llvm::StringRef A(Argv[I]);
    if (A.size() > Flag.size() && A.starts_with(Flag)) {
      llvm::StringRef Rest = A.drop_front(Flag.size());
      Dest = Rest.consume_front("=") ? Rest.str() : Rest.str();
      return "";
    }
    if (I + 1 >= Argc)
      return Flag.str() + " needs a value";
    Dest = Argv[++I];
    return "";
  };
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    std::string V, Err;
    if (A == "--") {
      Out.FixedFlags.emplace(Argv + I + 1, Argv + Argc);
      break;
    }
    if (A == "-p" || A.starts_with("-p=") || (A.starts_with("-p") && A.size() > 2 && A[2] != '-')) {
      Err = Value(I, "-p", Out.BuildPath);
    } else if (A.starts_with("--format")) {
      Err = Value(I, "--format", Out.Format);
      if (Err.empty() && Out.Format != "text" && Out.Format != "json" && Out.Format != "sarif")
        Err = "unknown format '" + Out.Format + "' (text, json or sarif)";
    } else if (A == "--root" || A.starts_with("--root=")) {
      Err = Value(I, "--root", Out.Root);
    } else if (A.starts_with("--api")) {
      Err = Value(I, "--api", V);
      if (Err.empty()) {
        if (V == "auto")
          Out.Check.AutoApi = true;
        else if (auto L = parseApiLevel(V))
          Out.Check.Target = *L;
        else
          Err = "unknown API level '" + V + "' (6.16, 6.18, 6.19, 7.0, 7.1, auto)";
      }
    } else if (A.starts_with("-j")) {
      Err = Value(I, "-j", V);
      if (Err.empty() && (llvm::StringRef(V).getAsInteger(10, Out.Check.Jobs) || Out.Check.Jobs == 0))
        Err = "-j needs a positive number, not '" + V + "'";
    } else if (A == "--show-hooks") {
      Out.Text.ShowSubsystemHooks = true;
    } else if (A == "--show-reads") {
      Out.Text.ShowReads = true;
    } else if (A.starts_with("-") && A != "-") {
      Err = "unknown option '" + A.str() + "'";
    } else {
      Out.Files.push_back(A.str());
    }
    if (!Err.empty())
      return Err;
  }
  if (Out.FixedFlags && Out.Files.empty())
    return "name the files to check before '--'";
  if (Out.FixedFlags && !Out.BuildPath.empty())
    return "use either -p or '--' flags, not both";
  return "";
}

int runCheckCommand(int Argc, const char **Argv) {
  ParsedArgs Args;
  if (std::string Err = parseCheckArgs(Argc, Argv, Args); !Err.empty())
    return usageError(Err);

  std::unique_ptr<clang::tooling::CompilationDatabase> Fixed;
  if (Args.FixedFlags)
    Fixed = std::make_unique<clang::tooling::FixedCompilationDatabase>(".", *Args.FixedFlags);
  CompilationInputs Inputs = loadInputs(Args.BuildPath, std::move(Fixed), Args.Files);
  if (!Inputs.Database) {
    for (const InputError &E : Inputs.Errors)
      llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
    return ExitError;
  }
  CheckResult Result = runCheck(Inputs, Args.Check);

  for (const InputError &E : Result.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
  for (const std::string &D : Result.ApiDetections)
    llvm::errs() << "vmaprep: note: --api auto: API level " << D << "\n";
  if (!Result.DroppedFlags.empty()) {
    llvm::errs() << "vmaprep: note: dropped flags clang-19 does not accept (a GCC-built tree?):";
    for (const std::string &F : Result.DroppedFlags)
      llvm::errs() << " " << F;
    llvm::errs() << "\n";
  }
  if (Args.Format == "json")
    writeJson(Result, llvm::outs());
  else if (Args.Format == "sarif")
    writeSarif(Result, {resolveSourceRoot(Args.Root, Args.BuildPath), Args.Text.ShowSubsystemHooks},
               llvm::outs());
  else
    writeText(Result, Args.Text, llvm::outs());
  llvm::outs().flush();

  if (!Result.Errors.empty())
    return ExitError;
  return hasFindings(Result) ? ExitFindings : ExitClean;
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  if (argc < 2)
    return usageError("no command given");
  llvm::StringRef Command(argv[1]);
  if (Command == "-h" || Command == "--help" || Command == "help") {
    llvm::outs() << Usage;
    return ExitClean;
  }
  if (Command == "--version") {
    llvm::outs() << "vmaprep 0.1 (LLVM " LLVM_VERSION_STRING ")\n";
    return ExitClean;
  }
  if (Command == "check") {
    for (int I = 2; I < argc; ++I)
      if (llvm::StringRef(argv[I]) == "-h" || llvm::StringRef(argv[I]) == "--help") {
        llvm::outs() << Usage;
        return ExitClean;
      }
    return runCheckCommand(argc - 2, argv + 2);
  }
  if (Command == "fix")
    return runFixCommand(argc - 2, argv + 2);
  if (Command == "merge")
    return runMergeCommand(argc - 2, argv + 2);
  if (Command == "report")
    return runReportCommand(argc - 2, argv + 2);
  return usageError("unknown command '" + Command.str() + "' (try: check, fix, merge, report)");
}
