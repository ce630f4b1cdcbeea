//===- ReportCommand.cpp - `vmaprep report` -------------------------------===//
//
// The command: options, the check run or the JSON it reads back, and the
// output file. The model is ReportModel.cpp; the renderers ReportMarkdown.cpp
// and ReportHtml.cpp.
//
//===----------------------------------------------------------------------===//
#include "ReportCommand.h"

#include "PatchSeries.h"
#include "driver/CheckRun.h"
#include "findings/JsonInput.h"
#include "findings/Paths.h"
#include "findings/SafeFileWriter.h"
#include "vmaprep/Classifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include <array>
#include <map>
#include <set>

namespace vmaprep {

const char *const ReportUsage = R"(usage: vmaprep report -p BUILD_DIR [FILES...] [--api LEVEL] [-j N] [options]
       vmaprep report --from-json CHECK.json... [options]

Where a tree stands in the mmap_prepare migration: per subsystem and overall,
how many handlers already use mmap_prepare, are auto-convertible, convertible
with vm_ops->mapped, waiting for an API level, or blocked (by reason), with a
link to every handler.

options:
  -p DIR             run the check over this compile database
  --from-json FILE   read `vmaprep check --format json` output (one or more
                     files, e.g. shards; merged like `vmaprep merge`)
  --api LEVEL, -j N  as for `vmaprep check` (with -p)
  --depth N          directories that name a subsystem (default 2: drivers/char, fs/ext4)
  --format FORMAT    markdown (default) or html
  -o FILE            write to FILE (atomically) instead of standard output
  --root DIR         paths are shown relative to DIR (default: the compile
                     database's directory; with --from-json the current
                     directory, or the deepest directory holding every handler)
  --link-base URL    prefix of handler links, e.g. https://elixir.bootlin.com/linux/v6.12/source/
                     (default: paths relative to the root)
  --title TEXT       the report's title
  -h, --help         this help

exit codes: 0 report written (translation units that could not be analysed are
listed in it and on stderr), 2 usage or input error, or nothing could be analysed
(an empty compile database, no file that compiles)
)";

// ---- the command ------------------------------------------------------------

namespace {

int reportError(const std::string &Message) {
  llvm::errs() << "vmaprep: error: " << Message << "\n"
               << "run 'vmaprep report --help' for usage\n";
  return 2;
}

/// The deepest directory that holds every handler's file.
std::string commonDirectory(const CheckResult &R) {
  std::string Common;
  bool First = true;
  for (const HandlerReport &H : R.Handlers) {
    llvm::StringRef Dir = llvm::sys::path::parent_path(H.Where.File);
    if (First) {
      Common = Dir.str();
      First = false;
      continue;
    }
    while (!Common.empty() && Common != "/" && relativeToRoot(Dir.str() + "/x", Common).empty())
      Common = llvm::sys::path::parent_path(Common).str();
  }
  return Common;
}

} // namespace

int runReportCommand(int Argc, const char **Argv) {
  std::string BuildPath, Format = "markdown", OutFile, Root, V;
  std::vector<std::string> Files, JsonFiles;
  bool FromJson = false;
  CheckOptions Check;
  ReportOptions Options;
  for (int I = 0; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    auto Value = [&](llvm::StringRef Flag, std::string &Dest) -> bool {
      llvm::StringRef Rest = A;
      if (Rest.consume_front(Flag) && !Rest.empty()) {
        Rest.consume_front("=");
        Dest = Rest.str();
        return true;
      }
      if (I + 1 >= Argc)
        return false;
      Dest = Argv[++I];
      return true;
    };
    auto Is = [&](llvm::StringRef Flag) {
      return A == Flag || (A.starts_with(Flag) && A.drop_front(Flag.size()).starts_with("="));
    };
    if (A == "-h" || A == "--help") {
      llvm::outs() << ReportUsage;
      return 0;
    }
    if (A == "-p" || (A.starts_with("-p") && !A.starts_with("--"))) {
      if (!Value("-p", BuildPath))
        return reportError("-p needs a value");
    } else if (A == "-o" || (A.starts_with("-o") && !A.starts_with("--"))) {
      if (!Value("-o", OutFile))
        return reportError("-o needs a value");
    } else if (A == "-j" || (A.starts_with("-j") && !A.starts_with("--"))) {
      if (!Value("-j", V) || llvm::StringRef(V).getAsInteger(10, Check.Jobs) || Check.Jobs == 0)
        return reportError("-j needs a positive number");
    } else if (Is("--from-json")) {
      FromJson = true;
      if (A != "--from-json") {
        Value("--from-json", V);
        JsonFiles.push_back(V);
      }
    } else if (Is("--format")) {
      if (!Value("--format", Format))
        return reportError("--format needs a value");
      if (Format == "md")
        Format = "markdown";
      if (Format != "markdown" && Format != "html")
        return reportError("unknown format '" + Format + "' (markdown or html)");
    } else if (Is("--depth")) {
      if (!Value("--depth", V) || llvm::StringRef(V).getAsInteger(10, Options.Depth) || Options.Depth == 0)
        return reportError("--depth needs a positive number");
    } else if (Is("--api")) {
      if (!Value("--api", V))
        return reportError("--api needs a value");
      if (auto L = parseApiLevel(V))
        Check.Target = *L;
      else
        return reportError("unknown API level '" + V + "' (" + apiLevelList() + ")");
    } else if (Is("--root")) {
      if (!Value("--root", Root))
        return reportError("--root needs a value");
    } else if (Is("--link-base")) {
      if (!Value("--link-base", Options.LinkBase))
        return reportError("--link-base needs a value");
    } else if (Is("--title")) {
      if (!Value("--title", Options.Title))
        return reportError("--title needs a value");
    } else if (A.starts_with("-") && A != "-") {
      return reportError("unknown option '" + A.str() + "'");
    } else {
      (FromJson ? JsonFiles : Files).push_back(A.str());
    }
  }
  if (FromJson == !BuildPath.empty())
    return reportError("give either -p BUILD_DIR or --from-json FILE...");
  if (FromJson && JsonFiles.empty())
    return reportError("--from-json needs at least one file");

  CheckResult Result;
  bool NothingAnalysed = false;
  if (FromJson) {
    std::vector<CheckResult> Parts(JsonFiles.size());
    bool Bad = false;
    for (size_t I = 0; I < JsonFiles.size(); ++I)
      if (std::string Err = readCheckJsonFile(JsonFiles[I], Parts[I]); !Err.empty()) {
        llvm::errs() << "vmaprep: error: " << Err << "\n";
        Bad = true;
      }
    if (Bad)
      return 2;
    if (std::string Err = mergeResults(std::move(Parts), Result); !Err.empty()) {
      llvm::errs() << "vmaprep: error: " << Err << "\n";
      return 2;
    }
    if (!Root.empty()) {
      Options.Root = resolveSourceRoot(Root, "");
    } else {
      std::string Cwd = resolveSourceRoot("", "");
      bool AllUnder = true;
      for (const HandlerReport &H : Result.Handlers)
        AllUnder &= !relativeToRoot(H.Where.File, Cwd).empty();
      std::string Common = commonDirectory(Result);
      Options.Root = AllUnder || Common.empty() ? Cwd : Common;
    }
  } else {
    CompilationInputs Inputs = loadInputs(BuildPath, nullptr, Files);
    if (!Inputs.Database) {
      for (const InputError &E : Inputs.Errors)
        llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";
      return 2;
    }
    Result = runCheck(Inputs, Check);
    Options.Root = resolveSourceRoot(Root, BuildPath);
    // A report of nothing (an empty database, an unbuilt tree, no file that
    // compiles) must not pass a CI step; files that could not be analysed
    // beside others that could are listed in the report and exit 0.
    NothingAnalysed = Result.FilesAnalysed == 0 && !Result.Errors.empty();
  }
  for (const InputError &E : Result.Errors)
    llvm::errs() << "vmaprep: error: " << E.File << ": " << E.Message << "\n";

  auto Write = [&](llvm::raw_ostream &OS) {
    if (Format == "html")
      writeHtmlReport(Result, Options, OS);
    else
      writeMarkdownReport(Result, Options, OS);
  };
  int Rc = NothingAnalysed ? 2 : 0;
  if (OutFile.empty() || OutFile == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    return Rc;
  }
  std::string Page;
  llvm::raw_string_ostream PageOS(Page);
  Write(PageOS);
  PageOS.flush();
  if (std::string Err = writeFileSafely(OutFile, Page); !Err.empty()) {
    llvm::errs() << "vmaprep: error: " << Err << "\n";
    return 2;
  }
  return Rc;
}

} // namespace vmaprep
