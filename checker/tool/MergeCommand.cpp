//===- MergeCommand.cpp - `vmaprep merge` ---------------------------------===//
#include "MergeCommand.h"

#include "findings/FindingFilters.h"
#include "findings/JsonInput.h"
#include "findings/Outputs.h"
#include "findings/SarifOutput.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace vmaprep {

const char *const MergeUsage = R"(usage: vmaprep merge SHARD.json... [options]

Combines the JSON outputs of several `vmaprep check --format json` runs (for
example one per `--shard K/N`) into one result: handlers seen by several shards
are reported once, their ops tables merged; errors are kept; counts are summed.

options:
  --format FORMAT   json (default), sarif, codequality (GitLab) or text
  --root DIR        directory SARIF and Code Quality paths are relative to
                    (default: current directory)
  --show-hooks      list subsystem mmap hooks in text and SARIF output
  --fail-on LEVEL   exit 1 only for findings at or above LEVEL: error,
                    convertible, needs-api, blocked, any (default: any)
  -h, --help        this help

exit codes: 0 no findings at or above the threshold, 1 findings, 2 usage or input error (an unreadable or
malformed input, inputs checked at different API levels, or an input that
recorded errors)
)";

static int mergeError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n";
  return 2;
}

int runMergeCommand(int Argc, const char **Argv) {
  std::vector<std::string> Files;
  std::string Format = "json", Root;
  bool ShowHooks = false;
  FailLevel FailOn = FailLevel::Any;
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    auto Value = [&](llvm::StringRef Flag, std::string &Dest) -> bool {
      if (A.consume_front(Flag) && A.consume_front("=")) {
        Dest = A.str();
        return true;
      }
      if (I + 1 >= Argc)
        return false;
      Dest = Argv[++I];
      return true;
    };
    if (A == "-h" || A == "--help") {
      llvm::outs() << MergeUsage;
      return 0;
    }
    if (A == "--format" || A.starts_with("--format=")) {
      if (!Value("--format", Format))
        return mergeError("--format needs a value");
      if (Format != "json" && Format != "sarif" && Format != "codequality" && Format != "text")
        return mergeError("unknown format '" + Format + "' (json, sarif, codequality or text)");
    } else if (A == "--root" || A.starts_with("--root=")) {
      if (!Value("--root", Root))
        return mergeError("--root needs a value");
    } else if (A == "--fail-on" || A.starts_with("--fail-on=")) {
      std::string V;
      if (!Value("--fail-on", V))
        return mergeError("--fail-on needs a value");
      auto L = parseFailLevel(V);
      if (!L)
        return mergeError("unknown --fail-on level '" + V + "' (" + FailLevelNames + ")");
      FailOn = *L;
    } else if (A == "--show-hooks") {
      ShowHooks = true;
    } else if (A.starts_with("-") && A != "-") {
      return mergeError("unknown option '" + A.str() + "' (run 'vmaprep merge --help')");
    } else {
      Files.push_back(A.str());
    }
  }
  if (Files.empty())
    return mergeError("name the JSON files to merge (run 'vmaprep merge --help')");

  std::vector<CheckResult> Parts(Files.size());
  bool Bad = false;
  for (size_t I = 0; I < Files.size(); ++I)
    if (std::string Err = readCheckJsonFile(Files[I], Parts[I]); !Err.empty()) {
      llvm::errs() << "vmaprep: error: " << Err << "\n";
      Bad = true;
    }
  if (Bad)
    return 2;
  CheckResult Merged;
  if (std::string Err = mergeResults(std::move(Parts), Merged); !Err.empty())
    return mergeError(Err);

  for (const InputError &E : Merged.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
  if (Format == "json") {
    writeJson(Merged, llvm::outs());
  } else if (Format == "sarif" || Format == "codequality") {
    SarifOptions Options;
    Options.Root = resolveSourceRoot(Root, "");
    Options.ShowSubsystemHooks = ShowHooks;
    if (Format == "sarif")
      writeSarif(Merged, Options, llvm::outs());
    else
      writeCodeQuality(Merged, Options, llvm::outs());
  } else {
    TextOptions Options;
    Options.ShowSubsystemHooks = ShowHooks;
    writeText(Merged, Options, llvm::outs());
  }
  llvm::outs().flush();
  if (!Merged.Errors.empty())
    return 2;
  return countFindings(Merged, FailOn) ? 1 : 0;
}

} // namespace vmaprep
